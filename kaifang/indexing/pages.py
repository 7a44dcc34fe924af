"""The data behind the index pages (and their JSON twins), read from a stored build."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from django.utils import timezone

from kaifang.indexing import benchmark, timeseries
from kaifang.indexing.models import IndexBuild, IndexDefinition, IndexScore
from kaifang.regions.models import Region


def _num(v: Any, digits: int = 2) -> float | None:
    if v is None or (isinstance(v, float) and not math.isfinite(v)) or pd.isna(v):
        return None
    return round(float(v), digits)


def latest_build(definition: IndexDefinition) -> IndexBuild | None:
    return definition.builds.order_by("-created_at", "-id").first()


def scores_frame(build: IndexBuild) -> pd.DataFrame:
    rows = IndexScore.objects.filter(build=build).values_list("region__code", "year", "code", "level", "score", "rank")
    return pd.DataFrame(list(rows), columns=["unit", "year", "code", "level", "score", "rank"])


def meta(build: IndexBuild) -> dict[str, Any]:
    d = build.definition
    fw = pd.DataFrame(d.framework)
    tree = fw[fw["Type"].isin(["Indicator", "Aggregate"])]
    names = dict(zip(tree["iCode"], tree["iName"].fillna(tree["iCode"]), strict=True))
    top = str(tree.loc[tree["Level"].astype(float).idxmax(), "iCode"])
    dims = [str(c) for c in tree.loc[tree["Parent"] == top, "iCode"]]
    return {
        "definition": {
            "code": d.code,
            "version": d.version,
            "name": d.name_zh,
            "name_en": d.name_en,
            "home": d.home,
            "peers": d.peers,
        },
        "build": {
            "id": build.pk,
            "created_at": timezone.localtime(build.created_at).isoformat(),
            "as_of": timezone.localtime(build.as_of).isoformat(),
            "created_by": build.created_by.get_username() if build.created_by else None,
        },
        "top": top,
        "dimensions": [{"code": c, "name": names[c]} for c in dims],
        "names": names,
        "years": [str(y) for y in build.data_summary.get("years", d.years)],
    }


def ranking(build: IndexBuild, year: str | None = None) -> dict[str, Any]:
    """The ranking of one year: index, rank, change since the year before, dimension scores, the trend."""
    m = meta(build)
    df = scores_frame(build)
    chosen: str = year if year is not None and year in m["years"] else m["years"][-1]
    year = chosen
    region_names = dict(Region.objects.filter(code__in=build.definition.units).values_list("code", "name_zh"))
    top, dims = m["top"], [d["code"] for d in m["dimensions"]]
    wide = df[df["code"].isin([top, *dims])].pivot_table(index=["unit", "year"], columns="code", values="score")
    ranks = df[df["code"] == top].set_index(["unit", "year"])["rank"]
    prev = str(int(chosen) - 1)
    rows = []
    for unit in build.definition.units:
        if (unit, year) not in wide.index:
            continue
        r, p = ranks.get((unit, year)), ranks.get((unit, prev))
        now, before = wide.at[(unit, year), top], wide[top].get((unit, prev))
        rows.append(
            {
                "unit": unit,
                "name": region_names.get(unit, unit),
                "home": unit == build.definition.home,
                "score": _num(now),
                "rank": None if pd.isna(r) else int(r),
                "rank_change": None if pd.isna(r) or p is None or pd.isna(p) else int(p) - int(r),  # + = moved up
                "score_change": _num(now - before) if before is not None else None,
                "dimensions": {c: _num(wide.at[(unit, year), c]) for c in dims},
                "trend": [_num(wide[top].get((unit, y))) for y in m["years"]],
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]))
    return {**m, "year": year, "rows": rows}


def profile(build: IndexBuild, unit: str) -> dict[str, Any]:
    """A unit against its peers: index and rank by year, dimension radar, strengths and weaknesses,
    nearest peers, gap to the leader, change and CAGR since the first year."""
    m = meta(build)
    d = build.definition
    if unit not in d.units:
        raise KeyError(unit)
    df = scores_frame(build)
    names = dict(Region.objects.filter(code__in=d.units).values_list("code", "name_zh"))
    top, dims, years = m["top"], [x["code"] for x in m["dimensions"]], m["years"]
    last = years[-1]
    mine = df[(df["unit"] == unit) & (df["code"] == top)].set_index("year")
    history = [
        {
            "year": y,
            "score": _num(mine["score"].get(y)),
            "rank": None if pd.isna(mine["rank"].get(y, None)) else int(mine["rank"][y]),
        }
        for y in years
    ]
    latest = df[df["year"] == last].pivot_table(index="unit", columns="code", values="score")
    peers = [p for p in d.peers if p in latest.index and p != unit] or [u for u in latest.index if u != unit]
    radar = benchmark.dimension_profile(latest, unit, peers, codes=dims)
    fw = pd.DataFrame(d.framework)
    indicators = [c for c in fw.loc[fw["Type"] == "Indicator", "iCode"] if c in latest.columns]
    sw = benchmark.strengths_weaknesses(latest, unit, [u for u in latest.index if u != unit], k=3, codes=indicators)
    nearest = benchmark.nearest_peers(latest, unit, k=3, codes=indicators)
    gaps = benchmark.gap_to_leader(latest, unit, codes=indicators)
    panel = df[df["code"].isin([top, *dims])].pivot_table(index=["unit", "year"], columns="code", values="score")
    panel = panel.reset_index().rename(columns={"unit": "uCode", "year": "Time"}).set_index("uCode")
    panel["Time"] = panel["Time"].astype(int)
    change = timeseries.change_between(panel, int(years[0]), int(last), codes=[top, *dims])
    change = change.loc[unit] if unit in change.index.get_level_values(0) else pd.DataFrame()

    def table(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                "code": c,
                "name": m["names"].get(c, c),
                **{k: (_num(v) if not isinstance(v, str) else v) for k, v in row.items()},
            }
            for c, row in frame.iterrows()
        ]

    return {
        **m,
        "unit": unit,
        "name": names.get(unit, unit),
        "year": last,
        "history": history,
        "units_list": [{"unit": u, "name": names.get(u, u)} for u in d.units],
        "radar": {
            "codes": dims,
            "names": [m["names"][c] for c in dims],
            "unit": [_num(radar.at[c, unit]) for c in dims],
            "peer_median": [_num(radar.at[c, "Peer.Median"]) for c in dims],
            "peer_max": [_num(radar.at[c, "Peer.Max"]) for c in dims],
            "rank": [None if pd.isna(radar.at[c, "Rank"]) else int(radar.at[c, "Rank"]) for c in dims],
            "peers": [{"unit": p, "name": names.get(p, p)} for p in peers],
            "peer_names": "、".join(names.get(p, p) for p in peers),
        },
        "strengths": table(sw.strengths),
        "weaknesses": table(sw.weaknesses),
        "nearest": [
            {"unit": u, "name": names.get(u, u), "distance": _num(r["Distance"])} for u, r in nearest.iterrows()
        ],
        "gap_to_leader": [
            {
                "code": c,
                "name": m["names"].get(c, c),
                "value": _num(r["Value"]),
                "leader": r["Leader"],
                "leader_name": names.get(r["Leader"], r["Leader"]),
                "leader_value": _num(r["Leader.Value"]),
                "gap": _num(r["Gap"]),
            }
            for c, r in gaps.sort_values("Gap", ascending=False).iterrows()
        ],
        "change": [
            {
                "code": c,
                "name": m["names"].get(c, c),
                "start": _num(r["Start"]),
                "end": _num(r["End"]),
                "change": _num(r["Change"]),
                "cagr_pct": _num(r["CAGR"] * 100 if pd.notna(r["CAGR"]) else None),
            }
            for c, r in ((c, change.loc[c]) for c in [top, *dims] if c in change.index)
        ]
        if not change.empty
        else [],
    }


def method(build: IndexBuild) -> dict[str, Any]:
    """The framework, the spec, the pipeline log, the statistical audit and the data it was built from."""
    d = build.definition
    return {
        **meta(build),
        "framework": d.framework,
        "spec": d.spec,
        "log": build.log,
        "audit": build.audit,
        "data": build.data_summary,
        "notes": d.notes,
        "units": d.units,
    }


def headline(workspace: Any) -> dict[str, Any] | None:
    """The cockpit's index card: the home region's latest score, rank and change (None before a build)."""
    definition = IndexDefinition.objects.filter(workspace=workspace).order_by("code", "-version").first()
    built = latest_build(definition) if definition else None
    if definition is None or built is None or not definition.home:
        return None
    data = ranking(built)
    mine = next((r for r in data["rows"] if r["unit"] == definition.home), None)
    if mine is None:
        return None
    return {
        "code": definition.code,
        "name": definition.name_zh,
        "year": data["year"],
        "score": mine["score"],
        "rank": mine["rank"],
        "of": len(data["rows"]),
        "rank_change": mine["rank_change"],
        "score_change": mine["score_change"],
        "build": built.pk,
    }
