"""季度评估 trend classes by the SDR method (kaifang.roadmap.trend) — pure, hand-computed.

The running example: baseline 0 at 2024-12, target 100 at 2026-12: required rate = 100 / (24/12) = 50 a year.
A value reported at 2025-06 (6 months = 0.5 years after the baseline) gives actual rate = value / 0.5.

Run: .venv/bin/pytest tests/test_roadmap_trend.py -q -p no:django
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaifang.roadmap.schedule import KpiPath
from kaifang.roadmap.trend import Trend, annual_rate, assess_trend, trend_codes

PATH = KpiPath(0.0, "2024-12", 100.0, "2026-12")


@pytest.mark.parametrize(
    ("value", "actual", "ratio", "trend"),
    [
        (30.0, 60.0, 1.2, Trend.ON_TRACK),  # 30/0.5 = 60; 60/50 = 1.2
        (25.0, 50.0, 1.0, Trend.ON_TRACK),  # ratio exactly 1
        (20.0, 40.0, 0.8, Trend.MODERATELY_IMPROVING),
        (12.5, 25.0, 0.5, Trend.MODERATELY_IMPROVING),  # ratio exactly 0.5
        (10.0, 20.0, 0.4, Trend.STAGNATING),
        (0.0, 0.0, 0.0, Trend.STAGNATING),  # ratio exactly 0: no change is stagnating, not decreasing
        (-5.0, -10.0, -0.2, Trend.DECREASING),
    ],
)
def test_four_classes(value: float, actual: float, ratio: float, trend: Trend) -> None:
    a = assess_trend(PATH, {"2025-06": value}, "2025-06")
    assert a.required_rate == 50.0 and a.years_elapsed == 0.5 and a.years_allowed == 2.0
    assert (a.actual_rate, a.ratio, a.trend) == (pytest.approx(actual), pytest.approx(ratio), trend)


def test_target_already_met_is_on_track() -> None:
    # 100 reached after 2 months: on track (and the ratio 600/50 = 12 agrees)
    a = assess_trend(PATH, {"2025-02": 100.0}, "2025-06")
    assert a.target_met and a.trend is Trend.ON_TRACK and a.latest_period == "2025-02"
    assert a.actual_rate == pytest.approx(600.0)  # 100 / (2/12)


def test_decreasing_is_better() -> None:
    # 社会物流总费用占GDP比重 14.4 % (2024-12) → 13.5 % (2026-12), lower is better.
    # required = −1 · (13.5 − 14.4) / 2 = 0.45 pp a year (sign-adjusted: positive = improvement)
    path = KpiPath(14.4, "2024-12", 13.5, "2026-12", direction=-1)
    # 14.1 at 2025-06: actual = −1 · (14.1 − 14.4) / 0.5 = 0.6; ratio 0.6/0.45 = 1.33 → on track
    fast = assess_trend(path, {"2025-06": 14.1}, "2025-06")
    assert fast.required_rate == pytest.approx(0.45) and fast.actual_rate == pytest.approx(0.6)
    assert fast.trend is Trend.ON_TRACK
    # 14.3: actual 0.2, ratio 0.444 → stagnating;  14.5: actual −0.2 → decreasing
    assert assess_trend(path, {"2025-06": 14.3}, "2025-06").trend is Trend.STAGNATING
    rising = assess_trend(path, {"2025-06": 14.5}, "2025-06")
    assert rising.actual_rate == pytest.approx(-0.2) and rising.trend is Trend.DECREASING
    # 13.4 ≤ 13.5: the target is met → on track
    assert assess_trend(path, {"2025-06": 13.4}, "2025-06").trend is Trend.ON_TRACK


def test_deadline_passed_and_target_not_met_is_classified_by_the_ratio() -> None:
    # baseline 0 (2023-06), target 100 by 2024-12 (18 months): required = 100 / 1.5 = 66.67 a year.
    # 80 at 2025-06 (24 months): actual = 80 / 2 = 40; ratio = 40 / 66.67 = 0.6 → moderately improving
    path = KpiPath(0.0, "2023-06", 100.0, "2024-12")
    a = assess_trend(path, {"2025-06": 80.0}, "2025-06")
    assert a.deadline_passed and not a.target_met
    assert a.required_rate == pytest.approx(200 / 3) and a.actual_rate == pytest.approx(40.0)
    assert a.ratio == pytest.approx(0.6) and a.trend is Trend.MODERATELY_IMPROVING
    # 99.9 after the deadline is still not on track: ratio = (99.9 / 2) / 66.67 = 0.749
    assert assess_trend(path, {"2025-06": 99.9}, "2025-06").trend is Trend.MODERATELY_IMPROVING


def test_hold_the_level() -> None:
    # target == baseline == 60 (higher is better): required rate 0
    path = KpiPath(60.0, "2024-12", 60.0, "2026-12", direction=1)
    assert assess_trend(path, {"2025-06": 61.0}, "2025-06").trend is Trend.ON_TRACK  # met
    fell = assess_trend(path, {"2025-06": 59.0}, "2025-06")
    assert fell.required_rate == 0.0 and fell.ratio == -math.inf and fell.trend is Trend.DECREASING


def test_no_trend_without_time_or_data() -> None:
    assert assess_trend(PATH, {}, "2025-06").trend is None
    assert assess_trend(PATH, {"2025-06": None}, "2025-06").trend is None
    # a value for the baseline month itself: no time elapsed, target not met → no trend
    at_base = assess_trend(PATH, {"2024-12": 5.0}, "2025-06")
    assert at_base.years_elapsed == 0.0 and at_base.actual_rate is None and at_base.trend is None


def test_kernels_are_vectorised() -> None:
    # rates: +1·(30 − 0)/(6/12) = 60; −1·(19.5 − 20)/(6/12) = 1; months 0 → NaN
    rates = annual_rate([0.0, 20.0, 0.0], [30.0, 19.5, 5.0], [6, 6, 0], [1, -1, 1])
    assert rates[:2].tolist() == [60.0, 1.0] and math.isnan(rates[2])
    codes = trend_codes(np.array([1.0, 0.999, 0.5, 0.4999, 0.0, -0.01, math.nan, math.nan]), [0] * 7 + [1])
    assert codes.tolist() == [
        "on_track",
        "moderately_improving",
        "moderately_improving",
        "stagnating",
        "stagnating",
        "decreasing",
        None,
        "on_track",
    ]
    assert [t.label_zh for t in Trend] == ["按期达标", "温和改善", "停滞", "倒退"]
