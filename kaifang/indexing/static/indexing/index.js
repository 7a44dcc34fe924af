/* Kaifang index pages: ranking map and sparklines, unit radar and history, uncertainty charts. */
(function () {
  "use strict";
  const HOME = "#c23531", PEER = "#91a7bd", MEDIAN = "#2f4554", BEST = "#61a0a8";

  const readJSON = KF.readJSON;
  const init = KF.chart;
  const fmt = (v) => (v == null ? "—" : Number(v).toFixed(1));

  function rankingMap(data) {
    const chart = init("index-map");
    if (!chart) return;
    const url = document.getElementById("index-map").dataset.geo;
    fetch(url).then((r) => r.json()).then((geo) => {
      echarts.registerMap("sichuan", geo);
      const rows = data.rows.filter((r) => r.unit.startsWith("51"));
      const names = {};
      for (const f of geo.features) names[f.id] = f.properties.name;
      const values = rows.map((r) => ({ name: names[r.unit] || r.name, value: r.score, rank: r.rank, unit: r.unit }));
      const scores = rows.map((r) => r.score).filter((v) => v != null);
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) => p.data ? p.data.name + "<br>指数 " + fmt(p.data.value) + "　第 " + p.data.rank + " 名" : p.name },
        visualMap: { min: Math.floor(Math.min(...scores)), max: Math.ceil(Math.max(...scores)), left: 8, bottom: 8,
                     text: ["高", "低"], calculable: true, inRange: { color: ["#f3e5d8", "#e0a370", "#c23531"] } },
        series: [{ type: "map", map: "sichuan", roam: false, data: values, label: { show: true, fontSize: 9, color: "#333" },
                   emphasis: { label: { show: true } }, select: { disabled: true } }],
      });
      chart.on("click", (p) => { if (p.data && p.data.unit) location.href = "units/" + p.data.unit + "/"; });
    });
  }

  function rankingSparks(data) {
    for (const r of data.rows) {
      const el = document.querySelector('[data-index-spark="' + r.unit + '"]');
      if (!el) continue;
      const chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        grid: { left: 2, right: 2, top: 3, bottom: 3 }, animation: false,
        xAxis: { type: "category", show: false, data: data.years }, yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: r.trend, symbol: "none", lineStyle: { width: 1.5, color: r.home ? HOME : "#5470c6" } }],
      });
    }
  }

  function profileRadar(data) {
    const chart = init("profile-radar");
    if (!chart) return;
    const rd = data.radar;
    chart.setOption({
      tooltip: {}, legend: { bottom: 0 },
      radar: { indicator: rd.names.map((n) => ({ name: n, max: 100, min: 0 })), radius: "62%" },
      series: [{ type: "radar", data: [
        { name: data.name, value: rd.unit, lineStyle: { color: HOME, width: 2 }, itemStyle: { color: HOME }, areaStyle: { opacity: 0.15 } },
        { name: "对标地区中位数", value: rd.peer_median, lineStyle: { color: MEDIAN, type: "dashed" }, itemStyle: { color: MEDIAN } },
        { name: "对标地区最高", value: rd.peer_max, lineStyle: { color: BEST, type: "dotted" }, itemStyle: { color: BEST } },
      ] }],
    });
  }

  function profileHistory(data) {
    const chart = init("profile-history");
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 48, right: 48, top: 24, bottom: 48 },
      xAxis: { type: "category", data: data.history.map((h) => h.year) },
      yAxis: [{ type: "value", name: "指数", scale: true }, { type: "value", name: "名次", inverse: true, minInterval: 1, min: 1 }],
      series: [
        { name: "指数", type: "line", data: data.history.map((h) => h.score), itemStyle: { color: HOME } },
        { name: "名次", type: "line", yAxisIndex: 1, step: "middle", data: data.history.map((h) => h.rank), itemStyle: { color: PEER } },
      ],
    });
  }

  function uncertainty(data) {
    if (!data.result) return;
    const res = data.result;
    const ranks = init("ua-ranks");
    if (ranks) {
      const rows = res.ranks.slice().sort((a, b) => a.nominal - b.nominal).reverse();
      ranks.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                   formatter: (ps) => { const r = rows[ps[0].dataIndex]; return r.name + "<br>名义名次 " + r.nominal + "<br>中位名次 " + r.median + "<br>5%–95% 区间 " + r.q05 + "–" + r.q95; } },
        grid: { left: 110, right: 24, top: 16, bottom: 32 },
        xAxis: { type: "value", name: "名次", inverse: false, min: 1, minInterval: 1 },
        yAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { fontSize: 11, interval: 0 } },
        series: [
          { type: "bar", stack: "band", data: rows.map((r) => r.q05), itemStyle: { color: "transparent" }, silent: true },
          { type: "bar", stack: "band", name: "5%–95%", data: rows.map((r) => ({ value: r.q95 - r.q05,
            itemStyle: { color: r.home ? "rgba(194,53,49,0.35)" : "rgba(84,112,198,0.3)" } })) },
          { type: "scatter", name: "中位名次", data: rows.map((r) => r.median), itemStyle: { color: MEDIAN }, symbolSize: 7 },
          { type: "scatter", name: "名义名次", data: rows.map((r) => r.nominal), symbol: "diamond", itemStyle: { color: HOME }, symbolSize: 8 },
        ],
      });
    }
    const sobol = init("ua-sobol");
    if (sobol && res.sobol) {
      const s = res.sobol;
      sobol.setOption({
        tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 120, right: 24, top: 16, bottom: 48 },
        xAxis: { type: "value", min: 0, max: 1 },
        yAxis: { type: "category", data: s.map((r) => r.label) },
        series: [
          { name: "一阶指数 S1", type: "bar", data: s.map((r) => r.S1), itemStyle: { color: PEER } },
          { name: "总效应指数 ST", type: "bar", data: s.map((r) => r.ST), itemStyle: { color: HOME } },
        ],
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const rk = readJSON("index-ranking-data");
    if (rk) { rankingMap(rk); rankingSparks(rk); }
    const pf = readJSON("index-profile-data");
    if (pf) { profileRadar(pf); profileHistory(pf); }
    const ua = readJSON("index-ua-data");
    if (ua) uncertainty(ua);
  });
})();
