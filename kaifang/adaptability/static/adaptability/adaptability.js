/* S6 政策适配性评估 pages: three readiness gauges and a radar for one assessment; the models × matches heat map. */
(function () {
  "use strict";
  const EN = document.documentElement.lang === "en";
  const T = (zh, en) => (EN ? en : zh);
  const BAND = [[0.6, "#c23531"], [0.8, "#f2c037"], [1, "#3ba272"]]; // < 60 不宜照搬, 60–80 有条件借鉴, ≥ 80 适配

  const readJSON = KF.readJSON;
  const init = KF.chart;

  function report(data) {
    const a = data.assessment;
    if (!a) return;
    const rows = a.readiness;
    const gauges = init("adaptability-gauges");
    if (gauges) {
      gauges.setOption({
        series: rows.map((r, i) => ({
          type: "gauge", center: [`${17 + i * 33}%`, "58%"], radius: "70%", min: 0, max: 100, splitNumber: 5,
          axisLine: { lineStyle: { width: 10, color: BAND } }, pointer: { width: 4 },
          axisLabel: { fontSize: 9, distance: 12 }, splitLine: { length: 8 }, axisTick: { show: false },
          title: { offsetCenter: [0, "95%"], fontSize: 12 },
          detail: { fontSize: 16, offsetCenter: [0, "45%"], formatter: (v) => (v == null ? "—" : v.toFixed(1)) },
          data: [{ value: r.readiness == null ? 0 : Number(r.readiness.toFixed(1)), name: EN ? r.name_en : r.name_zh }],
        })),
      });
    }
    const radar = init("adaptability-radar");
    if (radar) {
      radar.setOption({
        tooltip: {},
        radar: { indicator: rows.map((r) => ({ name: EN ? r.name_en : r.name_zh, max: 100 })), radius: "62%",
          axisName: { fontSize: 11 } },
        series: [{ type: "radar", areaStyle: { opacity: 0.25 },
          data: [{ value: rows.map((r) => (r.readiness == null ? 0 : Number(r.readiness.toFixed(1)))), name: a.region.name_zh },
                 { value: rows.map(() => 80), name: T("适配线 80", "suitable line 80"), lineStyle: { type: "dashed" }, areaStyle: { opacity: 0 }, symbol: "none" }] }],
      });
    }
  }

  function matrix(data) {
    const chart = init("adaptability-heat");
    if (!chart) return;
    const h = data.heat;
    chart.setOption({
      tooltip: { formatter: (p) => `${(EN ? h.y_en : h.y)[p.value[1]]}<br>${(EN ? h.x_en : h.x)[p.value[0]]}：${p.value[2] == null ? "—" : p.value[2]}` },
      grid: { left: 170, right: 20, top: 10, bottom: 60 },
      xAxis: { type: "category", data: EN ? h.x_en : h.x, splitArea: { show: true }, position: "top" },
      yAxis: { type: "category", data: EN ? h.y_en : h.y, inverse: true, splitArea: { show: true } },
      visualMap: { type: "piecewise", dimension: 2, orient: "horizontal", left: "center", bottom: 0,
        pieces: [{ min: 80, max: 100, label: T("≥80 适配", "≥80 suitable"), color: "#3ba272" },
                 { min: 60, max: 80, label: T("60–80 有条件借鉴", "60–80 with conditions"), color: "#f2c037" },
                 { min: 0, max: 60, label: T("<60 不宜照搬", "<60 do not copy"), color: "#e8837f" }] },
      series: [{ type: "heatmap", data: h.values.filter((v) => v[2] != null), label: { show: true },
        itemStyle: { borderColor: "#fff", borderWidth: 2 } }],
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const r = readJSON("adaptability-report-data");
    if (r) report(r);
    const m = readJSON("adaptability-matrix-data");
    if (m) matrix(m);
  });
})();
