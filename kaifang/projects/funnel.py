"""Conversion funnel (签约 → 注册 → 开工 → 投产 → 达产转化漏斗) of projects and agreements — pandas.

For a cohort of units (projects, or agreements through their projects) and a date ``as_of``:

    share(s, k) = reached(s, k) / eligible(k)

* **overall** (k = None): eligible = units signed on or before ``as_of``; reached(s) = those that reached
  stage s by ``as_of`` (a later stage implies the earlier ones, see :mod:`kaifang.projects.stages`);
* **within k months** (k = 6, 12, 24): eligible = units whose window is complete, ``add_months(signed, k)
  ≤ as_of`` — a unit signed 3 months ago cannot have failed a 12-month test yet, and counting it would bias
  the share down; reached(s, k) = those that reached s by ``add_months(signed, k)``.

Terminated projects (终止) **stay in the denominator**, with the stages they reached before stopping: a
funnel that dropped them would hide exactly the failures the ledger is kept to show.

Projects are grouped by signing ``year``, origin ``region`` (GB/T 2260 or ISO alpha-3 of the investor),
its ``province`` (``440300`` → ``440000``), ``sector``, ``department`` (责任单位) or ``status``.
Agreements by the same keys (``region`` is the partner region, ``year`` the agreement's signing year) and
``kind`` (协议类型) or ``cross_border``; an agreement reaches stage s on the earliest date any of its
projects reaches s, its 签约 being the signing of its first project — a framework agreement with no project
reaches nothing, not even 签约, and stays in the denominator.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from kaifang.projects.records import Ledger, Stage
from kaifang.projects.regions import province_of
from kaifang.projects.stages import STAGES, add_months, reached_dates

__all__ = ["WINDOWS", "agreement_frame", "agreement_funnel", "project_frame", "project_funnel", "shares", "stage_share"]

WINDOWS: tuple[int | None, ...] = (None, 6, 12, 24)
STAGE_COLUMNS = [s.label_zh for s in STAGES]
PROJECT_KEYS = ("year", "region", "province", "sector", "department", "status")
AGREEMENT_KEYS = ("year", "region", "province", "sector", "department", "kind", "cross_border")


def _ts(d: date | None) -> pd.Timestamp:
    return pd.Timestamp(d) if d is not None else pd.NaT


def project_frame(ledger: Ledger, known_at: datetime | None = None) -> pd.DataFrame:
    """One row per project: ``id``, ``agreement_id``, ``signed_on``, the grouping keys and, per stage
    (columns 签约 … 达产), the date it was reached (NaT when not reached)."""
    rows = []
    for p in ledger.projects:
        reached = reached_dates(p, known_at)
        rows.append(
            {
                "id": p.id,
                "agreement_id": p.agreement_id,
                "signed_on": _ts(p.signed_on),
                "year": p.signed_on.year,
                "region": p.origin_region,
                "province": province_of(p.origin_region),
                "sector": p.sector,
                "department": p.department,
                "status": str(p.status),
                **{s.label_zh: _ts(reached.get(s)) for s in STAGES},
            }
        )
    columns = ["id", "agreement_id", "signed_on", *PROJECT_KEYS, *STAGE_COLUMNS]
    return _typed(pd.DataFrame(rows, columns=columns))


def agreement_frame(ledger: Ledger, known_at: datetime | None = None) -> pd.DataFrame:
    """One row per agreement: ``id``, ``signed_on``, the grouping keys and, per stage, the earliest date
    one of its projects reached it (NaT when none did)."""
    projects = project_frame(ledger, known_at)
    earliest = projects.groupby("agreement_id")[STAGE_COLUMNS].min() if len(projects) else None
    rows = []
    for a in ledger.agreements:
        dates = earliest.loc[a.id] if earliest is not None and a.id in earliest.index else None
        rows.append(
            {
                "id": a.id,
                "signed_on": _ts(a.signed_on),
                "year": a.signed_on.year,
                "region": a.partner_region,
                "province": province_of(a.partner_region),
                "sector": a.sector,
                "department": a.department,
                "kind": a.kind,
                "cross_border": a.cross_border,
                **{c: (dates[c] if dates is not None else pd.NaT) for c in STAGE_COLUMNS},
            }
        )
    return _typed(pd.DataFrame(rows, columns=["id", "signed_on", *AGREEMENT_KEYS, *STAGE_COLUMNS]))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in ["signed_on", *STAGE_COLUMNS]:
        df[c] = pd.to_datetime(df[c])
    return df


def shares(
    units: pd.DataFrame, as_of: date, by: str | Sequence[str] | None = None, windows: Sequence[int | None] = WINDOWS
) -> pd.DataFrame:
    """The funnel of a unit frame (:func:`project_frame` or :func:`agreement_frame`): one row per group,
    window and stage with ``eligible``, ``reached`` and ``share`` (NaN when nothing is eligible).

    ``within_months`` is <NA> for the overall funnel. See the module docstring for the definitions.
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    unknown = [k for k in keys if k not in units.columns or k in STAGE_COLUMNS]
    if unknown:
        raise ValueError(f"unknown grouping key(s) {unknown}; use one of the frame's key columns")
    end = pd.Timestamp(as_of)
    signed = units[units["signed_on"] <= end]
    groups = signed.groupby(keys, dropna=False).size().index if keys else pd.Index([0], name="_all")
    parts = []
    for k in windows:
        if k is None:
            cohort, cutoff = signed, pd.Series(end, index=signed.index)
        else:
            cutoff = signed["signed_on"].map(lambda d, k=k: pd.Timestamp(add_months(d.date(), k)))
            cohort, cutoff = signed[cutoff <= end], cutoff[cutoff <= end]
        flags = pd.DataFrame({c: cohort[c].notna() & (cohort[c] <= cutoff) for c in STAGE_COLUMNS}, index=cohort.index)
        flags[keys] = cohort[keys]
        flags["_n"] = 1
        grouped = flags.groupby(keys, dropna=False) if keys else flags.assign(_all=0).groupby("_all")
        totals = grouped[["_n", *STAGE_COLUMNS]].sum().reindex(groups, fill_value=0)  # every group, every window
        long = totals.reset_index().melt(
            id_vars=[*keys, "_n"] if keys else ["_n"], value_vars=STAGE_COLUMNS, var_name="stage", value_name="reached"
        )
        long["within_months"] = k
        parts.append(long.rename(columns={"_n": "eligible"}))
    out = pd.concat(parts, ignore_index=True)
    out["within_months"] = out["within_months"].astype("Int64")
    out["reached"] = out["reached"].astype(int)
    out["eligible"] = out["eligible"].astype(int)
    out["share"] = np.where(out["eligible"] > 0, out["reached"] / out["eligible"].where(out["eligible"] > 0, 1), np.nan)
    out["stage"] = pd.Categorical(out["stage"], categories=STAGE_COLUMNS, ordered=True)
    order = [*keys, "within_months", "stage"]
    out = out.sort_values(order, na_position="first", kind="stable").reset_index(drop=True)
    return out[[*keys, "within_months", "stage", "eligible", "reached", "share"]]


