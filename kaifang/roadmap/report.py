"""The quarterly assessment report (季度评估报告) as HTML, PDF (WeasyPrint) and Word (python-docx), in Chinese.

All three are made from one dict, :func:`kaifang.roadmap.pages.quarterly` — the quarterly page's JSON twin — so
the report, the page and the twin cannot disagree. Contents: the overall lights and trends, a chart of lights per
policy and of each KPI's progress against the schedule, the tree of policies, tasks and KPIs with their figures,
the lagging list with the responsible departments, what changed since the last quarter (lights, trends, target
revisions), and the method with the thresholds in force.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kaifang.accounts.models import Workspace
from kaifang.cockpit.templatetags.cockpit import num
from kaifang.roadmap import charts
from kaifang.roadmap.pages import quarterly

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_data(workspace: Workspace, quarter: str, today: dt.date | None = None) -> dict[str, Any]:
    data = quarterly(workspace, quarter, today)
    kpis = [k for p in data["policies"] for t in p["tasks"] for k in t["kpis"]]
    data["charts"] = {"lights": charts.lights_by_policy(data["policies"]), "progress": charts.progress_bars(kpis)}
    data["generated_at"] = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    prm = data["params"]
    data["rollup"] = {"red": f"{prm['rollup_red_share']:.1%}", "yellow": f"{prm['rollup_yellow_share']:.1%}"}
    return data


def render_html(data: dict[str, Any]) -> str:
    with translation.override("zh-hans"):
        svgs = {name: charts.svg(c) for name, c in data["charts"].items()}
        return render_to_string("roadmap/report.html", {"data": data, "svgs": svgs})


def render_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(data)).write_pdf()  # type: ignore[no-any-return]


DOT_RGB = {
    "green": (0x2E, 0x8B, 0x57),
    "yellow": (0xE0, 0xA8, 0x00),
    "red": (0xC2, 0x35, 0x31),
    "grey": (0x9A, 0xA3, 0xAD),
}
LIGHT_TEXT = {"● " + zh: code for code, zh in (("green", "绿"), ("yellow", "黄"), ("red", "红"), ("grey", "灰"))}


def _cell(table: Any, row: int, col: int, text: str, bold: bool = False) -> None:
    from docx.shared import RGBColor

    cell = table.cell(row, col)
    cell.text = ""
    para = cell.paragraphs[0]
    if text in LIGHT_TEXT:  # a light: a coloured dot, then its name
        para.add_run("● ").font.color.rgb = RGBColor(*DOT_RGB[LIGHT_TEXT[text]])
        text = text[2:]
    run = para.add_run(text)
    run.bold = bold


def _table(doc: Any, head: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    for j, h in enumerate(head):
        _cell(table, 0, j, h, bold=True)
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            _cell(table, i, j, text)


def _light(code: str | None, zh: str) -> str:
    return f"● {zh}" if code else "—"


def render_docx(data: dict[str, Any]) -> bytes:
    """The report as a Word document with the same sections; the charts as PNG pictures."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "宋体", Pt(10.5)  # type: ignore[attr-defined]
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # type: ignore[attr-defined]
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")  # type: ignore[attr-defined]
    doc.add_heading(f"{data['workspace_name']}政策实施路线图 {data['quarter']} 季度评估报告", level=0)
    status = f"已定稿（{data['assessment']['created_at'][:16]}）" if data["stored"] else "实时计算（未定稿）"
    doc.add_paragraph(f"评估月份：{data['month']}　状态：{status}　生成时间：{data['generated_at']}")
    if data.get("sample"):
        doc.add_paragraph("示例数据：本报告中的政策、任务、指标与数值为演示用示例数据，不代表官方统计。")
    lights, before = data["lights"], data["lights_before"]
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(
        f"本季度评估指标 {sum(lights.values())} 个：红灯 {lights['red']} 个（上季度 {before['red']} 个），"
        f"黄灯 {lights['yellow']} 个（{before['yellow']}），绿灯 {lights['green']} 个（{before['green']}），"
        f"灰灯 {lights['grey']} 个（{before['grey']}）。趋势："
        + "，".join(f"{data['trend_labels'][t]} {n} 个" for t, n in data["trends"].items())
        + "。"
        f"本季度应报月度进展 {data['reports']['due']} 份，按时 {data['reports']['reported']} 份，"
        f"逾期报送 {data['reports']['late']} 份，逾期未报 {data['reports']['overdue']} 份。"
    )
    for chart in data["charts"].values():
        doc.add_picture(io.BytesIO(charts.png(chart)), width=Cm(16))
    doc.add_heading("二、政策、任务与指标", level=1)
    for p in data["policies"]:
        doc.add_heading(f"{p['title']}（{p['doc_number'] or '—'}）　{_light(p['light'], p['light_zh'])}", level=2)
        rows = []
        for t in p["tasks"]:
            rows.append([t["title"], t["lead_name"], _light(t["light"], t["light_zh"]), "", "", "", "", "", ""])
            for k in t["kpis"]:
                target = f"{num(k['target'])}（{k['deadline']}）" if k["target"] is not None else "—"
                latest = f"{num(k['latest_value'])}（{k['latest_period']}）" if k["latest_value"] is not None else "—"
                rows.append(
                    [
                        f"　{k['name']}",
                        k["department_name"],
                        _light(k["light"], k["light_zh"]),
                        k["trend_zh"],
                        num(k["baseline"]),
                        target,
                        num(k["expected"]),
                        latest,
                        num(k["gap_pts"], 1),
                    ]
                )
        _table(
            doc,
            [
                "任务/指标",
                "牵头部门",
                "灯色",
                "趋势",
                "基期值",
                "目标（期限）",
                "应达值",
                "最新值（期）",
                "差距（百分点）",
            ],
            rows,
        )
    doc.add_heading("三、滞后指标清单", level=1)
    _table(
        doc,
        ["指标", "灯色", "差距（百分点）", "原因", "牵头部门", "配合部门"],
        [
            [
                k["name"],
                _light(k["light"], k["light_zh"]),
                num(k["gap_pts"], 1),
                k["reason_zh"],
                k["department_name"],
                "、".join(k["cooperating"]) or "—",
            ]
            for k in data["lagging"]
        ]
        or [["无", "", "", "", "", ""]],
    )
    doc.add_heading("四、与上季度相比的变化", level=1)
    _table(
        doc,
        ["指标", f"灯色（{data['previous']} → {data['quarter']}）", "趋势", "差距（百分点）"],
        [
            [
                c["name"],
                f"{c['light_from_zh']} → {c['light_to_zh']}",
                f"{c['trend_from_zh']} → {c['trend_to_zh']}",
                f"{num(c['gap_from'], 1)} → {num(c['gap_to'], 1)}",
            ]
            for c in data["changes"]
        ]
        or [["无变化", "", "", ""]],
    )
    if data["revisions"]:
        doc.add_paragraph("本季度目标调整（动态优化调整）：")
        _table(
            doc,
            ["指标", "新目标", "期限", "生效月份", "状态", "理由"],
            [
                [r["kpi_name"], num(r["value"]), r["deadline"], r["effective_from"], r["state_zh"], r["reason"]]
                for r in data["revisions"]
            ],
        )
    doc.add_heading("五、评估方法", level=1)
    prm = data["params"]
    doc.add_paragraph(
        f"序时进度：按基期值至目标值（经里程碑）的路径计算本月应达值；进度比例 f(x)=(x−基期值)/(目标值−基期值)；"
        f"差距=(f(应达值)−f(最新值))×100 个百分点。差距小于 {prm['yellow_pts']:g} 为绿灯，{prm['yellow_pts']:g}～"
        f"{prm['red_pts']:g}（含）为黄灯，大于 {prm['red_pts']:g} 为红灯；"
        f"最近 {prm['missed_reports']} 期报告均缺报为红灯。"
        "趋势按《可持续发展报告》方法：实际年均变化/所需年均变化 ≥1 为按期达标，0.5～1 为温和改善，0～0.5 为停滞，"
        "小于 0 为倒退；已达目标为按期达标。任务与政策灯色按权重汇总：红灯权重占比达 "
        f"{data['rollup']['red']} 为红，红黄合计达 {data['rollup']['yellow']} 或含红灯为黄。"
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(data: dict[str, Any], fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(data)
    if fmt == "docx":
        return render_docx(data)
    if fmt == "html":
        return render_html(data).encode("utf-8")
    raise ValueError(f"未知格式 unknown format {fmt!r}; expected html, pdf or docx")
