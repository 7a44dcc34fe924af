"""The dicts behind the warning board and the index page (each is also the page's JSON twin)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.core.periods import parse_period
from kaifang.observations.models import Observation
from kaifang.warning.index_build import INDEX_CODE
from kaifang.warning.lifecycle import OPEN, STATE_ZH, State
from kaifang.warning.models import Alert, EvaluationRun, IndexRun, IndexSpec, KeyIndustry, WatchRule
from kaifang.warning.readings import Reading, read_many, reading

LEVEL_ZH = ["正常", "蓝", "黄", "红"]
LEVEL_KEY = ["normal", "blue", "yellow", "red"]
FFILL = {"M": 0, "Q": 2, "Y": 11}  # a quarter's level holds for its months, a year's for twelve


def num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)


def when(v: dt.datetime | None) -> str | None:
    return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else None


def alert_brief(a: Alert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "state": a.state,
        "state_zh": STATE_ZH[State(a.state)],
        "level": a.level,
        "level_key": LEVEL_KEY[a.level],
        "level_zh": LEVEL_ZH[a.level],
        "latest_level": a.latest_level,
        "condition_active": a.condition_active,
        "indicator": a.indicator.code,
        "indicator_name": a.indicator.name_zh,
        "industry": a.industry.code if a.industry else None,
        "industry_name": a.industry.name_zh if a.industry else "全市",
        "region": a.region.code,
        "region_name": a.region.name_zh,
        "period": a.period,
        "value": num(a.value),
        "unit": a.indicator.unit,
        "department": a.department.name_zh if a.department else None,
        "silenced": a.silenced_by_id is not None,
        "inhibited_by": a.inhibited_by_id,
        "opened_at": when(a.opened_at),
        "updated_at": when(a.updated_at),
    }


def _monthly_levels(r: Reading, grid: pd.PeriodIndex) -> np.ndarray:
    """The rule's level per month of ``grid`` (NaN where unknown), a period's level holding over its months."""
    if r.levels.empty:
        return np.full(len(grid), np.nan)
    coded = r.levels.dropna()
    if coded.empty:
        return np.full(len(grid), np.nan)
    periods = [parse_period(p) for p in coded.index]
    months = pd.PeriodIndex([pd.Period(p.end, freq="M") for p in periods])
    s = pd.Series(coded.to_numpy(dtype=float), index=months)
    s = s[~s.index.duplicated(keep="last")].sort_index()
    limit = FFILL[periods[0].freq]
    full = s.reindex(pd.period_range(min(s.index.min(), grid[0]), max(s.index.max(), grid[-1]), freq="M"))
    if limit:
        full = full.ffill(limit=limit)
    return full.reindex(grid).to_numpy(dtype=float)


def board(workspace: Workspace, *, months: int = 36, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """Current level per key industry × indicator, open alerts, and the heat map of levels over time."""
    rules = list(
        WatchRule.objects.filter(workspace=workspace, active=True).select_related("indicator", "industry", "region")
    )
    series = read_many(workspace, [(r.indicator, r.region.code) for r in rules], as_of)
    reads = {r.pk: reading(r, series[(r.indicator.code, r.region.code)]) for r in rules}
    alerts = {
        a.rule_id: a
        for a in Alert.objects.filter(workspace=workspace, state__in=[s.value for s in OPEN]).select_related(
            "indicator", "industry", "region", "department"
        )
    }
    industries = list(KeyIndustry.objects.filter(workspace=workspace).select_related("parent"))
    columns: list[dict[str, Any]] = []
    for r in sorted(rules, key=lambda r: r.indicator.position):
        if r.indicator.code not in [c["code"] for c in columns]:
            columns.append({"code": r.indicator.code, "name": r.indicator.name_zh, "unit": r.indicator.unit})
    keys: list[tuple[int | None, str, str | None]] = [(None, "全市", None)]
    keys += [(i.pk, i.name_zh, i.parent.code if i.parent else None) for i in industries]
    codes = {i.pk: i.code for i in industries}
    latest = max(
        (pd.Period(parse_period(x.period).end, freq="M") for x in reads.values() if x.period),
        default=pd.Period(timezone.localdate(), freq="M") - 1,
    )
    grid = pd.period_range(latest - (months - 1), latest, freq="M")
    rows: list[dict[str, Any]] = []
    heat: list[list[int]] = []
    for pk, name, parent in keys:
        mine = [r for r in rules if r.industry_id == pk]
        if not mine and pk is None:
            continue
        cells: dict[str, Any] = {}
        for r in mine:
            x = reads[r.pk]
            a = alerts.get(r.pk)
            cells[r.indicator.code] = {
                "rule": r.pk,
                "region": r.region.code,
                "region_name": r.region.name_zh,
                "period": x.period,
                "value": num(x.value),
                "level": x.level,
                "level_key": LEVEL_KEY[x.level],
                "level_zh": LEVEL_ZH[x.level],
                "held": x.held,
                "thresholds": x.thresholds,
                "error": x.error,
                "alert": alert_brief(a) if a else None,
            }
        stack = np.vstack([_monthly_levels(reads[r.pk], grid) for r in mine]) if mine else None
        top = np.nanmax(np.where(np.isnan(stack), -1, stack), axis=0) if stack is not None else None
        if top is not None:
            heat += [[t, len(rows), int(v)] for t, v in enumerate(top) if v >= 0]
        level = max((c["level"] for c in cells.values()), default=0)
        rows.append(
            {
                "industry": codes.get(pk) if pk else None,
                "name": name,
                "parent": parent,
                "cells": cells,
                "level": level,
                "level_key": LEVEL_KEY[level],
                "level_zh": LEVEL_ZH[level],
            }
        )
    open_list = sorted(alerts.values(), key=lambda a: (-a.level, -a.latest_level, a.pk))
    counts = {s.value: 0 for s in State}
    for s in Alert.objects.filter(workspace=workspace).values_list("state", flat=True):
        counts[s] += 1
    run = EvaluationRun.objects.filter(workspace=workspace).first()
    index_rule = next((r for r in rules if r.indicator.code == INDEX_CODE and r.industry_id is None), None)
    headline = None
    if index_rule is not None and reads[index_rule.pk].period:
        x = reads[index_rule.pk]
        headline = {
            "period": x.period,
            "value": num(x.value),
            "level": x.level,
            "level_key": LEVEL_KEY[x.level],
            "level_zh": LEVEL_ZH[x.level],
        }
    return {
        "workspace": workspace.code,
        "sample": workspace.is_sample,
        "columns": columns,
        "rows": rows,
        "heat": {"months": [str(m) for m in grid], "rows": [r["name"] for r in rows], "values": heat},
        "open": [alert_brief(a) for a in open_list],
        "counts": counts,
        "states": [{"key": s.value, "name": STATE_ZH[s], "count": counts[s.value]} for s in State],
        "headline": headline,
        "evaluation": None
        if run is None
        else {
            "at": when(run.at),
            "trigger": run.trigger,
            "counts": run.counts,
            "error": run.error,
            "rules": run.rules,
        },
    }


def _revisions(spec: IndexSpec, last: int = 12) -> list[dict[str, Any]]:
    """First release against the latest value of the index's last months (each estimate is a vintage)."""
    rows = (
        Observation.objects.filter(workspace=spec.workspace, indicator__code=INDEX_CODE, region=spec.region)
        .order_by("period", "submitted_at")
        .values_list("period", "value", "submitted_at")
    )
    by: dict[str, list[tuple[float, dt.datetime]]] = {}
    for period, value, at in rows:
        by.setdefault(period, []).append((value, at))
    out = []
    for period in sorted(by, key=lambda p: parse_period(p).end)[-last:]:
        v = by[period]
        out.append(
            {
                "period": period,
                "first": round(v[0][0], 4),
                "first_at": when(v[0][1]),
                "latest": round(v[-1][0], 4),
                "revision": round(v[-1][0] - v[0][0], 4),
                "vintages": len(v),
            }
        )
    return out


