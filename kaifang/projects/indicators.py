"""The catalog indicators the ledger feeds (台账汇总入指标库), each value with its contributions — pure Python.

For a ledger current to ``as_of`` the cells are (indicator, period) → value, where:

* ``OUT_PROVINCE_FUNDS`` 省外到位资金 (亿元, 当月): for every month with in-force funds records from a domestic
  source outside the home province (:func:`kaifang.projects.regions.is_out_of_province`),

      value(month) = Σ amount_yi of the in-force records of that month            (exact Decimal)
      value(year)  = Σ value(month) over the year's months                         (years complete by as_of)

  境外 sources are 外资 (实际利用外资) and are not added in (see :mod:`kaifang.projects.funds`);
* ``PROJECTS_SIGNED`` 招商引资签约项目数 (项): projects signed in the quarter / year;
* ``PROJECTS_STARTED`` 签约项目开工数 (项): of the projects signed in the quarter / year, those that reached
  开工 by ``as_of`` (a later stage implies it; a terminated project that had started counts). This is the
  cohort reading under the catalog's 签约项目开工率 = 开工数 / 签约数, so the rate never exceeds 100 %; the
  count of a past quarter grows as its projects start, each change a new vintage;
* ``CROSS_BORDER_AGREEMENTS`` 跨境经贸协议签约数 (项): agreements with a country (or 港澳台) partner signed in
  the quarter / year.

Counts cover the quarters and years **complete by as_of**, from the ledger's first year: the year of its first
agreement or first funds month (earlier signings are carried-over projects, 结转, and such a year is not
covered completely). Every cell lists its :class:`Contribution` — the (project, month, source region,
amount) rows it sums, or the projects / agreements it counts.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kaifang.projects.funds import effective_funds
from kaifang.projects.records import Ledger, Stage
from kaifang.projects.regions import HOME_PROVINCE, is_out_of_province
from kaifang.projects.stages import reached_dates

__all__ = ["FUNDS", "INDICATORS", "Cell", "Contribution", "coverage_start", "rollup_cells"]

FUNDS = "OUT_PROVINCE_FUNDS"
INDICATORS = {
    FUNDS: "亿元",
    "PROJECTS_SIGNED": "项",
    "PROJECTS_STARTED": "项",
    "CROSS_BORDER_AGREEMENTS": "项",
}


@dataclass(frozen=True)
class Contribution:
    """One row behind a cell: a project's in-force funds of ``month`` from ``source_region`` (``amount``
    in 亿元), or a project / agreement counted (``amount`` None, ``month`` the month it counts for)."""

    project_id: str | None
    agreement_id: str | None
    month: str
    source_region: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class Cell:
    indicator: str
    period: str  # 2024, 2024Q1 or 2024-03
    value: Decimal
    unit: str
    contributions: tuple[Contribution, ...]


def coverage_start(ledger: Ledger) -> int | None:
    """The ledger's first year: of its first agreement or its first funds month (else its first signing)."""
    years = [a.signed_on.year for a in ledger.agreements]
    years += [int(f.month[:4]) for p in ledger.projects for f in p.funds]
    if not years:
        years = [p.signed_on.year for p in ledger.projects]
    return min(years, default=None)


def _quarter(d: date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def _complete(period: str, as_of: date) -> bool:
    """A quarter or year whose last day is on or before ``as_of``."""
    year = int(period[:4])
    last_month = 12 if len(period) == 4 else int(period[-1]) * 3
    return date(year, last_month, calendar.monthrange(year, last_month)[1]) <= as_of


def _funds_cells(ledger: Ledger, as_of: date, home_province: str, known_at: datetime | None) -> list[Cell]:
    months: dict[str, list[Contribution]] = {}
    for p in ledger.projects:
        for f in effective_funds(p, known_at):
            if f.month > f"{as_of:%Y-%m}" or not is_out_of_province(f.source_region, home_province):
                continue
            months.setdefault(f.month, []).append(Contribution(p.id, None, f.month, f.source_region, f.amount_yi))
    cells = []
    years: dict[str, list[Contribution]] = {}
    for month in sorted(months):
        rows = months[month]
        cells.append(Cell(FUNDS, month, _sum(rows), "亿元", _nonzero(rows)))
        years.setdefault(month[:4], []).extend(rows)
    for year, rows in sorted(years.items()):
        if _complete(year, as_of):
            cells.append(Cell(FUNDS, year, _sum(rows), "亿元", _nonzero(rows)))
    return cells


def _sum(rows: Iterable[Contribution]) -> Decimal:
    return sum((r.amount or Decimal(0) for r in rows), Decimal(0))


def _nonzero(rows: list[Contribution]) -> tuple[Contribution, ...]:
    return tuple(sorted((r for r in rows if r.amount), key=lambda r: (r.month, r.project_id or "", r.source_region)))


def _count_cells(indicator: str, items: list[tuple[date, Contribution]], first: int, as_of: date) -> list[Cell]:
    periods = [f"{y}Q{q}" for y in range(first, as_of.year + 1) for q in range(1, 5)]
    periods += [str(y) for y in range(first, as_of.year + 1)]
    cells = []
    for period in periods:
        if not _complete(period, as_of):
            continue
        rows = tuple(c for d, c in items if (str(d.year) if len(period) == 4 else _quarter(d)) == period)
        cells.append(Cell(indicator, period, Decimal(len(rows)), "项", rows))
    return sorted(cells, key=lambda c: (len(c.period) == 4, c.period))


def rollup_cells(
    ledger: Ledger,
    as_of: date,
    *,
    home_province: str = HOME_PROVINCE,
    known_at: datetime | None = None,
) -> list[Cell]:
    """Every cell the ledger feeds at ``as_of`` (see the module docstring), indicator by indicator."""
    cells = _funds_cells(ledger, as_of, home_province, known_at)
    first = coverage_start(ledger)
    if first is None:
        return cells
    signed = [
        (p.signed_on, Contribution(p.id, None, f"{p.signed_on:%Y-%m}")) for p in ledger.projects if p.signed_on <= as_of
    ]
    started = []
    for p in ledger.projects:
        on = reached_dates(p, known_at).get(Stage.STARTED)
        if p.signed_on <= as_of and on is not None and on <= as_of:
            started.append((p.signed_on, Contribution(p.id, None, f"{on:%Y-%m}")))
    cross = [
        (a.signed_on, Contribution(None, a.id, f"{a.signed_on:%Y-%m}", a.partner_region))
        for a in ledger.agreements
        if a.signed_on <= as_of and a.cross_border
    ]
    cells += _count_cells("PROJECTS_SIGNED", signed, first, as_of)
    cells += _count_cells("PROJECTS_STARTED", started, first, as_of)
    cells += _count_cells("CROSS_BORDER_AGREEMENTS", cross, first, as_of)
    return cells
