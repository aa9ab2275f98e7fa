// Patrol map (Leaflet, vendored): park outlines, checkpoints coloured by coverage (none / low / good) and the
// running patrols at their latest position, fetched again from data.live_url every data.refresh_seconds.
// Data comes from {{ map_data|json_script:"patrol-map-data" }}; no inline script, so a strict CSP holds.
// Intranet-only: no tile layer unless the page sets data-tile-url (settings.MAP_TILE_URL).
(function () {
  "use strict";
  var el = document.getElementById("patrol-map");
  var source = document.getElementById("patrol-map-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var COLOURS = { none: "#dc3545", low: "#fd7e14", good: "#198754" };
  var parks = (data.parks || []).filter(function (p) { return p.boundary; });
  var checkpoints = data.checkpoints || [];

  if (parks.length === 0 && checkpoints.length === 0 && (data.runs || []).length === 0) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
    el.textContent = el.getAttribute("data-empty-text") || "—";
    return;
  }

  var outlines = parks.map(function (park) {
    return L.geoJSON(park.boundary, {
      style: { color: "#0b3d91", weight: 2, fillColor: "#1452b8", fillOpacity: 0.06 }, interactive: false
    });
  });
  var bounds = L.latLngBounds([]);
  outlines.forEach(function (o) { bounds.extend(o.getBounds()); });
  checkpoints.forEach(function (c) { bounds.extend([c.lat, c.lon]); });
  (data.runs || []).forEach(function (r) { bounds.extend([r.lat, r.lon]); });

  var map = L.map(el, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
  } else {
    map.setView([27.83, 113.08], 12);
  }
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
  outlines.forEach(function (o) { o.addTo(map); });

  function line(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // Popups built from DOM nodes, so a name can never inject markup.
  checkpoints.forEach(function (c) {
    var marker = L.circleMarker([c.lat, c.lon], {
      radius: 7, color: "#333", weight: 1, fillColor: COLOURS[c.level] || "#6c757d", fillOpacity: 0.9
    });
    marker.bindPopup(function () {
      var box = document.createElement("div");
      box.appendChild(link(data.checkpoint_url.replace("/0/", "/" + c.id + "/"), c.name));
      box.appendChild(line((labels[c.level] || c.level)));
      box.appendChild(line((labels.visits || "") + ": " + c.visits + " · " + (labels.missed || "") + ": " + c.missed));
      if (c.last) { box.appendChild(line((labels.last || "") + ": " + c.last)); }
      return box;
    });
    marker.bindTooltip(function () { var s = document.createElement("span"); s.textContent = c.name; return s; });
    marker.addTo(map);
  });

  var runLayer = L.layerGroup().addTo(map);
  var counter = document.getElementById("patrol-map-running");

  function drawRuns(runs) {
    runLayer.clearLayers();
    runs.forEach(function (r) {
      var marker = L.circleMarker([r.lat, r.lon], {
        radius: 9, color: "#fff", weight: 3, fillColor: "#0a58ca", fillOpacity: 1
      });
      marker.bindPopup(function () {
        var box = document.createElement("div");
        box.appendChild(link(data.run_url.replace("/0/", "/" + r.id + "/"), r.number));
        box.appendChild(line(r.route));
        box.appendChild(line((labels[r.source] || r.source) + " " + (r.at || "")));
        return box;
      });
      marker.bindTooltip(function () { var s = document.createElement("span"); s.textContent = r.number; return s; });
      runLayer.addLayer(marker);
    });
    if (counter) { counter.textContent = String(runs.length); }
  }

  drawRuns(data.runs || []);

  function refresh() {
    if (document.hidden) { return; }
    fetch(data.live_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && body.runs) { drawRuns(body.runs); } })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }

  window.setInterval(refresh, (data.refresh_seconds || 30) * 1000);
})();
