/* Kaifang S4 ledger pages: funnel, monthly funds, stalled projects by department, partner regions map and bars.
   Every chart reads the page's data from the JSON script "projects-data" (the same dict as the .json twin). */
(function () {
  "use strict";
  const RED = "#c23531", BLUE = "#2f6fb0", GREY = "#91a7bd", SCOPES = [
    ["out_of_province", "省外", RED], ["foreign", "境外", BLUE], ["in_province", "省内", GREY],
  ];
  const WINDOW_COLORS = [RED, "#e0a370", BLUE, GREY];

  const readJSON = KF.readJSON;
  const init = KF.chart;
  const pct = (v) => (v == null ? null : Math.round(v * 1000) / 10);
  const pctLabel = (p) => (p.value == null ? "—" : p.value + "%");

  function stageBars(id, stages, series) {
    const chart = init(id);
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
      legend: { bottom: 0 },
      grid: { left: 44, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: stages },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: series.map((s, i) => ({
        name: s.name, type: "bar", data: s.shares.map(pct), itemStyle: { color: s.color || WINDOW_COLORS[i % 4] },
        label: { show: series.length <= 2, position: "top", fontSize: 10, formatter: pctLabel },
      })),
    });
  }

  function monthlyFunds(id, rows) {
    const chart = init(id);
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : Number(v).toFixed(2) + " 亿元") },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: rows.map((r) => r.month.slice(5) + "月") },
      yAxis: { type: "value", name: "亿元" },
      series: SCOPES.map(([key, name, color]) => ({
        name, type: "bar", stack: "funds", data: rows.map((r) => r[key] ?? 0), itemStyle: { color },
      })),
    });
  }

  function departmentBars(id, rows) {
    const chart = init(id);
    if (!chart) return;
    const sorted = rows.slice().reverse();
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 150, right: 40, top: 8, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: sorted.map((r) => r.name) },
      series: [{ name: "停滞项目", type: "bar", data: sorted.map((r) => r.count), itemStyle: { color: RED },
                 label: { show: true, position: "right" } }],
    });
  }

  function home(data) {
    stageBars("projects-funnel", data.funnel.stages, [
      { name: "项目", shares: data.funnel.stages.map((s) => data.funnel.projects.overall.shares[s]), color: RED },
      { name: "协议", shares: data.funnel.stages.map((s) => data.funnel.agreements.overall.shares[s]), color: BLUE },
    ]);
    monthlyFunds("projects-funds-monthly", data.funds_monthly);
    departmentBars("projects-stalled-bars", data.stalled_by_department);
  }

  function funnel(data) {
    stageBars("funnel-chart", data.stages, data.chart.map((w) => ({ name: w.name + "（" + w.eligible + "）", shares: w.shares })));
  }

  function stalled(data) {
    departmentBars("stalled-bars", data.departments.map((d) => ({ name: d.name, count: d.count })));
  }

  function regions(data) {
    const map = init("regions-map");
    if (map) {
      const url = document.getElementById("regions-map").dataset.geo;
      fetch(url).then((r) => r.json()).then((geo) => {
        echarts.registerMap("china", geo);
        const byCode = {};
        for (const p of data.provinces) byCode[p.code] = p;
        const values = geo.features.filter((f) => byCode[f.id]).map((f) => ({
          name: f.properties.name, value: byCode[f.id].funds, projects: byCode[f.id].projects, agreements: byCode[f.id].agreements,
        }));
        const max = Math.max(1, ...values.map((v) => v.value));
        map.setOption({
          tooltip: { trigger: "item", formatter: (p) => p.data ? p.name + "<br>到位资金 " + p.data.value.toFixed(2) + " 亿元<br>签约项目 "
            + p.data.projects + " 个　协议 " + p.data.agreements + " 项" : p.name },
          visualMap: { min: 0, max: Math.ceil(max), left: 8, bottom: 8, text: ["高", "低"], calculable: true,
                       inRange: { color: ["#f3e5d8", "#e0a370", RED] } },
          series: [{ type: "map", map: "china", roam: false, data: values, select: { disabled: true },
                     label: { show: false }, emphasis: { label: { show: true } } }],
        });
      });
    }
    const bar = init("regions-bar");
    if (!bar) return;
    const top = data.regions.slice(0, 15).reverse();
    bar.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 90, right: 24, top: 28, bottom: 56 },
      yAxis: { type: "category", data: top.map((r) => r.name + (r.foreign ? "*" : "")) },
      xAxis: [{ type: "value", name: "亿元", position: "top" }, { type: "value", name: "个/项", position: "bottom", minInterval: 1 }],
      series: [
        { name: "到位资金（亿元）", type: "bar", xAxisIndex: 0, data: top.map((r) => r.funds), itemStyle: { color: RED } },
        { name: "签约项目", type: "bar", xAxisIndex: 1, data: top.map((r) => r.projects), itemStyle: { color: GREY } },
        { name: "签约协议", type: "bar", xAxisIndex: 1, data: top.map((r) => r.agreements), itemStyle: { color: BLUE } },
      ],
    });
  }

  function funds(data) {
    monthlyFunds("funds-monthly", data.months);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const page = document.getElementById("projects-page");
    const data = readJSON("projects-data");
    if (!page || !data) return;
    ({ home, funnel, stalled, regions, funds })[page.dataset.page]?.(data);
  });
})();
