// The map page: clusters and technoparks from the portal's feature endpoints, with the filters and the position
// kept in the address so that a view can be shared as a link. Configuration comes from the page via json_script.
(function () {
  "use strict";

  const configElement = document.getElementById("map-config");
  const form = document.getElementById("map-filters");
  if (!configElement || !form || typeof L === "undefined") return;

  const config = JSON.parse(configElement.textContent);
  const text = config.text;
  const LAYER_KEYS = Object.keys(config.layers);
  const PAGE_PARAMS = new Set(["layers", "map", "choropleth"]);
  const CHOROPLETH_COLOURS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const FIT_MAX_ZOOM = 8;
  const statusElement = document.getElementById("map-status");
  const mapElement = document.getElementById("map");

  document.documentElement.classList.add("js");

  // Leaflet renders a string tooltip as HTML: names come from the registry, so they go in as text.
  function asText(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  // --- The map and its position ("zoom/lat/lng" in the `map` parameter) ------------------------
  function parsePosition(value) {
    const parts = (value || "").split("/").map(Number);
    if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
    const [zoom, lat, lng] = parts;
    if (Math.abs(lat) > 90 || Math.abs(lng) > 360) return null;
    return { zoom: Math.round(zoom), center: [lat, lng] };
  }

  const startPosition = parsePosition(form.elements.map.value);
  const map = L.map(mapElement, {
    minZoom: config.minZoom,
    maxZoom: config.maxZoom,
    worldCopyJump: true,
  });
  map.setView(
    startPosition ? startPosition.center : config.center,
    startPosition ? Math.min(Math.max(startPosition.zoom, config.minZoom), config.maxZoom) : config.zoom
  );
  map.createPane("boundaries").style.zIndex = 250;
  map.createPane("choropleth").style.zIndex = 350;

  function positionString() {
    const centre = map.getCenter().wrap();
    return `${map.getZoom()}/${centre.lat.toFixed(4)}/${centre.lng.toFixed(4)}`;
  }

  function viewportBbox() {
    const bounds = map.getBounds();
    const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
    let west = bounds.getWest();
    let east = bounds.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    }
    return [clamp(west, 180), clamp(bounds.getSouth(), 90), clamp(east, 180), clamp(bounds.getNorth(), 90)]
      .map((n) => n.toFixed(5))
      .join(",");
  }

  // --- Base map: tiles when a server is set and answers, otherwise the boundaries from the database -----------
  const boundaryRequests = {};
  function loadBoundaries(level) {
    if (!boundaryRequests[level]) {
      boundaryRequests[level] = fetch(config.boundaries[level], { headers: { Accept: "application/geo+json" } }).then(
        (response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText)))
      );
    }
    return boundaryRequests[level];
  }

  let boundaryBase = null;
  function showBoundaryBase() {
    if (boundaryBase) return;
    boundaryBase = L.layerGroup().addTo(map);
    map.getContainer().classList.add("map-offline");
    loadBoundaries("country")
      .then((data) => {
        L.geoJSON(data, {
          pane: "boundaries",
          interactive: false,
          style: { color: "#8d96a0", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1 },
        }).addTo(boundaryBase);
        return loadBoundaries("region");
      })
      .then((data) => {
        L.geoJSON(data, {
          pane: "boundaries",
          interactive: false,
          style: { color: "#c3c8cf", weight: 0.6, fill: false },
        }).addTo(boundaryBase);
      })
      .catch(() => setStatus(text.error));
  }

  window.portalBaseMap(map, config.tiles, config.maxZoom, showBoundaryBase);

  // --- Marker layers ----------------------------------------------------------------------------
  const groups = {};
  LAYER_KEYS.forEach((key) => {
    groups[key] = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      iconCreateFunction(group) {
        const count = group.getChildCount();
        const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        return L.divIcon({
          html: `<span>${count}</span>`,
          className: `marker-group marker-group-${key} marker-group-${size}`,
          iconSize: L.point(36, 36),
        });
      },
    });
  });

  const popupCache = {};
  function buildPopup(data) {
    const root = document.createElement("div");
    root.className = "map-popup";
    const title = document.createElement("a");
    title.className = "map-popup-title";
    title.href = data.url;
    title.textContent = data.name;
    root.appendChild(title);
    const facts = document.createElement("dl");
    const add = (value) => {
      if (value === "" || value === null || value === undefined) return;
      const item = document.createElement("dd");
      item.textContent = value;
      facts.appendChild(item);
    };
    add(data.kind);
    add([data.country].concat(data.regions || []).join(" · "));
    add(data.sector);
    add(`${data.count} ${data.count_label}`);
    root.appendChild(facts);
    const link = document.createElement("a");
    link.className = "btn btn-sm btn-primary map-popup-link";
    link.href = data.url;
    link.textContent = text.openProfile;
    root.appendChild(link);
    if (partnerText && data.layer === "clusters") {
      const partners = document.createElement("button");
      partners.type = "button";
      partners.className = "btn btn-sm btn-outline-primary ms-1 map-popup-partners";
      partners.textContent = partnerText.show;
      partners.addEventListener("click", () => showPartners(data.id, data.name));
      root.appendChild(partners);
    }
    return root;
  }

  function fillPopup(popup, key, id) {
    const cacheKey = `${key}:${id}`;
    const show = (data) => popup.setContent(buildPopup(data));
    if (popupCache[cacheKey]) {
      show(popupCache[cacheKey]);
      return;
    }
    fetch(config.layers[key].popup.replace("/0/", `/${id}/`), { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
      .then((data) => {
        popupCache[cacheKey] = data;
        show(data);
      })
      .catch(() => popup.setContent(text.error));
  }

  function markerFor(key, feature) {
    const [lng, lat] = feature.geometry.coordinates;
    const marker = L.marker([lat, lng], {
      title: feature.properties.name,
      alt: feature.properties.name,
      icon: L.divIcon({
        className: `record-marker record-marker-${key} kind-${feature.properties.kind}`,
        iconSize: [16, 16],
      }),
    });
    marker.bindPopup(text.loading, { minWidth: 220 });
    marker.on("popupopen", (event) => fillPopup(event.popup, key, feature.id));
    return marker;
  }

  // --- Lines from a selected cluster to its suggested partners ----------------------------------------
  // Thickness and opacity grow with the match score; the browser revalidates the lines with their ETag.
  const partnerConfig = document.getElementById("map-partners-config");
  const partnerText = partnerConfig ? partnerConfig.dataset : null;
  const partnerLines = L.featureGroup();
  const PARTNER_COLOUR = "#c2185b";
  let partnerController = null;
  let partnerBox = null;
  let partnerTitle = null;

  const partnerControl = L.control({ position: "topright" });
  partnerControl.onAdd = function () {
    partnerBox = L.DomUtil.create("div", "map-partners leaflet-bar");
    partnerBox.hidden = true;
    partnerBox.setAttribute("role", "status");
    partnerTitle = L.DomUtil.create("span", "map-partners-title", partnerBox);
    const clear = L.DomUtil.create("button", "btn btn-sm btn-outline-secondary map-partners-clear", partnerBox);
    clear.type = "button";
    clear.textContent = partnerText.clear;
    clear.addEventListener("click", clearPartners);
    L.DomEvent.disableClickPropagation(partnerBox);
    return partnerBox;
  };
  if (partnerText) {
    partnerControl.addTo(map);
    partnerLines.addTo(map);
  }

  function announcePartners(message) {
    partnerTitle.textContent = message;
    partnerBox.hidden = !message;
  }

  function clearPartners() {
    if (partnerController) partnerController.abort();
    partnerLines.clearLayers();
    mapElement.dataset.partnerLines = "0";
    announcePartners("");
  }

  function showPartners(id, name) {
    if (!partnerText) return;
    if (partnerController) partnerController.abort();
    const controller = new AbortController();
    partnerController = controller;
    mapElement.dataset.partnerLines = "";
    fetch(partnerText.lines.replace("/0.geojson", `/${id}.geojson`), {
      signal: controller.signal,
      headers: { Accept: "application/geo+json" },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
      .then((data) => {
        partnerLines.clearLayers();
        const label = (feature) =>
          `${feature.properties.name} (${feature.properties.country}): ${partnerText.score} ${feature.properties.score.toFixed(2)}`;
        // The weakest lines first, so that the strongest lie on top; the partners' dots above every line.
        data.features
          .slice()
          .reverse()
          .forEach((feature) => {
            const [from, to] = feature.geometry.coordinates;
            const score = feature.properties.score;
            L.polyline(
              [
                [from[1], from[0]],
                [to[1], to[0]],
              ],
              { className: "partner-line", color: PARTNER_COLOUR, weight: 1.5 + 6 * score, opacity: 0.3 + 0.6 * score }
            )
              .bindTooltip(asText(label(feature)), { sticky: true })
              .addTo(partnerLines);
          });
        data.features.forEach((feature) => {
          const to = feature.geometry.coordinates[1];
          L.circleMarker([to[1], to[0]], {
            className: "partner-end",
            radius: 5,
            color: "#ffffff",
            weight: 1.5,
            fillColor: PARTNER_COLOUR,
            fillOpacity: 0.95,
          })
            .bindTooltip(asText(label(feature)))
            .addTo(partnerLines);
        });
        const count = data.features.length;
        mapElement.dataset.partnerLines = String(count);
        announcePartners(count ? `${partnerText.title.replace("%(name)s", name)}: ${count}` : partnerText.none);
        const bounds = partnerLines.getBounds();
        if (count && !map.getBounds().contains(bounds)) map.fitBounds(bounds, { padding: [40, 40], maxZoom: FIT_MAX_ZOOM });
      })
      .catch((error) => {
        if (error && error.name === "AbortError") return;
        mapElement.dataset.partnerLines = "0";
        announcePartners(partnerText.error);
      });
  }

  // --- Filters, counts and the address ----------------------------------------------------------------
  function filterParams() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (!PAGE_PARAMS.has(name) && value !== "") params.append(name, value);
    }
    return params;
  }

  function shownLayers() {
    return LAYER_KEYS.filter((key) => document.getElementById(`layer-${key}`).checked);
  }

  function pageParams() {
    const params = filterParams();
    const shown = shownLayers();
    if (shown.length !== LAYER_KEYS.length) params.set("layers", shown.join(",") || "none");
    if (form.elements.choropleth.value) params.set("choropleth", form.elements.choropleth.value);
    params.set("map", positionString());
    return params;
  }

  function updateAddress() {
    const params = pageParams();
    form.elements.map.value = params.get("map");
    window.history.replaceState(null, "", `${window.location.pathname}?${params.toString()}`);
    const bbox = viewportBbox();
    const shown = shownLayers();
    LAYER_KEYS.forEach((key) => {
      const exportParams = filterParams();
      exportParams.set("bbox", bbox);
      ["Csv", "Geojson"].forEach((format) => {
        const link = document.getElementById(`export-${key}-${format.toLowerCase()}`);
        if (!link) return;
        link.href = `${config.layers[key][`export${format}`]}?${exportParams.toString()}`;
        link.closest("li").hidden = !shown.includes(key);
      });
    });
  }

  function setStatus(message) {
    statusElement.textContent = message || "";
  }

  function setCount(key, count) {
    const badge = document.getElementById(`count-${key}`);
    badge.textContent = count === null ? "…" : String(count);
    badge.dataset.count = count === null ? "" : String(count);
  }

  function errorMessage(body) {
    if (body && body.errors) {
      return Object.values(body.errors)
        .map((messages) => messages.join(" "))
        .join(" ");
    }
    return text.error;
  }

  const controllers = {};
  const unlocated = {};
  function loadLayer(key, params) {
    if (controllers[key]) controllers[key].abort();
    const controller = new AbortController();
    controllers[key] = controller;
    setCount(key, null);
    return fetch(`${config.layers[key].features}?${params.toString()}`, {
      signal: controller.signal,
      headers: { Accept: "application/geo+json" },
    })
      .then((response) => response.json().then((body) => (response.ok ? body : Promise.reject(body))))
      .then((data) => {
        groups[key].clearLayers();
        groups[key].addLayers(data.features.map((feature) => markerFor(key, feature)));
        unlocated[key] = data.count - data.located;
        setCount(key, data.count);
        mapElement.dataset[`markers${key.charAt(0).toUpperCase()}${key.slice(1)}`] = String(data.features.length);
        return true;
      })
      .catch((error) => {
        if (error && error.name === "AbortError") return false;
        groups[key].clearLayers();
        setCount(key, 0);
        setStatus(errorMessage(error));
        return false;
      });
  }

  function showLayers() {
    const shown = shownLayers();
    LAYER_KEYS.forEach((key) => {
      if (shown.includes(key)) map.addLayer(groups[key]);
      else map.removeLayer(groups[key]);
    });
  }

  function fitToResults() {
    let bounds = null;
    shownLayers().forEach((key) => {
      const layerBounds = groups[key].getBounds();
      if (layerBounds.isValid()) bounds = bounds ? bounds.extend(layerBounds) : L.latLngBounds(layerBounds.getSouthWest(), layerBounds.getNorthEast());
    });
    if (bounds) map.fitBounds(bounds, { maxZoom: FIT_MAX_ZOOM, padding: [30, 30] });
  }

  // --- Choropleth -----------------------------------------------------------------------------------------
  let choroplethLayer = null;
  let choroplethController = null;
  let choroplethLegend = null;

  function classBreaks(max) {
    if (max <= 0) return [];
    if (max <= CHOROPLETH_COLOURS.length) return Array.from({ length: max }, (_, i) => i + 1);
    const breaks = [];
    for (let i = 1; i <= CHOROPLETH_COLOURS.length; i += 1) {
      const value = Math.ceil(max ** (i / CHOROPLETH_COLOURS.length));
      if (!breaks.includes(value)) breaks.push(value);
    }
    return breaks;
  }

  function colourFor(count, breaks) {
    if (!count) return "#ffffff";
    const index = breaks.findIndex((limit) => count <= limit);
    const scale = CHOROPLETH_COLOURS.slice(CHOROPLETH_COLOURS.length - breaks.length);
    return scale[index === -1 ? scale.length - 1 : index];
  }

  function updateChoropleth(params) {
    if (choroplethController) choroplethController.abort();
    const value = form.elements.choropleth.value;
    if (!value) {
      if (choroplethLayer) map.removeLayer(choroplethLayer);
      choroplethLayer = null;
      choroplethLegend = null;
      renderLegend();
      return;
    }
    const [key, level] = value.split("-");
    choroplethController = new AbortController();
    const countParams = new URLSearchParams(params);
    countParams.set("level", level);
    Promise.all([
      loadBoundaries(level),
      fetch(`${config.layers[key].counts}?${countParams.toString()}`, { signal: choroplethController.signal }).then(
        (response) => response.json().then((body) => (response.ok ? body : Promise.reject(body)))
      ),
    ])
      .then(([shapes, result]) => {
        const breaks = classBreaks(result.max);
        if (choroplethLayer) map.removeLayer(choroplethLayer);
        choroplethLayer = L.geoJSON(shapes, {
          pane: "choropleth",
          style(feature) {
            const count = result.counts[feature.id] || 0;
            return {
              fillColor: colourFor(count, breaks),
              fillOpacity: count ? 0.7 : 0.25,
              color: "#55616d",
              weight: level === "country" ? 1 : 0.5,
            };
          },
          onEachFeature(feature, layer) {
            layer.bindTooltip(asText(`${feature.properties.name}: ${result.counts[feature.id] || 0}`), { sticky: true });
          },
        }).addTo(map);
        choroplethLegend = {
          title: `${config.layers[key].label}, ${level === "country" ? text.perCountry : text.perRegion}`,
          breaks,
        };
        renderLegend();
      })
      .catch((error) => {
        if (error && error.name === "AbortError") return;
        setStatus(errorMessage(error));
      });
  }

  // --- Legend ---------------------------------------------------------------------------------------------
  const legend = L.control({ position: "bottomright" });
  let legendBody = null;
  legend.onAdd = function () {
    const container = L.DomUtil.create("details", "map-legend leaflet-bar");
    container.open = window.innerWidth > 700;
    const summary = L.DomUtil.create("summary", "", container);
    summary.textContent = text.legend;
    legendBody = L.DomUtil.create("div", "map-legend-body", container);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    return container;
  };

  function renderLegend() {
    if (!legendBody) return;
    legendBody.replaceChildren();
    shownLayers().forEach((key) => {
      const heading = document.createElement("div");
      heading.className = "map-legend-heading";
      heading.textContent = config.layers[key].label;
      legendBody.appendChild(heading);
      Object.entries(config.layers[key].kinds).forEach(([kind, label]) => {
        const row = document.createElement("div");
        row.className = "map-legend-row";
        const swatch = document.createElement("span");
        swatch.className = `legend-marker record-marker-${key} kind-${kind}`;
        row.append(swatch, document.createTextNode(label));
        legendBody.appendChild(row);
      });
    });
    if (choroplethLegend) {
      const heading = document.createElement("div");
      heading.className = "map-legend-heading";
      heading.textContent = choroplethLegend.title;
      legendBody.appendChild(heading);
      const rows = [[0, text.noData, "#ffffff"]];
      let previous = 0;
      choroplethLegend.breaks.forEach((limit) => {
        rows.push([limit, previous + 1 === limit ? String(limit) : `${previous + 1}–${limit}`, colourFor(limit, choroplethLegend.breaks)]);
        previous = limit;
      });
      rows.forEach(([, label, colour]) => {
        const row = document.createElement("div");
        row.className = "map-legend-row";
        const swatch = document.createElement("span");
        swatch.className = "legend-shade";
        swatch.style.backgroundColor = colour;
        row.append(swatch, document.createTextNode(label));
        legendBody.appendChild(row);
      });
    }
  }
  legend.addTo(map);

  // --- Wiring ---------------------------------------------------------------------------------------------
  let refreshToken = 0;
  function refresh({ fit = false } = {}) {
    refreshToken += 1;
    const token = refreshToken;
    setStatus("");
    const params = filterParams();
    mapElement.dataset.state = "loading";
    mapElement.dataset.filters = params.toString();
    showLayers();
    updateAddress();
    updateChoropleth(params);
    renderLegend();
    return Promise.all(LAYER_KEYS.map((key) => loadLayer(key, params))).then((results) => {
      if (token !== refreshToken) return;
      const missing = LAYER_KEYS.reduce((sum, key) => sum + (unlocated[key] || 0), 0);
      if (results.every(Boolean)) {
        const total = LAYER_KEYS.reduce((sum, key) => sum + Number(document.getElementById(`count-${key}`).dataset.count || 0), 0);
        if (total === 0) setStatus(text.noResults);
        else if (missing) setStatus(text.notLocated.replace("%(count)s", missing));
      }
      if (fit) fitToResults();
      mapElement.dataset.state = "ready";
    });
  }

  // Countries of the chosen bloc only; regions of the chosen country only.
  function narrowOptions() {
    const bloc = form.elements.bloc.value;
    const countrySelect = form.elements.country_code;
    Array.from(countrySelect.options).forEach((option) => {
      if (!option.value) return;
      option.hidden = Boolean(bloc) && !option.dataset.blocs.split(" ").includes(bloc);
    });
    if (countrySelect.selectedOptions[0] && countrySelect.selectedOptions[0].hidden) countrySelect.value = "";
    const country = countrySelect.value;
    const regionSelect = form.elements.region_code;
    Array.from(regionSelect.querySelectorAll("optgroup")).forEach((group) => {
      group.hidden = Boolean(country) && group.dataset.country !== country;
    });
    const selectedRegion = regionSelect.selectedOptions[0];
    if (selectedRegion && selectedRegion.value && country && selectedRegion.dataset.country !== country) {
      regionSelect.value = "";
    }
  }

  let typingTimer = null;
  form.addEventListener("change", (event) => {
    const name = event.target.name;
    if (name === "layers") {
      showLayers();
      renderLegend();
      updateAddress();
      return;
    }
    if (name === "choropleth") {
      updateAddress();
      updateChoropleth(filterParams());
      return;
    }
    if (name === "bloc" || name === "country_code") narrowOptions();
    window.clearTimeout(typingTimer);
    refresh({ fit: true });
  });
  form.addEventListener("input", (event) => {
    if (event.target.type !== "search" && event.target.type !== "number") return;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => refresh({ fit: true }), 400);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    refresh({ fit: true });
  });
  map.on("moveend", updateAddress);

  narrowOptions();
  // An address with filters but no position shows where the results are.
  refresh({ fit: !startPosition && Array.from(filterParams().keys()).length > 0 });
})();
