// Draws the statistics charts with ECharts from the page's JSON data block (no inline script: CSP).
// Every chart has a data table beside it; the charts are hidden from screen readers (aria-hidden).
(function () {
  "use strict";
  function start() {
    var block = document.getElementById("stats-chart-data");
    if (!block || !window.echarts) { return; }
    var data = JSON.parse(block.textContent);
    var format = function (value) { return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, "."); };
    var palette = ["#005ea2", "#00a91c", "#e5a000", "#d54309", "#8168b3", "#3d4551"];
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var name = node.getAttribute("data-chart");
      var spec = data[name];
      if (!spec) { return; }
      var option;
      if (name === "results") {
        option = {
          color: palette,
          tooltip: { trigger: "item", valueFormatter: format },
          legend: { bottom: 0, type: "scroll" },
          series: [{ type: "pie", radius: ["35%", "65%"], data: spec.items, label: { formatter: "{b}: {d}%" } }]
        };
      } else {
        option = {
          color: palette,
          tooltip: { trigger: "axis", valueFormatter: format },
          legend: { bottom: 0, type: "scroll" },
          grid: { left: 8, right: 8, top: 16, bottom: 56, containLabel: true },
          xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: name === "channels" ? 30 : 0, width: 120, overflow: "truncate" } },
          yAxis: { type: "value", axisLabel: { formatter: format } },
          series: spec.series.map(function (s) {
            return name === "trend" ? { type: "line", name: s.name, data: s.data, smooth: false }
                                    : { type: "bar", stack: "channels", name: s.name, data: s.data };
          })
        };
      }
      var chart = window.echarts.init(node);
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
