"""Writing to the ledger by hand: milestones (and their retraction), funds in place, status changes.

Each function checks who may write (administrators and analysts everything; a department officer only the
projects its department is responsible for), checks the record against the project (a date not before the
signing nor in the future, stages in order, a reason for 停滞/终止, evidence for a milestone), appends it —
records are never edited — and rolls the ledger up into the observations (:func:`kaifang.projects.rollup.
refresh`), all in one transaction: a refused record writes nothing. The audit signals log every record.

Evidence files are stored like the data-collection uploads: content-addressed by SHA-256 under
``DATA_DIR/uploads/<sha[:2]>/<sha>``, written once, with a size limit.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import transaction
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Department, Role, Workspace
from kaifang.audit.context import acting_as, current_actor
from kaifang.collection.workflow import keep_file
from kaifang.projects import models as m
from kaifang.projects.records import Milestone, Stage, Status
from kaifang.projects.regions import partner_kind, resolve
from kaifang.projects.rollup import refresh
from kaifang.projects.stages import effective_milestones

MAX_EVIDENCE = 20 * 1024 * 1024  # 20 MB per file


F = TypeVar("F", bound=Callable[..., Any])


def as_actor(func: F) -> F:
    """Audit entries written by the signals name the user passed in (the argument named ``user``), also
    when the write comes from a command or a test rather than a web request (whose middleware sets it)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = inspect.signature(func).bind(*args, **kwargs).arguments.get("user")
        if current_actor() is not None or not getattr(user, "pk", None):
            return func(*args, **kwargs)
        with acting_as(user):
            return func(*args, **kwargs)

    return cast(F, wrapper)


