"""Calibrating a rule's 红黄蓝 thresholds by the signals approach, and storing the back-test.

The series is the rule's own (:func:`kaifang.warning.readings.series_for`), each period placed at its
last month (a quarter at its third month, a year at December) so that horizons are in months. The
episodes are the workspace's labelled :class:`StressEpisode` rows (or those given). Levels follow
:func:`kaifang.warning.signals.calibrate_levels` (蓝, 黄, 红 = loss-minimising thresholds at θ = 0.5, 0.35,
0.2 by default); the full threshold sweep is stored for the ROC curve of the back-test page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.utils import timezone

from kaifang.core.jsonsafe import json_safe
from kaifang.core.periods import parse_period
from kaifang.warning import signals
from kaifang.warning.levels import WarningLevel
from kaifang.warning.models import Calibration, StressEpisode, WatchRule
from kaifang.warning.readings import series_for

DEFAULTS: dict[str, Any] = {"horizon": 6, "mode": "episode", "thetas": [0.5, 0.35, 0.2]}


def monthly(series: pd.Series) -> pd.Series:
    """Period strings → the pandas month each period ends in (``2024Q1`` → ``2024-03``)."""
    ends = [parse_period(p).end for p in series.index]
    out = pd.Series(series.to_numpy(dtype=float), index=pd.PeriodIndex([pd.Period(d, freq="M") for d in ends]))
    return out[~out.index.duplicated(keep="last")]


def episodes_of(rule: WatchRule) -> list[tuple[str, str]]:
    return [(e.start, e.end) for e in StressEpisode.objects.filter(workspace=rule.workspace).order_by("start")]


def calibrate_rule(
    rule: WatchRule,
    user: Any = None,
    *,
    episodes: list[tuple[str, str]] | None = None,
    params: dict[str, Any] | None = None,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Calibration:
    """Calibrate and store; raises ValueError with the reason when it cannot (no episode, no hit …)."""
    p = {**DEFAULTS, **(rule.params if rule.method == "calibrated" else {}), **(params or {})}
    p = {k: p[k] for k in DEFAULTS}
    eps = episodes if episodes is not None else episodes_of(rule)
    if not eps:
        raise ValueError("没有标注的压力事件，无法校准 (label at least one stress episode)")
    at = now or timezone.now()
    cut = as_of or at
    series = monthly(series_for(rule.workspace, rule.indicator, rule.region.code, cut).dropna())
    if len(series) < 12:
        raise ValueError(f"历史数据只有 {len(series)} 期，至少需要 12 期 (at least 12 periods are needed)")
    fit = signals.calibrate_levels(
        series, eps, thetas=tuple(p["thetas"]), horizon=int(p["horizon"]), direction=rule.direction, mode=p["mode"]
    )
    sweep = signals.sweep(series, eps, horizon=int(p["horizon"]), direction=rule.direction, mode=p["mode"])
    names = {WarningLevel.BLUE: "blue", WarningLevel.YELLOW: "yellow", WarningLevel.RED: "red"}
    return Calibration.objects.create(
        rule=rule,
        created_at=at,
        created_by=user if getattr(user, "pk", None) else None,
        as_of=cut,
        params={**p, "episodes": [list(e) for e in eps]},
        thresholds={names[k]: round(float(b.threshold), 6) for k, b in fit.backtests.items()},
        backtests={names[k]: b.as_dict() for k, b in fit.backtests.items()},
        sweep=[{k: json_safe(v) for k, v in row.items()} for row in sweep.round(6).to_dict(orient="records")],
        months=len(series),
        first=str(series.index[0]),
        last=str(series.index[-1]),
    )


def backtest_current(rule: WatchRule, thresholds: dict[str, Any], as_of: dt.datetime | None = None) -> dict[str, Any]:
    """The record of the rule's current (scalar) thresholds on the labelled episodes, per level, and the
    sweep of all candidate thresholds (for the ROC curve); empty without episodes or 12 periods."""
    eps = episodes_of(rule)
    series = monthly(series_for(rule.workspace, rule.indicator, rule.region.code, as_of).dropna())
    if not eps or len(series) < 12 or not thresholds:
        return {}
    p = {**DEFAULTS, **(rule.params if rule.method == "calibrated" else {})}
    kw: dict[str, Any] = {"horizon": int(p["horizon"]), "direction": rule.direction, "mode": p["mode"]}
    levels = {
        name: signals.evaluate(series, float(thresholds[name]), eps, **kw).as_dict()
        for name in ("blue", "yellow", "red")
        if thresholds.get(name) is not None
    }
    sweep = signals.sweep(series, eps, **kw).round(6).to_dict(orient="records")
    return {"levels": levels, "sweep": [{k: json_safe(v) for k, v in row.items()} for row in sweep]}
