// Park map (Leaflet, vendored): the park outline and its enterprises as circle markers, key ones red.
// Data comes from {{ map_data|json_script:"park-map-data" }}; no inline script, so a strict CSP holds.
// Intranet-only: no tile layer unless the page sets data-tile-url (settings.MAP_TILE_URL).
(function () {
  "use strict";
  var el = document.getElementById("park-map");
  var source = document.getElementById("park-map-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var enterprises = data.enterprises || [];

  if (!data.boundary && enterprises.length === 0) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
    el.textContent = el.getAttribute("data-empty-text") || "—";
    return;
  }

  // Bounds first: Leaflet needs a view before any vector layer is added to a canvas renderer.
  var outline = data.boundary ? L.geoJSON(data.boundary, {
    style: { color: "#0b3d91", weight: 2, fillColor: "#1452b8", fillOpacity: 0.08 },
    interactive: false
  }) : null;
  var bounds = outline ? outline.getBounds() : L.latLngBounds([]);
  enterprises.forEach(function (item) { bounds.extend([item.lat, item.lon]); });

  var map = L.map(el, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
  } else {
    map.setView([27.83, 113.08], 12);
  }
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
  }
  if (outline) { outline.addTo(map); }

  function popupFor(item) {
    // Built from DOM nodes so an enterprise name can never inject markup.
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = data.detail_url.replace("/0/", "/" + item.id + "/");
    link.textContent = item.name;
    box.appendChild(link);
    if (item.key) {
      var badge = document.createElement("span");
      badge.className = "badge badge-key ms-1";
      badge.textContent = el.getAttribute("data-key-label") || "!";
      box.appendChild(badge);
    }
    return box;
  }

  // Ordinary enterprises first, so key ones are drawn on top.
  var ordered = enterprises.filter(function (e) { return !e.key; }).concat(enterprises.filter(function (e) { return e.key; }));
  ordered.forEach(function (item) {
    var marker = L.circleMarker([item.lat, item.lon], {
      radius: item.key ? 7 : 5,
      color: item.key ? "#a71d2a" : "#0a58ca",
      weight: 1,
      fillColor: item.key ? "#dc3545" : "#0d6efd",
      fillOpacity: 0.85
    });
    marker.bindPopup(function () { return popupFor(item); });
    marker.bindTooltip(function () {
      var label = document.createElement("span");
      label.textContent = item.name;
      return label;
    });
    marker.addTo(map);
  });
})();
