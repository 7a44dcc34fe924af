/* S6 压力测试 pages: multipliers and linkages of a table, a run's sector losses and paths, two runs compared. */
(function () {
  "use strict";
  const EN = document.documentElement.lang === "en";
  const T = (zh, en) => (EN ? en : zh);
  const fmt = (v, d = 2) => (v == null ? "—" : Number(v).toFixed(d));

  const readJSON = KF.readJSON;
  const init = KF.chart;
  const label = (s) => s.code + " " + (EN ? s.name_en || s.name_zh : s.name_zh);

  function table(data) {
    const rows = data.sectors.slice().sort((a, b) => a.output_multiplier - b.output_multiplier);
    const m = init("stress-multipliers");
    if (m) m.setOption({
      grid: { left: 190, right: 30, top: 10, bottom: 30 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 1 },
      yAxis: { type: "category", data: rows.map(label), axisLabel: { fontSize: 10, width: 180, overflow: "truncate", interval: 0 } },
      series: [{ type: "bar", data: rows.map((s) => +fmt(s.output_multiplier, 3)), itemStyle: { color: "#5470c6" } }],
    });
    const l = init("stress-linkages");
    if (l) l.setOption({
      grid: { left: 50, right: 30, top: 20, bottom: 40 },
      tooltip: { formatter: (p) => p.data[2] + "<br>" + T("后向", "backward") + " " + fmt(p.data[0], 3) + " · " + T("前向", "forward") + " " + fmt(p.data[1], 3) },
      xAxis: { name: T("后向关联", "backward"), nameLocation: "middle", nameGap: 26, scale: true },
      yAxis: { name: T("前向关联", "forward"), scale: true },
      series: [{
        type: "scatter", symbolSize: (v) => 6 + 14 * Math.sqrt(v[3]),
        data: data.sectors.map((s) => [s.backward, s.forward, label(s), s.output_yi / Math.max(...data.sectors.map((x) => x.output_yi))]),
        itemStyle: { color: (p) => (p.data[0] > 1 && p.data[1] > 1 ? "#c23531" : "#5470c6") },
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#999" }, data: [{ xAxis: 1 }, { yAxis: 1 }] },
      }],
    });
  }

  function run(data) {
    if (!data.sectors) return;
    const by = Object.fromEntries(data.sectors.map((s) => [s.code, s]));
    const top = data.top.map((c) => by[c]).filter(Boolean).reverse();
    const bars = init("stress-sector-bars");
    if (bars) bars.setOption({
      legend: { top: 0 },
      grid: { left: 190, right: 30, top: 56, bottom: 30 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", name: T("亿元", "100m yuan") },
      yAxis: { type: "category", data: top.map(label), axisLabel: { fontSize: 10, width: 180, overflow: "truncate" } },
      series: [
        { name: T("ARIO 产出损失", "ARIO output loss"), type: "bar", data: top.map((s) => +fmt(s.ario_production_loss, 3)), itemStyle: { color: "#c23531" } },
        { name: T("ARIO 增加值损失", "ARIO value-added loss"), type: "bar", data: top.map((s) => +fmt(s.ario_va_loss, 3)), itemStyle: { color: "#f2c037" } },
        { name: T("静态 Leontief −Δ产出", "static Leontief −Δx"), type: "bar", data: top.map((s) => +fmt(-(s.static_dx || 0), 3)), itemStyle: { color: "#2f6fb0" } },
        { name: T("静态 Ghosh −Δ产出", "static Ghosh −Δx"), type: "bar", data: top.map((s) => +fmt(-(s.supply_dx || 0), 3)), itemStyle: { color: "#73c0de" } },
      ],
    });
    const d = data.daily;
    const daily = init("stress-daily");
    if (daily && d) {
      const base = d.total_production[0] || 1;
      daily.setOption({
        legend: { top: 0 },
        grid: { left: 60, right: 60, top: 30, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.day, name: T("天", "day") },
        yAxis: [{ type: "value", scale: true, axisLabel: { formatter: (v) => fmt(v, 2) + "%" } },
          { type: "value", name: T("未满足（万元/天）", "unmet (10k yuan/day)"), splitLine: { show: false }, axisLabel: { formatter: (v) => Number(v).toPrecision(2) } }],
        series: [
          { name: T("总产出/基线", "output / baseline"), type: "line", showSymbol: false, data: d.total_production.map((v) => +(100 * v / base).toFixed(3)) },
          { name: T("未满足最终需求", "unmet final demand"), type: "line", yAxisIndex: 1, showSymbol: false, areaStyle: { opacity: 0.2 }, data: d.final_demand_unmet },
        ],
      });
    }
    const p = data.paths;
    const paths = init("stress-paths");
    if (paths && p) {
      const codes = Object.keys(p).filter((k) => k !== "day");
      paths.setOption({
        legend: { top: 0, type: "scroll" },
        grid: { left: 60, right: 30, top: 30, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: p.day },
        yAxis: { type: "value", scale: true, axisLabel: { formatter: (v) => fmt(100 * v, 1) + "%" } },
        series: codes.map((c) => ({ name: c + " " + (data.path_names[c] || ""), type: "line", showSymbol: false, data: p[c] })),
      });
    }
  }

  function compare(data) {
    const rows = data.rows.slice(0, 20).reverse();
    const chart = init("stress-compare-bars");
    if (chart) chart.setOption({
      legend: { top: 0 },
      grid: { left: 190, right: 30, top: 30, bottom: 30 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", name: T("亿元", "100m yuan") },
      yAxis: { type: "category", data: rows.map(label), axisLabel: { fontSize: 10, width: 180, overflow: "truncate" } },
      series: [
        { name: "A · #" + data.a.id, type: "bar", data: rows.map((s) => +fmt(s.a_loss, 3)), itemStyle: { color: "#5470c6" } },
        { name: "B · #" + data.b.id, type: "bar", data: rows.map((s) => +fmt(s.b_loss, 3)), itemStyle: { color: "#ee6666" } },
      ],
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const t = readJSON("stress-table-data");
    if (t) table(t);
    const r = readJSON("stress-run-data");
    if (r) run(r);
    const c = readJSON("stress-compare-data");
    if (c) compare(c);
  });
})();
