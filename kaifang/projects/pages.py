"""The data behind the ledger's overview and analysis pages (and their JSON twins), computed by the core.

Each builder takes the workspace's ledger (:func:`kaifang.projects.store.ledger_for`) and the date it is
measured at, and returns a JSON-ready dict; the views render it or return it as ``.json``. Shares are
fractions (0.4667) rounded to 4 decimals, ``None`` when nothing is eligible; money is 亿元.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from kaifang.projects.funds import funds_in_place
from kaifang.projects.funnel import AGREEMENT_KEYS, PROJECT_KEYS, WINDOWS, agreement_frame, project_frame, shares
from kaifang.projects.implementation import implementation_rate
from kaifang.projects.records import Ledger, Stage
from kaifang.projects.regions import is_foreign, province_of
from kaifang.projects.stalled import by_department, stalled
from kaifang.projects.store import department_names, region_name
from kaifang.projects.summary import share, summary
from kaifang.projects.timing import stage_durations

STAGES = [s.label_zh for s in Stage]
WINDOW_NAMES = {None: "至今", 6: "6个月内", 12: "12个月内", 24: "24个月内"}
GROUP_NAMES = {
    "year": "签约年份", "region": "合作方/投资方所在地", "province": "所在省份", "sector": "行业",
    "department": "责任单位", "status": "项目状态", "kind": "协议类型", "cross_border": "是否跨境",
}  # fmt: skip


def yi(x: Decimal | float) -> float:
    return round(float(x), 4)


def default_year(as_of: date) -> int:
    """The latest year complete at ``as_of``."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def years_of(ledger: Ledger) -> list[int]:
    years = {a.signed_on.year for a in ledger.agreements} | {p.signed_on.year for p in ledger.projects}
    return sorted(years, reverse=True)


def stalled_list(ledger: Ledger, as_of: date, months: int = 6, started: int | None = None) -> list[Any]:
    """The core's stalled list; ``started`` gives 开工 projects a longer limit (construction runs long)."""
    limit: Any = months if started in (None, months) else {s: months for s in Stage} | {Stage.STARTED: started}
    return stalled(ledger, as_of, limit)


def overview(ledger: Ledger, year: int, as_of: date) -> dict[str, Any]:
    """The landing page: the year's summary, its monthly funds by scope, stalled projects per department."""
    out = summary(ledger, year, as_of=as_of)
    monthly: dict[str, dict[str, float]] = defaultdict(dict)
    for scope in ("out_of_province", "foreign", "in_province"):
        for t in funds_in_place(ledger, freq="M", scope=scope):
            if t.period.startswith(str(year)):
                monthly[t.period][scope] = yi(t.amount)
    names = department_names()
    counts = Counter(s.department for s in stalled(ledger, as_of))
    return {
        **out,
        "years": years_of(ledger),
        "funds_monthly": [{"month": m, **v} for m, v in sorted(monthly.items())],
        "stalled_by_department": [
            {"department": d, "name": names.get(d, d), "count": n} for d, n in counts.most_common()
        ],
    }


def funnel_page(ledger: Ledger, as_of: date, unit: str, by: str, year: int | None) -> dict[str, Any]:
    """The funnel of projects (or agreements) signed in ``year`` (all years when None): the overall
    shares per window for the chart, the shares by group for the table, the median stage times."""
    frame = project_frame(ledger) if unit == "projects" else agreement_frame(ledger)
    keys = PROJECT_KEYS if unit == "projects" else AGREEMENT_KEYS
    by = by if by in keys else "year"
    cohort = frame if year is None else frame[frame["year"] == year]
    overall = shares(cohort, as_of)
    chart = []
    for k in WINDOWS:
        rows = overall[overall["within_months"].isna()] if k is None else overall[overall["within_months"] == k]
        chart.append(
            {
                "within_months": k,
                "name": WINDOW_NAMES[k],
                "eligible": int(rows["eligible"].iloc[0]) if len(rows) else 0,
                "reached": [int(v) for v in rows["reached"]],
                "shares": [share(v) for v in rows["share"]],
            }
        )
    grouped = shares(cohort, as_of, by, (None, 12))
    names = department_names()
    groups: dict[Any, dict[str, Any]] = {}
    for r in grouped.itertuples():
        key = getattr(r, by)
        g = groups.setdefault(key, {"key": _key(key), "label": _label(by, key, names), "overall": {}, "within_12": {}})
        window = "overall" if pd.isna(r.within_months) else "within_12"
        g[window][str(r.stage)] = share(r.share)
        g[f"eligible_{window}"] = int(r.eligible)
    durations = []
    if unit == "projects":
        sub = Ledger((), tuple(p for p in ledger.projects if year is None or p.signed_on.year == year))
        for r in stage_durations(sub, as_of).itertuples():
            durations.append(
                {"from": r.from_stage, "to": r.to_stage, "n": int(r.n), "median_days": share(r.median_days)}
            )
    return {
        "unit": unit,
        "by": by,
        "by_name": GROUP_NAMES[by],
        "keys": [{"key": k, "name": GROUP_NAMES[k]} for k in keys],
        "year": year,
        "years": years_of(ledger),
        "as_of": as_of.isoformat(),
        "stages": STAGES,
        "chart": chart,
        "groups": sorted(groups.values(), key=lambda g: str(g["key"]), reverse=by == "year"),
        "durations": durations,
    }


def _key(key: Any) -> Any:
    return key.item() if hasattr(key, "item") else key


