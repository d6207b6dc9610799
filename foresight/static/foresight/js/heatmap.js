// Heatmap tables work without JavaScript; this only highlights the row and column under the pointer or focus.
(function () {
  "use strict";
  document.querySelectorAll("table[data-heatmap]").forEach(function (table) {
    function clear() {
      table.querySelectorAll(".heat-cross").forEach(function (cell) { cell.classList.remove("heat-cross"); });
    }
    function mark(cell) {
      clear();
      var row = cell.parentElement;
      var index = Array.prototype.indexOf.call(row.children, cell);
      if (index < 1) { return; }
      row.querySelectorAll("th, td").forEach(function (item) { item.classList.add("heat-cross"); });
      table.querySelectorAll("tr").forEach(function (line) {
        var item = line.children[index];
        if (item) { item.classList.add("heat-cross"); }
      });
    }
    table.addEventListener("mouseover", function (event) {
      var cell = event.target.closest("td.heat");
      if (cell) { mark(cell); }
    });
    table.addEventListener("mouseleave", clear);
    table.setAttribute("data-enhanced", "true");
  });
})();
