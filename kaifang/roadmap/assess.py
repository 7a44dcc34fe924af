"""Assessing the stored roadmap at a month: the pure core (lights, trend, roll-up) over :mod:`series`.

A live assessment uses today's data; a finalised one (:class:`~kaifang.roadmap.models.Assessment`, 定稿) keeps
its own copy of each KPI's target, values, light and trend, so it still reads the same after a target revision or
a late report. Every assessment uses the target in force at the assessed month (动态优化调整).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.roadmap.lights import Light, LightThresholds, assess_light
from kaifang.roadmap.models import Assessment, KpiAssessment, RoadmapConfig
from kaifang.roadmap.months import month_index, month_label, normalise_month
from kaifang.roadmap.rollup import RollUpRule, roll_up_tree
from kaifang.roadmap.scoring import ScoreWeights
from kaifang.roadmap.series import KpiSeries, load_series
from kaifang.roadmap.trend import Trend, assess_trend

LIGHT_ZH = {"green": "绿", "yellow": "黄", "red": "红", "grey": "灰"}
REASON_ZH = {"gap": "按序时进度", "missed_reports": "连续缺报", "no_data": "尚无数据", "not_started": "未到基期"}


def config_for(workspace: Workspace) -> RoadmapConfig:
    """The workspace's configuration, or the defaults (unsaved) when none was set."""
    return RoadmapConfig.objects.filter(workspace=workspace).first() or RoadmapConfig(workspace=workspace)


def thresholds(config: RoadmapConfig) -> LightThresholds:
    return LightThresholds(config.yellow_pts, config.red_pts, config.missed_reports)


def rollup_rule(config: RoadmapConfig) -> RollUpRule:
    return RollUpRule(config.rollup_red_share, config.rollup_yellow_share)


def score_weights(config: RoadmapConfig) -> ScoreWeights:
    w = (config.w_achievement, config.w_timeliness, config.w_quality)
    return ScoreWeights(*w, method="lights") if config.score_method == "lights" else ScoreWeights(*w)


def params_of(config: RoadmapConfig) -> dict[str, Any]:
    """The configuration as plain data (stored with every finalised assessment and in the evidence bundle)."""
    return {
        "yellow_pts": config.yellow_pts,
        "red_pts": config.red_pts,
        "missed_reports": config.missed_reports,
        "rollup_red_share": config.rollup_red_share,
        "rollup_yellow_share": config.rollup_yellow_share,
        "due_day": config.due_day,
        "w_achievement": config.w_achievement,
        "w_timeliness": config.w_timeliness,
        "w_quality": config.w_quality,
        "score_method": config.score_method,
    }


def last_complete_month(today: dt.date | None = None) -> str:
    """The month before today's: the latest month whose reports can be complete."""
    today = today or timezone.localdate()
    return month_label(12 * today.year + today.month - 2)


def quarter_month(quarter: str) -> str:
    """``2026Q3`` → ``2026-09`` (the quarter is assessed at its last month)."""
    text = quarter.strip().upper()
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValueError(f"季度格式应为 2026Q3，而不是 {quarter!r} (quarter must look like 2026Q3)")
    return f"{text[:4]}-{3 * int(text[5]):02d}"


def quarter_of(month: str) -> str:
    m = normalise_month(month)
    return f"{m[:4]}Q{(int(m[5:7]) - 1) // 3 + 1}"


def previous_quarter(quarter: str) -> str:
    return quarter_of(month_label(month_index(quarter_month(quarter)) - 3))


def last_complete_quarter(today: dt.date | None = None) -> str:
    m = month_index(last_complete_month(today))
    return quarter_of(month_label(m - (m % 3 + 1) % 3))


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def assess_series(s: KpiSeries, month: str, th: LightThresholds) -> dict[str, Any]:
    """One KPI at ``month``: target in force, schedule, latest value, gap, light and trend."""
    k = s.kpi
    row: dict[str, Any] = {
        "kpi": k.pk,
        "name": k.name,
        "unit": k.unit,
        "task": k.task_id,
        "policy": k.task.policy_id,
        "department": k.lead_department.code,
        "department_name": k.lead_department.name_zh,
        "indicator": k.indicator.code if k.indicator_id and k.indicator else None,
        "weight": k.weight,
        "direction": k.direction,
        "baseline": k.baseline,
        "baseline_period": k.baseline_period,
        "target_id": None,
        "target": None,
        "deadline": None,
        "expected": None,
        "expected_progress": None,
        "latest_period": None,
        "latest_value": None,
        "progress": None,
        "gap_pts": None,
        "light": Light.GREY.value,
        "reason": "not_started",
        "trend": None,
        "ratio": None,
        "actual_rate": None,
        "required_rate": None,
        "target_met": False,
    }
    target = s.target_at(month)
    if target is None or month_index(month) <= month_index(k.baseline_period):
        return row
    path = s.path(target)
    scaled = LightThresholds(th.yellow, th.red, th.missed_reports * s.window)
    light = assess_light(path, s.reports, month, scaled)
    trend = assess_trend(path, s.reports, month)
    row.update(
        target_id=target.pk,
        target=target.value,
        deadline=target.deadline,
        expected=light.expected,
        expected_progress=light.expected_progress,
        latest_period=light.latest_period,
        latest_value=light.latest_value,
        progress=_num(light.latest_progress),
        gap_pts=_num(light.progress_gap_pts),
        light=light.light.value,
        reason=light.reason,
        trend=trend.trend.value if trend.trend else None,
        ratio=_num(trend.ratio),
        actual_rate=_num(trend.actual_rate),
        required_rate=_num(trend.required_rate),
        target_met=trend.target_met,
    )
    return row