def _label(by: str, key: Any, names: dict[str, str]) -> str:
    if by in ("region", "province"):
        return region_name(str(key))
    if by == "department":
        return names.get(str(key), str(key))
    if by == "cross_border":
        return "跨境" if bool(key) else "境内"
    return str(_key(key))


def regions_page(ledger: Ledger, year: int, as_of: date) -> dict[str, Any]:
    """By partner region in ``year``: agreements signed (and 落实), projects signed by investor origin,
    funds in place by source region; provinces for the map, countries and cities in the table."""
    rows: dict[str, dict[str, Any]] = {}

    def row(code: str) -> dict[str, Any]:
        return rows.setdefault(
            code,
            {"code": code, "name": region_name(code), "province": province_of(code), "foreign": is_foreign(code),
             "agreements": 0, "cross_border": 0, "projects": 0, "funds": 0.0},
        )  # fmt: skip

    for a in ledger.agreements:
        if a.signed_on.year == year:
            row(a.partner_region)["agreements"] += 1
    for p in ledger.projects:
        if p.signed_on.year == year:
            row(p.origin_region)["projects"] += 1
    for t in funds_in_place(ledger, freq="Y", by_region=True):
        if t.period == str(year) and t.source_region:
            row(t.source_region)["funds"] = yi(t.amount)
    provinces: dict[str, dict[str, Any]] = {}
    for r in rows.values():
        if r["foreign"]:
            continue
        pv = provinces.setdefault(
            r["province"],
            {"code": r["province"], "name": region_name(r["province"]), "agreements": 0, "projects": 0, "funds": 0.0},
        )
        for k in ("agreements", "projects", "funds"):
            pv[k] = round(pv[k] + r[k], 4)
    ordered = sorted(rows.values(), key=lambda r: (-r["funds"], -r["projects"], -r["agreements"], r["code"]))
    return {
        "year": year,
        "years": years_of(ledger),
        "as_of": as_of.isoformat(),
        "regions": ordered,
        "provinces": sorted(provinces.values(), key=lambda r: -r["funds"]),
        "countries": [r for r in ordered if r["foreign"]],
    }


def stalled_page(ledger: Ledger, as_of: date, months: int, started: int | None) -> dict[str, Any]:
    """Stalled projects at ``as_of`` grouped by 责任单位, longest-stalled first within each."""
    names = department_names()
    items = stalled_list(ledger, as_of, months, started)
    groups: list[dict[str, Any]] = []
    for dept, found in by_department(items).items():
        groups.append(
            {
                "department": dept,
                "name": names.get(dept, dept),
                "count": len(found),
                "projects": [
                    {
                        "id": s.project_id,
                        "name": s.name,
                        "stage": s.stage.label_zh,
                        "last_stage": s.last_stage.label_zh,
                        "last_on": s.last_on.isoformat(),
                        "months_without": s.months_without,
                        "reported_status": s.reported_status.value,
                    }
                    for s in found
                ],
            }
        )
    groups.sort(key=lambda g: (-g["count"], g["department"]))
    return {
        "as_of": as_of.isoformat(),
        "months": months,
        "started_months": started or months,
        "total": len(items),
        "departments": groups,
    }


def agreements_page(ledger: Ledger, as_of: date, year: int | None, kind: str = "", q: str = "") -> dict[str, Any]:
    """Agreements with their 落实 state, and 落实率 per signing year."""
    names = department_names()
    rates: list[dict[str, Any]] = []
    state: dict[str, str] = {}
    for y in sorted({a.signed_on.year for a in ledger.agreements}):
        r = implementation_rate(ledger, y, as_of)
        rates.append(
            {"year": y, "signed": len(r.signed), "cross_border": sum(
                a.cross_border for a in ledger.agreements if a.signed_on.year == y),
             "eligible": r.eligible, "implemented": len(r.closed_implemented), "pending": len(r.pending),
             "rate": share(r.rate), "to_date": share(r.to_date)}
        )  # fmt: skip
        state |= dict.fromkeys(r.pending, "pending") | dict.fromkeys(r.not_implemented, "not")
        state |= dict.fromkeys(r.implemented, "implemented")  # a step within 12 months, window closed or not
    frame = agreement_frame(ledger).set_index("id")
    counts = Counter(p.agreement_id for p in ledger.projects if p.agreement_id)
    rows = []
    for a in sorted(ledger.agreements, key=lambda a: (a.signed_on, a.id), reverse=True):
        if (year and a.signed_on.year != year) or (kind and a.kind != kind):
            continue
        if q and q not in f"{a.id} {a.title} {region_name(a.partner_region)} {a.sector}":
            continue
        step = frame.loc[a.id, "注册"] if a.id in frame.index else None
        rows.append(
            {"id": a.id, "title": a.title, "partner": region_name(a.partner_region), "partner_region": a.partner_region,
             "cross_border": a.cross_border, "kind": a.kind, "sector": a.sector, "signed_on": a.signed_on.isoformat(),
             "department": a.department, "department_name": names.get(a.department, a.department),
             "projects": counts.get(a.id, 0), "step_on": None if step is None or str(step) == "NaT" else str(step)[:10],
             "state": state.get(a.id, "pending")}
        )  # fmt: skip
    return {
        "as_of": as_of.isoformat(),
        "year": year,
        "kind": kind,
        "q": q,
        "years": years_of(ledger),
        "kinds": sorted({a.kind for a in ledger.agreements}),
        "rates": rates,
        "agreements": rows,
    }
