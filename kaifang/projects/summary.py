"""The year's summary that ``kaifang projects summary --year 2024 --format json`` prints — pure Python.

:func:`summary` returns a JSON-ready dict (print it with ``ensure_ascii=False``):

* ``agreements``: signed in the year, cross-border (partner is a country or 港澳台, 跨境), by type;
* ``projects``: signed in the year, and how many of all projects are stalled at ``as_of``;
* ``funds_in_place`` (亿元, rounded to 万元): total of the year's months, 省外 (``out_of_province``, the
  report's 省外到位资金), 境外 (``foreign``), 省内, with the number of contributing (project, month) pairs;
* ``funnel``: for the year's signings, the share of projects and of agreements reaching each stage,
  overall and within 6/12/24 months, with the denominators (:mod:`kaifang.projects.funnel`);
* ``implementation_rate``: 落实率 of the year's agreements (:mod:`kaifang.projects.implementation`).

``as_of`` defaults to the ledger's ``as_of``, else the latest date it mentions. Shares are rounded to 4
decimals; a share with nothing eligible is ``null``.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from kaifang.projects.funds import funds_in_place
from kaifang.projects.funnel import STAGE_COLUMNS, WINDOWS, agreement_frame, project_frame, shares
from kaifang.projects.implementation import SUBSTANTIVE, implementation_rate
from kaifang.projects.records import Ledger
from kaifang.projects.stalled import DEFAULT_MONTHS, stalled

__all__ = ["summary"]


def _yi(amount: Decimal) -> float:
    return float(round(amount, 4))


def share(x: float | None) -> float | None:
    """A share rounded to 4 places; None for missing (None or NaN)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)


def _funnel_dict(units: pd.DataFrame, as_of: date, year: int) -> dict[str, Any]:
    cohort = units[units["year"] == year]
    table = shares(cohort, as_of, None, WINDOWS)
    out: dict[str, Any] = {}
    for k in WINDOWS:
        rows = table[table["within_months"].isna()] if k is None else table[table["within_months"] == k]
        name = "overall" if k is None else f"within_{k}_months"
        out[name] = {
            "eligible": int(rows["eligible"].iloc[0]) if len(rows) else 0,
            "shares": {str(r.stage): share(r.share) for r in rows.itertuples()},
        }
    return out


def summary(
    ledger: Ledger, year: int, *, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """The summary of ``year`` (see the module docstring)."""
    as_of = as_of or ledger.as_of or ledger.latest_date()
    signed = [a for a in ledger.agreements if a.signed_on.year == year]
    projects = [p for p in ledger.projects if p.signed_on.year == year]
    funds = {}
    for scope in ("all", "out_of_province", "foreign", "in_province"):
        total = next(
            (t for t in funds_in_place(ledger, freq="Y", scope=scope, known_at=known_at) if t.period == str(year)), None
        )
        funds[scope] = (_yi(total.amount), len(total.lineage)) if total else (0.0, 0)
    rate = implementation_rate(ledger, year, as_of, known_at=known_at)
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "label": ledger.label,
        "agreements": {
            "signed": len(signed),
            "cross_border": sum(a.cross_border for a in signed),
            "by_kind": dict(sorted(Counter(a.kind for a in signed).items())),
        },
        "projects": {
            "signed": len(projects),
            "stalled": len(stalled(ledger, as_of, DEFAULT_MONTHS, known_at)),
            "stalled_months": DEFAULT_MONTHS,
        },
        "funds_in_place": {
            "unit": "亿元",
            "total": funds["all"][0],
            "out_of_province": funds["out_of_province"][0],
            "foreign": funds["foreign"][0],
            "in_province": funds["in_province"][0],
            "contributions": funds["all"][1],
        },
        "funnel": {
            "stages": STAGE_COLUMNS,
            "projects": _funnel_dict(project_frame(ledger, known_at), as_of, year),
            "agreements": _funnel_dict(agreement_frame(ledger, known_at), as_of, year),
        },
        "implementation_rate": {
            "substantive_stage": SUBSTANTIVE.label_zh,
            "months": rate.months,
            "signed": len(rate.signed),
            "eligible": rate.eligible,
            "implemented": len(rate.closed_implemented),
            "pending": len(rate.pending),
            "rate": share(rate.rate),
            "to_date": share(rate.to_date),
        },
    }
