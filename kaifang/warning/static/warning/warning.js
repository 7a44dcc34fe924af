/* S5 预警 pages: the heat map of levels, the index with 红黄蓝 bands and component attribution,
   an alert's series against its thresholds, and the back-test (series with episodes, ROC curve). */
(function () {
  "use strict";
  const EN = document.documentElement.lang === "en";
  const T = (zh, en) => (EN ? en : zh);
  const COLORS = { 0: "#cfe8d6", 1: "#2f6fb0", 2: "#f2c037", 3: "#c23531" };
  const NAMES = { 0: T("正常", "normal"), 1: T("蓝", "blue"), 2: T("黄", "yellow"), 3: T("红", "red") };
  const BAND = { blue: "rgba(47,111,176,0.10)", yellow: "rgba(242,192,55,0.18)", red: "rgba(194,53,49,0.14)" };
  const PALETTE = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"];

  const readJSON = KF.readJSON;
  const init = KF.chart;
  const fmt = (v, d = 2) => (v == null ? "—" : Number(v).toFixed(d));

  /* Bands between thresholds, for a y axis running from lo to hi; lower-is-worse mirrors them. */
  function bands(t, lo, hi) {
    if (!t || t.blue == null) return [];
    const up = t.direction !== "lower";
    const edges = up ? [t.blue, t.yellow, t.red, Math.max(hi, t.red) + 1e6] : [t.blue, t.yellow, t.red, Math.min(lo, t.red) - 1e6];
    const keys = ["blue", "yellow", "red"];
    return keys.map((k, i) => [{ yAxis: edges[i], itemStyle: { color: BAND[k] }, label: { show: false } }, { yAxis: edges[i + 1] }]);
  }
  function thresholdLines(t) {
    if (!t || t.blue == null) return [];
    return ["blue", "yellow", "red"].map((k, i) => ({ yAxis: t[k], name: NAMES[i + 1], lineStyle: { color: COLORS[i + 1], type: "dashed" },
      label: { formatter: NAMES[i + 1] + " " + fmt(t[k]), color: COLORS[i + 1] } }));
  }

  function heat(data) {
    const chart = init("warning-heat");
    if (!chart) return;
    const h = data.heat;
    chart.setOption({
      tooltip: { formatter: (p) => h.rows[p.value[1]] + "<br>" + h.months[p.value[0]] + "：" + NAMES[p.value[2]] },
      grid: { left: 120, right: 20, top: 10, bottom: 70 },
      xAxis: { type: "category", data: h.months, splitArea: { show: true }, axisLabel: { interval: 2, rotate: 45 } },
      yAxis: { type: "category", data: h.rows, inverse: true, splitArea: { show: true } },
      visualMap: { type: "piecewise", dimension: 2, orient: "horizontal", left: "center", bottom: 0,
        pieces: [0, 1, 2, 3].map((v) => ({ value: v, label: NAMES[v], color: COLORS[v] })) },
      series: [{ type: "heatmap", data: h.values, itemStyle: { borderColor: "#fff", borderWidth: 1 } }],
    });
  }

  function indexChart(data) {
    const run = data.run;
    if (!run) return;
    const values = run.index;
    const lo = Math.min(...values), hi = Math.max(...values);
    const line = init("warning-index");
    if (line) {
      line.setOption({
        tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
        grid: { left: 48, right: 64, top: 24, bottom: 60 },
        dataZoom: [{ type: "slider", bottom: 8, start: 40 }],
        xAxis: { type: "category", data: run.periods },
        yAxis: { type: "value", name: T("标准差", "s.d."), min: Math.floor(Math.min(lo, data.bands.blue ?? lo) - 0.5), max: Math.ceil(hi + 0.5) },
        series: [{ name: T("供应链受阻指数", "Disruption index"), type: "line", data: values, symbol: "none", lineStyle: { width: 2, color: "#1f2d3d" },
          markArea: { silent: true, data: bands(data.bands, lo - 10, hi + 10) }, markLine: { silent: true, symbol: "none", data: thresholdLines(data.bands) } }],
      });
    }
    const stack = init("warning-attribution");
    if (!stack) return;
    const series = run.components.map((c, i) => ({
      name: run.names[c] || c, type: "bar", stack: "c", barCategoryGap: "10%",
      data: run.contributions[c].map((v, t) => ({ value: v, itemStyle: { opacity: run.observed[c][t] ? 1 : 0.35 } })),
      itemStyle: { color: PALETTE[i % PALETTE.length] },
    }));
    series.push({ name: T("指数", "Index"), type: "line", data: values, symbol: "none", lineStyle: { color: "#1f2d3d", width: 1.5 }, z: 10 });
    stack.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
      legend: { top: 0, type: "scroll" }, grid: { left: 48, right: 24, top: 36, bottom: 60 },
      dataZoom: [{ type: "slider", bottom: 8, start: 40 }],
      xAxis: { type: "category", data: run.periods }, yAxis: { type: "value" }, series,
    });
  }

  function alertChart(data) {
    const chart = init("warning-alert-series");
    if (!chart || !data.series) return;
    const s = data.series;
    const t = Object.keys(data.current_thresholds || {}).length ? data.current_thresholds : data.thresholds;
    const vals = s.values.filter((v) => v != null);
    chart.setOption({
      tooltip: { trigger: "axis" }, grid: { left: 56, right: 64, top: 24, bottom: 40 },
      xAxis: { type: "category", data: s.periods },
      yAxis: { type: "value", scale: true, name: data.unit },
      series: [{ name: data.indicator_name, type: "line", lineStyle: { color: "#1f2d3d" },
        data: s.values.map((v, i) => ({ value: v, itemStyle: { color: COLORS[s.levels[i] ?? 0] } })), symbolSize: 7,
        markArea: { silent: true, data: bands(t, Math.min(...vals) - 1e3, Math.max(...vals) + 1e3) },
        markLine: { silent: true, symbol: "none", data: thresholdLines(t) } }],
    });
  }

  function backtestCharts(data) {
    const d = data.detail;
    if (!d) return;
    const t = d.calibration ? { ...d.calibration.thresholds, direction: d.direction } : d.current.thresholds;
    const chart = init("warning-backtest-series");
    if (chart) {
      chart.setOption({
        title: { text: T("序列、标注事件（灰）与阈值", "Series, episodes (grey) and thresholds"), textStyle: { fontSize: 13 }, left: 0 },
        tooltip: { trigger: "axis" }, grid: { left: 56, right: 64, top: 48, bottom: 40 },
        xAxis: { type: "category", data: d.series.periods }, yAxis: { type: "value", scale: true },
        series: [{ type: "line", name: d.indicator_name, data: d.series.values, symbol: "none", lineStyle: { color: "#1f2d3d" },
          markArea: { silent: true, itemStyle: { color: "rgba(120,120,120,0.15)" }, label: { position: "insideTop", fontSize: 10, color: "#555" }, data: data.episodes.map((e) => [{ xAxis: e.start, name: e.name }, { xAxis: e.end }]) },
          markLine: { silent: true, symbol: "none", data: thresholdLines(t) } }],
      });
    }
    const roc = init("warning-backtest-roc");
    const record = d.calibration ? { sweep: d.calibration.sweep, levels: d.calibration.backtests } : d.current.backtests;
    if (!roc || !record || !record.sweep) return;
    const pts = record.sweep.map((r) => [r.false_alarm_rate, r.hit_rate, r.threshold]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const chosen = Object.entries(record.levels).map(([k, b]) => ({ name: NAMES[{ blue: 1, yellow: 2, red: 3 }[k]],
      value: [b.false_alarm_rate, b.hit_rate], itemStyle: { color: COLORS[{ blue: 1, yellow: 2, red: 3 }[k]] } }));
    roc.setOption({
      title: { text: T("ROC 曲线（各候选阈值）", "ROC curve (candidate thresholds)"), textStyle: { fontSize: 13 } },
      tooltip: { formatter: (p) => (p.value[2] != null ? T("阈值 ", "threshold ") + fmt(p.value[2], 3) + "<br>" : p.name + "<br>") +
        T("误报率 ", "FAR ") + fmt(p.value[0], 3) + "，" + T("命中率 ", "hit ") + fmt(p.value[1], 3) },
      grid: { left: 56, right: 24, top: 40, bottom: 48 },
      xAxis: { type: "value", min: 0, max: 1, name: T("误报率", "false-alarm rate"), nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", min: 0, max: 1, name: T("命中率", "hit rate") },
      series: [{ type: "line", data: pts, symbolSize: 4, lineStyle: { color: "#5470c6" } },
        { type: "line", data: [[0, 0], [1, 1]], symbol: "none", lineStyle: { type: "dotted", color: "#999" } },
        { type: "scatter", data: chosen, symbolSize: 14, label: { show: true, formatter: (p) => p.name, position: "right" } }],
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const board = readJSON("warning-board-data");
    if (board) heat(board);
    const index = readJSON("warning-index-data");
    if (index) indexChart(index);
    const alert = readJSON("warning-alert-data");
    if (alert) alertChart(alert);
    const bt = readJSON("warning-backtest-data");
    if (bt) backtestCharts(bt);
  });
})();
