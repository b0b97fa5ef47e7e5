// Gongzhi's small enhancement script: every page works without it.
// - forms with data-confirm ask before submitting (deletions, revocations);
// - the summary of a refused form gets the focus (else the first field with an error);
// - a grouped menu opens one group at a time, and closes on a click elsewhere or Escape;
// - a field that applies only to some values of a select (a person's kind) shows and hides as
//   the select changes;
// - a select with a search box (a household by its address) fills with matches as one types.
// - a long list of checkboxes (more than 12, e.g. the residents who took part in an activity)
//   gets a box that narrows it as one types, and a count of what is ticked.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  var bad = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (summary) { summary.focus(); } else if (bad) { bad.focus(); }
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    var deps = form.querySelectorAll("[data-when]");
    if (!deps.length) { return; }
    var apply = function () {
      Array.prototype.forEach.call(deps, function (d) {
        var sel = form.elements[d.getAttribute("data-when")];
        if (!sel) { return; }
        d.hidden = (" " + d.getAttribute("data-when-values") + " ").indexOf(" " + sel.value + " ") < 0;
      });
    };
    Array.prototype.forEach.call(form.querySelectorAll(".when-refresh"), function (b) { b.hidden = true; });
    form.addEventListener("change", apply);
    apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-pick-source]"), function (box) {
    var target = document.getElementById(box.getAttribute("data-pick-target"));
    if (!target || !window.fetch) { return; }
    var timer = null, asked = "";
    var ask = function () {
      var url = box.getAttribute("data-pick-source") + "?q=" + encodeURIComponent(box.value.trim());
      var scope = box.form && box.form.elements[box.getAttribute("data-pick-scope")];
      if (scope) { url += "&scope=" + encodeURIComponent(scope.value); }
      if (url === asked) { return; }
      asked = url;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (opts) {
        if (!opts || url !== asked) { return; }
        var keep = target.value;
        while (target.options.length > 1) { target.remove(1); }
        opts.forEach(function (o) {
          var op = document.createElement("option");
          op.value = o.value; op.textContent = o.label;
          if (o.value === keep) { op.selected = true; }
          target.appendChild(op);
        });
        if (opts.length === 1 && box.value.trim() !== "") { target.value = opts[0].value; }
      });
    };
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
    // Enter in the box searches; it must not submit the form
    box.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); ask(); } });
  });
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
