// Gongzhi's small enhancement script: every page works without it.
// - forms with data-confirm ask before submitting (deletions, revocations);
// - the first field with an error gets the focus.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (bad) { bad.focus(); }
});
