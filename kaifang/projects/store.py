"""The workspace's ledger read from the tables into the pure core's records, and the names the pages show.

:func:`ledger_for` is the one bridge from the ORM to :mod:`kaifang.projects.records`: every measure (funnel,
落实率, stalled, funds, roll-up) is computed by the core on what it returns, so the pages, the CLI and the
observations roll-up cannot disagree. :func:`ledger_date` is the date the ledger is current to.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from kaifang.accounts.models import Department, Workspace
from kaifang.projects import models as m
from kaifang.projects.ledger_cells import _COUNTIES as COUNTIES
from kaifang.projects.records import (
    SAMPLE_LABEL,
    Agreement,
    FundsInPlace,
    Ledger,
    Milestone,
    PartnerKind,
    Project,
    Stage,
    Status,
)
from kaifang.projects.regions import HOME_PROVINCE, partner_matcher, province_of


def _naive(at: dt.datetime) -> dt.datetime:
    """Records compare by ``recorded_at``; the core works in naive platform-local time."""
    return timezone.localtime(at).replace(tzinfo=None) if timezone.is_aware(at) else at


def ledger_for(workspace: Workspace, known_at: dt.datetime | None = None) -> Ledger:
    """The workspace's agreements and projects with all their records (labelled 示例数据 when the
    workspace is a sample). ``known_at`` leaves out records entered after it."""
    known = _naive(known_at) if known_at else None
    milestones: dict[int, list[Milestone]] = {}
    for r in m.MilestoneRecord.objects.filter(project__workspace=workspace).select_related("evidence_file"):
        at = _naive(r.recorded_at)
        if known is None or at <= known:
            evidence = r.evidence or (r.evidence_file.filename if r.evidence_file else "")
            milestones.setdefault(r.project_id, []).append(
                Milestone(Stage(r.stage), r.on, at, evidence, r.retracted, r.note)
            )
    funds: dict[int, list[FundsInPlace]] = {}
    rows = m.FundsRecord.objects.filter(project__workspace=workspace).values_list(
        "project_id", "month", "source_region", "amount", "unit", "recorded_at", "evidence"
    )
    for pid, month, region, amount, unit, at, evidence in rows:
        at = _naive(at)
        if known is None or at <= known:
            funds.setdefault(pid, []).append(FundsInPlace(month, region, amount, unit, at, evidence))
    agreements = tuple(
        Agreement(
            id=a.code,
            title=a.title,
            parties=tuple(a.parties),
            partner_region=a.partner_region,
            partner_kind=PartnerKind(a.partner_kind),
            kind=a.kind,
            sector=a.sector,
            signed_on=a.signed_on,
            place=a.place,
            intended_amount=a.intended_amount,
            department=a.department,
            documents=tuple(a.document_names),
            is_sample=a.is_sample,
        )
        for a in m.Agreement.objects.filter(workspace=workspace).order_by("code")
    )
    codes = dict(m.Agreement.objects.filter(workspace=workspace).values_list("pk", "code"))
    projects = tuple(
        Project(
            id=p.code,
            name=p.name,
            investor=p.investor,
            origin_region=p.origin_region,
            sector=p.sector,
            planned_investment=p.planned_investment,
            department=p.department,
            signed_on=p.signed_on,
            agreement_id=codes.get(p.agreement_id) if p.agreement_id else None,
            milestones=tuple(milestones.get(p.pk, ())),
            funds=tuple(funds.get(p.pk, ())),
            status=Status(p.status),
            status_reason=p.status_reason,
            status_on=p.status_on,
            is_sample=p.is_sample,
        )
        for p in m.Project.objects.filter(workspace=workspace).order_by("code")
    )
    label = SAMPLE_LABEL if workspace.is_sample else ""
    return Ledger(agreements, projects, as_of=None, label=label)


def ledger_date(workspace: Workspace, ledger: Ledger | None = None) -> dt.date:
    """The date the ledger is current to: the latest date it mentions (signings, milestones, status,
    funds months) or the latest import month, never after today. Stalled projects and the windows of
    the funnel are measured at this date unless a page asks for another (``?as_of=``)."""
    ledger = ledger or ledger_for(workspace)
    today = timezone.localdate()
    latest = ledger.latest_date() if ledger.projects or ledger.agreements else dt.date.min
    for month in m.LedgerFile.objects.filter(workspace=workspace).values_list("month", flat=True):
        if month:
            year, mon = map(int, month.split("-"))
            latest = max(latest, dt.date(year, mon, calendar.monthrange(year, mon)[1]))
    return today if latest == dt.date.min else min(latest, today)


def home_province(workspace: Workspace) -> str:
    return province_of(workspace.home_region.code) if workspace.home_region else HOME_PROVINCE


def department_names() -> dict[str, str]:
    """责任单位 code → name: the catalog's departments (``investment`` → 市投资促进局) and 巴中's districts
    and counties (``511903`` → 恩阳区), which lead many projects."""
    names = dict(COUNTIES)
    names.update(dict(Department.objects.values_list("code", "name_zh")))
    return names


def department_choices() -> list[tuple[str, str]]:
    return sorted(department_names().items(), key=lambda kv: (kv[0].isdigit(), kv[0]))


def region_name(code: str) -> str:
    """The partner or source region's Chinese name (深圳市, 越南 …); the code when unknown."""
    matcher = partner_matcher()
    return matcher.get(code).name_zh if code in matcher else code
