"""The dicts behind the roadmap pages and their JSON twins: the tree, a KPI's detail, the quarterly assessment."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.roadmap.assess import (
    LIGHT_ZH,
    REASON_ZH,
    assess_all,
    assess_series,
    assessment_at,
    config_for,
    previous_quarter,
    quarter_month,
    thresholds,
    trend_label,
)
from kaifang.roadmap.board import due_items
from kaifang.roadmap.models import Kpi, KpiTarget, Policy, Task
from kaifang.roadmap.months import month_index, month_label
from kaifang.roadmap.reminders import reminders
from kaifang.roadmap.series import load_series, months

LIGHTS = ["red", "yellow", "green", "grey"]
TRENDS = ["on_track", "moderately_improving", "stagnating", "decreasing"]


def _labels(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "light_zh": LIGHT_ZH[row["light"]],
        "reason_zh": REASON_ZH.get(row["reason"], row["reason"]),
        "trend_zh": trend_label(row.get("trend")),
    }


def policy_meta(p: Policy) -> dict[str, Any]:
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "id": p.pk,
        "title": p.title,
        "doc_number": p.doc_number,
        "issuer": p.issuer,
        "issued_on": iso(p.issued_on),
        "effective_from": iso(p.effective_from),
        "valid_until": iso(p.valid_until),
        "transition_start": iso(p.transition_start),
        "transition_end": iso(p.transition_end),
        "summary": p.summary,
        "source": p.source,
        "is_sample": p.is_sample,
    }


def task_meta(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "title": t.title,
        "description": t.description,
        "policy": t.policy_id,
        "lead": t.lead_department.code,
        "lead_name": t.lead_department.name_zh,
        "cooperating": [d.name_zh for d in t.cooperating.all()],
        "start_month": t.start_month,
        "end_month": t.end_month,
        "weight": t.weight,
    }


def _rolled(roll: dict[str, Any] | None) -> dict[str, Any]:
    roll = roll or {"light": "grey"}
    return {**roll, "light_zh": LIGHT_ZH[roll["light"]]}


def shape_tree(workspace: Workspace, assessed: dict[str, Any]) -> list[dict[str, Any]]:
    """Policy → task → KPI rows with their lights, from an assessment dict (live or finalised)."""
    by_task: dict[int, list[dict[str, Any]]] = {}
    for r in assessed["kpis"]:
        by_task.setdefault(r["task"], []).append(_labels(r))
    out = []
    tasks = Task.objects.filter(workspace=workspace).select_related("lead_department").prefetch_related("cooperating")
    grouped: dict[int, list[Task]] = {}
    for t in tasks.order_by("position", "id"):
        grouped.setdefault(t.policy_id, []).append(t)
    for p in Policy.objects.filter(workspace=workspace):
        items = [
            {**task_meta(t), **_rolled(assessed["tasks"].get(t.pk)), "kpis": by_task.get(t.pk, [])}
            for t in grouped.get(p.pk, [])
        ]
        out.append({**policy_meta(p), **_rolled(assessed["policies"].get(p.pk)), "tasks": items})
    return out


def tree(workspace: Workspace, month: str, today: dt.date | None = None) -> dict[str, Any]:
    assessed = assess_all(workspace, month)
    counts = Counter(r["light"] for r in assessed["kpis"])
    return {
        "workspace": workspace.code,
        "month": assessed["month"],
        "params": assessed["params"],
        "counts": {light: counts.get(light, 0) for light in LIGHTS},
        "policies": shape_tree(workspace, assessed),
        "reminders": reminders(workspace, config_for(workspace).reminder_days, today),
    }


def target_dict(t: KpiTarget) -> dict[str, Any]:
    return {
        "id": t.pk,
        "value": t.value,
        "deadline": t.deadline,
        "milestones": t.milestones,
        "effective_from": t.effective_from,
        "original": t.is_original,
        "state": t.state,
        "state_zh": t.get_state_display(),
        "reason": t.reason,
        "requested_by": t.requested_by.get_username(),
        "requested_at": timezone.localtime(t.requested_at).isoformat(),
        "decided_by": t.decided_by.get_username() if t.decided_by else None,
        "decided_at": timezone.localtime(t.decided_at).isoformat() if t.decided_at else None,
        "decision_comment": t.decision_comment,
    }


def kpi_detail(workspace: Workspace, kpi: Kpi, month: str) -> dict[str, Any]:
    """A KPI at ``month``: its assessment, target history, monthly light history and the path chart's series."""
    (s,) = load_series(workspace, [kpi])
    th = thresholds(config_for(workspace))
    row = _labels(assess_series(s, month, th))
    current = s.target_at(month) or next((t for t in s.targets if t.is_original), None)
    end = max(month, current.deadline if current else month, key=month_index)
    axis = months(kpi.baseline_period, end)
    schedule, original = [], []
    first = next((t for t in s.targets if t.is_original), None)
    for m in axis:
        t = s.target_at(m)
        schedule.append(round(s.path(t).expected(m), 6) if t else None)
        original.append(round(s.path(first).expected(m), 6) if first else None)
    revised = any(not t.is_original and t.state == "approved" for t in s.targets)
    history = []
    for m in months(month_label(month_index(kpi.baseline_period) + 1), month):
        h = assess_series(s, m, th)
        history.append(
            {
                "month": m,
                "light": h["light"],
                "light_zh": LIGHT_ZH[h["light"]],
                "gap_pts": h["gap_pts"],
                "latest_value": h["latest_value"],
                "target": h["target"],
                "expected": h["expected"],
                "reason_zh": REASON_ZH.get(h["reason"], h["reason"]),
            }
        )
    task = kpi.task
    return {
        "workspace": workspace.code,
        "month": month,
        "kpi": {
            "id": kpi.pk,
            "name": kpi.name,
            "unit": kpi.unit,
            "note": kpi.note,
            "weight": kpi.weight,
            "indicator": kpi.indicator.code if kpi.indicator else None,
            "indicator_name": kpi.indicator.name_zh if kpi.indicator else None,
            "frequency": kpi.frequency,
            "basis": kpi.basis,
            "direction": kpi.direction,
            "baseline": kpi.baseline,
            "baseline_period": kpi.baseline_period,
            "lead": kpi.lead_department.code,
            "lead_name": kpi.lead_department.name_zh,
            "cooperating": [d.name_zh for d in kpi.cooperating.all()],
            "task": task.pk,
            "task_title": task.title,
            "policy": task.policy_id,
            "policy_title": task.policy.title,
        },
        "assessment": row,
        "targets": [target_dict(x) for x in s.targets],
        "values": [{"month": m, "value": v, **s.sources.get(m, {})} for m, v in s.reports.items()],
        "history": history,
        "chart": {
            "months": axis,
            "schedule": schedule,
            "original": original if revised else None,
            "actual": [s.reports.get(m) for m in axis],
            "milestones": current.milestones if current else [],
            "target": [current.deadline, current.value] if current else None,
            "baseline": [kpi.baseline_period, kpi.baseline],
            "month": month,
        },
    }


