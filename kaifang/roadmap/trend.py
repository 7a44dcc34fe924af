"""季度评估 trend classes by the Sustainable Development Report method (pure).

Source: issue 5, item 4, and the SDSN *Sustainable Development Report* trend methodology (Sachs, Lafortune,
Fuller & Drumm 2023, *Implementing the SDG Stimulus. Sustainable Development Report 2023*, methodology
annex): the linear annual rate achieved since the base year is compared with the rate needed to reach the
target by its deadline. Here, with direction d (+1 higher is better, −1 lower is better)::

    actual_rate   = d · (latest − baseline) / years elapsed
    required_rate = d · (target − baseline) / years allowed
    ratio         = actual_rate / required_rate

    years elapsed = months from the baseline period to the latest report's month / 12
    years allowed = months from the baseline period to the deadline / 12

Both rates are sign-adjusted, so a positive rate is an improvement (the ratio is the same either way).

* **on_track** (按期达标) — the target is already met (d · (latest − target) ≥ 0), or ratio ≥ 1;
* **moderately_improving** (温和改善) — 0.5 ≤ ratio < 1;
* **stagnating** (停滞) — 0 ≤ ratio < 0.5;
* **decreasing** (倒退) — ratio < 0.

The ratio is rounded to 1e-9 before the comparison. A deadline that has passed with the target not met is still
classified by the ratio, with the years elapsed running to the latest report (past the deadline); such a KPI
can never be on track, because the ratio is then below 1. A hold-the-level KPI (target == baseline) has a
required rate of 0: met → on_track, fallen below → ratio −∞ → decreasing. No trend (None) when no value has
been reported at or before the assessed month, or when the latest report is not after the baseline period
(no time has elapsed) and the target is not met.

The Chinese labels are this project's renderings of the SDR's four arrows; the SDR itself publishes no Chinese
terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kaifang.roadmap.months import MonthLike, month_index, months_between, normalise_month
from kaifang.roadmap.reports import Reports, latest_report
from kaifang.roadmap.schedule import FloatArray, KpiPath, snap

__all__ = [
    "MODERATE_RATIO",
    "ON_TRACK_RATIO",
    "Trend",
    "TrendAssessment",
    "annual_rate",
    "assess_trend",
    "trend_codes",
]

ON_TRACK_RATIO = 1.0
MODERATE_RATIO = 0.5


class Trend(StrEnum):
    """SDR trend class of a KPI."""

    ON_TRACK = "on_track"
    MODERATELY_IMPROVING = "moderately_improving"
    STAGNATING = "stagnating"
    DECREASING = "decreasing"

    @property
    def label_zh(self) -> str:
        return {
            "on_track": "按期达标",
            "moderately_improving": "温和改善",
            "stagnating": "停滞",
            "decreasing": "倒退",
        }[self.value]

    @property
    def label_en(self) -> str:
        return self.value.replace("_", " ")


def annual_rate(
    start_value: npt.ArrayLike, end_value: npt.ArrayLike, months: npt.ArrayLike, direction: npt.ArrayLike
) -> FloatArray:
    """``d · (end − start) / (months / 12)`` per year; NaN where ``months ≤ 0`` or a value is NaN."""
    s, e, n, d = (np.asarray(a, dtype=float) for a in (start_value, end_value, months, direction))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, d * (e - s) / (n / 12.0), np.nan)


def trend_codes(ratio: npt.ArrayLike, target_met: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Element-wise trend (``"on_track"`` …; None where the ratio is NaN and the target is not met)."""
    r = snap(ratio)
    met = np.asarray(target_met, dtype=bool)
    r, met = np.broadcast_arrays(r, met)
    out = np.full(r.shape, None, dtype=object)
    with np.errstate(invalid="ignore"):  # NaN compares False everywhere: stays None
        out[r < 0] = Trend.DECREASING.value
        out[r >= 0] = Trend.STAGNATING.value
        out[r >= MODERATE_RATIO] = Trend.MODERATELY_IMPROVING.value
        out[r >= ON_TRACK_RATIO] = Trend.ON_TRACK.value
    out[met] = Trend.ON_TRACK.value
    return out


def _ratio(actual: FloatArray, required: FloatArray) -> FloatArray:
    """``actual / required`` rounded to 1e-9, as compared with 1 and 0.5 (±∞ when required is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return snap(actual / required)


@dataclass(frozen=True)
class TrendAssessment:
    """The SDR rates, their ratio and the trend class of one KPI at one month (rates per year, sign-adjusted)."""

    month: str
    latest_period: str | None
    latest_value: float | None
    years_elapsed: float | None
    years_allowed: float
    actual_rate: float | None
    required_rate: float
    ratio: float | None
    target_met: bool
    deadline_passed: bool
    trend: Trend | None


def assess_trend(path: KpiPath, reports: Reports, month: MonthLike) -> TrendAssessment:
    """The trend of the KPI on ``path`` at ``month``, from the latest report at or before it (module docstring).

    The rates use the final target and deadline (milestones do not enter the SDR method).
    """
    month = normalise_month(month)
    d = path.direction
    allowed = months_between(path.baseline_period, path.deadline)
    required = annual_rate(path.baseline, path.target, allowed, d)
    latest = latest_report(reports, month)
    passed = month_index(month) > month_index(path.deadline)
    if latest is None:
        return TrendAssessment(month, None, None, None, allowed / 12, None, float(required), None, False, passed, None)
    period, value = latest
    elapsed = months_between(path.baseline_period, period)
    actual = annual_rate(path.baseline, value, elapsed, d)
    ratio = _ratio(actual, required)
    met = path.target_met(value)
    code = trend_codes(ratio, met).item()
    return TrendAssessment(
        month=month,
        latest_period=period,
        latest_value=value,
        years_elapsed=elapsed / 12,
        years_allowed=allowed / 12,
        actual_rate=None if np.isnan(actual) else float(actual),
        required_rate=float(required),
        ratio=None if np.isnan(ratio) else float(ratio),
        target_met=met,
        deadline_passed=passed,
        trend=None if code is None else Trend(code),
    )
