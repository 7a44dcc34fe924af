"""年度考核 on the platform: the score of each lead department for a year, and its score sheet (xlsx).

The formula is the pure core's (:mod:`kaifang.roadmap.scoring`): achievement from the department's lead KPIs at
the year's last assessed month (December, or the last complete month for the current year) under the target in
force then; timeliness and data quality from the year's 月度调度 items (:func:`kaifang.roadmap.board.report_counts`)
whose due day has passed by the reference date. Every number of the sheet comes with its inputs, so it can be
recomputed by hand or by the evidence bundle's ``recompute.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pandas as pd
from django.utils import timezone

from kaifang.accounts.models import Department, Workspace
from kaifang.core.jsonsafe import json_safe
from kaifang.roadmap.assess import (
    assess_series,
    config_for,
    last_complete_month,
    params_of,
    score_weights,
    thresholds,
)
from kaifang.roadmap.board import report_counts
from kaifang.roadmap.months import month_index
from kaifang.roadmap.scoring import department_scores, kpi_points
from kaifang.roadmap.series import load_series


def score_month(year: int, today: dt.date | None = None) -> str:
    """The month the year's achievement is read at: December, or the last complete month if earlier."""
    last = last_complete_month(today)
    return min(f"{year}-12", last, key=month_index)


def annual(workspace: Workspace, year: int, today: dt.date | None = None) -> dict[str, Any]:
    """The score sheet of ``year``: departments ranked, each KPI's points, each report item, the parameters."""
    today = today or timezone.localdate()
    config = config_for(workspace)
    month = score_month(year, today)
    th = thresholds(config)
    kpis = []
    for s in load_series(workspace):
        row = assess_series(s, month, th)
        if row["reason"] == "not_started":
            continue  # no target in force yet: not part of this year's achievement
        kpis.append(row)
    frame = pd.DataFrame(
        {
            "department": [r["department"] for r in kpis],
            "kpi": [r["kpi"] for r in kpis],
            "weight": [float(r["weight"]) for r in kpis],
            "progress": [math.nan if r["progress"] is None else r["progress"] for r in kpis],
            "light": [r["light"] for r in kpis],
        }
    )
    counts, items = report_counts(workspace, year, config.due_day, today)
    weights = score_weights(config)
    names = dict(Department.objects.values_list("code", "name_zh"))
    departments: list[dict[str, Any]] = []
    if not frame.empty or not counts.empty:
        sheet = department_scores(frame, counts, weights)
        for dept, r in sheet.sort_values(["rank", "total"], ascending=[True, False]).iterrows():
            departments.append(
                {"department": dept, "department_name": names.get(str(dept), dept)}
                | {k: json_safe(v) for k, v in r.items()}
            )
        points = kpi_points(frame, weights)["points"].tolist()
        for row, p in zip(kpis, points, strict=True):
            row["points"] = float(p)
    return {
        "workspace": workspace.code,
        "year": year,
        "month": month,
        "reference_date": today.isoformat(),
        "params": params_of(config),
        "departments": departments,
        "kpis": kpis,
        "items": [it for it in items if it.get("counted_due") or it["filings"]],
        "formula": FORMULA,
    }


FORMULA = (
    "总分 = W指标·指标完成 + W按时·按时报送率 + W质量·数据质量（权重按适用项折算，和为1）；"
    "指标完成 = Σ权重×得分/Σ权重，得分 = 100×clip((最新值−基期值)/(目标值−基期值), 0, 1)（按进度）"
    "或 绿100/黄60/红0/灰0（按灯色）；按时报送率 = 100×按时/应报；数据质量 = 100×(报送次数−退回次数)/报送次数。"
)


def explain(d: dict[str, Any]) -> str:
    """The department's total written out with its numbers (the score sheet's 计算过程 column)."""
    parts = []
    for c, zh in (("achievement", "指标完成"), ("timeliness", "按时报送"), ("quality", "数据质量")):
        w, v = d.get(f"w_{c}"), d.get(c)
        if w:
            parts.append(f"{w:.4g}×{v:.4f}（{zh}）")
    return " + ".join(parts) + (f" = {d['total']:.4f}" if d.get("total") is not None else "")


def xlsx(data: dict[str, Any], workspace_name: str) -> bytes:
    """The score sheet as a workbook: 部门得分, 指标得分, 报送明细, 参数与公式."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "部门得分"
    ws.append(
        [
            f"{workspace_name} {data['year']}年度政策实施考核得分（评估月份 {data['month']}，"
            f"报送统计截至 {data['reference_date']}）"
        ]
    )
    ws["A1"].font = Font(bold=True)
    head = [
        "名次",
        "部门代码",
        "部门",
        "牵头指标数",
        "指标权重合计",
        "指标完成",
        "应报次数",
        "按时次数",
        "按时报送率",
        "报送次数",
        "退回次数",
        "数据质量",
        "权重·指标完成",
        "权重·按时",
        "权重·质量",
        "总分",
        "计算过程",
    ]
    ws.append(head)
    for d in data["departments"]:
        ws.append(
            [
                d["rank"],
                d["department"],
                d["department_name"],
                d["kpis"],
                d["kpi_weight"],
                d["achievement"],
                d["due"],
                d["on_time"],
                d["timeliness"],
                d["submitted"],
                d["rejected"],
                d["quality"],
                d["w_achievement"],
                d["w_timeliness"],
                d["w_quality"],
                d["total"],
                explain(d),
            ]
        )
    k = wb.create_sheet("指标得分")
    k.append(
        [
            "指标ID",
            "指标",
            "牵头部门",
            "权重",
            "基期",
            "基期值",
            "目标值",
            "目标期限",
            "目标ID",
            "最新期",
            "最新值",
            "进度比例f",
            "灯色",
            "得分",
        ]
    )
    for r in data["kpis"]:
        k.append(
            [
                r["kpi"],
                r["name"],
                r["department"],
                r["weight"],
                r["baseline_period"],
                r["baseline"],
                r["target"],
                r["deadline"],
                r["target_id"],
                r["latest_period"],
                r["latest_value"],
                r["progress"],
                r["light"],
                r.get("points"),
            ]
        )
    i = wb.create_sheet("报送明细")
    i.append(
        ["任务ID", "任务", "部门", "月份", "截止日", "计入应报", "状态", "报送日", "报送次数", "退回次数", "报告ID"]
    )
    for it in data["items"]:
        i.append(
            [
                it["task"],
                it["task_title"],
                it["department"],
                it["month"],
                it["due"],
                "是" if it.get("counted_due") else "否",
                it["status_zh"],
                it["filed_on"],
                it["filings"],
                it["rejected"],
                it["report"],
            ]
        )
    p = wb.create_sheet("参数与公式")
    p.append(["公式", data["formula"]])
    for key, value in data["params"].items():
        p.append([key, value])
    for sheet in wb.worksheets:
        sheet.freeze_panes = "A3" if sheet.title == "部门得分" else "A2"
        for col in sheet.columns:
            letter = col[0].column_letter
            sheet.column_dimensions[letter].width = min(48, max(8, *(len(str(c.value or "")) * 1.6 for c in col[:40])))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