class LedgerError(ValueError):
    """A refused write: ``field`` names the form field the message is about."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def officer_department(access: Access) -> str | None:
    """The department code of an officer (None for other roles)."""
    if access.role != Role.OFFICER or access.department_id is None:
        return None
    return Department.objects.filter(pk=access.department_id).values_list("code", flat=True).first()


def may_edit(access: Access, department: str) -> bool:
    """Administrators and analysts write everything; an officer the records of its own department."""
    if access.can_manage:
        return True
    return access.role == Role.OFFICER and officer_department(access) == department


def check_may_edit(access: Access, department: str) -> None:
    if not may_edit(access, department):
        raise LedgerError(
            "__all__",
            f"角色「{Role(access.role).label}」不能修改责任单位为 {department} 的记录"
            " (only administrators, analysts and the responsible department's officer may write)",
        )


@as_actor
def keep_evidence(
    workspace: Workspace, user: Any, filename: str, content: bytes, content_type: str = ""
) -> m.EvidenceFile:
    """Store an uploaded document by its SHA-256 (once) and register it."""
    if len(content) > MAX_EVIDENCE:
        raise LedgerError("evidence_file", f"文件超过 {MAX_EVIDENCE // 1024 // 1024} MB (file too large)")
    if not content:
        raise LedgerError("evidence_file", "文件为空 (empty file)")
    digest = hashlib.sha256(content).hexdigest()
    keep_file(content, digest)
    found = m.EvidenceFile.objects.filter(workspace=workspace, sha256=digest, filename=filename[:255]).first()
    if found is not None:
        return found
    return m.EvidenceFile.objects.create(
        workspace=workspace, sha256=digest, filename=filename[:255], size=len(content),
        content_type=content_type[:100], uploaded_by=user if getattr(user, "pk", None) else None,
        uploaded_at=timezone.now(),
    )  # fmt: skip


def _check_date(project: m.Project, on: dt.date, field: str = "on") -> None:
    if on < project.signed_on:
        raise LedgerError(field, f"日期 {on} 早于签约日期 {project.signed_on} (before the signing)")
    if on > timezone.localdate():
        raise LedgerError(field, f"日期 {on} 在今天之后 (in the future)")


def _recorded(project: m.Project) -> dict[Stage, dt.date]:
    """The stage dates in force (the latest record per stage; retracted stages left out)."""
    records = [Milestone(Stage(r.stage), r.on, r.recorded_at, retracted=r.retracted) for r in project.milestones.all()]
    return {s: r.on for s, r in effective_milestones(records).items() if r.on is not None}


@transaction.atomic
@as_actor
def record_milestone(
    project: m.Project,
    access: Access,
    user: Any,
    stage: Stage,
    on: dt.date,
    *,
    evidence: str = "",
    evidence_file: m.EvidenceFile | None = None,
    note: str = "",
) -> m.MilestoneRecord:
    """注册/开工/投产/达产 reached on ``on``, with evidence (a document, or a description of it). A stage
    already recorded is corrected by the new record (the latest wins); dates must keep the stage order."""
    check_may_edit(access, project.department)
    if stage is Stage.SIGNED:
        raise LedgerError("stage", "签约是项目的签约日期，不是进度记录 (签约 is the signing date)")
    _check_date(project, on)
    if not evidence.strip() and evidence_file is None:
        raise LedgerError("evidence", "请上传证明材料或说明材料名称 (evidence required)")
    for other, when in _recorded(project).items():
        if (other < stage and when > on) or (other > stage and when < on):
            word = "早于" if other < stage else "晚于"
            raise LedgerError(
                "on", f"{stage.label_zh}日期 {on} {word}已记录的{other.label_zh}日期 {when} (stages out of order)"
            )
    record = m.MilestoneRecord.objects.create(
        project=project, stage=int(stage), on=on, recorded_at=timezone.now(), recorded_by=_user(user),
        evidence=evidence.strip()[:300], evidence_file=evidence_file, note=note.strip()[:300],
    )  # fmt: skip
    refresh(project.workspace, user, label=f"项目台账汇总：{project.code} {stage.label_zh}")
    return record


@transaction.atomic
@as_actor
def retract_milestone(project: m.Project, access: Access, user: Any, stage: Stage, note: str) -> m.MilestoneRecord:
    """Withdraw a recorded stage (e.g. a groundbreaking ceremony that was not a real start); a reason is required."""
    check_may_edit(access, project.department)
    if stage not in _recorded(project):
        raise LedgerError("stage", f"{stage.label_zh}没有可撤销的记录 (no record in force to retract)")
    if not note.strip():
        raise LedgerError("note", "撤销须说明原因 (a reason is required)")
    record = m.MilestoneRecord.objects.create(
        project=project, stage=int(stage), on=None, retracted=True, recorded_at=timezone.now(),
        recorded_by=_user(user), note=note.strip()[:300],
    )  # fmt: skip
    refresh(project.workspace, user, label=f"项目台账汇总：{project.code} 撤销{stage.label_zh}")
    return record


@transaction.atomic
@as_actor
def record_funds(
    project: m.Project,
    access: Access,
    user: Any,
    month: str,
    source: str,
    amount: Decimal,
    unit: str,
    *,
    evidence: str = "",
    evidence_file: m.EvidenceFile | None = None,
) -> m.FundsRecord:
    """实际到位资金 of ``month`` from ``source`` (a region name or code); a new record for a month and
    source already recorded corrects it (0 withdraws it). Creates new vintages of 省外到位资金."""
    check_may_edit(access, project.department)
    try:
        year, mon = int(month[:4]), int(month[5:7])
        first = dt.date(year, mon, 1)
    except ValueError:
        raise LedgerError("month", f"月份应为 YYYY-MM，而不是 {month!r} (month must be YYYY-MM)") from None
    if len(month) != 7 or month[4] != "-":
        raise LedgerError("month", f"月份应为 YYYY-MM，而不是 {month!r} (month must be YYYY-MM)")
    if first > timezone.localdate():
        raise LedgerError("month", f"{month} 在本月之后 (in the future)")
    if (year, mon) < (project.signed_on.year, project.signed_on.month):
        raise LedgerError("month", f"{month} 早于签约月份 {project.signed_on:%Y-%m} (before the signing)")
    if amount < 0:
        raise LedgerError("amount", "到位资金不能为负数 (cannot be negative)")
    if unit not in ("万元", "亿元"):
        raise LedgerError("unit", "单位应为万元或亿元 (unit must be 万元 or 亿元)")
    region = _region(source, "source_region") if source.strip() else project.origin_region
    record = m.FundsRecord.objects.create(
        project=project, month=month, source_region=region, amount=amount, unit=unit, recorded_at=timezone.now(),
        recorded_by=_user(user), evidence=evidence.strip()[:300], evidence_file=evidence_file,
    )  # fmt: skip
    refresh(project.workspace, user, label=f"项目台账汇总：{project.code} {month} 到位资金")
    return record


@transaction.atomic
@as_actor
def change_status(
    project: m.Project, access: Access, user: Any, status: Status, on: dt.date | None, reason: str
) -> m.StatusChange:
    """推进中/停滞/终止, dated, with the reason (required for 停滞 and 终止)."""
    check_may_edit(access, project.department)
    if status is not Status.ADVANCING and not reason.strip():
        raise LedgerError("reason", f"{status.value}须说明原因 (a reason is required)")
    if on is not None:
        _check_date(project, on)
    change = m.StatusChange.objects.create(
        project=project, status=status.value, on=on, reason=reason.strip()[:300], recorded_at=timezone.now(),
        recorded_by=_user(user),
    )  # fmt: skip
    project.status, project.status_reason, project.status_on = status.value, reason.strip()[:300], on
    project.save(update_fields=["status", "status_reason", "status_on"])
    refresh(project.workspace, user, label=f"项目台账汇总：{project.code} {status.value}")
    return change


def _region(text: str, field: str) -> str:
    try:
        return resolve(text)[0].code
    except LookupError as exc:
        raise LedgerError(field, str(exc)) from None


@transaction.atomic
@as_actor
def create_agreement(
    workspace: Workspace, access: Access, user: Any, data: dict[str, Any], document: m.EvidenceFile | None = None
) -> m.Agreement:
    """A new agreement (协议编号 unique in the workspace); an officer only for its own department."""
    check_may_edit(access, data["department"])
    if m.Agreement.objects.filter(workspace=workspace, code=data["code"]).exists():
        raise LedgerError("code", f"协议编号 {data['code']} 已存在 (code already used)")
    region = _region(data["partner"], "partner")
    if data["signed_on"] > timezone.localdate():
        raise LedgerError("signed_on", "签约日期在今天之后 (in the future)")
    agreement = m.Agreement.objects.create(
        workspace=workspace, code=data["code"], title=data["title"], parties=data["parties"], partner_region=region,
        partner_kind=partner_kind(region).value, kind=data["kind"], sector=data.get("sector", ""),
        signed_on=data["signed_on"], place=data.get("place", ""), intended_amount=data.get("intended_amount"),
        department=data["department"], document_names=[document.filename] if document else [],
    )  # fmt: skip
    if document is not None:
        agreement.documents.add(document)
    refresh(workspace, user, label=f"项目台账汇总：协议 {agreement.code}")
    return agreement


@transaction.atomic
@as_actor
def create_project(workspace: Workspace, access: Access, user: Any, data: dict[str, Any]) -> m.Project:
    """A new project, standalone or under an agreement of the workspace."""
    check_may_edit(access, data["department"])
    if m.Project.objects.filter(workspace=workspace, code=data["code"]).exists():
        raise LedgerError("code", f"项目编号 {data['code']} 已存在 (code already used)")
    if data["signed_on"] > timezone.localdate():
        raise LedgerError("signed_on", "签约日期在今天之后 (in the future)")
    agreement = None
    if data.get("agreement"):
        agreement = m.Agreement.objects.filter(workspace=workspace, code=data["agreement"]).first()
        if agreement is None:
            raise LedgerError("agreement", f"协议 {data['agreement']} 不存在 (unknown agreement)")
    project = m.Project.objects.create(
        workspace=workspace, code=data["code"], name=data["name"], investor=data["investor"],
        origin_region=_region(data["origin"], "origin"), sector=data["sector"],
        planned_investment=data["planned_investment"], department=data["department"], signed_on=data["signed_on"],
        agreement=agreement,
    )  # fmt: skip
    refresh(workspace, user, label=f"项目台账汇总：项目 {project.code}")
    return project


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None
