/* Kaifang cockpit charts: read the page's own JSON (json_script) and draw it with ECharts. */
(function () {
  "use strict";
  const PALETTE = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#bda29a", "#6e7074", "#546570"];

  const readJSON = KF.readJSON;

  function seriesChart(data) {
    const el = document.getElementById("series-chart");
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    const unit = data.indicator.unit;
    chart.setOption({
      color: PALETTE,
      title: { text: data.indicator.name_zh + "（" + unit + "）", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : Number(v).toLocaleString("zh-CN") + " " + unit) },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 60, right: 24, top: 40, bottom: 48 },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", name: unit, scale: true },
      series: data.series.map((s) => {
        const derived = new Set(s.derived_periods || []);
        return {
          name: s.name, type: "line", connectNulls: false, symbolSize: 5,
          // values derived from the other basis (当月 ↔ 累计) are drawn hollow
          data: s.data.map((v, i) => (derived.has(data.periods[i]) ? { value: v, symbol: "emptyCircle", symbolSize: 8 } : v)),
        };
      }),
    });
    window.addEventListener("resize", () => chart.resize());
  }

  function peerChart(data) {
    const el = document.getElementById("peer-chart");
    if (!el || !data.peers.rows.length) return;
    const rows = data.peers.rows.slice().reverse();
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 120, right: 40, top: 10, bottom: 24 },
      xAxis: { type: "value", name: data.indicator.unit },
      yAxis: { type: "category", data: rows.map((r) => r.rank + ". " + r.name), axisLabel: { interval: 0, fontSize: 11 } },
      series: [{
        type: "bar",
        name: data.peers.time_period,
        data: rows.map((r) => ({ value: r.obs_value, itemStyle: { color: r.home ? "#c23531" : "#91a7bd" } })),
      }],
    });
  }

  function sparks(data) {
    for (const card of data.cards) {
      const el = document.querySelector('[data-spark="' + card.code + '"]');
      if (!el || !card.trend.length) continue;
      const chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        grid: { left: 2, right: 2, top: 4, bottom: 2 },
        xAxis: { type: "category", show: false, data: card.trend.map((p) => p[0]) },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: card.trend.map((p) => p[1]), symbol: "none", lineStyle: { width: 1.5 }, areaStyle: { opacity: 0.15 } }],
        animation: false,
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const ind = readJSON("indicator-data");
    if (ind) { seriesChart(ind); peerChart(ind); }
    const ov = readJSON("overview-data");
    if (ov) sparks(ov);
  });
})();
