"""A rule's series, its thresholds and its levels — read from the values in force (latest or as of T).

The series of a rule is the indicator's values for the rule's region at the indicator's own frequency
(a monthly indicator's annual totals are not months), ordered by period end; derived indicators
(对美出口占比, 物流通道运行状态 …) are computed from their formulas as the cockpit does. Gaps are
dropped: the engine counts N *observed* periods (:mod:`kaifang.warning.engine`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaifang.accounts.models import Workspace
from kaifang.catalog.models import Indicator
from kaifang.core.periods import parse_period
from kaifang.observations.derive import derived_panel
from kaifang.observations.query import panel
from kaifang.warning import engine, levels
from kaifang.warning.models import Method, WatchRule

FREQ = {"月": "M", "季": "Q", "年": "Y"}


class NotCalibrated(ValueError):
    """A rule set to 信号法校准 that has no stored calibration yet."""


def _tidy(frame: pd.DataFrame, frequency: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=float)
    parsed = [parse_period(p) for p in frame["time_period"]]
    keep = [p.freq == FREQ.get(frequency, "M") for p in parsed]
    ends = [p.end for p in parsed]
    s = pd.Series(frame["obs_value"].to_numpy(dtype=float), index=frame["time_period"].to_numpy())
    order = sorted((e, i) for i, (e, k) in enumerate(zip(ends, keep, strict=True)) if k)
    out = s.iloc[[i for _, i in order]].dropna()
    out.index.name = "period"
    return out


def series_for(workspace: Workspace, indicator: Indicator, region: str, as_of: dt.datetime | None = None) -> pd.Series:
    """The values of one indicator and region in force at ``as_of`` (period → value, by period end)."""
    return read_many(workspace, [(indicator, region)], as_of)[(indicator.code, region)]


def read_many(
    workspace: Workspace, keys: Iterable[tuple[Indicator, str]], as_of: dt.datetime | None = None
) -> dict[tuple[str, str], pd.Series]:
    """Series for many (indicator, region) pairs with one query for the stored ones."""
    keys = list(dict.fromkeys((i, r) for i, r in keys))
    stored = [(i, r) for i, r in keys if not i.formula]
    out: dict[tuple[str, str], pd.Series] = {}
    if stored:
        codes = sorted({i.code for i, _ in stored})
        regions = sorted({r for _, r in stored})
        frame = panel(workspace, indicators=codes, regions=regions, as_of=as_of)
        groups = dict(iter(frame.groupby(["indicator", "ref_area"]))) if not frame.empty else {}
        for ind, region in stored:
            out[(ind.code, region)] = _tidy(groups.get((ind.code, region), pd.DataFrame()), ind.frequency)
    by_indicator: dict[Indicator, list[str]] = defaultdict(list)
    for ind, region in keys:
        if ind.formula:
            by_indicator[ind].append(region)
    for ind, regions in by_indicator.items():
        frame = derived_panel(workspace, ind, regions=regions, as_of=as_of)
        for region in regions:
            out[(ind.code, region)] = _tidy(frame[frame["ref_area"] == region], ind.frequency)
    return out


def thresholds_for(rule: WatchRule, series: pd.Series) -> levels.Thresholds:
    """The rule's 红黄蓝 thresholds — scalars, or Series aligned to ``series`` for rolling windows."""
    p = rule.params or {}
    direction = levels.Direction(rule.direction)
    if rule.method == Method.FIXED:
        return levels.fixed(p["blue"], p["yellow"], p["red"], direction)
    if rule.method == Method.CALIBRATED:
        latest = rule.calibrations.first()
        if latest is None:
            raise NotCalibrated(f"规则 {rule} 尚未校准 (not calibrated yet)")
        t = latest.thresholds
        return levels.fixed(t["blue"], t["yellow"], t["red"], direction)
    window = p.get("window") or None
    if series.dropna().shape[0] < 2:
        raise ValueError(f"{rule}: 历史数据不足以计算阈值 (too little history)")
    if rule.method == Method.PERCENTILE:
        return levels.from_percentiles(series, p.get("percentiles", (80, 90, 95)), direction, window=window)
    return levels.from_sigma(series, p.get("k", (1.0, 1.5, 2.0)), direction, window=window)


@dataclass(frozen=True)
class Reading:
    """A rule's latest state: the latest period, its value, level and confirmed (held) level."""

    rule: WatchRule
    period: str | None
    value: float | None
    level: int
    held: int
    thresholds: dict[str, object]
    levels: pd.Series  # level per period (nullable), for charts
    error: str = ""


def reading(rule: WatchRule, series: pd.Series) -> Reading:
    """Classify the series and take the latest period's level and its N-period held level."""
    try:
        bands = thresholds_for(rule, series)
    except (NotCalibrated, ValueError, KeyError) as exc:
        return Reading(rule, None, None, 0, 0, {}, pd.Series(dtype="Int8"), str(exc))
    coded = levels.classify(series, bands)
    known = coded.dropna()
    if known.empty:
        return Reading(rule, None, None, 0, 0, bands.as_dict() if len(series) else {}, coded)
    held = engine.held_levels(known.to_numpy(dtype=float), rule.periods_to_fire)
    last = known.index[-1]
    held_now = 0 if np.isnan(held[-1]) else int(held[-1])
    return Reading(rule, str(last), float(series[last]), int(known.iloc[-1]), held_now, _bands(bands, last), coded)


def _bands(bands: levels.Thresholds, at: str) -> dict[str, object]:
    def value(v: object) -> float:
        return float(v.loc[at]) if isinstance(v, pd.Series) else float(v)  # type: ignore[arg-type]

    return {
        "blue": value(bands.blue),
        "yellow": value(bands.yellow),
        "red": value(bands.red),
        "direction": bands.direction.value,
    }


def readings(workspace: Workspace, rules: Iterable[WatchRule], as_of: dt.datetime | None = None) -> list[Reading]:
    rules = list(rules)
    data = read_many(workspace, [(r.indicator, r.region.code) for r in rules], as_of)
    return [reading(r, data[(r.indicator.code, r.region.code)]) for r in rules]
