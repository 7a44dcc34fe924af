"""The index's input table, read from the observation store in COINr's shape.

One row per unit (region) and year: ``uCode``, ``uName``, ``Time``, then one column per indicator
and denominator of the framework — the annual value in force at ``as_of`` (current period basis
``P``). Derived catalog indicators (a ``formula``) are computed from their inputs as in the indicator
explorer. The summary says which observations went in, so a stored build can be traced back to its
vintages: their count, the newest ``submitted_at`` and the import batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.db.models import Count, Max
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.catalog.models import Indicator
from kaifang.observations.derive import derived_panel, leaves
from kaifang.observations.query import in_force, panel
from kaifang.regions.models import Region


def data_codes(framework: pd.DataFrame) -> list[str]:
    """The catalog codes a framework reads: its indicators and denominators."""
    kinds = framework["Type"].isin(["Indicator", "Denominator"])
    return [str(c) for c in framework.loc[kinds, "iCode"]]


def index_data(
    workspace: Workspace,
    framework: pd.DataFrame,
    units: Sequence[str],
    years: Sequence[int | str],
    *,
    as_of: dt.datetime | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The COINr-shaped data table and a summary of the observations it was read from."""
    codes = data_codes(framework)
    known = dict(Indicator.objects.filter(code__in=codes).values_list("code", "formula"))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"框架中的指标不在指标目录中: {', '.join(unknown)} (not in the catalog)")
    periods = [str(y) for y in years]
    stored = [c for c in codes if not known[c]]
    long = panel(workspace, indicators=stored, regions=list(units), periods=periods, basis="P", as_of=as_of)
    frames = [long[["indicator", "ref_area", "time_period", "obs_value"]]]
    for code in (c for c in codes if known[c]):
        derived = derived_panel(
            workspace, Indicator.objects.get(code=code), regions=list(units), periods=periods, as_of=as_of
        )
        frames.append(derived[["indicator", "ref_area", "time_period", "obs_value"]])
    values = pd.concat(frames, ignore_index=True)
    wide = values.pivot_table(
        index=["ref_area", "time_period"], columns="indicator", values="obs_value", aggfunc="first"
    )
    # a year with no observation at all (not yet published at as_of) is left out, never imputed
    indicator_codes = [str(c) for c in framework.loc[framework["Type"] == "Indicator", "iCode"]]
    reported = set(values.loc[values["indicator"].isin(indicator_codes) & values["obs_value"].notna(), "time_period"])
    empty = [p for p in periods if p not in reported]
    periods = [p for p in periods if p in reported]
    if not periods:
        raise ValueError("所选年份没有任何指标数据 (no indicator has data in the chosen years)")
    grid = pd.MultiIndex.from_product([list(units), periods], names=["ref_area", "time_period"])
    wide = wide.reindex(index=grid, columns=codes)
    names = dict(Region.objects.filter(code__in=units).values_list("code", "name_zh"))
    out = wide.reset_index().rename(columns={"ref_area": "uCode", "time_period": "Time"})
    out.insert(1, "uName", out["uCode"].map(names))
    out["Time"] = out["Time"].astype(int)
    out.columns.name = None
    formulas = dict(Indicator.objects.exclude(formula="").values_list("code", "formula"))
    read = set(stored).union(*(leaves(c, formulas) for c in codes if known[c]))
    used = in_force(workspace, as_of).filter(
        indicator__code__in=sorted(read), region__code__in=list(units), period__in=periods, basis="P"
    )
    stats = used.aggregate(n=Count("id"), newest=Max("submitted_at"))
    summary = {
        "as_of": timezone.localtime(as_of).isoformat() if as_of else None,
        "observations": stats["n"],
        "newest_submitted_at": timezone.localtime(stats["newest"]).isoformat() if stats["newest"] else None,
        "batches": sorted(b for b in used.order_by().values_list("batch_id", flat=True).distinct() if b is not None),
        "years": [int(p) for p in periods],
        "years_without_data": [int(p) for p in empty],
        "missing_cells": int(wide.isna().sum().sum()),
        "cells": int(wide.size),
    }
    return out, summary
