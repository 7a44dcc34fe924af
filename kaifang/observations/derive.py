"""Derived indicators (派生指标): computed from their catalog formula, with lineage to the inputs.

Derived values are never stored: they are computed from the values in force (latest, or as of a
date), so a revision of an input shows up at once and the lineage always names the exact input
observations. Inputs are matched cell by cell — same region, same period, same basis — so a
monthly series never meets an annual one (外贸依存度 2024 = 进出口总额 2024 / GDP 2024 × 100).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kaifang.accounts.models import Workspace
from kaifang.catalog.formula import evaluate_columns, parse
from kaifang.catalog.models import Indicator
from kaifang.observations.query import PANEL_COLUMNS, panel

CELL = ["ref_area", "time_period", "basis"]


def leaves(code: str, formulas: dict[str, str]) -> set[str]:
    """The non-derived indicators a derived one finally rests on."""
    f = formulas.get(code)
    if not f:
        return {code}
    out: set[str] = set()
    for name in parse(f).names:
        out |= leaves(name, formulas)
    return out


def derived_panel(
    workspace: Workspace,
    indicator: Indicator,
    *,
    regions: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    basis: str | None = "P",
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Values of a derived indicator in the panel layout, plus ``inputs`` (lineage) per cell."""
    formulas = dict(Indicator.objects.exclude(formula="").values_list("code", "formula"))
    base = leaves(indicator.code, formulas)
    raw = panel(workspace, indicators=sorted(base), regions=regions, periods=periods, basis=basis, as_of=as_of)
    if raw.empty:
        return pd.DataFrame(columns=[*PANEL_COLUMNS, "inputs"])
    wide = raw.pivot_table(index=CELL, columns="indicator", values="obs_value", aggfunc="first")
    ids = raw.pivot_table(index=CELL, columns="indicator", values="id", aggfunc="first")
    columns: dict[str, pd.Series] = {c: wide[c] for c in wide.columns}

    def value_of(code: str) -> pd.Series:
        if code in columns:
            return columns[code]
        f = formulas.get(code)
        if not f:
            return pd.Series(np.nan, index=wide.index)
        parsed = parse(f)
        result = evaluate_columns(parsed, {name: value_of(name).to_numpy(dtype=float) for name in parsed.names})
        columns[code] = pd.Series(result, index=wide.index, dtype=float)
        return columns[code]

    values = value_of(indicator.code).dropna()
    if values.empty:
        return pd.DataFrame(columns=[*PANEL_COLUMNS, "inputs"])
    used = [c for c in sorted(base) if c in ids.columns]
    out = values.rename("obs_value").reset_index()
    out.insert(0, "indicator", indicator.code)
    out["unit"] = indicator.unit
    out["obs_status"] = "C"  # computed from the formula (see inputs for the inputs' own status)
    out["id"] = None
    lineage = ids.loc[values.index, used]
    inputs_values = wide.loc[values.index, used]
    out["inputs"] = [
        {c: {"id": int(i[c]), "obs_value": float(v[c])} for c in used if i[c] == i[c]}
        for (_, i), (_, v) in zip(lineage.iterrows(), inputs_values.iterrows(), strict=True)
    ]
    return out[[*PANEL_COLUMNS, "inputs"]]
