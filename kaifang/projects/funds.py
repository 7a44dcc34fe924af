"""实际到位资金 (funds actually in place) by month, year and source region, with lineage — pure Python.

Each project's :class:`~kaifang.projects.records.FundsInPlace` records are monthly (当月) amounts by source
region; for a (month, source region) the latest record by ``recorded_at`` is in force (entered by
``known_at`` when given), so a correction is a new record and never an overwrite. Sums are exact
(:class:`~decimal.Decimal`) in 亿元 (万元 ÷ 10 000)::

    total(period, scope) = Σ amount_yi over in-force records whose month lies in period and whose source
                           region is in scope

Scopes (:mod:`kaifang.projects.regions`): ``all``; ``out_of_province`` — **省外到位资金**, domestic sources
outside 四川省 (510000 and its descendants; GB/T 2260 province = first two digits); ``foreign`` — 境外
(countries, 港澳台), which China's statistics report as 外资 (实际利用外资, 万美元) and which are therefore *not*
added into 省外到位资金; ``in_province`` — 省内 sources, Bazhong's own included.

Every :class:`FundsTotal` carries its ``lineage``: the (project id, month) pairs that contributed a
non-zero amount, so the platform can store where a published number comes from.

A ledger that only reports 累计到位资金 (cumulative to date) gives :class:`CumulativeFunds` snapshots;
:func:`flows_from_cumulative` turns successive snapshots into monthly flows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from kaifang.projects.records import FundsInPlace, Ledger, Project
from kaifang.projects.regions import HOME, HOME_PROVINCE, is_foreign, is_out_of_province

__all__ = [
    "SCOPES",
    "CumulativeFunds",
    "FundsTotal",
    "effective_funds",
    "flows_from_cumulative",
    "funds_in_place",
    "out_of_province_funds",
    "to_long",
]

SCOPES = ("all", "out_of_province", "foreign", "in_province")


@dataclass(frozen=True)
class FundsTotal:
    """A sum of funds in place: ``period`` (``2024`` or ``2024-03``), ``source_region`` (None when summed
    over regions), ``scope``, ``amount`` in 亿元 and the contributing (project id, month) pairs."""

    period: str
    source_region: str | None
    scope: str
    amount: Decimal
    lineage: tuple[tuple[str, str], ...]

    @property
    def unit(self) -> str:
        return "亿元"


def effective_funds(project: Project, known_at: datetime | None = None) -> list[FundsInPlace]:
    """The records in force: the latest per (month, source region), entered by ``known_at``."""
    latest: dict[tuple[str, str], FundsInPlace] = {}
    for f in project.funds:
        if known_at is not None and f.recorded_at > known_at:
            continue
        key = (f.month, f.source_region)
        if key not in latest or f.recorded_at >= latest[key].recorded_at:
            latest[key] = f
    return [latest[k] for k in sorted(latest)]


def _in_scope(code: str, scope: str, home_province: str) -> bool:
    if scope == "all":
        return True
    if scope == "out_of_province":
        return is_out_of_province(code, home_province)
    if scope == "foreign":
        return is_foreign(code)
    if scope == "in_province":
        return not is_foreign(code) and not is_out_of_province(code, home_province)
    raise ValueError(f"unknown scope {scope!r}; one of {', '.join(SCOPES)}")


def funds_in_place(
    ledger: Ledger,
    *,
    freq: str = "M",
    scope: str = "all",
    by_region: bool = False,
    known_at: datetime | None = None,
    home_province: str = HOME_PROVINCE,
) -> list[FundsTotal]:
    """Totals by month (``freq="M"``) or year (``"Y"``), over a scope, per source region when
    ``by_region``; ordered by period then region. Periods without funds are absent."""
    if freq not in ("M", "Y"):
        raise ValueError(f"freq must be 'M' or 'Y', got {freq!r}")
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; one of {', '.join(SCOPES)}")
    sums: dict[tuple[str, str | None], Decimal] = {}
    lineage: dict[tuple[str, str | None], set[tuple[str, str]]] = {}
    for p in ledger.projects:
        for f in effective_funds(p, known_at):
            if not _in_scope(f.source_region, scope, home_province):
                continue
            key = (f.month[:4] if freq == "Y" else f.month, f.source_region if by_region else None)
            sums[key] = sums.get(key, Decimal(0)) + f.amount_yi
            if f.amount:
                lineage.setdefault(key, set()).add((p.id, f.month))
    return [
        FundsTotal(period, region, scope, sums[(period, region)], tuple(sorted(lineage.get((period, region), ()))))
        for period, region in sorted(sums, key=lambda k: (k[0], k[1] or ""))
    ]


def out_of_province_funds(
    ledger: Ledger, period: str | int, known_at: datetime | None = None, home_province: str = HOME_PROVINCE
) -> FundsTotal:
    """省外到位资金 of a year (``2024``) or a month (``2024-03``), with its lineage (0 when none)."""
    period = str(period)
    freq = "Y" if len(period) == 4 else "M"
    for total in funds_in_place(
        ledger, freq=freq, scope="out_of_province", known_at=known_at, home_province=home_province
    ):
        if total.period == period:
            return total
    return FundsTotal(period, None, "out_of_province", Decimal(0), ())


def to_long(
    totals: Iterable[FundsTotal], indicator: str = "OUT_PROVINCE_FUNDS", ref_area: str = HOME
) -> list[dict[str, Any]]:
    """Totals as long rows (indicator, ref_area, time_period, obs_value, unit, source_region, lineage),
    ``obs_value`` as a float rounded to 万元 (4 decimals of 亿元), ready for the observations roll-up."""
    return [
        {
            "indicator": indicator,
            "ref_area": ref_area,
            "time_period": t.period,
            "obs_value": float(round(t.amount, 4)),
            "unit": t.unit,
            "source_region": t.source_region,
            "lineage": [list(pair) for pair in t.lineage],
        }
        for t in totals
    ]


@dataclass(frozen=True)
class CumulativeFunds:
    """累计到位资金 of a project reported at the end of ``month`` (cumulative since the project began)."""

    project_id: str
    month: str
    source_region: str
    amount: Decimal  # 亿元
    recorded_at: datetime


def flows_from_cumulative(snapshots: Iterable[CumulativeFunds]) -> dict[str, list[FundsInPlace]]:
    """Monthly flows from successive cumulative snapshots, per project and source region::

        flow(m_k) = cum(m_k) − cum(m_{k−1}),   flow(m_1) = cum(m_1)

    The first snapshot has no earlier base: its whole amount falls in its month (pass the previous
    import's snapshots along to avoid that). A cumulative amount that decreases raises ``ValueError``
    naming the project — a correction must say which month it corrects.
    """
    series: dict[tuple[str, str], dict[str, CumulativeFunds]] = {}
    for s in snapshots:
        held = series.setdefault((s.project_id, s.source_region), {}).get(s.month)
        if held is None or s.recorded_at >= held.recorded_at:
            series[(s.project_id, s.source_region)][s.month] = s
    out: dict[str, list[FundsInPlace]] = {}
    for (project_id, region), by_month in sorted(series.items()):
        previous = Decimal(0)
        for month in sorted(by_month):
            s = by_month[month]
            if s.amount < previous:
                raise ValueError(
                    f"项目 {project_id} 的累计到位资金从 {previous} 降到 {s.amount} 亿元（{month}）"
                    f" (cumulative funds of project {project_id} decrease in {month})"
                )
            out.setdefault(project_id, []).append(
                FundsInPlace(month, region, s.amount - previous, "亿元", s.recorded_at)
            )
            previous = s.amount
    return out
