// Pickers (core/widgets.py): a <select data-picker="remote|static"> becomes a Tom Select that is
// searched by name. "remote" loads its options from a scoped API list while the user types
// (data-picker-url, -search, -label, -value, -page-size, -detail); "static" searches the options
// already rendered. Without JavaScript the plain <select> still posts. HTMX-safe: new content is
// enhanced on htmx:load (a swap, or a page restored from htmx's history cache), and Tom Select fires
// the <select>'s own change event, so an hx-trigger="change" filter form reloads its results.
(function () {
  "use strict";

  function text(el, name, fallback) {
    var value = el.getAttribute(name);
    return value === null || value === "" ? fallback : value;
  }

  function emptyLabel(el) {
    for (var i = 0; i < el.options.length; i++) {
      if (el.options[i].value === "") { return el.options[i].textContent.trim(); }
    }
    return "";
  }

  function remoteSettings(el) {
    var url = el.getAttribute("data-picker-url");
    var search = text(el, "data-picker-search", "q");
    var labelField = text(el, "data-picker-label", "name");
    var valueField = text(el, "data-picker-value", "id");
    var detailField = el.getAttribute("data-picker-detail");
    var pageSize = text(el, "data-picker-page-size", "20");
    var latest = 0;
    return {
      preload: "focus",
      loadThrottle: 250,
      maxOptions: null,
      // The server decides what matches (a name, a credit code, an address): show all it returns.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var self = this;
        var ticket = ++latest;
        self.clearOptions();  // keeps the selected ones; no stale matches while the server is asked
        if (self.isOpen) { self.refreshOptions(false); }
        var target = url + (url.indexOf("?") >= 0 ? "&" : "?") + encodeURIComponent(search) + "=" +
          encodeURIComponent(query) + "&page_size=" + encodeURIComponent(pageSize);
        fetch(target, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (ticket !== latest) { callback(); return; }  // a later keystroke's answer wins
            callback((data.results || []).map(function (row) {
              return { value: String(row[valueField]), text: String(row[labelField]),
                       detail: detailField && row[detailField] ? String(row[detailField]) : "" };
            }));
          })
          .catch(function () { callback(); });
      }
    };
  }

  // A page htmx restores from its history cache (the back button) holds a copy of Tom Select's markup
  // beside a <select> with no instance: drop the copy, then enhance the <select> afresh.
  function forgetCopy(el) {
    var copy = el.nextElementSibling;
    if (copy && copy.classList.contains("ts-wrapper")) { copy.remove(); }
    el.classList.remove("tomselected", "ts-hidden-accessible");
    el.removeAttribute("tabindex");
  }

  function enhance(el) {
    if (el.tomselect || typeof window.TomSelect === "undefined") { return; }
    if (el.classList.contains("tomselected")) { forgetCopy(el); }
    var remote = el.getAttribute("data-picker") === "remote";
    var multiple = el.multiple;
    var noResults = text(el, "data-picker-no-results", "No matches");
    var loading = text(el, "data-picker-loading", "Loading…");
    var settings = {
      plugins: multiple ? { remove_button: { title: text(el, "data-picker-remove", "Remove") } }
                        : { clear_button: { title: text(el, "data-picker-clear", "Clear") } },
      placeholder: text(el, "data-picker-placeholder", emptyLabel(el)),
      allowEmptyOption: !remote && !multiple,
      create: false,
      render: {
        option: function (data, escape) {
          var detail = data.detail ? '<small class="text-body-secondary ms-2">' + escape(data.detail) + "</small>" : "";
          return "<div>" + escape(data.text) + detail + "</div>";
        },
        item: function (data, escape) { return "<div>" + escape(data.text) + "</div>"; },
        no_results: function (data, escape) { return '<div class="no-results">' + escape(noResults) + "</div>"; },
        loading: function (data, escape) {
          return '<div class="py-1 px-2 text-body-secondary small">' + escape(loading) + "</div>";
        }
      }
    };
    if (remote) { Object.assign(settings, remoteSettings(el)); }
    new window.TomSelect(el, settings);
  }

  function enhanceAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("select[data-picker]")) { enhance(scope); }
    scope.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
