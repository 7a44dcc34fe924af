"""The 第三方评估 evidence bundle: a zip an outside team can recompute the year's scores from.

Contents (UTF-8 CSV with BOM, so Excel opens them; JSON with Chinese kept):

==================  ============================================================================================
``README.md``       what each file is, and the method (formulas and parameters) — the method text
``params.json``     year, assessed month, reference date, thresholds, weights, light points
``policies.csv``    policies (文号, issuing body, dates, 有效期, 过渡期)
``tasks.csv``       key tasks with lead department, months, weight
``kpis.csv``        KPIs: department, weight, direction, baseline, catalog indicator, months per reporting period
``targets.csv``     every target and revision request with its state, reason, requester and approver
``kpi_values.csv``  every monthly value each KPI's assessment reads, with its source (report or observation)
``observations.csv``every vintage of the catalog indicators behind the KPIs (and their formula inputs) for the
                    home region — ``submitted_at``/``superseded_at`` show which value was in force when
``reports.csv``     every 月度调度 filing (also rejected ones) with its narrative and filing time
``evidence.csv``    evidence files (SHA-256, size) and ``evidence/<report>/<file>`` — the files themselves
``assessment.csv``  each KPI at the assessed month: target in force, latest value, f, gap, light, trend, points
``scores.csv``      each department's inputs, components, total and rank
``recompute.py``    recomputes ``assessment.csv`` (lights, f, points) and ``scores.csv`` from the inputs above
==================  ============================================================================================
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from string import Template
from typing import Any

from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.catalog.models import Indicator
from kaifang.collection.workflow import stored_file
from kaifang.observations.derive import leaves
from kaifang.observations.models import Observation
from kaifang.roadmap.assess import config_for, score_weights
from kaifang.roadmap.bundle_readme import README
from kaifang.roadmap.models import EvidenceFile, Kpi, KpiTarget, Policy, ProgressReport, Task
from kaifang.roadmap.scores import annual
from kaifang.roadmap.series import MONTHS_PER_PERIOD, load_series

RECOMPUTE = Path(__file__).with_name("recompute.py")


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r[k]) for k in columns})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _exact(x: Any) -> Any:
    """Floats written with every digit (``repr`` round-trips), so the recomputation compares exact values."""
    return repr(float(x)) if isinstance(x, float | int) and not isinstance(x, bool) else x


def _local(t: dt.datetime | None) -> str | None:
    return timezone.localtime(t).isoformat() if t else None


def _observations(workspace: Workspace, kpis: list[Kpi]) -> list[dict[str, Any]]:
    formulas = dict(Indicator.objects.exclude(formula="").values_list("code", "formula"))
    codes = sorted({c for k in kpis if k.indicator for c in {k.indicator.code, *leaves(k.indicator.code, formulas)}})
    home = workspace.home_region
    qs = Observation.objects.filter(workspace=workspace, indicator__code__in=codes, region=home)
    return [
        {
            "id": o.pk,
            "indicator": o.indicator.code,
            "ref_area": o.region.code,
            "time_period": o.period,
            "basis": o.basis,
            "obs_value": o.value,
            "unit": o.unit,
            "obs_status": o.status,
            "source": o.source,
            "is_sample": o.is_sample,
            "submitted_at": _local(o.submitted_at),
            "superseded_at": _local(o.superseded_at),
            "batch": o.batch_id,
        }
        for o in qs.select_related("indicator", "region").order_by("indicator__code", "period", "basis", "submitted_at")
    ]


def build(workspace: Workspace, year: int, today: dt.date | None = None) -> bytes:
    """The evidence bundle of ``year`` (scores as of ``today``, the reference date) as zip bytes."""
    today = today or timezone.localdate()
    data = annual(workspace, year, today)
    params = {
        **data["params"],
        "year": year,
        "month": data["month"],
        "reference_date": data["reference_date"],
        "light_points": dict(score_weights(config_for(workspace)).light_points),
        "workspace": workspace.code,
    }
    kpis = list(Kpi.objects.filter(workspace=workspace).select_related("indicator", "lead_department", "task"))
    series = load_series(workspace)
    files: dict[str, bytes] = {}
    files["params.json"] = json.dumps(params, ensure_ascii=False, indent=2).encode("utf-8")
    files["policies.csv"] = _csv(
        [
            {
                "policy": p.pk,
                "title": p.title,
                "doc_number": p.doc_number,
                "issuer": p.issuer,
                "issued_on": p.issued_on,
                "effective_from": p.effective_from,
                "valid_until": p.valid_until,
                "transition_start": p.transition_start,
                "transition_end": p.transition_end,
                "is_sample": p.is_sample,
            }
            for p in Policy.objects.filter(workspace=workspace)
        ],
        [
            "policy",
            "title",
            "doc_number",
            "issuer",
            "issued_on",
            "effective_from",
            "valid_until",
            "transition_start",
            "transition_end",
            "is_sample",
        ],
    )
    files["tasks.csv"] = _csv(
        [
            {
                "task": t.pk,
                "policy": t.policy_id,
                "title": t.title,
                "lead_department": t.lead_department.code,
                "start_month": t.start_month,
                "end_month": t.end_month,
                "weight": t.weight,
            }
            for t in Task.objects.filter(workspace=workspace).select_related("lead_department")
        ],
        ["task", "policy", "title", "lead_department", "start_month", "end_month", "weight"],
    )
    files["kpis.csv"] = _csv(
        [
            {
                "kpi": k.pk,
                "task": k.task_id,
                "name": k.name,
                "unit": k.unit,
                "department": k.lead_department.code,
                "weight": repr(k.weight),
                "direction": k.direction,
                "baseline": repr(k.baseline),
                "baseline_period": k.baseline_period,
                "indicator": k.indicator.code if k.indicator else None,
                "frequency": k.frequency,
                "basis": k.basis,
                "period_months": MONTHS_PER_PERIOD[k.frequency] if k.indicator_id else 1,
            }
            for k in kpis
        ],
        [
            "kpi",
            "task",
            "name",
            "unit",
            "department",
            "weight",
            "direction",
            "baseline",
            "baseline_period",
            "indicator",
            "frequency",
            "basis",
            "period_months",
        ],
    )
    files["targets.csv"] = _csv(
        [
            {
                "target": t.pk,
                "kpi": t.kpi_id,
                "value": repr(t.value),
                "deadline": t.deadline,
                "milestones": json.dumps(t.milestones),
                "effective_from": t.effective_from,
                "original": t.is_original,
                "state": t.state,
                "reason": t.reason,
                "requested_by": t.requested_by.get_username(),
                "requested_at": _local(t.requested_at),
                "decided_by": t.decided_by.get_username() if t.decided_by else None,
                "decided_at": _local(t.decided_at),
                "decision_comment": t.decision_comment,
            }
            for t in KpiTarget.objects.filter(workspace=workspace).select_related("requested_by", "decided_by")
        ],
        [
            "target",
            "kpi",
            "value",
            "deadline",
            "milestones",
            "effective_from",
            "original",
            "state",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ],
    )
    files["kpi_values.csv"] = _csv(
        [
            {
                "kpi": s.kpi.pk,
                "month": m,
                "value": None if v is None else repr(v),
                **s.sources.get(m, {}),
                "inputs": json.dumps(s.sources.get(m, {}).get("inputs"), ensure_ascii=False)
                if s.sources.get(m, {}).get("inputs")
                else None,
            }
            for s in series
            for m, v in s.reports.items()
        ],
        ["kpi", "month", "value", "source", "report", "filed_at", "indicator", "period", "observation", "inputs"],
    )
    files["observations.csv"] = _csv(
        _observations(workspace, kpis),
        [
            "id",
            "indicator",
            "ref_area",
            "time_period",
            "basis",
            "obs_value",
            "unit",
            "obs_status",
            "source",
            "is_sample",
            "submitted_at",
            "superseded_at",
            "batch",
        ],
    )
    reports = ProgressReport.objects.filter(workspace=workspace).select_related("department", "filed_by")
    files["reports.csv"] = _csv(
        [
            {
                "report": r.pk,
                "task": r.task_id,
                "month": r.month,
                "department": r.department.code,
                "state": r.state,
                "filed_by": r.filed_by.get_username(),
                "filed_at": _local(r.filed_at),
                "reviewed_at": _local(r.reviewed_at),
                "review_comment": r.review_comment,
                "narrative": r.narrative,
            }
            for r in reports.order_by("filed_at", "id")
        ],
        [
            "report",
            "task",
            "month",
            "department",
            "state",
            "filed_by",
            "filed_at",
            "reviewed_at",
            "review_comment",
            "narrative",
        ],
    )
    evidence = []
    for e in EvidenceFile.objects.filter(workspace=workspace).order_by("report_id", "id"):
        name = f"evidence/{e.report_id}/{e.pk}-{Path(e.filename).name}"
        path = stored_file(e.sha256)
        if path.exists():
            files[name] = path.read_bytes()
        evidence.append(
            {
                "report": e.report_id,
                "filename": e.filename,
                "sha256": e.sha256,
                "size": e.size,
                "path": name if path.exists() else None,
            }
        )
    files["evidence.csv"] = _csv(evidence, ["report", "filename", "sha256", "size", "path"])
    files["assessment.csv"] = _csv(
        [{**k, **{c: _exact(k.get(c)) for c in FLOATS}} for k in data["kpis"]],
        [
            "kpi",
            "name",
            "department",
            "weight",
            "target_id",
            "target",
            "deadline",
            "expected",
            "latest_period",
            "latest_value",
            *FLOATS[:2],
            "light",
            "reason",
            "trend",
            "ratio",
            "points",
        ],
    )
    files["scores.csv"] = _csv(
        [{**d, **{c: _exact(d.get(c)) for c in SCORE_FLOATS}} for d in data["departments"]],
        [
            "department",
            "department_name",
            "kpis",
            "kpi_weight",
            "due",
            "on_time",
            "submitted",
            "rejected",
            *SCORE_FLOATS,
            "rank",
        ],
    )
    files["README.md"] = readme(workspace, data).encode("utf-8")
    files["recompute.py"] = RECOMPUTE.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


FLOATS = ["progress", "gap_pts", "points"]
SCORE_FLOATS = ["achievement", "timeliness", "quality", "w_achievement", "w_timeliness", "w_quality", "total"]


def readme(workspace: Workspace, data: dict[str, Any]) -> str:
    """README.md of the bundle: the files and the method with this workspace's parameters (bundle_readme.py)."""
    prm = data["params"]
    points = (
        "按灯色 绿100/黄60/红0/灰0" if prm["score_method"] == "lights" else "100 × clip(f(最新值), 0, 1)，无数据为 0"
    )
    return Template(README).substitute(
        workspace=workspace.name_zh,
        year=data["year"],
        month=data["month"],
        reference_date=data["reference_date"],
        yellow=f"{prm['yellow_pts']:g}",
        red=f"{prm['red_pts']:g}",
        missed=prm["missed_reports"],
        points=points,
        due_day=prm["due_day"],
        weights=f"{prm['w_achievement']:g}/{prm['w_timeliness']:g}/{prm['w_quality']:g}",
    )
