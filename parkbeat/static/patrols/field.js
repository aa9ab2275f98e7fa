/* The field page of a patrol run: scans from the camera (the browser's BarcodeDetector, or jsQR where there
   is none) or typed, kept in this browser (localStorage) until the server has them, each with its own
   Idempotency-Key, so a scan sent twice (a lost answer, the network back) is stored once. Without JavaScript
   the typed code posts the form. */
(function () {
  "use strict";
  var root = document.getElementById("patrol-field");
  if (!root) { return; }
  var api = root.dataset.scanApi, storeKey = "pb-patrol-scans-" + root.dataset.run;
  var form = document.getElementById("scan-form"), queueBox = document.getElementById("scan-queue");
  var result = document.getElementById("scan-result"), sending = false, sentOne = false;

  function load() { try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(storeKey, JSON.stringify(items)); showQueue(items); }
  function showQueue(items) {
    queueBox.classList.toggle("d-none", !items.length);
    queueBox.textContent = items.length + " " + root.dataset.msgWaiting;
  }
  function say(text, kind) {
    var div = document.createElement("div");
    div.className = "alert py-2 mb-1 alert-" + kind;
    div.textContent = text;
    result.prepend(div);
  }
  function newKey() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "scan-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function csrf() { var input = form && form.querySelector("[name=csrfmiddlewaretoken]"); return input ? input.value : ""; }

  function enqueue(code, position) {
    var item = {code: code.trim(), at: new Date().toISOString(), key: newKey()};
    if (position) { item.lon = position[0].toFixed(6); item.lat = position[1].toFixed(6); }
    var items = load(); items.push(item); save(items); flush();
  }

  function flush() {
    if (sending) { return; }
    var items = load();
    if (!items.length) { if (sentOne && navigator.onLine) { window.location.reload(); } return; }
    sending = true;
    var progressed = false, item = items[0], body = {code: item.code, at: item.at};
    if (item.lon) { body.lon = item.lon; body.lat = item.lat; }
    fetch(api, {method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "Accept": "application/json",
                          "X-CSRFToken": csrf(), "Idempotency-Key": item.key},
                body: JSON.stringify(body)})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status >= 500 || response.status === 429 || response.status === 503) { throw new Error("retry"); }
          save(load().filter(function (i) { return i.key !== item.key; }));
          progressed = true;
          if (response.ok) {
            sentOne = true;
            say((data.counted ? root.dataset.msgSent : root.dataset.msgFlagged) + " " + (data.checkpoint_name || ""),
                data.counted ? "success" : "warning");
          } else {
            var why = data.code || data.at || data.detail || "";
            say(root.dataset.msgRefused + ": " + (Array.isArray(why) ? why.join(" ") : why), "danger");
          }
        });
      })
      .catch(function () { say(root.dataset.msgOffline, "secondary"); })
      .then(function () { sending = false; if (progressed) { flush(); } });
  }

  function withPosition(callback) {
    if (!navigator.geolocation) { callback(null); return; }
    var done = false;
    var timer = setTimeout(function () { if (!done) { done = true; callback(null); } }, 4000);
    navigator.geolocation.getCurrentPosition(function (p) {
      if (done) { return; } done = true; clearTimeout(timer); callback([p.coords.longitude, p.coords.latitude]);
    }, function () { if (!done) { done = true; clearTimeout(timer); callback(null); } },
    {enableHighAccuracy: true, timeout: 4000, maximumAge: 30000});
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("[name=code]");
      if (!input.value.trim()) { return; }
      event.preventDefault();
      var code = input.value; input.value = "";
      withPosition(function (position) { enqueue(code, position); });
    });
  }

  // The camera: the browser's BarcodeDetector where there is one, else jsQR (vendored, loaded by the field
  // page) reading frames drawn on a canvas a few times a second. Either way the first ParkBeat code found
  // stops the camera and is checked in as a typed one is.
  var button = document.getElementById("camera-scan"), video = document.getElementById("camera");
  var SCAN_EVERY_MS = 250;
  function isOurs(value) { return (value || "").indexOf("PB1:") === 0; }
  function jsqrReader() {
    var canvas = document.createElement("canvas"), context = canvas.getContext("2d", {willReadFrequently: true});
    return function () {
      var w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) { return Promise.resolve(null); }
      var scale = Math.min(1, 800 / Math.max(w, h));  // a phone's 4K frame is slow to search: 800 px is enough
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, {inversionAttempts: "dontInvert"});
      return Promise.resolve(code && isOurs(code.data) ? code.data : null);
    };
  }
  function detectorReader() {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    return function () {
      return detector.detect(video).then(function (codes) {
        var hit = codes.filter(function (c) { return isOurs(c.rawValue); })[0];
        return hit ? hit.rawValue : null;
      });
    };
  }
  if (button) {
    button.addEventListener("click", function () {
      var native = "BarcodeDetector" in window, reader;
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || (!native && !window.jsQR)) {
        say(root.dataset.msgNocamera, "secondary"); return;
      }
      try { reader = native ? detectorReader() : jsqrReader(); } catch (e) { reader = window.jsQR ? jsqrReader() : null; }
      if (!reader) { say(root.dataset.msgNocamera, "secondary"); return; }
      var stream = null;
      function stop() {
        if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
        video.srcObject = null; video.classList.add("d-none"); button.disabled = false;
      }
      button.disabled = true;
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (s) {
        stream = s; video.srcObject = s; video.classList.remove("d-none"); return video.play();
      }).then(function tick() {
        return reader().then(function (value) {
          if (!value) { return new Promise(function (r) { setTimeout(r, SCAN_EVERY_MS); }).then(tick); }
          stop();
          withPosition(function (position) { enqueue(value, position); });
        });
      }).catch(function () { stop(); say(root.dataset.msgNocamera, "secondary"); });
    });
  }
  window.addEventListener("online", flush);
  showQueue(load());
  flush();

  // The GPS track, while the run is running and the phone gives positions: kept in the same way (this
  // browser's storage until the server has them) and sent in batches with this browser's device key; the
  // server stores a point once per device and time, so a batch resent after a lost answer changes nothing.
  var trackKey = "pb-patrol-track-" + root.dataset.run, trackApi = api.replace(/scans\/$/, "track/");
  var trackBox = null, trackSending = false, lastAt = 0, BATCH = 500, KEEP = 20000, EVERY_MS = 5000;
  function trackLoad() { try { return JSON.parse(localStorage.getItem(trackKey) || "[]"); } catch (e) { return []; } }
  function trackSave(items) {
    try { localStorage.setItem(trackKey, JSON.stringify(items.slice(-KEEP))); } catch (e) { /* storage full */ }
    if (trackBox) {
      trackBox.classList.toggle("d-none", !items.length);
      trackBox.textContent = items.length + " " + (root.dataset.msgTrackWaiting || "");
    }
  }
  function deviceKey() {
    var key = localStorage.getItem("pb-device-key");
    if (!key) { key = newKey().replace("scan-", "web-"); localStorage.setItem("pb-device-key", key); }
    return key;
  }
  function trackFlush() {
    var items = trackLoad();
    if (trackSending || !items.length) { return; }
    trackSending = true;
    var batch = items.slice(0, BATCH);
    fetch(trackApi, {method: "POST", credentials: "same-origin",
                     headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()},
                     body: JSON.stringify({device: deviceKey(), coords: "wgs84", points: batch})})
      .then(function (response) {
        if (response.status >= 500 || [0, 401, 403, 429].indexOf(response.status) >= 0) { throw new Error("retry"); }
        // sent, or refused as a whole (400, 404: a resend cannot mend it): these points leave the queue
        trackSave(trackLoad().slice(batch.length));
        if (batch.length === BATCH) { setTimeout(trackFlush, 500); }
      })
      .catch(function () { /* offline: kept, sent later */ })
      .then(function () { trackSending = false; });
  }
  if (form && navigator.geolocation && window.fetch) {
    trackBox = document.createElement("div");
    trackBox.className = "small text-muted mb-2 d-none";
    trackBox.id = "track-queue";
    trackBox.setAttribute("role", "status");
    queueBox.after(trackBox);
    trackSave(trackLoad());
    navigator.geolocation.watchPosition(function (p) {
      if (p.timestamp - lastAt < EVERY_MS) { return; }
      lastAt = p.timestamp;
      var items = trackLoad();
      items.push({at: new Date(p.timestamp).toISOString(), lon: +p.coords.longitude.toFixed(6),
                  lat: +p.coords.latitude.toFixed(6), accuracy: Math.round(p.coords.accuracy || 0)});
      trackSave(items);
      if (items.length >= 20) { trackFlush(); }
    }, function () { /* no position: the scans work without it */ },
    {enableHighAccuracy: true, maximumAge: 5000, timeout: 30000});
    setInterval(trackFlush, 30000);
    window.addEventListener("online", trackFlush);
    trackFlush();
  }
}());
