// Instalments as rows (due date, amount, what is due) instead of typed lines. The textarea stays the form
// field: every change writes the rows back into it as "YYYY-MM-DD amount description" lines, so the page
// also works without this script and the server parses one format.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-instalments]").forEach(function (area) {
    var labels = JSON.parse(area.dataset.instalments);
    var wrap = document.createElement("div");
    var table = document.createElement("table");
    table.className = "table table-sm align-middle mb-2 instalment-rows";
    table.innerHTML = "<thead><tr><th>#</th><th></th><th></th><th></th><th></th></tr></thead><tbody></tbody>" +
      "<tfoot><tr><th></th><th class='text-end'></th><th class='instalment-total text-end'></th><th></th><th></th></tr></tfoot>";
    var heads = table.querySelectorAll("thead th");
    heads[1].textContent = labels.due_on; heads[2].textContent = labels.amount; heads[3].textContent = labels.description;
    table.querySelector("tfoot th.text-end").textContent = labels.total;
    var body = table.querySelector("tbody");
    var add = document.createElement("button");
    add.type = "button"; add.className = "btn btn-sm btn-outline-primary"; add.id = "add-instalment";
    add.textContent = labels.add;

    function input(type, value, cls) {
      var el = document.createElement("input");
      el.type = type; el.value = value || ""; el.className = "form-control form-control-sm " + cls;
      if (type === "number") { el.step = "0.01"; el.min = "0"; }
      return el;
    }
    // The running total, checked against the agreement's total amount while typing (the server checks again).
    var totalInput = area.form && area.form.querySelector("input[name=total_amount]");
    var warning = document.createElement("div");
    warning.className = "alert alert-warning py-1 px-2 small mb-2 d-none instalment-warning";
    warning.setAttribute("role", "status");
    function money(x) { return x.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
    function check(total, count) {
      var expected = totalInput ? parseFloat(totalInput.value) : NaN;
      var differs = count > 0 && !isNaN(expected) && Math.round(total * 100) !== Math.round(expected * 100);
      warning.textContent = differs ? labels.mismatch.replace("{sum}", money(total)).replace("{total}", money(expected)) : "";
      warning.classList.toggle("d-none", !differs);
      table.querySelector(".instalment-total").classList.toggle("text-danger", differs);
    }
    function sync() {
      var lines = [], total = 0, count = 0;
      body.querySelectorAll("tr").forEach(function (tr, i) {
        tr.firstChild.textContent = String(i + 1);
        var due = tr.querySelector(".due").value, amount = tr.querySelector(".amount").value;
        var text = tr.querySelector(".what").value.replace(/\s+/g, " ").trim();
        if (due || amount || text) { lines.push([due, amount, text].join(" ").trim()); count += 1; }
        total += parseFloat(amount) || 0;
      });
      area.value = lines.join("\n");
      table.querySelector(".instalment-total").textContent = money(total);
      table.querySelector("tfoot th").textContent = labels.count.replace("{n}", String(count));
      check(total, count);
    }
    function row(due, amount, text) {
      var tr = document.createElement("tr");
      tr.appendChild(document.createElement("td"));
      [input("date", due, "due"), input("number", amount, "amount text-end"), input("text", text, "what")]
        .forEach(function (el) { var td = document.createElement("td"); td.appendChild(el); tr.appendChild(td); });
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "btn btn-sm btn-outline-danger"; remove.textContent = "×";
      remove.setAttribute("aria-label", labels.remove);
      remove.addEventListener("click", function () { tr.remove(); sync(); });
      var td = document.createElement("td"); td.appendChild(remove); tr.appendChild(td);
      body.appendChild(tr);
    }
    area.value.split("\n").forEach(function (line) {
      var parts = line.trim().split(/\s+/);
      if (parts[0]) { row(parts[0], parts[1], parts.slice(2).join(" ")); }
    });
    if (!body.children.length) { row(); }
    add.addEventListener("click", function () { row(); sync(); });
    table.addEventListener("input", sync);
    if (totalInput) { totalInput.addEventListener("input", sync); }
    wrap.appendChild(table); wrap.appendChild(warning); wrap.appendChild(add);
    area.classList.add("d-none");
    area.parentNode.insertBefore(wrap, area);
    sync();
  });
})();
