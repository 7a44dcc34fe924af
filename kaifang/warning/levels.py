"""红黄蓝预警 levels — warning levels, their thresholds and the classification of a series (pure).

The 红黄蓝 grading of the report (§四(七)): 正常 < 蓝 < 黄 < 红. Thresholds come from

(a) :func:`fixed` values set by the responsible department;
(b) the indicator's own history — :func:`from_percentiles` (the p_blue, p_yellow, p_red percentiles) or
    :func:`from_sigma` (μ + kσ bands), over a fixed window or a rolling one; a rolling threshold at month t
    uses the ``window`` months up to t − 1, so a value is never part of its own reference;
(c) the signals approach, calibrated on labelled stress episodes (:mod:`kaifang.warning.signals`).

A level is reached when the value **exceeds** its threshold (``>`` when higher is worse, ``<`` when lower is
worse), the same rule as a signal in :mod:`kaifang.warning.signals` (Kaminsky, Lizondo & Reinhart 1998).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "Direction",
    "Thresholds",
    "WarningLevel",
    "classify",
    "fixed",
    "from_percentiles",
    "from_sigma",
    "level_of",
]


class WarningLevel(IntEnum):
    """预警等级, ordered: ``WarningLevel.RED > WarningLevel.YELLOW``."""

    NORMAL = 0
    BLUE = 1
    YELLOW = 2
    RED = 3

    @property
    def label_zh(self) -> str:
        return ("正常", "蓝", "黄", "红")[self]

    @property
    def label_en(self) -> str:
        return ("normal", "blue", "yellow", "red")[self]


class Direction(StrEnum):
    """Which side of the indicator is dangerous (the catalog's 正向/逆向 is about desirability, not risk)."""

    HIGHER_WORSE = "higher"  # e.g. HHI, delivery times, the GSCPI
    LOWER_WORSE = "lower"  # e.g. corridor throughput against normal


Bound: TypeAlias = float | pd.Series


@dataclass(frozen=True)
class Thresholds:
    """The blue, yellow and red thresholds of one indicator: numbers, or Series aligned to it (rolling)."""

    blue: Bound
    yellow: Bound
    red: Bound
    direction: Direction = Direction.HIGHER_WORSE

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", Direction(self.direction))
        b, y, r = (np.asarray(v, dtype=float) for v in (self.blue, self.yellow, self.red))
        sign = 1.0 if self.direction is Direction.HIGHER_WORSE else -1.0
        with np.errstate(invalid="ignore"):
            bad = (sign * (y - b) < 0) | (sign * (r - y) < 0)
        if np.any(bad):
            worse = "blue ≤ yellow ≤ red" if sign > 0 else "blue ≥ yellow ≥ red"
            raise ValueError(f"阈值顺序错误 thresholds must satisfy {worse} when {self.direction.value} is worse")

    def as_dict(self) -> dict[str, object]:
        """Scalars as numbers (a rolling threshold's latest value), for a JSON twin."""

        def last(v: Bound) -> float:
            return float(v.dropna().iloc[-1]) if isinstance(v, pd.Series) else float(v)

        return {
            "blue": last(self.blue),
            "yellow": last(self.yellow),
            "red": last(self.red),
            "direction": self.direction,
        }


def fixed(blue: float, yellow: float, red: float, direction: Direction | str = Direction.HIGHER_WORSE) -> Thresholds:
    """(a) Thresholds set by hand."""
    return Thresholds(float(blue), float(yellow), float(red), Direction(direction))


def _history(series: pd.Series, window: int | None, fit: tuple[Hashable, Hashable] | None) -> pd.Series | None:
    if window is not None and fit is not None:
        raise ValueError("choose a rolling window or a fixed fit period, not both")
    if window is not None and window < 2:
        raise ValueError("a rolling window needs at least 2 months")
    return series.loc[fit[0] : fit[1]] if fit is not None else series if window is None else None


def from_percentiles(
    series: pd.Series,
    percentiles: Sequence[float] = (80.0, 90.0, 95.0),
    direction: Direction | str = Direction.HIGHER_WORSE,
    *,
    window: int | None = None,
    min_periods: int | None = None,
    fit: tuple[Hashable, Hashable] | None = None,
) -> Thresholds:
    """(b) Thresholds at the ``(blue, yellow, red)`` percentiles of the indicator's history.

    Fixed: the percentiles of the whole series, or of ``fit = (first, last)``. Rolling: of the ``window``
    months before each month (``min_periods`` of them at least, default ``window``). When lower is worse the
    mirrored percentiles ``100 − p`` are used. Percentiles interpolate linearly (numpy's default).
    """
    direction = Direction(direction)
    ps = [p if direction is Direction.HIGHER_WORSE else 100.0 - p for p in percentiles]
    if len(ps) != 3 or not all(0.0 <= p <= 100.0 for p in ps):
        raise ValueError("three percentiles in [0, 100] are needed (blue, yellow, red)")
    history = _history(series, window, fit)
    if history is not None:
        q = np.nanpercentile(history.to_numpy(dtype=float), ps)
        return Thresholds(float(q[0]), float(q[1]), float(q[2]), direction)
    assert window is not None
    rolling = series.astype(float).shift(1).rolling(window, min_periods=min_periods or window)
    b, y, r = (rolling.quantile(p / 100.0) for p in ps)
    return Thresholds(b, y, r, direction)


def from_sigma(
    series: pd.Series,
    k: Sequence[float] = (1.0, 1.5, 2.0),
    direction: Direction | str = Direction.HIGHER_WORSE,
    *,
    window: int | None = None,
    min_periods: int | None = None,
    fit: tuple[Hashable, Hashable] | None = None,
) -> Thresholds:
    """(b) σ bands: ``μ + k σ`` (or ``μ − k σ`` when lower is worse) with ``k = (blue, yellow, red)``.

    μ and σ (ddof 1) over the whole series, over ``fit``, or over the ``window`` months before each month.
    """
    direction = Direction(direction)
    if len(k) != 3:
        raise ValueError("three multiples are needed (blue, yellow, red)")
    sign = 1.0 if direction is Direction.HIGHER_WORSE else -1.0
    history = _history(series, window, fit)
    if history is not None:
        mu, sd = float(history.mean()), float(history.std(ddof=1))
        b, y, r = (mu + sign * kk * sd for kk in k)
        return Thresholds(b, y, r, direction)
    assert window is not None
    rolling = series.astype(float).shift(1).rolling(window, min_periods=min_periods or window)
    mean, std = rolling.mean(), rolling.std(ddof=1)
    bands = [mean + sign * kk * std for kk in k]
    return Thresholds(bands[0], bands[1], bands[2], direction)


def _aligned(bound: Bound, series: pd.Series) -> np.ndarray:
    if isinstance(bound, pd.Series):
        return bound.reindex(series.index).to_numpy(dtype=float)
    return np.full(len(series), float(bound))


def classify(series: pd.Series | ArrayLike, thresholds: Thresholds) -> pd.Series:
    """The level of every value: ``Σ_{c ∈ blue, yellow, red} [value exceeds threshold_c]``.

    Returns a nullable ``Int8`` Series of level codes (compare with :class:`WarningLevel`); missing values
    or thresholds not yet defined (the start of a rolling window) give ``<NA>``.
    """
    s = series if isinstance(series, pd.Series) else pd.Series(np.asarray(series, dtype=float))
    x = s.to_numpy(dtype=float)
    bounds = np.vstack([_aligned(b, s) for b in (thresholds.blue, thresholds.yellow, thresholds.red)])
    sign = 1.0 if thresholds.direction is Direction.HIGHER_WORSE else -1.0
    codes = np.sum(sign * (x - bounds) > 0, axis=0)
    missing = ~np.isfinite(x) | ~np.all(np.isfinite(bounds), axis=0)
    out = pd.Series(pd.array(codes, dtype="Int8"), index=s.index, name=s.name)
    out[missing] = pd.NA
    return out


def level_of(value: float, thresholds: Thresholds) -> WarningLevel:
    """The level of one value against scalar thresholds (:func:`classify` for a whole series)."""
    code = classify(pd.Series([float(value)]), thresholds).iloc[0]
    if code is pd.NA:
        raise ValueError("no level for a missing value or an undefined threshold")
    return WarningLevel(int(code))
