"""容错 registry (报告§四(七)七: "对于符合改革方向、但由于缺乏充分的法律依据而产生的探索性措施，
实行'备案管理+过程监管'的容错机制").

An exploratory measure is filed (备案) with its scope, the gap in its legal basis, the risk and who supervises
it; supervision (过程监管) is an append-only log; the outcome (复制推广, 调整后继续, 终止, 容错免责, 纠错) closes
it. 管理员/分析员 file measures and record outcomes; the officer of the implementing department may add log
entries. Every write is audited; bad input is refused with the field named and nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from kaifang.accounts.access import Access
from kaifang.accounts.models import Department, Role, Workspace
from kaifang.collection.workflow import printable
from kaifang.roadmap.models import ExploratoryMeasure, MeasureOutcome, MeasureStatus, Policy, SupervisionEntry
from kaifang.roadmap.workflow import RoadmapError, is_reviewer

REQUIRED = {
    "title": "探索性措施",
    "scope": "实施范围",
    "legal_basis_gap": "法律依据缺口",
    "risk": "风险评估",
    "supervisor": "监管责任单位/人",
}


def _date(text: str, what: str) -> dt.date:
    day = parse_date(text.strip()) if text and text.strip() else None
    if day is None:
        raise RoadmapError(f"{what}：日期格式应为 2026-10-15，而不是「{text}」")
    return day


@transaction.atomic
def file_measure(workspace: Workspace, access: Access, user: Any, form: dict[str, str]) -> ExploratoryMeasure:
    """备案 a measure from form fields (title, department code, scope, legal_basis_gap, risk, risk_level,
    supervisor, filed_on, optional policy id)."""
    if not is_reviewer(access):
        raise RoadmapError("只有管理员或分析员可以备案探索性措施 (administrators and analysts file measures)")
    for key, label in REQUIRED.items():
        if not str(form.get(key, "")).strip():
            raise RoadmapError(f"{label}：不能为空")
    dept = Department.objects.filter(code=form.get("department", "")).first()
    if dept is None:
        raise RoadmapError(f"实施部门：未知部门「{form.get('department', '')}」")
    level = form.get("risk_level") or "medium"
    if level not in {"low", "medium", "high"}:
        raise RoadmapError(f"风险等级：应为 低/中/高，而不是「{level}」")
    policy: Policy | None = None
    if form.get("policy"):
        pk = int(form["policy"]) if form["policy"].isdigit() else 0
        policy = Policy.objects.filter(workspace=workspace, pk=pk).first()
        if policy is None:
            raise RoadmapError(f"所属政策：本工作区没有政策 #{form['policy']}")
    return ExploratoryMeasure.objects.create(
        workspace=workspace,
        policy=policy,
        title=printable(form["title"].strip())[:200],
        department=dept,
        scope=printable(form["scope"].strip()),
        legal_basis_gap=printable(form["legal_basis_gap"].strip()),
        risk=printable(form["risk"].strip()),
        risk_level=level,
        supervisor=printable(form["supervisor"].strip())[:120],
        filed_on=_date(form.get("filed_on") or timezone.localdate().isoformat(), "备案日期"),
        filed_by=user,
        is_sample=bool(form.get("is_sample")),
    )


@transaction.atomic
def add_entry(
    measure: ExploratoryMeasure, access: Access, user: Any, *, on: str, kind: str, note: str
) -> SupervisionEntry:
    """过程监管: append a log entry; the first one moves the measure from 已备案 to 实施中."""
    own = access.role == Role.OFFICER and access.department_id == measure.department_id
    if not (is_reviewer(access) or own):
        raise RoadmapError("只有管理员、分析员或实施部门可以记录过程监管 (reviewers or the implementing department)")
    if measure.status == MeasureStatus.CLOSED:
        raise RoadmapError("该措施已结束，不能再记录")
    kinds = dict(SupervisionEntry._meta.get_field("kind").choices or [])
    if kind not in kinds:
        raise RoadmapError(f"类型：应为 {'、'.join(str(v) for v in kinds.values())} 之一")
    if not note.strip():
        raise RoadmapError("记录：不能为空")
    day = _date(on, "日期")
    if day < measure.filed_on:
        raise RoadmapError(f"日期：{day} 早于备案日期 {measure.filed_on}")
    entry = SupervisionEntry.objects.create(
        workspace=measure.workspace,
        measure=measure,
        on=day,
        kind=kind,
        note=printable(note.strip()),
        author=user,
        created_at=timezone.now(),
    )
    if measure.status == MeasureStatus.FILED:
        measure.status = MeasureStatus.RUNNING
        measure.save()
    return entry


@transaction.atomic
def record_outcome(
    measure: ExploratoryMeasure, access: Access, user: Any, *, outcome: str, note: str, closed_on: str
) -> ExploratoryMeasure:
    """Close the measure with its outcome (结果) — final."""
    if not is_reviewer(access):
        raise RoadmapError("只有管理员或分析员可以记录结果 (administrators and analysts)")
    if measure.status == MeasureStatus.CLOSED:
        raise RoadmapError("该措施已结束")
    if outcome not in {c.value for c in MeasureOutcome if c.value}:
        raise RoadmapError("结果：请选择一项结果")
    if not note.strip():
        raise RoadmapError("结果说明：不能为空")
    day = _date(closed_on, "结束日期")
    if day < measure.filed_on:
        raise RoadmapError(f"结束日期：{day} 早于备案日期 {measure.filed_on}")
    measure.status, measure.outcome, measure.outcome_note, measure.closed_on = (
        MeasureStatus.CLOSED,
        outcome,
        printable(note.strip()),
        day,
    )
    measure.save()
    return measure


def measure_dict(m: ExploratoryMeasure, with_log: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.pk,
        "title": m.title,
        "policy": m.policy.title if m.policy else None,
        "department": m.department.code,
        "department_name": m.department.name_zh,
        "scope": m.scope,
        "legal_basis_gap": m.legal_basis_gap,
        "risk": m.risk,
        "risk_level": m.risk_level,
        "risk_level_zh": m.get_risk_level_display(),
        "supervisor": m.supervisor,
        "filed_on": m.filed_on.isoformat(),
        "status": m.status,
        "status_zh": m.get_status_display(),
        "outcome": m.outcome or None,
        "outcome_zh": m.get_outcome_display() if m.outcome else None,
        "outcome_note": m.outcome_note,
        "closed_on": m.closed_on.isoformat() if m.closed_on else None,
        "is_sample": m.is_sample,
    }
    if with_log:
        out["log"] = [
            {
                "on": e.on.isoformat(),
                "kind": e.kind,
                "kind_zh": e.get_kind_display(),
                "note": e.note,
                "author": e.author.get_username(),
            }
            for e in m.log.select_related("author")
        ]
    return out
