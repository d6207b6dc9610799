// Profile pages: a small map of the record and the chart of its yearly indicators. Data comes via json_script.
(function () {
  "use strict";

  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // --- The small map ---------------------------------------------------------------------------------
  const place = readJson("record-map-data");
  const mapElement = document.getElementById("record-map");
  if (place && mapElement && typeof L !== "undefined") {
    const map = L.map(mapElement, { scrollWheelZoom: false }).setView([place.lat, place.lng], place.zoom);
    map.createPane("boundaries").style.zIndex = 250;
    const drawBoundaries = () => {
      mapElement.classList.add("map-offline");
      const styles = {
        country: { color: "#8d96a0", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1 },
        region: { color: "#c3c8cf", weight: 0.8, fill: false },
      };
      ["country", "region"].forEach((level) => {
        fetch(place.boundaries[level], { headers: { Accept: "application/geo+json" } })
          .then((response) => (response.ok ? response.json() : null))
          .then((data) => {
            if (data) L.geoJSON(data, { pane: "boundaries", interactive: false, style: styles[level] }).addTo(map);
          })
          .catch(() => {});
      });
    };
    window.portalBaseMap(map, place.tiles, 18, drawBoundaries);
    L.marker([place.lat, place.lng], {
      title: place.name,
      alt: place.name,
      icon: L.divIcon({ className: `record-marker ${mapElement.dataset.markerClass || ""}`, iconSize: [18, 18] }),
    }).addTo(map);
  }

  // --- The chart of yearly indicators -----------------------------------------------------------------
  const chart = readJson("indicator-chart-data");
  const canvas = document.getElementById("indicator-chart");
  if (chart && canvas && typeof Chart !== "undefined") {
    const colours = ["#0b3d6b", "#1f7a8c", "#e0600f", "#6a3d9a"];
    const datasets = chart.series
      .filter((series) => series.values.some((value) => value !== null))
      .map((series, index) => ({
        label: series.label,
        data: series.values,
        borderColor: colours[index % colours.length],
        backgroundColor: colours[index % colours.length],
        yAxisID: series.key === "export_share" ? "percent" : "count",
        spanGaps: true,
        tension: 0.2,
      }));
    const usesPercent = datasets.some((dataset) => dataset.yAxisID === "percent");
    // eslint-disable-next-line no-new
    new Chart(canvas, {
      type: "line",
      data: { labels: chart.years, datasets },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          count: { type: "linear", position: "left", beginAtZero: true },
          percent: { type: "linear", position: "right", display: usesPercent, min: 0, max: 100, grid: { drawOnChartArea: false } },
        },
      },
    });
  }
})();
