// A point picker bound to longitude/latitude inputs: click or drag on the map, or type the numbers.
(function () {
  "use strict";
  const element = document.getElementById("point-picker");
  const configElement = document.getElementById("point-picker-config");
  if (!element || !configElement || typeof L === "undefined") return;
  const config = JSON.parse(configElement.textContent);
  const lonInput = document.getElementById(element.dataset.longitudeInput);
  const latInput = document.getElementById(element.dataset.latitudeInput);
  const clearButton = document.getElementById("point-picker-clear");

  const map = L.map(element, { worldCopyJump: true }).setView(config.center, config.zoom);
  if (config.tiles && config.tiles.url) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 18 }).addTo(map);
  }
  if (config.countryExtent) {
    const [xmin, ymin, xmax, ymax] = config.countryExtent;
    const bounds = L.latLngBounds([ymin, xmin], [ymax, xmax]);
    L.rectangle(bounds, { color: "#0b3d6b", weight: 1, fill: false, dashArray: "4 4", interactive: false }).addTo(map);
    map.fitBounds(bounds, { maxZoom: 8 });
  }

  let marker = null;
  const round = (value) => Math.round(value * 1e6) / 1e6;

  function place(latlng, fromInputs) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
      marker.on("dragend", () => place(marker.getLatLng(), false));
    } else {
      marker.setLatLng(latlng);
    }
    if (!fromInputs) {
      lonInput.value = round(L.Util.wrapNum(latlng.lng, [-180, 180], true));
      latInput.value = round(latlng.lat);
    }
    element.dataset.hasPoint = "true";
  }

  function fromInputs() {
    const lon = parseFloat(lonInput.value);
    const lat = parseFloat(latInput.value);
    if (Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90) {
      place(L.latLng(lat, lon), true);
      return true;
    }
    return false;
  }

  map.on("click", (event) => place(event.latlng, false));
  lonInput.addEventListener("change", fromInputs);
  latInput.addEventListener("change", fromInputs);
  if (clearButton) {
    clearButton.addEventListener("click", () => {
      if (marker) { map.removeLayer(marker); marker = null; }
      lonInput.value = "";
      latInput.value = "";
      element.dataset.hasPoint = "false";
    });
  }
  if (fromInputs()) map.setView(marker.getLatLng(), Math.max(map.getZoom(), 6));
  element.dataset.ready = "true";
})();
