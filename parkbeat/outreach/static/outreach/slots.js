// The lecture form's free slots (outreach/lecture_form.html): a slot button fills the start and end fields.
// No inline script, so the strict CSP holds.
(function () {
  "use strict";
  document.querySelectorAll(".slot-button").forEach(function (button) {
    button.addEventListener("click", function () {
      var start = document.getElementById("id_starts_at");
      var end = document.getElementById("id_ends_at");
      if (start) { start.value = button.getAttribute("data-starts-at"); }
      if (end) { end.value = button.getAttribute("data-ends-at"); }
      document.querySelectorAll(".slot-button").forEach(function (b) {
        b.classList.remove("active");
        b.setAttribute("aria-pressed", "false");
      });
      button.classList.add("active");
      button.setAttribute("aria-pressed", "true");
    });
  });
}());
