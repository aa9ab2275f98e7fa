// Publicity coverage map (Leaflet, vendored): park outlines and enterprises coloured by coverage band.
// Data from {{ map_data|json_script:"coverage-map-data" }}; no inline script, so a strict CSP holds.
// Intranet-only: no tile layer unless the page sets data-tile-url (settings.MAP_TILE_URL).
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  var source = document.getElementById("coverage-map-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var COLOURS = { never: "#dc3545", under_half: "#fd7e14", half_and_over: "#198754" };
  var parks = (data.parks || []).filter(function (p) { return p.boundary; });
  var points = data.points || [];
  if (parks.length === 0 && points.length === 0) {
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
  points.forEach(function (p) { bounds.extend([p.lat, p.lon]); });
  var map = L.map(el, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 }); } else { map.setView([27.83, 113.08], 12); }
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
  outlines.forEach(function (o) { o.addTo(map); });
  // Popups built from DOM nodes, so a name can never inject markup.
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 7, color: "#333", weight: 1, fillColor: COLOURS[p.band] || "#6c757d", fillOpacity: 0.9
    });
    marker.bindPopup(function () {
      var box = document.createElement("div");
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.name;
      box.appendChild(a);
      var line = document.createElement("div");
      line.textContent = (el.getAttribute("data-reached") || "") + " " + p.reached + " / " +
        (el.getAttribute("data-headcount") || "") + " " + p.headcount + (p.percent === null ? "" : " (" + p.percent + " %)");
      box.appendChild(line);
      return box;
    });
    marker.addTo(map);
  });
}());