def _roll_up(rows: list[dict[str, Any]], task_weights: dict[int, float], rule: RollUpRule) -> tuple[dict, dict]:
    if not rows:
        return {}, {}
    frame = pd.DataFrame(rows)[["policy", "task", "light", "weight"]]
    tasks, policies = roll_up_tree(frame, task_weights, rule)
    t_out = {int(t): _rolled(r) for (_, t), r in tasks.iterrows()}
    p_out = {int(p): _rolled(r) for p, r in policies.iterrows()}
    return t_out, p_out


def _rolled(r: pd.Series) -> dict[str, Any]:
    return {
        "light": str(r["light"]),
        "red_share": _num(r["red_share"]),
        "yellow_share": _num(r["yellow_share"]),
        "coverage": _num(r["coverage"]),
        "n_red": int(r["n_red"]),
        "n_yellow": int(r["n_yellow"]),
        "n_green": int(r["n_green"]),
        "n_grey": int(r["n_grey"]),
    }


def assess_all(workspace: Workspace, month: str, config: RoadmapConfig | None = None) -> dict[str, Any]:
    """Live assessment of every KPI at ``month`` with the task and policy roll-ups."""
    config = config or config_for(workspace)
    month = normalise_month(month)
    series = load_series(workspace)
    rows = [assess_series(s, month, thresholds(config)) for s in series]
    weights = {s.kpi.task_id: s.kpi.task.weight for s in series}
    tasks, policies = _roll_up(rows, weights, rollup_rule(config))
    return {
        "month": month,
        "stored": False,
        "assessment": None,
        "params": params_of(config),
        "kpis": rows,
        "tasks": tasks,
        "policies": policies,
    }


_COLUMNS = [
    "deadline",
    "baseline",
    "expected",
    "expected_progress",
    "latest_period",
    "latest_value",
    "progress",
    "gap_pts",
    "light",
    "reason",
    "trend",
    "ratio",
    "actual_rate",
    "required_rate",
    "target_met",
]
STORED_FIELDS = ["target_value", *_COLUMNS]  # KpiAssessment's columns …
ROW_KEYS = ["target", *_COLUMNS]  # … and the keys of an assessment row they hold


@transaction.atomic
def finalise(workspace: Workspace, month: str, user: Any, label: str | None = None) -> Assessment:
    """Store (定稿) the assessment of ``month``; the snapshot is audited and never changed afterwards."""
    data = assess_all(workspace, month)
    a = Assessment.objects.create(
        workspace=workspace,
        label=label or quarter_of(data["month"]),
        month=data["month"],
        params=data["params"],
        tasks=[{"task": t, **v} for t, v in data["tasks"].items()],
        policies=[{"policy": p, **v} for p, v in data["policies"].items()],
        created_by=user,
        created_at=timezone.now(),
    )
    KpiAssessment.objects.bulk_create([_stored_row(a, r) for r in data["kpis"]])
    return a


def _stored_row(a: Assessment, r: dict[str, Any]) -> KpiAssessment:
    values = {f: r[k] for f, k in zip(STORED_FIELDS, ROW_KEYS, strict=True)}
    for f in ("deadline", "latest_period", "trend"):  # text columns: blank, not NULL
        values[f] = values[f] or ""
    return KpiAssessment(assessment=a, kpi_id=r["kpi"], target_id=r["target_id"], **values)


def stored(workspace: Workspace, month: str) -> Assessment | None:
    return Assessment.objects.filter(workspace=workspace, month=normalise_month(month)).order_by("-created_at").first()


def from_stored(a: Assessment, live: dict[str, Any]) -> dict[str, Any]:
    """A finalised assessment in the shape of :func:`assess_all` (names and departments from ``live``)."""
    meta = {r["kpi"]: r for r in live["kpis"]}
    rows = []
    for ka in a.rows.select_related("kpi__task", "kpi__lead_department").order_by("id"):
        base = dict(meta.get(ka.kpi_id) or {})
        base.update({k: getattr(ka, f) for f, k in zip(STORED_FIELDS, ROW_KEYS, strict=True)})
        base.update(
            target_id=ka.target_id,
            latest_period=ka.latest_period or None,
            trend=ka.trend or None,
            deadline=ka.deadline or None,
        )
        rows.append(base)
    return {
        "month": a.month,
        "stored": True,
        "params": a.params,
        "kpis": rows,
        "assessment": {
            "id": a.pk,
            "label": a.label,
            "created_at": timezone.localtime(a.created_at).isoformat(),
            "created_by": a.created_by.get_username(),
        },
        "tasks": {int(t["task"]): {k: v for k, v in t.items() if k != "task"} for t in a.tasks},
        "policies": {int(p["policy"]): {k: v for k, v in p.items() if k != "policy"} for p in a.policies},
    }


def assessment_at(workspace: Workspace, month: str) -> dict[str, Any]:
    """The finalised assessment of ``month`` if there is one, else the live one."""
    live = assess_all(workspace, month)
    a = stored(workspace, month)
    return from_stored(a, live) if a is not None else live


def trend_label(code: str | None) -> str:
    return Trend(code).label_zh if code else "—"
