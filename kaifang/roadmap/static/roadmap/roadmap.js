/* Kaifang policy roadmap (S3): a KPI's path chart, the quarterly lights per policy, the annual score bars.
   Data comes from the page's json_script blocks (the same dicts as the JSON twins); labels from data-* attributes. */
(function () {
  "use strict";
  const COLOURS = { green: "#2e8b57", yellow: "#e0a800", red: "#c23531", grey: "#9aa3ad" };

  const readJSON = KF.readJSON;
  const init = KF.chart;
  const fmt = (v) => (v == null ? "—" : Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }));

  function kpiPath(data) {
    const chart = init("kpi-path");
    if (!chart || !data) return;
    const L = document.getElementById("kpi-path").dataset;
    const idx = (m) => data.months.indexOf(m);
    const series = [
      { name: L.schedule, type: "line", data: data.schedule, symbol: "none", itemStyle: { color: "#2f4554" },
        lineStyle: { color: "#2f4554", width: 2 },
        markLine: { symbol: "none", label: { formatter: L.month + " " + data.month }, lineStyle: { color: "#999", type: "dashed" },
                    data: [{ xAxis: data.month }] } },
      { name: L.actual, type: "line", data: data.actual, connectNulls: true, symbolSize: 7,
        itemStyle: { color: "#c23531" }, lineStyle: { color: "#c23531" } },
      { name: L.milestone, type: "scatter", symbol: "diamond", symbolSize: 12, itemStyle: { color: "#5470c6" },
        data: (data.milestones || []).map((m) => [idx(m[0]), m[1]]).filter((p) => p[0] >= 0) },
      { name: L.baseline, type: "scatter", symbol: "circle", symbolSize: 10, itemStyle: { color: "#6b7785" },
        data: [[idx(data.baseline[0]), data.baseline[1]]] },
    ];
    if (data.target) {
      series.push({ name: L.target, type: "scatter", symbol: "pin", symbolSize: 22, itemStyle: { color: "#2e8b57" },
                    data: [[idx(data.target[0]), data.target[1]]] });
    }
    if (data.original) {
      series.push({ name: L.original, type: "line", data: data.original, symbol: "none",
                    itemStyle: { color: "#91a7bd" }, lineStyle: { color: "#91a7bd", type: "dashed" } });
    }
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: fmt }, legend: { bottom: 0 },
      grid: { left: 56, right: 24, top: 24, bottom: 56 },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: { type: "value", scale: true },
      series: series,
    });
  }

  function policyLights(policies) {
    const chart = init("policy-lights");
    if (!chart || !policies) return;
    const L = document.getElementById("policy-lights").dataset;
    const names = policies.map((p) => p.title);
    const count = (p, light) => p.tasks.reduce((n, t) => n + t.kpis.filter((k) => k.light === light).length, 0);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 200, overflow: "truncate" } },
      series: ["red", "yellow", "green", "grey"].map((light) => ({
        name: L[light], type: "bar", stack: "n", itemStyle: { color: COLOURS[light] },
        data: policies.map((p) => count(p, light)),
      })),
    });
  }

  function scoreBars(rows) {
    const chart = init("score-chart");
    if (!chart || !rows) return;
    const L = document.getElementById("score-chart").dataset;
    const part = (r, c) => (r[c] == null || r["w_" + c] == null ? 0 : Math.round(r[c] * r["w_" + c] * 100) / 100);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt }, legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r.department_name) },
      series: [["achievement", "#b8202b"], ["timeliness", "#5470c6"], ["quality", "#91a7bd"]].map(([c, colour]) => ({
        name: L[c], type: "bar", stack: "total", itemStyle: { color: colour }, data: rows.map((r) => part(r, c)),
      })),
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    kpiPath(readJSON("kpi-path-data"));
    policyLights(readJSON("quarterly-policies"));
    scoreBars(readJSON("annual-data"));
  });
})();
