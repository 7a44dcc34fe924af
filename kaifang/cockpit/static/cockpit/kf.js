/* Shared by every page's script: read the page's own JSON (json_script) and create a resizing ECharts chart. */
window.KF = (function () {
  "use strict";
  function readJSON(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  /* An element or its id; null when the page has no such element (the chart is optional there). */
  function chart(target) {
    const el = typeof target === "string" ? document.getElementById(target) : target;
    if (!el) return null;
    const c = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", () => c.resize());
    return c;
  }
  return { readJSON: readJSON, chart: chart };
})();
