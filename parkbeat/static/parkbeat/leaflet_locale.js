// Leaflet's own control texts in the page's language: the vendored Leaflet 1.9.4 says "Zoom in" / "Zoom out".
// Loaded right after leaflet.js and before any map is made (the map scripts read these defaults).
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  if ((document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0) {
    L.Control.Zoom.prototype.options.zoomInTitle = "放大";
    L.Control.Zoom.prototype.options.zoomOutTitle = "缩小";
  }
})();
