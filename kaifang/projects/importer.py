"""Importing a 招商项目台账 workbook into the ledger: validated, all or nothing, audited, idempotent.

The workbook is read by the core (:func:`kaifang.projects.ledger.read_ledger`, through the data-collection
readers); every problem is located ``file!sheet!R{row}C{col}``. Then, against what the platform already holds:

* a **project** is found by its 项目编号 (else its name); a new one is created, a known one gets the changed
  fields (each change audited with before/after), and a changed 项目状态 becomes a :class:`StatusChange`;
* a **stage date** becomes a milestone record unless the record in force already says the same (or was
  entered after the ledger's month: newer information is kept). A stage the sheet leaves blank but the
  platform has recorded is *not* retracted — that needs a reason, on the project page — only warned about;
* **累计到位资金** (cumulative to the ledger's month) becomes the month's funds in place::

      flow(month) = cumulative(month) − Σ in-force funds of the project from that source before the month

  (what :func:`kaifang.projects.funds.flows_from_cumulative` does between two snapshots); a cumulative
  amount below what is already recorded is an error, as is a reference to an unknown agreement, stages out
  of order once merged with the recorded ones, or (for an officer) another department's project.

Any error: nothing is written. The same bytes again (SHA-256): nothing changes. Records are stamped with the
end of the ledger's month (or now, if earlier). ``dry_run`` runs everything and rolls it back. One audit
entry (``projects.LedgerFile``, action ``import``) lists what changed; the roll-up follows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Role, Workspace
from kaifang.audit.log import record
from kaifang.collection.workflow import keep_file
from kaifang.projects import models as m
from kaifang.projects.ledger import read_ledger
from kaifang.projects.records import Milestone, Project, Stage, Status
from kaifang.projects.rollup import refresh
from kaifang.projects.stages import effective_milestones
from kaifang.projects.writes import officer_department

FIELDS = ("name", "investor", "origin_region", "sector", "planned_investment", "department", "signed_on")


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    file: str
    sha256: str
    month: str | None = None
    dry_run: bool = False
    already: bool = False  # the same file was imported before: nothing changed
    errors: list[dict[str, str]] = field(default_factory=list)  # {location, message}
    warnings: list[dict[str, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    milestones: int = 0
    funds: int = 0
    status_changes: int = 0
    ledger_file: int | None = None
    rollup: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


class _Refused(Exception):
    """Raised inside the transaction to undo it (errors found, or a dry run)."""


def import_ledger(
    workspace: Workspace, content: bytes, filename: str, user: Any, access: Access, *, dry_run: bool = False
) -> ImportReport:
    """Import a ledger workbook (see the module docstring)."""
    digest = hashlib.sha256(content).hexdigest()
    report = ImportReport(filename, digest, dry_run=dry_run)
    if not access.can_write:
        report.errors.append({"location": filename, "message": "只读角色不能导入台账 (read-only role)"})
        return report
    earlier = m.LedgerFile.objects.filter(workspace=workspace, sha256=digest).first()
    if earlier is not None:
        report.already, report.month, report.ledger_file = True, earlier.month, earlier.pk
        return report
    read = read_ledger(content, filename)
    report.month = read.month
    for p in read.problems:
        (report.errors if p.level == "error" else report.warnings).append(
            {"location": p.location, "message": p.message}
        )
    if not read.ok:
        return report
    try:
        with transaction.atomic():
            _apply(workspace, read, user, access, report, digest, len(content))
            if report.errors or dry_run:
                raise _Refused
            if not dry_run:
                keep_file(content, digest)
                roll = refresh(workspace, user, label=f"项目台账汇总：导入 {filename}")
                report.rollup = asdict(roll)
    except _Refused:
        if report.errors:
            report.created, report.updated, report.ledger_file = [], [], None
            report.milestones = report.funds = report.status_changes = report.unchanged = 0
        if dry_run:
            report.ledger_file = None
    return report


def _month_end(month: str | None, now: dt.datetime) -> dt.datetime:
    """The last second of the ledger's month (what the reader stamps its records with), never after now."""
    if not month:
        return now
    year, mon = map(int, month.split("-"))
    last = dt.datetime(year, mon, calendar.monthrange(year, mon)[1], 23, 59, 59)
    return _stamp(last, now)


