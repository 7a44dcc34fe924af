"""The ledger's figures into the observation store, with lineage (台账汇总入库).

:func:`refresh` computes every cell of :func:`kaifang.projects.indicators.rollup_cells` on the workspace's
ledger and submits them for the home region through :func:`kaifang.observations.ingest.submit` — validated,
audited, and versioned: a cell whose value changed gets a new vintage (the old one is superseded, never
overwritten), an unchanged cell is left alone. For each observation the submission wrote, one
:class:`~kaifang.projects.models.RollupLineage` row per contribution says which project's funds of which
month and source region (or which project / agreement counted) it sums. Called after every write to the
ledger (milestone, funds, status, import, demo), inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kaifang.accounts.access import Access
from kaifang.accounts.models import Role, Workspace
from kaifang.catalog.models import Indicator
from kaifang.observations import ingest
from kaifang.observations.models import Observation
from kaifang.projects import models as m
from kaifang.projects.indicators import Cell, rollup_cells
from kaifang.projects.store import home_province, ledger_date, ledger_for

SOURCE = "项目台账（招商项目台账汇总）"
KIND = "projects"


@dataclass(frozen=True)
class Rollup:
    """What a refresh wrote: the batch (None when nothing changed) and the counts."""

    batch_id: int | None
    created: int
    revised: int
    unchanged: int
    lineage: int


def _rows(cells: list[Cell], ref_area: str) -> list[dict[str, Any]]:
    return [
        {
            "indicator": c.indicator,
            "ref_area": ref_area,
            "time_period": c.period,
            "obs_value": float(round(c.value, 4)),
            "unit": c.unit,
            "basis": "当期",
            "source": SOURCE,
            "note": f"由项目台账汇总：{len(c.contributions)} 条{'资金记录' if c.unit == '亿元' else '项目/协议'}",
        }
        for c in cells
    ]


@transaction.atomic
def refresh(
    workspace: Workspace,
    user: Any = None,
    *,
    label: str = "项目台账汇总",
    submitted_at: dt.datetime | None = None,
    as_of: dt.date | None = None,
) -> Rollup:
    """Roll the ledger up into the observations of the workspace's home region (see the module docstring)."""
    if workspace.home_region is None:
        return Rollup(None, 0, 0, 0, 0)
    ledger = ledger_for(workspace)
    as_of = as_of or ledger_date(workspace, ledger)
    known = set(Indicator.objects.values_list("code", flat=True))
    cells = [c for c in rollup_cells(ledger, as_of, home_province=home_province(workspace)) if c.indicator in known]
    if not cells:
        return Rollup(None, 0, 0, 0, 0)
    is_sample = any(p.is_sample for p in ledger.projects) or any(a.is_sample for a in ledger.agreements)
    done = ingest.submit(
        workspace,
        _rows(cells, workspace.home_region.code),
        access=Access(workspace, Role.ADMIN, None),  # the roll-up writes every indicator it feeds
        user=user,
        kind=KIND,
        label=label,
        is_sample=is_sample,
        submitted_at=submitted_at,
    )
    n = _lineage(workspace, done.batch.pk if done.batch else None, cells)
    return Rollup(done.batch.pk if done.batch else None, done.created, done.revised, done.unchanged, n)


def _lineage(workspace: Workspace, batch_id: int | None, cells: list[Cell]) -> int:
    if batch_id is None:
        return 0
    by_cell = {(c.indicator, c.period): c for c in cells}
    projects = dict(m.Project.objects.filter(workspace=workspace).values_list("code", "pk"))
    agreements = dict(m.Agreement.objects.filter(workspace=workspace).values_list("code", "pk"))
    rows = []
    written = Observation.objects.filter(batch_id=batch_id).values_list("pk", "indicator__code", "period")
    for obs_id, code, period in written:
        cell = by_cell.get((code, period))
        for c in cell.contributions if cell else ():
            rows.append(
                m.RollupLineage(
                    workspace=workspace,
                    observation_id=obs_id,
                    indicator=code,
                    project_id=projects.get(c.project_id) if c.project_id else None,
                    agreement_id=agreements.get(c.agreement_id) if c.agreement_id else None,
                    month=c.month,
                    source_region=c.source_region,
                    amount=c.amount,
                )
            )
    m.RollupLineage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
