// Draws the statistics charts from the numbers the page carries (json_script "dashboard-data").
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#1f6f8b", "#e07a1f", "#4c956c", "#9b5de5", "#c0392b", "#7f8c8d"];
  var LABEL_LENGTH = 30;

  // Long category names are shortened on the axis; the tooltip and the table keep them whole.
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    return label.length > LABEL_LENGTH ? label.slice(0, LABEL_LENGTH - 1) + "\u2026" : label;
  }

  charts.forEach(function (chart) {
    var canvas = document.querySelector('canvas[data-chart="' + chart.key + '"]');
    if (!canvas || !chart.labels.length) {
      return;
    }
    var horizontal = Boolean(chart.horizontal);
    new Chart(canvas, {
      type: chart.kind,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          var colour = palette[index % palette.length];
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: colour,
            borderColor: colour,
            tension: 0.2,
            fill: false
          };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: horizontal
          ? {
              x: { ticks: { precision: 0 }, beginAtZero: true },
              y: { ticks: { autoSkip: false, callback: shortLabel } }
            }
          : {
              x: { ticks: { callback: shortLabel } },
              y: { ticks: { precision: 0 }, beginAtZero: true }
            }
      }
    });
  });
})();