def _stamp(at: dt.datetime, now: dt.datetime) -> dt.datetime:
    aware = timezone.make_aware(at) if timezone.is_naive(at) else at
    return min(aware, now)


def _apply(
    workspace: Workspace, read: Any, user: Any, access: Access, report: ImportReport, digest: str, size: int
) -> None:
    now = timezone.now()
    who = user if getattr(user, "pk", None) else None
    own = officer_department(access) if access.role == Role.OFFICER else None
    agreements = {a.code: a for a in m.Agreement.objects.filter(workspace=workspace)}
    existing = {
        p.code: p for p in m.Project.objects.filter(workspace=workspace, code__in=[p.id for p in read.projects])
    }
    where = read.locations
    lf = m.LedgerFile.objects.create(
        workspace=workspace, filename=read.file[:255], sha256=digest, size=size, month=read.month or "",
        warnings=report.warnings, imported_by=who, imported_at=now,
    )  # fmt: skip
    snapshots = {(s.project_id, s.source_region): s for s in read.cumulative_funds}
    stamp = _month_end(read.month, now)
    new_records: list[Any] = []
    for p in read.projects:
        loc = where.get(p.id, read.file)
        if p.agreement_id and p.agreement_id not in agreements:
            report.errors.append({"location": loc, "message": f"所属协议 {p.agreement_id} 不存在 (unknown agreement)"})
            continue
        if own is not None and p.department != own:
            report.errors.append(
                {"location": loc, "message": f"项目 {p.name} 的责任单位不是本部门 (another department's project)"}
            )
            continue
        obj = _project(workspace, p, existing.get(p.id), agreements, report)
        base = dict(project=obj, recorded_by=who, source="import", ledger_file=lf)
        new_records += _milestones(obj, p, loc, now, base, report)
        prev = existing.get(p.id)
        if (prev is None and p.status is not Status.ADVANCING) or (
            prev is not None and (obj.status, obj.status_reason) != (p.status.value, p.status_reason[:300])
        ):
            on = stamp.date() if p.status is not Status.ADVANCING else None
            new_records.append(
                m.StatusChange(status=p.status.value, on=on, reason=p.status_reason[:300], recorded_at=stamp, **base)
            )
            obj.status, obj.status_reason, obj.status_on = p.status.value, p.status_reason[:300], on
            obj.save(update_fields=["status", "status_reason", "status_on"])
            report.status_changes += 1
        for (pid, region), snap in snapshots.items():
            if pid == p.id:
                new_records += _funds(
                    obj, snap.month, region, snap.amount, _stamp(snap.recorded_at, now), loc, base, report
                )
    m.MilestoneRecord.objects.bulk_create([r for r in new_records if isinstance(r, m.MilestoneRecord)])
    m.FundsRecord.objects.bulk_create([r for r in new_records if isinstance(r, m.FundsRecord)])
    m.StatusChange.objects.bulk_create([r for r in new_records if isinstance(r, m.StatusChange)])
    report.milestones = sum(isinstance(r, m.MilestoneRecord) for r in new_records)
    report.funds = sum(isinstance(r, m.FundsRecord) for r in new_records)
    report.unchanged = len(read.projects) - len(report.created) - len(report.updated)
    lf.counts = {k: getattr(report, k) for k in ("milestones", "funds", "status_changes", "unchanged")}
    lf.counts |= {"created": len(report.created), "updated": len(report.updated)}
    lf.warnings = report.warnings
    lf.save(update_fields=["counts", "warnings"])
    report.ledger_file = lf.pk
    if not report.errors:
        record(
            "import", object_type="projects.LedgerFile", object_id=lf.pk, object_repr=f"招商项目台账 {read.file}",
            after={"file": read.file, "sha256": digest, "month": read.month, **lf.counts,
                   "created_projects": report.created[:500], "updated_projects": report.updated[:500]},
            workspace=workspace, actor=user,
        )  # fmt: skip


