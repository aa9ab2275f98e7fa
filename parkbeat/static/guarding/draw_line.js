// Draw a guarded line on the asset form (Leaflet, vendored): each click on the map adds a [lon, lat] point to the
// GeoJSON in the "Line (GeoJSON)" field; typing or pasting there redraws the line. No tiles unless data-tile-url.
(function () {
  "use strict";
  var el = document.getElementById("draw-map");
  var field = document.getElementById("id_geometry_text");
  if (!el || !field || typeof L === "undefined") { return; }
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
  var line = L.polyline([], { color: "#0072B2", weight: 4 }).addTo(map);
  var dots = L.layerGroup().addTo(map);

  function points() {
    try {
      var data = JSON.parse(field.value || "null");
      if (data && data.type === "LineString" && Array.isArray(data.coordinates)) { return data.coordinates; }
    } catch (e) { /* not GeoJSON yet: start anew */ }
    return [];
  }
  function redraw(fit) {
    var pts = points();
    line.setLatLngs(pts.map(function (p) { return [p[1], p[0]]; }));
    dots.clearLayers();
    pts.forEach(function (p) { L.circleMarker([p[1], p[0]], { radius: 4, color: "#0072B2" }).addTo(dots); });
    if (fit && pts.length > 1) { map.fitBounds(line.getBounds(), { padding: [20, 20], maxZoom: 17 }); }
    else if (fit && pts.length === 1) { map.setView([pts[0][1], pts[0][0]], 16); }
  }
  function write(pts) {
    field.value = JSON.stringify({ type: "LineString", coordinates: pts });
    redraw(false);
  }
  map.setView([Number(el.getAttribute("data-lat")) || 27.83, Number(el.getAttribute("data-lon")) || 113.08], 14);
  redraw(true);
  map.on("click", function (event) {
    var pts = points();
    pts.push([Math.round(event.latlng.lng * 1e6) / 1e6, Math.round(event.latlng.lat * 1e6) / 1e6]);
    write(pts);
  });
  field.addEventListener("input", function () { redraw(true); });
  var undo = document.getElementById("draw-undo");
  if (undo) { undo.addEventListener("click", function () { var pts = points(); pts.pop(); write(pts); }); }
  var clear = document.getElementById("draw-clear");
  if (clear) { clear.addEventListener("click", function () { field.value = ""; redraw(false); }); }
})();