def index_page(workspace: Workspace, run_id: int | None = None) -> dict[str, Any]:
    """The index with its threshold bands and component attribution, the runs, and the revisions."""
    from kaifang.catalog.models import Indicator

    spec = IndexSpec.objects.filter(workspace=workspace).select_related("region").first()
    if spec is None:
        return {"workspace": workspace.code, "spec": None, "run": None, "runs": []}
    runs = list(spec.runs.all()[:24])
    chosen = next((r for r in runs if r.pk == run_id), None) if run_id else (runs[0] if runs else None)
    if run_id and chosen is None:
        chosen = IndexRun.objects.filter(spec=spec, pk=run_id).first()
    names = dict(Indicator.objects.values_list("code", "name_zh"))
    rule = WatchRule.objects.filter(workspace=workspace, indicator__code=INDEX_CODE, industry__isnull=True).first()
    bands: dict[str, Any] = {}
    if rule is not None:
        x = reading(rule, read_many(workspace, [(rule.indicator, rule.region.code)])[(INDEX_CODE, rule.region.code)])
        bands = {**x.thresholds, "method": rule.get_method_display(), "rule": rule.pk}
    components = [
        {
            "code": c["indicator"],
            "name": names.get(c["indicator"], c["indicator"]),
            "region": c.get("region"),
            "sign": c.get("sign", 1),
        }
        for c in spec.components
    ]
    return {
        "workspace": workspace.code,
        "spec": {
            "region": spec.region.code,
            "region_name": spec.region.name_zh,
            "components": components,
            "demand": [{"code": d, "name": names.get(d, d)} for d in spec.demand],
            "lags": spec.lags,
            "anchor": spec.anchor,
        },
        "runs": [
            {
                "id": r.pk,
                "created_at": when(r.created_at),
                "last_period": r.last_period,
                "latest": r.result.get("index", [None])[-1] if r.result.get("index") else None,
                "batch": r.batch_id,
            }
            for r in runs
        ],
        "run": None
        if chosen is None
        else {
            "id": chosen.pk,
            "created_at": when(chosen.created_at),
            "as_of": when(chosen.as_of),
            "batch": chosen.batch_id,
            "trace": chosen.trace,
            **chosen.result,
            "names": {c: names.get(c, c) for c in chosen.result.get("components", [])},
        },
        "bands": bands,
        "revisions": _revisions(spec),
    }


def headline(workspace: Workspace) -> dict[str, Any] | None:
    """The cockpit's warning card: open alerts by level and state, and the highest ones (None without rules)."""
    if not WatchRule.objects.filter(workspace=workspace, active=True).exists():
        return None
    open_alerts = list(
        Alert.objects.filter(workspace=workspace, state__in=[s.value for s in OPEN]).select_related(
            "indicator", "industry", "region", "department"
        )
    )
    firing = [a for a in open_alerts if a.state != State.PENDING.value]
    by_level = {LEVEL_KEY[k]: sum(1 for a in firing if a.level == k) for k in (3, 2, 1)}
    top = sorted(firing, key=lambda a: (-a.level, -a.updated_at.timestamp()))[:5]
    return {
        "open": len(open_alerts),
        "pending": len(open_alerts) - len(firing),
        "by_level": by_level,
        "unhandled": sum(1 for a in firing if a.state == State.RAISED.value),
        "top": [alert_brief(a) for a in top],
    }
