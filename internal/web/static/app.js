// Gongzhi's small enhancement script: every page works without it.
// - forms with data-confirm ask before submitting (deletions, revocations);
// - the first field with an error gets the focus;
// - a grouped menu opens one group at a time, and closes on a click elsewhere or Escape;
// - a long list of checkboxes (more than 12, e.g. the residents who took part in an activity)
//   gets a box that narrows it as one types, and a count of what is ticked.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (bad) { bad.focus(); }
  var en = (document.documentElement.lang || "").indexOf("en") === 0;
  Array.prototype.forEach.call(document.querySelectorAll(".checks"), function (box) {
    var labels = box.querySelectorAll("label.check");
    if (labels.length <= 12) { return; }
    var bar = document.createElement("div");
    bar.className = "checks-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = en ? "Type to narrow the list" : "输入姓名等筛选";
    input.setAttribute("aria-label", input.placeholder);
    var count = document.createElement("span");
    count.className = "checks-count";
    var recount = function () {
      var n = box.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = en ? n + " of " + labels.length + " ticked" : "已选 " + n + " / 共 " + labels.length;
    };
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(labels, function (l) {
        var on = l.querySelector("input").checked;
        l.hidden = q !== "" && !on && l.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
    // Enter in the filter box narrows the list; it must not submit the form
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    box.addEventListener("change", recount);
    bar.appendChild(input);
    bar.appendChild(count);
    box.parentNode.insertBefore(bar, box);
    box.classList.add("checks-long");
    recount();
  });
});

// the grouped menu: one group open at a time; a click outside or Escape closes it
(function () {
  var groups = function () { return document.querySelectorAll("details.nav-group"); };
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.classList || !d.classList.contains("nav-group") || !d.open) { return; }
    Array.prototype.forEach.call(groups(), function (g) { if (g !== d) { g.open = false; } });
  }, true);
  var closeAll = function () { Array.prototype.forEach.call(groups(), function (g) { g.open = false; }); };
  document.addEventListener("click", function (e) { if (!e.target.closest || !e.target.closest("details.nav-group")) { closeAll(); } });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeAll(); } });
})();
