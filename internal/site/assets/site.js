// clausewatch site: progressive enhancement only. Without JavaScript every
// change is listed and every pre-rendered diff is a link.
(function () {
  "use strict";
  var sevRank = {critical: 0, high: 1, medium: 2, low: 3, info: 4};

  var filters = document.getElementById("filters");
  if (filters) {
    filters.hidden = false;
    var apply = function () {
      var f = filters.elements, shown = 0, items = document.querySelectorAll("li.change");
      var min = f.severity.value ? sevRank[f.severity.value] : 99;
      items.forEach(function (li) {
        var d = li.dataset;
        var ok = (!f.vendor.value || d.vendor === f.vendor.value) &&
          (!f.tier.value || (" " + d.tiers + " ").indexOf(" " + f.tier.value + " ") >= 0) &&
          (!f.attribute.value || d.attribute === f.attribute.value) &&
          (sevRank[d.severity] === undefined || sevRank[d.severity] <= min);
        li.hidden = !ok;
        if (ok) shown++;
      });
      f.shown.value = shown + " of " + items.length + " shown";
    };
    filters.addEventListener("change", apply);
    apply();
  }

  var picker = document.getElementById("picker");
  if (picker) {
    picker.hidden = false;
    var pairs = JSON.parse(picker.dataset.pairs || "{}");
    picker.addEventListener("submit", function (ev) {
      ev.preventDefault();
      // Options are in the order of the versions (oldest first); snapshot
      // numbers need not be, when pages were imported out of order.
      var f = picker.elements, i = f.from.selectedIndex, j = f.to.selectedIndex;
      if (i === j) { f.msg.value = "Pick two different versions."; return; }
      var older = f.from.options[Math.min(i, j)].value, newer = f.from.options[Math.max(i, j)].value;
      var key = older + "-" + newer;
      if (pairs[key]) { location.href = pairs[key]; return; }
      f.msg.value = "This pair is not written on the site: run clausewatch diff " + picker.dataset.base + " --from " + older + " --to " + newer;
    });
  }

  // Printing shows every cell's and change's evidence.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
