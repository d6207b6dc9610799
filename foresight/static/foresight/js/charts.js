// Draws every <canvas data-chart="ID"> from the JSON in the element with that id (written by json_script).
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0b3d6b", "#d1495b", "#1f7a8c", "#edae49", "#66a182", "#8e6c8a", "#2e4057", "#c06c2b"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var payload = JSON.parse(source.textContent);
    var type = canvas.getAttribute("data-chart-type") || (payload.labels.length > 1 ? "line" : "bar");
    var datasets = payload.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label, data: dataset.data, borderColor: colour, backgroundColor: colour,
        spanGaps: true, tension: 0.2, pointRadius: 3
      };
    });
    var chart = new Chart(canvas, {
      type: type,
      data: { labels: payload.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + ctx.formattedValue + " " + payload.unit; } } }
        },
        scales: {
          x: { title: { display: true, text: payload.yearLabel } },
          y: { title: { display: true, text: payload.unit }, beginAtZero: true }
        }
      }
    });
    canvas.setAttribute("data-rendered", "true");
    canvas.chart = chart;
  });
})();
