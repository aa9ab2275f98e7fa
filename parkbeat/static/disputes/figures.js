// Dispute figures charts. Data comes from {{ chart_data|json_script:"dispute-figures-data" }}; no inline script (CSP).
(function () {
  // Choosing another park shows its figures at once, for the same period (the dates stay as they are).
  var form = document.getElementById("figures-form");
  var park = form && form.querySelector("select[name=park]");
  if (park) {
    park.addEventListener("change", function () {
      if (form.reportValidity()) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
    });
  }
})();
(function () {
  var source = document.getElementById("dispute-figures-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function bar(id, rows) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function pie(id, rows) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: rows.map(function (r) { return { name: r[0], value: r[1] }; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-category", data.category);
  pie("chart-settled", data.settled);
})();
