"""The index over time (指数的时间比较) — pure numpy/pandas, no Django.

Scores of different years compare only if every year is normalised against the same bounds. Min-max per
year re-scales each year to its own best and worst unit, so a unit that improves while everyone else
improves faster *falls*; fixed goalposts (OECD/JRC Handbook 2008 §5, "distance to a reference";
UNDP HDI technical notes) keep one yardstick for the whole panel. This module builds those bounds from a
panel, applies them (COINr ``n_goalposts``), tabulates scores and ranks per year, and measures change
and compound annual growth between two years.

A panel is a DataFrame with one row per unit and year: the unit code as index (or a ``uCode`` column), a
``Time`` column and one column per indicator or aggregate (COINr's ``iData`` panel shape).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "GoalpostMethod",
    "apply_goalposts",
    "cagr",
    "change_between",
    "goalposts_from_panel",
    "ranks_by_year",
    "scores_by_year",
]

GoalpostMethod = Literal["reference", "panel"]

GOALPOST_COLUMNS = ["goalpost_lower", "goalpost_upper", "goalpost_scale", "goalpost_trunc2posts"]


def _long(panel: pd.DataFrame, time_col: str) -> pd.DataFrame:
    """Panel with the unit code as a ``uCode`` column, whether it came as a column or as a named index."""
    if time_col not in panel.columns:
        raise ValueError(f"panel has no {time_col!r} column")
    if "uCode" in panel.columns:
        return panel.reset_index(drop=True)
    if panel.index.name is None:
        raise ValueError("panel needs the unit codes as a 'uCode' column or as a named index")
    out = panel.reset_index()
    return out.rename(columns={out.columns[0]: "uCode"})


def _value_columns(panel: pd.DataFrame, time_col: str, codes: Sequence[str] | None) -> list[str]:
    if codes is not None:
        missing = [c for c in codes if c not in panel.columns]
        if missing:
            raise ValueError(f"codes not in the panel: {', '.join(missing)}")
        return list(codes)
    return [c for c in panel.columns if c not in (time_col, "uCode") and pd.api.types.is_numeric_dtype(panel[c])]


def goalposts_from_panel(
    panel: pd.DataFrame,
    *,
    method: GoalpostMethod = "panel",
    reference: object = None,
    codes: Sequence[str] | None = None,
    margin: float = 0.0,
    scale: float = 100.0,
    time_col: str = "Time",
) -> pd.DataFrame:
    """Fixed normalisation bounds per indicator, in COINr's iMeta goalpost columns.

    * ``method="panel"``: L = min, U = max over every unit and year (no year can leave [0, scale]);
    * ``method="reference"``: L, U = min, max in the ``reference`` year only (later values may fall outside
      and are truncated by :func:`apply_goalposts`: "better than the best of 2015" scores full marks).

    ``margin`` widens both ends by that share of the range, L − m·(U−L), U + m·(U−L), so units moving beyond the
    reference still rank. Returns rows = codes, columns goalpost_lower, goalpost_upper, goalpost_scale,
    goalpost_trunc2posts (COINr's ``f_n_para = "use_iMeta"`` names), plus goalpost_basis (method and year).
    """
    if method not in ("panel", "reference"):
        raise ValueError(f"unknown goalpost method {method!r}: use 'panel' or 'reference'")
    cols = _value_columns(panel, time_col, codes)
    data = panel
    basis = "panel"
    if method == "reference":
        if reference is None:
            raise ValueError("method='reference' needs reference=<year>")
        data = panel[_at(panel, time_col, reference)]
        if data.empty:
            raise ValueError(f"reference year {reference!r} not in the panel's {time_col} column")
        basis = f"reference {reference}"
    lower = data[cols].min()
    upper = data[cols].max()
    span = upper - lower
    out = pd.DataFrame(
        {
            "goalpost_lower": lower - margin * span,
            "goalpost_upper": upper + margin * span,
            "goalpost_scale": float(scale),
            "goalpost_trunc2posts": True,
            "goalpost_basis": basis,
        }
    )
    out.index.name = "iCode"
    return out


def apply_goalposts(
    panel: pd.DataFrame,
    goalposts: pd.DataFrame,
    *,
    directions: pd.Series | None = None,
    time_col: str = "Time",
) -> pd.DataFrame:
    """Normalise with fixed goalposts, COINr ``n_goalposts``.

    y = (x − L)/(U − L) for direction +1, y = (x − U)/(L − U) for direction −1 (逆向指标: lower is better);
    clipped to [0, 1] where goalpost_trunc2posts is true; times goalpost_scale. Codes without goalposts and
    non-value columns (``time_col``, ``uCode``) pass through unchanged. U = L gives NaN (no range).
    """
    out = panel.copy()
    for code, gp in goalposts.iterrows():
        if code not in out.columns:
            continue
        lo, hi = float(gp["goalpost_lower"]), float(gp["goalpost_upper"])
        d = 1.0 if directions is None else float(directions.get(code, 1.0))
        x = out[code].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = (x - hi) / (lo - hi) if d < 0 else (x - lo) / (hi - lo)
        if hi == lo:
            y = x * np.nan
        if bool(gp.get("goalpost_trunc2posts", True)):
            y = y.clip(0.0, 1.0)
        out[code] = y * float(gp.get("goalpost_scale", 1.0))
    return out


def scores_by_year(results: pd.DataFrame, code: str, *, time_col: str = "Time") -> pd.DataFrame:
    """One code (e.g. the Index or a dimension) as a units × years table, years in ascending order."""
    long = _long(results, time_col)
    if code not in long.columns:
        raise ValueError(f"{code!r} not in the results")
    wide = long.pivot_table(index="uCode", columns=time_col, values=code, aggfunc="first", dropna=False)
    return wide.reindex(sorted(wide.columns, key=_year), axis=1)


def ranks_by_year(results: pd.DataFrame, code: str, *, time_col: str = "Time") -> pd.DataFrame:
    """Rank of each unit per year on ``code`` (1 = highest score; ties share the lowest rank, like R "min")."""
    return scores_by_year(results, code, time_col=time_col).rank(ascending=False, method="min")


def _year(t: object) -> float:
    """A period's year as a number: 2021, 2021.0, "2021", "2021Q1", "2021-03" → 2021.0."""
    try:
        return float(t)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        m = re.match(r"\s*(\d{4})", str(t))
        if not m:
            raise ValueError(f"cannot read a year from {t!r}") from None
        return float(m.group(1))


def _at(long: pd.DataFrame, time_col: str, when: object) -> pd.Series:
    """Rows of period ``when``: numeric Time columns compare as numbers (2018 matches 2018.0)."""
    col = long[time_col]
    if pd.api.types.is_numeric_dtype(col):
        try:
            return col == float(when)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return col.astype(str) == str(when)
    return col.astype(str) == str(when)


def cagr(start: float, end: float, years: float) -> tuple[float, str]:
    """Compound annual growth rate (end/start)^(1/years) − 1, with the reason when it is undefined.

    Returns ``(value, reason)``; reason is "" when the value is defined. Conventions (as COINr ``CAGR``):
    start = end gives 0 (also 0 → 0). Otherwise the rate is NaN when a value is missing, years ≤ 0, the start
    is ≤ 0 (no growth factor from zero or a negative base: a real root of a negative ratio would be a
    complex number) or the end is negative. An end of exactly 0 from a positive start is −100 %.
    """
    if start is None or end is None or np.isnan(start) or np.isnan(end):
        return float("nan"), "missing value"
    if not years > 0:
        return float("nan"), f"span of {years} years: need a positive span"
    if start == end:
        return 0.0, ""
    if start <= 0:
        return float("nan"), f"start value {start:g} ≤ 0: growth rate undefined"
    if end < 0:
        return float("nan"), f"end value {end:g} < 0: growth rate undefined"
    return float((end / start) ** (1.0 / years) - 1.0), ""


def change_between(
    results: pd.DataFrame,
    start: object,
    end: object,
    *,
    codes: Sequence[str] | None = None,
    years: float | None = None,
    time_col: str = "Time",
) -> pd.DataFrame:
    """Change of every unit and code between two periods: absolute, relative and CAGR.

    Rows per (uCode, iCode): Start, End, Change = End − Start, PctChange = (End − Start)/|Start| (NaN if Start
    is 0), Years (``years`` or the difference of the periods' years), CAGR and Reason (why CAGR is NaN, see
    :func:`cagr`). Rank change columns are left to :func:`ranks_by_year`.
    """
    long = _long(results, time_col)
    cols = _value_columns(long, time_col, codes)
    a = long[_at(long, time_col, start)].set_index("uCode")[cols]
    b = long[_at(long, time_col, end)].set_index("uCode")[cols]
    for when, part in ((start, a), (end, b)):
        if part.empty:
            raise ValueError(f"period {when!r} not in the {time_col} column")
    span = float(years) if years is not None else _year(end) - _year(start)
    units = a.index.union(b.index)
    frame = pd.DataFrame(
        {
            "Start": a.reindex(units)
            .melt(ignore_index=False, var_name="iCode")
            .set_index("iCode", append=True)["value"],
            "End": b.reindex(units).melt(ignore_index=False, var_name="iCode").set_index("iCode", append=True)["value"],
        }
    )
    frame.index.names = ["uCode", "iCode"]
    frame["Change"] = frame["End"] - frame["Start"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["PctChange"] = np.where(frame["Start"] != 0, frame["Change"] / frame["Start"].abs(), np.nan)
    frame["Years"] = span
    rates = [cagr(s, e, span) for s, e in zip(frame["Start"], frame["End"], strict=True)]
    frame["CAGR"] = [r for r, _ in rates]
    frame["Reason"] = [why for _, why in rates]
    return frame.sort_index()