def project_funnel(
    ledger: Ledger,
    as_of: date,
    by: str | Sequence[str] | None = None,
    windows: Sequence[int | None] = WINDOWS,
    known_at: datetime | None = None,
) -> pd.DataFrame:
    """Share of projects reaching each stage, overall and within k months of signing, by ``by``
    (``year``, ``region``, ``province``, ``sector``, ``department``, ``status``)."""
    return shares(project_frame(ledger, known_at), as_of, by, windows)


def agreement_funnel(
    ledger: Ledger,
    as_of: date,
    by: str | Sequence[str] | None = None,
    windows: Sequence[int | None] = WINDOWS,
    known_at: datetime | None = None,
) -> pd.DataFrame:
    """Share of agreements with a project reaching each stage, windows counted from the agreement's
    signing, by ``by`` (``year``, ``region``, ``province``, ``sector``, ``department``, ``kind``,
    ``cross_border``)."""
    return shares(agreement_frame(ledger, known_at), as_of, by, windows)


def stage_share(funnel: pd.DataFrame, stage: Stage, within_months: int | None = None) -> float:
    """The one share of an ungrouped funnel for ``stage`` and window (NaN if nothing was eligible)."""
    window = funnel["within_months"].isna() if within_months is None else funnel["within_months"] == within_months
    rows = funnel[window & (funnel["stage"] == stage.label_zh)]
    return float(rows["share"].iloc[0]) if len(rows) == 1 else float("nan")
