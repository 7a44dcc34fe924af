"""What the cockpit pages show, as plain JSON-safe dicts.

Each page renders one of these and its JSON twin (``….json``) returns the very same dict, so the
numbers a leader sees and the numbers a program reads cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.db.models import Q
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.catalog.models import Indicator
from kaifang.core.periods import parse_period, previous, same_period_last_year, yoy
from kaifang.observations.basis import fill_from_other_basis
from kaifang.observations.derive import derived_panel
from kaifang.observations.models import Observation
from kaifang.observations.query import panel, vintages
from kaifang.regions.models import Level, Region

HEADLINE = [
    "GDP",
    "TERTIARY_SHARE",
    "TRADE_TOTAL",
    "TRADE_DEPENDENCE",
    "FDI_ACTUAL",
    "OUT_PROVINCE_FUNDS",
    "CROSS_BORDER_AGREEMENTS",
    "RD_SPENDING",
    "RD_INTENSITY",
    "BASE_STATIONS_5G",
    "AIRPORT_ROUTE_CITIES",
    "LOGISTICS_COST_GDP_RATIO",
    "ECO_REDLINE_SHARE",
    "SISTER_CITY_COUNTRIES",
]


def indicator_meta(i: Indicator) -> dict[str, Any]:
    return {
        "code": i.code,
        "name_zh": i.name_zh,
        "name_en": i.name_en,
        "unit": i.unit,
        "frequency": i.frequency,
        "dimension": i.dimension,
        "direction": i.direction,
        "department": i.department.name_zh,
        "source": i.source,
        "formula": i.formula or None,
        "derived": i.is_derived,
        "notes": i.notes,
    }


def values_for(
    workspace: Workspace,
    indicator: Indicator,
    *,
    regions: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    basis: str | None = "P",
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Stored values, or computed ones for a derived indicator, in the panel layout."""
    if indicator.is_derived:
        return derived_panel(workspace, indicator, regions=regions, periods=periods, basis=basis, as_of=as_of)
    stored = panel(workspace, indicators=[indicator.code], regions=regions, periods=periods, basis=basis, as_of=as_of)
    if basis is None or indicator.frequency == "年":
        return stored
    other = panel(
        workspace,
        indicators=[indicator.code],
        regions=regions,
        periods=None,
        basis="YTD" if basis == "P" else "P",
        as_of=as_of,
    )
    filled = fill_from_other_basis(stored, other, basis)
    return filled if periods is None else filled[filled["time_period"].isin(list(periods))]


def catalog_listing(workspace: Workspace, q: str = "", dimension: str = "") -> dict[str, Any]:
    qs = Indicator.objects.select_related("department")
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name_zh__icontains=q)
            | Q(name_en__icontains=q)
            | Q(department__name_zh__icontains=q)
        )
    if dimension:
        qs = qs.filter(dimension=dimension)
    counts = _counts(workspace)
    return {
        "workspace": workspace.code,
        "q": q,
        "dimension": dimension,
        "indicators": [{**indicator_meta(i), "observations": counts.get(i.code, 0)} for i in qs],
    }


