// Print pages: a button with data-print opens the browser's print dialog (no inline handlers under the CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});
