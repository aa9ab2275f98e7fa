// "Use my position": fills the hidden lon/lat fields of the quick report from the phone's GPS.
(function () {
  var button = document.getElementById("use-position");
  if (!button) { return; }
  var status = document.getElementById("position-status");
  if (!("geolocation" in navigator)) { button.disabled = true; return; }
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-waiting");
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lon").value = pos.coords.longitude.toFixed(6);
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      status.textContent = button.getAttribute("data-done") + " " + pos.coords.latitude.toFixed(5) + ", " +
        pos.coords.longitude.toFixed(5);
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
