"""Loading the demo ledger (示例数据) into a workspace, and rolling its funds up into the observations.

:func:`load_demo` stores the core's deterministic ledger (:func:`kaifang.projects.demo.load_example`: 146
agreements 2019–2025, 435 projects, their milestone, funds and status records, every one labelled 示例数据)
with the records' own ``recorded_at``, then calls :func:`kaifang.projects.rollup.refresh`, so 省外到位资金 and
the project counts appear in the indicator explorer with lineage. Idempotent: a workspace that already holds
the demo ledger gets nothing new (and the roll-up finds nothing changed). One audit entry records the load.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.audit.log import record
from kaifang.projects import models as m
from kaifang.projects.demo import AS_OF, load_example
from kaifang.projects.records import SAMPLE_LABEL, Status
from kaifang.projects.rollup import refresh


def _aware(at: dt.datetime) -> dt.datetime:
    return timezone.make_aware(at) if timezone.is_naive(at) else at


@transaction.atomic
def load_demo(workspace: Workspace, user: Any = None) -> dict[str, Any]:
    """Store the demo ledger in ``workspace`` (once) and roll it up; returns what was written."""
    counts: dict[str, Any] = {"agreements": 0, "projects": 0, "milestones": 0, "funds": 0, "status_changes": 0}
    if not m.Project.objects.filter(workspace=workspace, is_sample=True).exists():
        counts = _store(workspace, user)
        record(
            "import",
            object_type="projects.Project",
            object_id="demo",
            object_repr=f"招商项目台账（{SAMPLE_LABEL}）",
            after=counts,
            workspace=workspace,
            actor=user,
        )
    roll = refresh(workspace, user, label=f"项目台账汇总（{SAMPLE_LABEL}）")
    return {**counts, "rollup": {"created": roll.created, "revised": roll.revised, "lineage": roll.lineage}}


def _store(workspace: Workspace, user: Any) -> dict[str, int]:
    ledger = load_example()
    who = user if getattr(user, "pk", None) else None
    agreements = m.Agreement.objects.bulk_create(
        [
            m.Agreement(
                workspace=workspace,
                code=a.id,
                title=a.title,
                parties=list(a.parties),
                partner_region=a.partner_region,
                partner_kind=a.partner_kind.value,
                kind=a.kind,
                sector=a.sector,
                signed_on=a.signed_on,
                place=a.place,
                intended_amount=a.intended_amount,
                department=a.department,
                document_names=list(a.documents),
                is_sample=True,
            )
            for a in ledger.agreements
        ]
    )
    by_code = {a.code: a for a in m.Agreement.objects.filter(workspace=workspace)}
    m.Project.objects.bulk_create(
        [
            m.Project(
                workspace=workspace,
                code=p.id,
                name=p.name,
                investor=p.investor,
                origin_region=p.origin_region,
                sector=p.sector,
                planned_investment=p.planned_investment,
                department=p.department,
                signed_on=p.signed_on,
                agreement=by_code.get(p.agreement_id) if p.agreement_id else None,
                status=p.status.value,
                status_reason=p.status_reason,
                status_on=p.status_on,
                is_sample=True,
            )
            for p in ledger.projects
        ]
    )
    projects = {p.code: p for p in m.Project.objects.filter(workspace=workspace)}
    base = {"recorded_by": who, "source": "demo"}
    milestones = [
        m.MilestoneRecord(
            project=projects[p.id],
            stage=int(r.stage),
            on=r.on,
            retracted=r.retracted,
            note=r.note,
            evidence=r.evidence,
            recorded_at=_aware(r.recorded_at),
            **base,
        )
        for p in ledger.projects
        for r in p.milestones
    ]
    funds = [
        m.FundsRecord(
            project=projects[p.id],
            month=f.month,
            source_region=f.source_region,
            amount=f.amount,
            unit=f.unit,
            evidence=f.evidence,
            recorded_at=_aware(f.recorded_at),
            **base,
        )
        for p in ledger.projects
        for f in p.funds
    ]
    changes = [
        m.StatusChange(
            project=projects[p.id],
            status=p.status.value,
            on=p.status_on,
            reason=p.status_reason,
            recorded_at=_aware(dt.datetime.combine(p.status_on or AS_OF, dt.time(9, 0))),
            **base,
        )
        for p in ledger.projects
        if p.status is not Status.ADVANCING
    ]
    m.MilestoneRecord.objects.bulk_create(milestones, batch_size=2000)
    m.FundsRecord.objects.bulk_create(funds, batch_size=2000)
    m.StatusChange.objects.bulk_create(changes, batch_size=2000)
    return {
        "agreements": len(agreements),
        "projects": len(projects),
        "milestones": len(milestones),
        "funds": len(funds),
        "status_changes": len(changes),
    }