def _project(
    workspace: Workspace, p: Project, obj: m.Project | None, agreements: dict[str, m.Agreement], report: ImportReport
) -> m.Project:
    values: dict[str, Any] = {f: getattr(p, f) for f in FIELDS}
    values["agreement"] = agreements.get(p.agreement_id) if p.agreement_id else None
    if obj is None:
        obj = m.Project.objects.create(workspace=workspace, code=p.id, **values)  # audited by the signals
        report.created.append(p.id)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()  # audited by the signals, with before/after
        report.updated.append(p.id)
    return obj


def _milestones(
    obj: m.Project, p: Project, loc: str, now: dt.datetime, base: dict[str, Any], report: ImportReport
) -> list[m.MilestoneRecord]:
    held = [Milestone(Stage(r.stage), r.on, r.recorded_at, retracted=r.retracted) for r in obj.milestones.all()]
    in_force = effective_milestones(held)
    out = []
    merged = {s: r.on for s, r in in_force.items()}
    for ms in p.milestones:
        stamp = _stamp(ms.recorded_at, now)
        current = in_force.get(ms.stage)
        if current is not None and (current.on == ms.on or current.recorded_at > stamp):
            continue
        merged[ms.stage] = ms.on
        out.append(
            m.MilestoneRecord(stage=int(ms.stage), on=ms.on, evidence=ms.evidence[:300], recorded_at=stamp, **base)
        )
    filed = {ms.stage for ms in p.milestones}
    for stage, rec in in_force.items():
        if stage not in filed:
            report.warnings.append(
                {"location": loc, "message": f"台账未填{stage.label_zh}时间，平台已记录 {rec.on}，未撤销"
                 " (blank in the sheet, kept on the platform)"}
            )  # fmt: skip
    dated = sorted((s, d) for s, d in merged.items() if d is not None)
    for (s1, d1), (s2, d2) in itertools.pairwise(dated):
        if d2 < d1:
            report.errors.append(
                {"location": loc, "message": f"{s2.label_zh} {d2} 早于{s1.label_zh} {d1}（与平台已有记录合并后）"
                 " (stage dates out of order with the recorded ones)"}
            )  # fmt: skip
    return out


def _funds(
    obj: m.Project, month: str, region: str, cumulative: Decimal, stamp: dt.datetime, loc: str,
    base: dict[str, Any], report: ImportReport,
) -> list[m.FundsRecord]:  # fmt: skip
    latest: dict[str, m.FundsRecord] = {}
    for r in obj.funds.filter(source_region=region).order_by("recorded_at", "pk"):
        latest[r.month] = r
    to_yi = {"亿元": Decimal(1), "万元": Decimal("0.0001")}
    before = sum((r.amount * to_yi[r.unit] for mo, r in latest.items() if mo < month), Decimal(0))
    if cumulative < before:
        report.errors.append(
            {"location": loc, "message": f"累计到位资金 {cumulative:.4f} 亿元小于平台已记录的 {month} 之前到位资金合计"
             f" {before:.4f} 亿元 (cumulative funds below what is already recorded)"}
        )  # fmt: skip
        return []
    if any(mo > month for mo in latest):
        report.warnings.append(
            {"location": loc, "message": f"平台已有 {month} 之后的到位资金记录，本台账只更新 {month}"
             " (later months already recorded)"}
        )  # fmt: skip
    flow = cumulative - before
    held = latest.get(month)
    if held is not None and held.amount * to_yi[held.unit] == flow:
        return []
    if held is None and flow == 0:
        return []
    evidence = f"招商项目台账 {report.file} 累计到位资金 {cumulative} 亿元（截至 {month}）"
    return [m.FundsRecord(month=month, source_region=region, amount=flow, unit="亿元", recorded_at=stamp,
                          evidence=evidence[:300], **base)]  # fmt: skip
