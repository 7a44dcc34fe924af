"""Writes of the roadmap: 月度调度 reports with evidence, their rejection, target revisions (动态优化调整).

Every function checks the whole input first and raises :class:`RoadmapError` (a ``ValueError``) with a located
message — nothing is written then. Writes run in one transaction and are audited (the models are in
``kaifang.audit.signals.AUDITED``). Who may do what:

* a monthly report: 管理员/分析员 for any task, 部门数据专员 only for the tasks its department leads;
* rejecting a report (退回): 管理员/分析员, never their own filing (四眼原则);
* a target revision request: 管理员/分析员, or the officer of the KPI's lead department; approving or rejecting
  it: 管理员/分析员 other than the requester. A revision takes effect from a month that has not been assessed
  yet (the current month or later), so no past assessment can change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Role
from kaifang.collection.workflow import keep_file, printable
from kaifang.roadmap.models import (
    EvidenceFile,
    Kpi,
    KpiTarget,
    KpiValue,
    ProgressReport,
    ReportState,
    TargetState,
    Task,
)
from kaifang.roadmap.months import month_index, normalise_month
from kaifang.roadmap.schedule import KpiPath

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10


class RoadmapError(ValueError):
    """A refused write, with the field it is about."""


def _month(text: str, what: str) -> str:
    try:
        return normalise_month(text.strip())
    except ValueError:
        raise RoadmapError(f"{what}：月份格式应为 2026-10，而不是「{text}」") from None


def _number(text: Any, what: str) -> float:
    raw = str(text).strip().replace(",", "").replace("，", "")
    try:
        x = float(raw)
    except ValueError:
        raise RoadmapError(f"{what}：不是数字「{text}」") from None
    if not math.isfinite(x):
        raise RoadmapError(f"{what}：须为有限数「{text}」")
    return x


def is_reviewer(access: Access) -> bool:
    return access.can_manage


def may_report(access: Access, task: Task) -> bool:
    return is_reviewer(access) or (access.role == Role.OFFICER and access.department_id == task.lead_department_id)


def _this_month(today: dt.date | None) -> int:
    today = today or timezone.localdate()
    return 12 * today.year + today.month - 1


@transaction.atomic
def file_report(
    task: Task,
    access: Access,
    user: Any,
    *,
    month: str,
    narrative: str,
    values: dict[int, str],
    files: Sequence[tuple[str, bytes]] = (),
    today: dt.date | None = None,
    filed_at: dt.datetime | None = None,
) -> ProgressReport:
    """File the task's progress report for ``month``: narrative, values of task-specific KPIs, evidence files.

    ``values`` maps KPI id → the text typed (empty = not measured this month). Filing again for the same month
    makes a new report that replaces the earlier one in the assessment; the earlier stays in the history.
    """
    if not may_report(access, task):
        raise RoadmapError(
            f"只有牵头部门（{task.lead_department}）或管理员、分析员可以报送此任务 "
            "(only the lead department, administrators and analysts report on this task)"
        )
    m = _month(month, "报送月份")
    if month_index(m) < month_index(task.start_month) or month_index(m) > month_index(task.end_month):
        raise RoadmapError(f"报送月份：{m} 不在任务期限 {task.start_month}～{task.end_month} 内")
    if month_index(m) > _this_month(today):
        raise RoadmapError(f"报送月份：{m} 尚未到来，不能报送")
    if not narrative.strip():
        raise RoadmapError("进展情况：请填写本月进展（不能为空）")
    measurable = {k.pk: k for k in task.kpis.filter(indicator__isnull=True)}
    parsed: dict[int, float] = {}
    for kpi_id, text in values.items():
        if kpi_id not in measurable:
            raise RoadmapError(f"完成值：指标 #{kpi_id} 不是本任务的自填指标")
        if str(text).strip():
            parsed[kpi_id] = _number(text, f"完成值「{measurable[kpi_id].name}」")
    if len(files) > MAX_EVIDENCE_FILES:
        raise RoadmapError(f"佐证材料：最多 {MAX_EVIDENCE_FILES} 个文件，收到 {len(files)} 个")
    for name, content in files:
        if not content:
            raise RoadmapError(f"佐证材料「{name}」：文件为空")
        if len(content) > MAX_EVIDENCE_BYTES:
            raise RoadmapError(f"佐证材料「{name}」：超过 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")
    now = filed_at or timezone.now()
    report = ProgressReport.objects.create(
        workspace=task.workspace,
        task=task,
        month=m,
        department=task.lead_department,
        narrative=printable(narrative.strip()),
        filed_by=user,
        filed_at=now,
    )
    for kpi_id, x in parsed.items():
        KpiValue.objects.create(workspace=task.workspace, report=report, kpi_id=kpi_id, value=x)
    for name, content in files:
        digest = hashlib.sha256(content).hexdigest()
        keep_file(content, digest)
        EvidenceFile.objects.create(
            workspace=task.workspace,
            report=report,
            filename=printable(name)[:255] or "file",
            sha256=digest,
            size=len(content),
            uploaded_at=now,
        )
    return report


@transaction.atomic
def reject_report(report: ProgressReport, access: Access, user: Any, comment: str) -> ProgressReport:
    """退回 a report (it no longer counts for the lights; the department files again)."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not is_reviewer(access):
        raise RoadmapError("只有管理员或分析员可以退回报告 (reviewers are administrators or analysts)")
    if report.filed_by_id == getattr(user, "pk", None):
        raise RoadmapError("报送人不能退回自己的报告（四眼原则） (the filer cannot reject their own report)")
    if report.state != ReportState.SUBMITTED:
        raise RoadmapError(f"报告 #{report.pk} 当前状态为「{report.get_state_display()}」，不能退回")
    if not comment.strip():
        raise RoadmapError("退回意见：请说明退回理由")
    report.state, report.reviewed_by, report.reviewed_at = ReportState.REJECTED, user, timezone.now()
    report.review_comment = printable(comment.strip())
    report.save()
    return report


