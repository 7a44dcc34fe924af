"""Reading observations: the latest vintage by default, or the vintage in force at any past time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from django.db.models import Q, QuerySet

from kaifang.accounts.models import Workspace
from kaifang.observations.models import Observation

PANEL_COLUMNS = ["indicator", "ref_area", "time_period", "basis", "obs_value", "unit", "obs_status", "id"]


def in_force(workspace: Workspace, as_of: dt.datetime | None = None) -> QuerySet[Observation]:
    """One row per cell: the latest vintage, or the one in force at ``as_of``.

    A vintage is in force at T when ``submitted_at <= T < superseded_at`` (open-ended while
    ``superseded_at`` is NULL).
    """
    qs = Observation.objects.filter(workspace=workspace)
    if as_of is None:
        return qs.filter(superseded_at__isnull=True)
    return qs.filter(submitted_at__lte=as_of).filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=as_of))


def panel(
    workspace: Workspace,
    *,
    indicators: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    basis: str | None = "P",
    as_of: dt.datetime | None = None,
    with_source: bool = False,
) -> pd.DataFrame:
    """A long (SDMX-style) table of the values in force, filtered by codes (+ source, note)."""
    qs = in_force(workspace, as_of)
    if indicators is not None:
        qs = qs.filter(indicator__code__in=list(indicators))
    if regions is not None:
        qs = qs.filter(region__code__in=list(regions))
    if periods is not None:
        qs = qs.filter(period__in=list(periods))
    if basis is not None:
        qs = qs.filter(basis=basis)
    fields = ["indicator__code", "region__code", "period", "basis", "value", "unit", "status", "id"]
    columns = list(PANEL_COLUMNS)
    if with_source:
        fields += ["source", "note"]
        columns += ["source", "note"]
    return pd.DataFrame(list(qs.order_by().values_list(*fields)), columns=columns)


def vintages(workspace: Workspace, indicator: str, region: str | None = None) -> QuerySet[Observation]:
    """Every vintage of an indicator's cells, newest first within each cell."""
    qs = Observation.objects.filter(workspace=workspace, indicator__code=indicator)
    if region is not None:
        qs = qs.filter(region__code=region)
    return qs.select_related("region", "submitted_by", "batch").order_by(
        "region__code", "-period", "basis", "-submitted_at", "-id"
    )
