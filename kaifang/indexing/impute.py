"""缺失值插补 — imputation of missing indicator values (COINr ``Impute`` and ``impute_panel``).

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 3 "Imputation of missing data",
§1.2 "single imputation": unconditional mean/median substitution, and the same within groups of similar
units (COINr ``i_mean_grp`` by e.g. income group). Column-wise on 2-D arrays (units × indicators); only NaN
values change. Panel imputation (:func:`impute_panel`) fills a unit's gap from its own other years.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "IMPUTE_METHODS",
    "PANEL_TYPES",
    "i_mean",
    "i_mean_grp",
    "i_median",
    "i_median_grp",
    "impute",
    "impute_panel",
]

Array = np.ndarray
PANEL_TYPES = ("latest", "constant", "linear", "linear-constant")

#: imputation methods and their default parameters, by COINr name
IMPUTE_METHODS: dict[str, dict[str, Any]] = {
    "i_mean": {},
    "i_median": {},
    "i_mean_grp": {},
    "i_median_grp": {},
    "impute_panel": {"imp_type": "latest", "max_time": None},
    "none": {},
}
GROUP_METHODS = frozenset({"i_mean_grp", "i_median_grp"})


def _cols(x: Array) -> tuple[Array, bool]:
    a = np.array(x, dtype=float)
    return (a[:, None], True) if a.ndim == 1 else (a, False)


def _fill(a: Array, values: Array) -> Array:
    return np.where(np.isnan(a), values, a)


def _stat(a: Array, how: str) -> Array:
    """Column mean/median of the non-NaN values; NaN for an all-NaN column (no warning)."""
    ok = ~np.isnan(a)
    out = np.full(a.shape[1], np.nan)
    has = ok.any(axis=0)
    if has.any():
        sub = a[:, has]
        if how == "mean":
            out[has] = np.nansum(sub, axis=0) / ok[:, has].sum(axis=0)
        else:
            out[has] = np.nanmedian(sub, axis=0)
    return out


def i_mean(x: Array) -> Array:
    """Replace NaN by the column mean of the observed values (COINr ``i_mean``)."""
    a, one_d = _cols(x)
    y = _fill(a, _stat(a, "mean"))
    return y[:, 0] if one_d else y


def i_median(x: Array) -> Array:
    """Replace NaN by the column median of the observed values (COINr ``i_median``)."""
    a, one_d = _cols(x)
    y = _fill(a, _stat(a, "median"))
    return y[:, 0] if one_d else y


def _grouped(x: Array, groups: Sequence[object] | Array, how: str) -> Array:
    a, one_d = _cols(x)
    g = pd.Series(np.asarray(groups, dtype=object))
    if len(g) != a.shape[0]:
        raise ValueError(f"groups has {len(g)} entries for {a.shape[0]} rows")
    y = a.copy()
    # a unit without a group is left as it is (COINr skip_f_na = TRUE)
    for _, rows in g[g.notna()].groupby(g[g.notna()], sort=False).groups.items():
        idx = np.asarray(rows, dtype=int)
        y[idx] = _fill(a[idx], _stat(a[idx], how))
    return y[:, 0] if one_d else y


def i_mean_grp(x: Array, groups: Sequence[object] | Array) -> Array:
    """Replace NaN by the mean of the same column within the unit's group (COINr ``i_mean_grp``).

    A group whose values are all missing stays missing; units with no group are not imputed.
    """
    return _grouped(x, groups, "mean")


def i_median_grp(x: Array, groups: Sequence[object] | Array) -> Array:
    """Replace NaN by the median of the same column within the unit's group (COINr ``i_median_grp``)."""
    return _grouped(x, groups, "median")


def impute(x: Array, f_i: str = "i_mean", groups: Sequence[object] | Array | None = None) -> Array:
    """Impute every column with one cross-sectional method (``impute_panel`` needs a panel: :func:`impute_panel`)."""
    if f_i == "none":
        return np.array(x, dtype=float)
    if f_i in GROUP_METHODS:
        if groups is None:
            raise ValueError(f"{f_i} needs groups (use_group)")
        return i_mean_grp(x, groups) if f_i == "i_mean_grp" else i_median_grp(x, groups)
    if f_i == "i_mean":
        return i_mean(x)
    if f_i == "i_median":
        return i_median(x)
    raise ValueError(f"unknown imputation {f_i!r}; known: {', '.join(IMPUTE_METHODS)}")


def _interp(t: Array, y: Array, kind: str) -> Array:
    """One series on times ``t`` (sorted): fill NaN by ``kind`` (see :func:`impute_panel`)."""
    ok = ~np.isnan(y)
    if ok.all() or not ok.any():
        return y
    to, yo = t[ok], y[ok]
    if kind == "constant":  # R approx(method = "constant", rule = 2): previous observation, nearest at the ends
        pos = np.searchsorted(to, t, side="right") - 1
        out = yo[np.clip(pos, 0, len(yo) - 1)]
    else:  # R approx(method = "linear", rule = 2): linear inside, nearest observation outside
        out = np.interp(t, to, yo)
        if kind == "linear-constant":
            out = np.where(t < to[0], np.nan, out)
    return np.where(ok, y, out)


def impute_panel(
    panel: pd.DataFrame,
    cols: Sequence[str],
    imp_type: str = "latest",
    max_time: int | None = None,
    time_col: str = "Time",
    unit_col: str = "uCode",
) -> pd.DataFrame:
    """Fill each unit's missing values from its own other years (COINr ``impute_panel``).

    ``imp_type``:

    * ``latest`` — the latest earlier observation, looking back at most ``max_time`` time points (COINr);
    * ``constant`` — the previous observation, and for gaps before the first observation the first one
      (R ``approx(method = "constant", rule = 2)``, as COINr);
    * ``linear`` — linear in time between observations, the nearest observation beyond them
      (R ``approx(method = "linear", rule = 2)``, as COINr);
    * ``linear-constant`` — like ``linear`` but gaps *before* a unit's first observation stay missing: the last
      value is carried forward, nothing is carried back (Kaifang's option for series that start late).

    ``panel`` is long: one row per unit and time. Returns a copy with ``cols`` filled.
    """
    if imp_type not in PANEL_TYPES:
        raise ValueError(f"unknown imp_type {imp_type!r}; known: {', '.join(PANEL_TYPES)}")
    out = panel.copy()
    times = np.sort(panel[time_col].unique())
    units = pd.unique(panel[unit_col])
    r = pd.Index(units).get_indexer(panel[unit_col])
    c = np.searchsorted(times, panel[time_col].to_numpy())
    for col in cols:
        grid = np.full((len(units), len(times)), np.nan)
        grid[r, c] = panel[col].to_numpy(dtype=float)
        if not np.isnan(grid).any():
            continue
        if imp_type == "latest":
            filled = pd.DataFrame(grid).T.ffill(limit=max_time).T.to_numpy()
        else:
            tv = times.astype(float)
            filled = np.vstack([_interp(tv, row, imp_type) for row in grid])
        out[col] = filled[r, c]
    return out