def parse_milestones(text: str) -> list[list[Any]]:
    """``2025-12:45; 2026-12:52`` (one ``month:value`` per item, separated by ``;`` or new lines)."""
    out: list[list[Any]] = []
    for item in text.replace("；", ";").replace("\n", ";").split(";"):
        if not item.strip():
            continue
        month, sep, value = item.replace("：", ":").partition(":")
        if not sep:
            raise RoadmapError(f"里程碑：「{item.strip()}」应写成 月份:目标值，如 2025-12:45")
        out.append([_month(month, "里程碑"), _number(value, f"里程碑 {month.strip()}")])
    return out


def check_path(kpi: Kpi, value: float, deadline: str, milestones: list[list[Any]]) -> None:
    try:
        KpiPath(
            kpi.baseline,
            kpi.baseline_period,
            value,
            deadline,
            kpi.direction,
            tuple((str(p), float(v)) for p, v in milestones),
        )
    except ValueError as exc:
        raise RoadmapError(f"目标：{exc}") from None


@transaction.atomic
def set_original_target(
    kpi: Kpi, user: Any, *, value: float, deadline: str, milestones: list[list[Any]] | None = None
) -> KpiTarget:
    """The KPI's first target, approved when the KPI is set (in force from the baseline period)."""
    deadline = _month(deadline, "目标期限")
    check_path(kpi, value, deadline, milestones or [])
    if kpi.targets.exists():
        raise RoadmapError(f"指标「{kpi.name}」已有目标；修改目标须提交调整申请")
    now = timezone.now()
    return KpiTarget.objects.create(
        workspace=kpi.workspace,
        kpi=kpi,
        value=value,
        deadline=deadline,
        milestones=milestones or [],
        effective_from=kpi.baseline_period,
        is_original=True,
        state=TargetState.APPROVED,
        reason="原定目标",
        requested_by=user,
        requested_at=now,
        decided_by=user,
        decided_at=now,
    )


@transaction.atomic
def request_revision(
    kpi: Kpi,
    access: Access,
    user: Any,
    *,
    value: str,
    deadline: str,
    effective_from: str,
    reason: str,
    milestones: str = "",
    today: dt.date | None = None,
) -> KpiTarget:
    """A target revision request (pending until approved); the current target stays in force meanwhile."""
    if not (is_reviewer(access) or (access.role == Role.OFFICER and access.department_id == kpi.lead_department_id)):
        raise RoadmapError("只有牵头部门或管理员、分析员可以申请调整目标 (lead department, administrators, analysts)")
    x = _number(value, "目标值")
    end = _month(deadline, "目标期限")
    start = _month(effective_from, "生效月份")
    if month_index(start) < _this_month(today):
        raise RoadmapError(f"生效月份：{start} 已过去；调整只能自本月或以后生效，已做出的评估不变")
    if month_index(start) <= month_index(kpi.baseline_period):
        raise RoadmapError(f"生效月份：须晚于基期 {kpi.baseline_period}")
    if not reason.strip():
        raise RoadmapError("调整理由：请说明为何调整目标")
    stones = parse_milestones(milestones)
    check_path(kpi, x, end, stones)
    if kpi.targets.filter(state=TargetState.PENDING).exists():
        raise RoadmapError(f"指标「{kpi.name}」已有待审批的调整申请，请先审批")
    return KpiTarget.objects.create(
        workspace=kpi.workspace,
        kpi=kpi,
        value=x,
        deadline=end,
        milestones=stones,
        effective_from=start,
        state=TargetState.PENDING,
        reason=printable(reason.strip()),
        requested_by=user,
        requested_at=timezone.now(),
    )


@transaction.atomic
def decide_revision(target: KpiTarget, access: Access, user: Any, *, approve: bool, comment: str = "") -> KpiTarget:
    """Approve (批准) or reject a pending revision; the decision is final and audited."""
    target = KpiTarget.objects.select_for_update().get(pk=target.pk)
    if not is_reviewer(access):
        raise RoadmapError("只有管理员或分析员可以审批目标调整 (administrators and analysts approve)")
    if target.requested_by_id == getattr(user, "pk", None):
        raise RoadmapError("申请人不能审批自己的申请（四眼原则） (the requester cannot approve)")
    if target.state != TargetState.PENDING:
        raise RoadmapError(f"该申请已{target.get_state_display()}，不能再次审批")
    if not approve and not comment.strip():
        raise RoadmapError("审批意见：不批准时请说明理由")
    clash = KpiTarget.objects.filter(
        kpi_id=target.kpi_id, state=TargetState.APPROVED, effective_from=target.effective_from
    )
    if approve and clash.exists():
        raise RoadmapError(f"生效月份：{target.effective_from} 已有生效的目标，同一月份只能有一个")
    target.state = TargetState.APPROVED if approve else TargetState.REJECTED
    target.decided_by, target.decided_at, target.decision_comment = user, timezone.now(), printable(comment.strip())
    target.save()
    return target