def _counts(rows: list[dict[str, Any]], key: str, keys: list[str]) -> dict[str, int]:
    c = Counter(r[key] for r in rows)
    return {k: c.get(k, 0) for k in keys}


def lagging(rows: list[dict[str, Any]], cooperating: dict[int, list[str]]) -> list[dict[str, Any]]:
    """Red and yellow KPIs, the most behind first (red by missed reports before red by gap)."""
    bad = [r for r in rows if r["light"] in {"red", "yellow"}]
    order = {"red": 0, "yellow": 1}
    bad.sort(key=lambda r: (order[r["light"]], r["reason"] != "missed_reports", -(r["gap_pts"] or 0.0)))
    return [{**_labels(r), "cooperating": cooperating.get(r["kpi"], [])} for r in bad]


def changes(now: list[dict[str, Any]], before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """KPIs whose light or trend differs from the previous quarter's (new KPIs included)."""
    prev = {r["kpi"]: r for r in before}
    out = []
    for r in now:
        p = prev.get(r["kpi"])
        if p is not None and p["light"] == r["light"] and p.get("trend") == r.get("trend"):
            continue
        out.append(
            {
                "kpi": r["kpi"],
                "name": r["name"],
                "department_name": r["department_name"],
                "light_from": p["light"] if p else None,
                "light_to": r["light"],
                "light_from_zh": LIGHT_ZH[p["light"]] if p else "—",
                "light_to_zh": LIGHT_ZH[r["light"]],
                "trend_from_zh": trend_label(p.get("trend")) if p else "—",
                "trend_to_zh": trend_label(r.get("trend")),
                "gap_from": p["gap_pts"] if p else None,
                "gap_to": r["gap_pts"],
                "better": p is not None and LIGHTS.index(r["light"]) > LIGHTS.index(p["light"]),
            }
        )
    return out


def quarterly(workspace: Workspace, quarter: str, today: dt.date | None = None) -> dict[str, Any]:
    """季度评估: lights and trends at the quarter's last month, lagging list, changes since the last quarter."""
    month = quarter_month(quarter)
    quarter = quarter.upper()
    prev = previous_quarter(quarter)
    now, before = assessment_at(workspace, month), assessment_at(workspace, quarter_month(prev))
    coop = {
        k.pk: [d.name_zh for d in k.cooperating.all()]
        for k in Kpi.objects.filter(workspace=workspace).prefetch_related("cooperating")
    }
    lo = month_label(month_index(month) - 2)
    revised = KpiTarget.objects.filter(
        workspace=workspace, is_original=False, effective_from__gte=lo, effective_from__lte=month
    ).select_related("kpi", "requested_by", "decided_by")
    items = due_items(workspace, lo, month, config_for(workspace).due_day, today)
    reports = Counter(it["status"] for it in items)
    return {
        "workspace": workspace.code,
        "workspace_name": workspace.name_zh,
        "quarter": quarter,
        "month": month,
        "previous": prev,
        "stored": now["stored"],
        "assessment": now["assessment"],
        "previous_stored": before["stored"],
        "params": now["params"],
        "lights": _counts(now["kpis"], "light", LIGHTS),
        "lights_before": _counts(before["kpis"], "light", LIGHTS),
        "trends": _counts([r for r in now["kpis"] if r.get("trend")], "trend", TRENDS),
        "trend_labels": {t: trend_label(t) for t in TRENDS},
        "policies": shape_tree(workspace, now),
        "lagging": lagging(now["kpis"], coop),
        "changes": changes(now["kpis"], before["kpis"]),
        "revisions": [{**target_dict(t), "kpi": t.kpi_id, "kpi_name": t.kpi.name} for t in revised],
        "reports": {
            "due": len(items),
            "reported": reports.get("reported", 0),
            "late": reports.get("late", 0),
            "overdue": reports.get("overdue", 0),
            "pending": reports.get("pending", 0),
        },
        "sample": workspace.is_sample,
    }