def _counts(workspace: Workspace) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        Observation.objects.filter(workspace=workspace, superseded_at__isnull=True)
        .values("indicator__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["indicator__code"]: r["n"] for r in rows}


def _period_key(p: str) -> tuple[Any, ...]:
    per = parse_period(p)
    return (per.end, per.start)


RATIO_UNITS = {"%", "‰"}
STATUS_ZH = {"P": "初步", "R": "修订", "F": "正式", "D": "推算", "C": "计算"}  # D: from the other basis


def change(curr: float | None, prev: float | None, unit: str) -> float | None:
    """同比/环比 as officials state it: growth in % for amounts, 个百分点 for ratios (% and ‰)."""
    if curr is None or prev is None:
        return None
    return round(curr - prev, 6) if unit in RATIO_UNITS else yoy(curr, prev)


def growth_table(values: dict[str, float], unit: str = "", *, year_to_date: bool = False) -> list[dict[str, Any]]:
    """同比 and 环比 for one region's series, oldest first.

    环比 is left empty next to China's combined 1–2月 release: a two-month value has no comparable
    neighbour (March against January–February, or January–February against December), and for
    累计 values (1–5月 against 1–4月 is not a change of anything).
    """
    out = []
    for p in sorted(values, key=_period_key):
        per = parse_period(p)
        prior = previous(per)
        comparable = per.freq != "Y" and not per.is_combined and not year_to_date and str(prior) in values
        out.append(
            {
                "time_period": p,
                "obs_value": values[p],
                "yoy": change(values[p], values.get(str(same_period_last_year(per))), unit),
                "mom": change(values[p], values[str(prior)], unit) if comparable else None,
            }
        )
    return out


def peer_regions(workspace: Workspace) -> list[Region]:
    """Regions benchmarked against the home region: the prefecture-level cities and municipalities."""
    return list(Region.objects.filter(Q(level=Level.PREFECTURE) | Q(code="500000")).order_by("code"))


def default_regions(workspace: Workspace) -> list[str]:
    home = workspace.home_region
    if home is None:
        return []
    return [home.code, *home.children.order_by("code").values_list("code", flat=True)]


FREQ_NAMES = {"Y": "年度", "Q": "季度", "M": "月度"}


def freq_of(period: str) -> str:
    """Y, Q or M for a canonical period string (``2024``, ``2024Q1``, ``2024-03``, ``2024-01/02``)."""
    return "Y" if len(period) == 4 else ("Q" if "Q" in period else "M")


def period_freq(periods: pd.Series) -> pd.Series:
    return periods.map(freq_of)


def indicator_detail(
    workspace: Workspace,
    indicator: Indicator,
    *,
    regions: Sequence[str] | None = None,
    basis: str = "P",
    freq: str | None = None,
    as_of: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything the indicator page shows: series per region, growth, peers, vintages.

    One frequency at a time (a chart never mixes a year with its months): ``freq`` if given, else
    annual when there are annual values, else the finest frequency present.
    """
    chosen = list(regions) if regions else default_regions(workspace)
    names = dict(Region.objects.values_list("code", "name_zh"))
    df = values_for(workspace, indicator, regions=chosen, basis=basis, as_of=as_of)
    freqs = period_freq(df["time_period"]) if not df.empty else pd.Series(dtype=str)
    available = [f for f in ("Y", "Q", "M") if (freqs == f).any()]
    if freq not in available:
        freq = available[0] if available else "Y"
    df = df[freqs == freq] if not df.empty else df
    if "derived_from" not in df.columns:
        df = df.assign(derived_from=None)
    periods = sorted(df["time_period"].unique().tolist(), key=_period_key) if not df.empty else []
    series = []
    for code in chosen:
        sub = df[df["ref_area"] == code]
        by_period = dict(zip(sub["time_period"], sub["obs_value"].astype(float), strict=True))
        derived = {p for p, d in zip(sub["time_period"], sub["derived_from"], strict=True) if d}
        series.append(
            {
                "ref_area": code,
                "name": names.get(code, code),
                "data": [by_period.get(p) for p in periods],
                "derived_periods": [p for p in periods if p in derived],
            }
        )
    home = workspace.home_region.code if workspace.home_region else (chosen[0] if chosen else None)
    mine = df[df["ref_area"] == home]
    return {
        "workspace": workspace.code,
        "sample": workspace.is_sample,
        "as_of": as_of.isoformat() if as_of else None,
        "basis": basis,
        "freq": freq,
        "frequencies": [{"code": f, "name": FREQ_NAMES[f]} for f in available],
        "indicator": indicator_meta(indicator),
        "periods": periods,
        "series": series,
        "growth": {
            "ref_area": home,
            "name": names.get(home or "", ""),
            "change_unit": "个百分点" if indicator.unit in RATIO_UNITS else "%",
            "rows": growth_table(
                dict(zip(mine["time_period"], mine["obs_value"].astype(float), strict=True)),
                indicator.unit,
                year_to_date=basis == "YTD",
            ),
        },
        "peers": peer_comparison(workspace, indicator, home, basis=basis, freq=freq, as_of=as_of),
        "vintages": vintage_table(workspace, indicator, chosen, basis, freq, as_of)
        if not indicator.is_derived
        else lineage_table(df),
    }


def peer_comparison(
    workspace: Workspace, indicator: Indicator, home: str | None, *, basis: str, freq: str, as_of: dt.datetime | None
) -> dict[str, Any]:
    """The latest period the home region has, ranked across peer cities by the indicator's direction."""
    peers = peer_regions(workspace)
    codes = [r.code for r in peers]
    df = values_for(workspace, indicator, regions=codes, basis=basis, as_of=as_of)
    if not df.empty:
        df = df[period_freq(df["time_period"]) == freq]
    if df.empty or home not in set(df["ref_area"]):
        return {"time_period": None, "rows": []}
    home_periods = df.loc[df["ref_area"] == home, "time_period"].tolist()
    latest = max(home_periods, key=_period_key)
    at = df[df["time_period"] == latest]
    ascending = indicator.direction == "逆向"
    at = at.sort_values("obs_value", ascending=ascending)
    names = {r.code: r.name_zh for r in peers}
    rows = [
        {
            "rank": n + 1,
            "ref_area": r.ref_area,
            "name": names.get(r.ref_area, r.ref_area),
            "obs_value": float(r.obs_value),
            "home": r.ref_area == home,
        }
        for n, r in enumerate(at.itertuples())
    ]
    return {"time_period": latest, "rows": rows, "better": "lower" if ascending else "higher"}


def vintage_table(
    workspace: Workspace,
    indicator: Indicator,
    regions: Sequence[str],
    basis: str,
    freq: str,
    as_of: dt.datetime | None,
) -> list[dict[str, Any]]:
    """Every stored vintage of the shown cells, newest first (times in the platform's time zone)."""
    qs = vintages(workspace, indicator.code).filter(region__code__in=list(regions), basis=basis)
    if as_of is not None:
        qs = qs.filter(submitted_at__lte=as_of)
    from kaifang.projects.models import RollupLineage  # values rolled up from the 项目台账 link back to projects

    shown = [o for o in qs[:3000] if freq_of(o.period) == freq]
    traced = set(
        RollupLineage.objects.filter(workspace=workspace, observation_id__in=[o.id for o in shown]).values_list(
            "observation_id", flat=True
        )
    )
    rows = []
    for o in shown:
        rows.append(
            {
                "id": o.id,
                "ref_area": o.region.code,
                "name": o.region.name_zh,
                "time_period": o.period,
                "basis": o.basis,
                "obs_value": o.value,
                "unit": o.unit,
                "obs_status": o.get_status_display(),
                "source": o.source,
                "sample": o.is_sample,
                "submitted_by": o.submitted_by.get_username() if o.submitted_by else "system",
                "submitted_at": timezone.localtime(o.submitted_at).isoformat(),
                "superseded_at": timezone.localtime(o.superseded_at).isoformat() if o.superseded_at else None,
                "current": o.superseded_at is None or (as_of is not None and o.superseded_at > as_of),
                "projects_lineage": o.id in traced,
            }
        )
    return rows


def lineage_table(df: pd.DataFrame) -> list[dict[str, Any]]:
    names = dict(Region.objects.values_list("code", "name_zh"))
    return [
        {
            "ref_area": r.ref_area,
            "name": names.get(r.ref_area, r.ref_area),
            "time_period": r.time_period,
            "obs_value": float(r.obs_value),
            "inputs": r.inputs,
        }
        for r in df.sort_values(["ref_area", "time_period"]).itertuples()
    ]


def overview(workspace: Workspace) -> dict[str, Any]:
    """The cockpit's KPI cards: headline indicators of the home region, latest annual value and 同比."""
    home = workspace.home_region
    cards = []
    inds = {i.code: i for i in Indicator.objects.select_related("department").filter(code__in=HEADLINE)}
    for code in HEADLINE:
        i = inds.get(code)
        if i is None or home is None:
            continue
        df = values_for(workspace, i, regions=[home.code])
        df = df[df["time_period"].str.len() == 4]
        annual = dict(zip(df["time_period"], df["obs_value"].astype(float), strict=True))
        status = dict(zip(df["time_period"], df["obs_status"], strict=True))
        card = {**indicator_meta(i), "change_unit": "个百分点" if i.unit in RATIO_UNITS else "%"}
        if not annual:
            cards.append({**card, "time_period": None, "obs_value": None, "obs_status": None, "yoy": None, "trend": []})
            continue
        years = sorted(annual)
        last = years[-1]
        cards.append(
            {
                **card,
                "time_period": last,
                "obs_value": annual[last],
                "obs_status": None if i.is_derived else STATUS_ZH.get(status[last], status[last]),
                "yoy": change(annual[last], annual.get(str(int(last) - 1)), i.unit),
                "trend": [[y, annual[y]] for y in years],
            }
        )
    return {
        "workspace": workspace.code,
        "name": workspace.name_zh,
        "sample": workspace.is_sample,
        "home": {"code": home.code, "name": home.name_zh} if home else None,
        "cards": cards,
    }
