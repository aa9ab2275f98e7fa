// Guarded line (Leaflet, vendored): the whole line thin and grey, each segment over it in its team's colour,
// officers' fixed points as red dots. Data from {{ map_data|json_script:"guard-map-data" }} (strict CSP: no
// inline script). Intranet-only: no tile layer unless the page sets data-tile-url (settings.MAP_TILE_URL).
(function () {
  "use strict";
  // Colour swatches (legend, segment table): set from data-colour, since inline styles are not allowed.
  Array.prototype.forEach.call(document.querySelectorAll(".guard-swatch[data-colour]"), function (el) {
    el.style.backgroundColor = el.getAttribute("data-colour");
  });
  var el = document.getElementById("guard-map");
  var source = document.getElementById("guard-map-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var line = data.line || [];
  if (line.length < 2) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
    el.textContent = el.getAttribute("data-empty-text") || "";
    return;
  }
  function latLngs(points) { return points.map(function (p) { return [p[1], p[0]]; }); }
  var whole = L.polyline(latLngs(line), { color: "#6c757d", weight: 3, opacity: 0.6, dashArray: "4 6" });
  var bounds = whole.getBounds();
  (data.points || []).forEach(function (p) { bounds.extend([p.lat, p.lon]); });
  var map = L.map(el, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
  map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 });
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
  whole.addTo(map);
  function label(text) {
    var span = document.createElement("span");  // DOM text, so a name can never inject markup
    span.textContent = text;
    return span;
  }
  (data.segments || []).forEach(function (s) {
    if (!s.points || s.points.length < 2) { return; }
    var part = L.polyline(latLngs(s.points), { color: s.colour, weight: 7, opacity: 0.9 });
    part.bindTooltip(function () { return label(s.label + (s.team ? " · " + s.team : "")); });
    part.on("click", function () {
      var row = document.getElementById("segment-" + s.id);
      if (row) { row.scrollIntoView({ behavior: "smooth", block: "center" }); row.classList.add("table-active"); }
    });
    part.addTo(map);
  });
  (data.points || []).forEach(function (p) {
    var dot = L.circleMarker([p.lat, p.lon], { radius: 6, color: "#a71d2a", weight: 2, fillColor: "#dc3545", fillOpacity: 0.9 });
    dot.bindTooltip(function () { return label(p.name); });
    dot.addTo(map);
  });
})();
