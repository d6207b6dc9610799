// Behaviour shared by every page. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

// The base map of every Leaflet map: the configured tile layer, or the registry's own boundaries (drawBoundaries)
// where none is configured or where the first two tiles fail before any loads (a closed network).
window.portalBaseMap = function (map, tiles, maxZoom, drawBoundaries) {
  if (!tiles || !tiles.url) {
    drawBoundaries();
    return;
  }
  const layer = L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: maxZoom });
  let loaded = 0;
  let failed = 0;
  layer.on("tileload", () => {
    loaded += 1;
  });
  layer.on("tileerror", () => {
    failed += 1;
    if (loaded === 0 && failed === 2) {
      map.removeLayer(layer);
      drawBoundaries();
    }
  });
  layer.addTo(map);
};
