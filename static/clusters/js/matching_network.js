// The network page: clusters placed at their locations, a line for each strong link of the matching index, its
// thickness and opacity growing with the score. Data comes from the page via json_script; the table below the map
// lists the same links for readers who do not use the map.
(function () {
  "use strict";

  const dataElement = document.getElementById("network-data");
  const mapElement = document.getElementById("network-map");
  if (!dataElement || !mapElement || typeof L === "undefined") return;

  const data = JSON.parse(dataElement.textContent);
  const text = data.text;
  const statusElement = document.getElementById("network-status");
  const LINK_COLOUR = "#c2185b";
  const NODE_COLOUR = "#0b3d6b";

  // Leaflet renders a string tooltip as HTML: names come from the registry, so they go in as text.
  function asText(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  const map = L.map(mapElement, { worldCopyJump: true, minZoom: 2 }).setView(data.center, data.zoom);
  map.createPane("boundaries").style.zIndex = 250;

  function showBoundaries() {
    mapElement.classList.add("map-offline");
    fetch(data.boundaries, { headers: { Accept: "application/geo+json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
      .then((shapes) => {
        L.geoJSON(shapes, {
          pane: "boundaries",
          interactive: false,
          style: { color: "#8d96a0", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1 },
        }).addTo(map);
      })
      .catch(() => {
        statusElement.textContent = text.error;
      });
  }

  window.portalBaseMap(map, data.tiles, 18, showBoundaries);

  const nodes = new Map(data.nodes.map((node) => [node.id, node]));
  const degree = new Map();
  data.links.forEach((link) => {
    degree.set(link.source, (degree.get(link.source) || 0) + 1);
    degree.set(link.target, (degree.get(link.target) || 0) + 1);
  });
  const located = (node) => node && node.lat !== null && node.lng !== null;
  const score = (value) => value.toFixed(2);

  // Thickness and opacity spread over the scores shown, so that the strongest links stand out in a dense network.
  const scores = data.links.map((link) => link.score);
  const lowest = Math.min(...scores);
  const range = Math.max(...scores) - lowest || 1;
  const strength = (value) => (value - lowest) / range;

  const linkLayer = L.featureGroup().addTo(map);
  // The weakest first, so that the strongest lie on top.
  data.links
    .slice()
    .reverse()
    .forEach((link) => {
      const a = nodes.get(link.source);
      const b = nodes.get(link.target);
      if (!located(a) || !located(b)) return;
      L.polyline(
        [
          [a.lat, a.lng],
          [b.lat, b.lng],
        ],
        {
          className: "network-link",
          color: LINK_COLOUR,
          weight: 1 + 5 * strength(link.score),
          opacity: 0.2 + 0.65 * strength(link.score),
        }
      )
        .bindTooltip(asText(`${a.name} — ${b.name}: ${text.score} ${score(link.score)}`), { sticky: true })
        .addTo(linkLayer);
    });

  function nodePopup(node) {
    const root = document.createElement("div");
    root.className = "map-popup";
    const title = document.createElement("a");
    title.className = "map-popup-title";
    title.href = node.url;
    title.textContent = node.name;
    const facts = document.createElement("p");
    facts.className = "mb-2";
    facts.textContent = `${node.country_name} · ${degree.get(node.id) || 0} ${text.links}`;
    const link = document.createElement("a");
    link.className = "btn btn-sm btn-primary map-popup-link";
    link.href = node.url;
    link.textContent = text.openProfile;
    root.append(title, facts, link);
    return root;
  }

  const nodeLayer = L.featureGroup().addTo(map);
  let missing = 0;
  data.nodes.forEach((node) => {
    if (!located(node)) {
      missing += 1;
      return;
    }
    L.circleMarker([node.lat, node.lng], {
      className: "network-node",
      radius: 4 + Math.min(8, 1.5 * Math.sqrt(degree.get(node.id) || 0)),
      color: "#ffffff",
      weight: 1.5,
      fillColor: NODE_COLOUR,
      fillOpacity: 0.9,
    })
      .bindTooltip(asText(`${node.name} (${node.country})`))
      .bindPopup(() => nodePopup(node))
      .addTo(nodeLayer);
  });

  const bounds = nodeLayer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 7 });
  if (missing) statusElement.textContent = text.notLocated.replace("%(count)s", missing);
  mapElement.dataset.links = String(linkLayer.getLayers().length);
  mapElement.dataset.nodes = String(nodeLayer.getLayers().length);
  mapElement.dataset.state = "ready";
})();
