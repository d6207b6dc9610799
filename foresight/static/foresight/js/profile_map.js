// The region of a smart specialisation profile on a Leaflet map: its boundary, or its label point.
(function () {
  "use strict";
  var element = document.getElementById("profile-map");
  var source = document.getElementById("profile-map-data");
  if (!element || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(element, { scrollWheelZoom: false });
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  }
  if (data.boundary) {
    var layer = L.geoJSON(JSON.parse(data.boundary), { style: { color: "#0b3d6b", weight: 2, fillOpacity: 0.2 } });
    layer.addTo(map).bindTooltip(data.label);
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  } else if (data.point) {
    L.marker(data.point, { title: data.label }).addTo(map);
    map.setView(data.point, 7);
  } else {
    map.setView([45, 75], 3);
  }
  element.setAttribute("data-rendered", "true");
})();
