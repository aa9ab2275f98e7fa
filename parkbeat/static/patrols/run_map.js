// The map of a patrol run (Leaflet, vendored): the GPS track of each device as a line, the route's
// checkpoints (green when reached, grey when not) and the check-ins that carried a position (orange when
// flagged). Data from {{ track_map|json_script:"run-map-data" }}; no inline script, so a strict CSP holds.
// Intranet-only: no tile layer unless the page sets data-tile-url (settings.MAP_TILE_URL).
(function () {
  "use strict";
  var el = document.getElementById("run-map");
  var source = document.getElementById("run-map-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var tracks = data.tracks || [], checkpoints = data.checkpoints || [], checkins = data.checkins || [];
  el.style.height = "300px";

  var bounds = L.latLngBounds([]);
  tracks.forEach(function (line) { line.forEach(function (p) { bounds.extend(p); }); });
  checkpoints.forEach(function (c) { bounds.extend([c.lat, c.lon]); });

  var map = L.map(el, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 });
  } else {
    map.setView([27.83, 113.08], 12);
  }
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }

  var colours = ["#0a58ca", "#6f42c1", "#d63384", "#20c997"];
  tracks.forEach(function (line, i) {
    L.polyline(line, { color: colours[i % colours.length], weight: 3, opacity: 0.8, interactive: false }).addTo(map);
  });

  function label(text) {
    // Built from DOM nodes so a checkpoint name can never inject markup.
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  checkpoints.forEach(function (c) {
    L.circleMarker([c.lat, c.lon], {
      radius: 7, weight: 2, color: c.reached ? "#146c43" : "#6c757d",
      fillColor: c.reached ? "#198754" : "#adb5bd", fillOpacity: 0.9
    }).bindTooltip(label(c.name + " · " + el.getAttribute(c.reached ? "data-reached-label" : "data-waiting-label")))
      .addTo(map);
  });
  checkins.forEach(function (c) {
    L.circleMarker([c.lat, c.lon], {
      radius: 4, weight: 1, color: c.counted ? "#0f5132" : "#995400",
      fillColor: c.counted ? "#75b798" : "#fd7e14", fillOpacity: 1
    }).bindTooltip(label(c.name + " · " + c.at + (c.counted ? "" : " · " + el.getAttribute("data-flagged-label"))))
      .addTo(map);
  });
}());
