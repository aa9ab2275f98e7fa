/* The workbench's countdowns (core/partials/countdown.html): each element carries the seconds left when the
   server rendered the page and the messages to write; this ticks them from the time the page was loaded, so
   a wrong clock on the phone changes nothing. No inline script: CSP script-src 'self'. */
(function () {
  "use strict";
  var loaded = Date.now();

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return String(values[key]); });
  }

  function span(el, seconds) {
    var left = Math.abs(seconds);
    var d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600), m = Math.floor((left % 3600) / 60);
    var s = left % 60;
    if (d) return fill(el.dataset.days, { d: d, h: h });
    if (h) return fill(el.dataset.hours, { h: h, m: m });
    return fill(el.dataset.minutes, { m: m, s: (s < 10 ? "0" : "") + s });
  }

  function tick() {
    var elapsed = Math.floor((Date.now() - loaded) / 1000);
    document.querySelectorAll(".wb-countdown[data-seconds]").forEach(function (el) {
      var seconds = parseInt(el.dataset.seconds, 10) - elapsed;
      var overdue = seconds < 0;
      var text = fill(overdue ? el.dataset.overdue : el.dataset.left, { span: span(el, seconds) });
      var target = el.querySelector(".wb-countdown-text");
      if (target && target.textContent !== text) target.textContent = text;
      el.classList.toggle("wb-countdown-overdue", overdue);
      el.classList.toggle("wb-countdown-soon", !overdue && seconds < 3600);
      el.classList.toggle("wb-countdown-ok", !overdue && seconds >= 3600);
      var row = el.closest(".wb-row");
      if (row) row.classList.toggle("wb-row-overdue", overdue);
    });
  }

  if (document.querySelector(".wb-countdown[data-seconds]")) {
    tick();
    window.setInterval(tick, 1000);
  }
})();
