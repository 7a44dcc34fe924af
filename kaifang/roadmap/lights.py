"""红黄绿灯 — the light of a KPI at a month by the 序时进度 rule (pure).

Issue 5, item 3. With the progress fraction f of :mod:`kaifang.roadmap.schedule`::

    gap = (f(expected(m)) − f(latest value at or before m)) × 100        [percentage points]

* **red** (红) when the reports for m and m − 1 are both missing and both due, whatever the gap
  (:func:`kaifang.roadmap.reports.reports_missed`, where the reading of the rule is spelled out);
* **grey** (灰, no data) when no value has been reported at or before m and the missing-reports rule has not
  fired (the first month after the baseline, or a month before any report was due);
* otherwise by the gap: **green** (绿) when gap < 10, which includes a KPI ahead of schedule (gap ≤ 0);
  **yellow** (黄) when 10 ≤ gap ≤ 30 (both ends inclusive); **red** when gap > 30.

The thresholds (10, 30) and the number of missed reports (2) are :class:`LightThresholds`. The gap is rounded
to 1e-9 (:func:`~kaifang.roadmap.schedule.snap`) before it is compared, so a gap of exactly 10 is yellow. The
baseline itself is not a report: a KPI with no report yet is grey, not "at 0 % progress".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from kaifang.roadmap.months import MonthLike, month_index, month_label, normalise_month
from kaifang.roadmap.reports import Reports, latest_report, reports_missed
from kaifang.roadmap.schedule import FloatArray, KpiPath, snap

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Light",
    "LightAssessment",
    "LightReason",
    "LightThresholds",
    "assess_light",
    "light_codes",
    "light_for_gap",
    "light_history",
    "progress_gap_pts",
]


class Light(StrEnum):
    """A KPI light; :attr:`severity` orders them (grey, the absence of data, sorts first)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"

    @property
    def label_zh(self) -> str:
        return {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯（无数据）"}[self.value]

    @property
    def severity(self) -> int:
        return {"grey": -1, "green": 0, "yellow": 1, "red": 2}[self.value]


LightReason = Literal["gap", "missed_reports", "no_data"]


@dataclass(frozen=True)
class LightThresholds:
    """Yellow from ``yellow`` points, red above ``red`` points, red after ``missed_reports`` missing reports."""

    yellow: float = 10.0
    red: float = 30.0
    missed_reports: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.yellow <= self.red:
            raise ValueError(f"阈值须满足 0 < 黄 ≤ 红 thresholds must satisfy 0 < yellow ≤ red, got {self!r}")
        if self.missed_reports < 1:
            raise ValueError("missed_reports must be at least 1")


DEFAULT_THRESHOLDS = LightThresholds()


def progress_gap_pts(expected_progress: npt.ArrayLike, latest_progress: npt.ArrayLike) -> FloatArray:
    """``(f(expected) − f(latest)) × 100``, rounded to 1e-9; positive = behind schedule, ≤ 0 = on or ahead."""
    fe, fl = np.asarray(expected_progress, dtype=float), np.asarray(latest_progress, dtype=float)
    return snap((fe - fl) * 100.0)


def light_codes(
    gap_pts: npt.ArrayLike, missed: npt.ArrayLike, thresholds: LightThresholds = DEFAULT_THRESHOLDS
) -> npt.NDArray[np.object_]:
    """Element-wise light (``"green"`` …) from gaps (NaN = no value reported) and missed-report flags."""
    gap = np.asarray(gap_pts, dtype=float)
    miss = np.asarray(missed, dtype=bool)
    with np.errstate(invalid="ignore"):
        conditions = [miss, np.isnan(gap), gap > thresholds.red, gap >= thresholds.yellow]
    choices = [Light.RED.value, Light.GREY.value, Light.RED.value, Light.YELLOW.value]
    return np.select(conditions, choices, default=Light.GREEN.value).astype(object)


def light_for_gap(gap_pts: float, thresholds: LightThresholds = DEFAULT_THRESHOLDS) -> Light:
    """The light of one gap (NaN → grey), without the missing-reports rule."""
    return Light(light_codes([gap_pts], [False], thresholds)[0])


@dataclass(frozen=True)
class LightAssessment:
    """One KPI at one month: the schedule, the latest value, the gap and the light with its reason."""

    month: str
    expected: float
    expected_progress: float
    latest_period: str | None
    latest_value: float | None
    latest_progress: float | None
    progress_gap_pts: float | None
    missed_reports: bool
    light: Light
    reason: LightReason


def assess_light(
    path: KpiPath, reports: Reports, month: MonthLike, thresholds: LightThresholds = DEFAULT_THRESHOLDS
) -> LightAssessment:
    """The light of the KPI on ``path`` at ``month`` from its monthly ``reports`` (see the module docstring)."""
    month = normalise_month(month)
    expected = path.expected(month)
    fe = path.progress(expected)
    latest = latest_report(reports, month)
    missed = reports_missed(reports, month, path.baseline_period, thresholds.missed_reports)
    if latest is None:
        fl = gap = None
        light = light_for_gap(np.nan, thresholds)
    else:
        fl = path.progress(latest[1])
        gap = float(progress_gap_pts(fe, fl))
        light = light_for_gap(gap, thresholds)
    reason: LightReason = "gap"
    if missed:
        light, reason = Light.RED, "missed_reports"
    elif latest is None:
        reason = "no_data"
    return LightAssessment(
        month=month,
        expected=expected,
        expected_progress=fe,
        latest_period=None if latest is None else latest[0],
        latest_value=None if latest is None else latest[1],
        latest_progress=fl,
        progress_gap_pts=gap,
        missed_reports=missed,
        light=light,
        reason=reason,
    )


def light_history(
    path: KpiPath, reports: Reports, start: MonthLike, end: MonthLike, thresholds: LightThresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """:func:`assess_light` for every month from ``start`` to ``end`` (inclusive), one row per month."""
    rows = [
        asdict(assess_light(path, reports, month_label(m), thresholds))
        for m in range(month_index(start), month_index(end) + 1)
    ]
    return pd.DataFrame(rows).set_index("month")
