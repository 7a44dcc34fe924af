"""红黄绿灯 by the 序时进度 rule and the missed-reports rule (kaifang.roadmap.lights, .reports) — pure.

The running example: baseline 0 at 2024-12, target 100 at 2026-12 (24 months), assessed at 2025-06, so
expected = 100 · 6/24 = 25 and f(expected) = 0.25; with f(x) = x/100 the gap is 25 − x points.

Run: .venv/bin/pytest tests/test_roadmap_lights.py -q -p no:django
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaifang.roadmap.lights import (
    Light,
    LightThresholds,
    assess_light,
    light_codes,
    light_for_gap,
    light_history,
    progress_gap_pts,
)
from kaifang.roadmap.reports import latest_report, observed, reports_missed
from kaifang.roadmap.schedule import KpiPath

PATH = KpiPath(0.0, "2024-12", 100.0, "2026-12")


def light_at(value: float, month: str = "2025-06") -> tuple[float | None, Light]:
    a = assess_light(PATH, {month: value}, month)
    return a.progress_gap_pts, a.light


@pytest.mark.parametrize(
    ("value", "gap", "light"),
    [
        (30.0, -5.0, Light.GREEN),  # ahead: 25 − 30 = −5
        (25.0, 0.0, Light.GREEN),  # exactly on schedule
        (16.0, 9.0, Light.GREEN),  # 25 − 16 = 9 < 10
        (15.0, 10.0, Light.YELLOW),  # 25 − 15 = 10: yellow from 10 inclusive
        (0.0, 25.0, Light.YELLOW),  # no progress at all after 6 months
        (-5.0, 30.0, Light.YELLOW),  # 25 − (−5) = 30: still yellow (inclusive)
        (-6.0, 31.0, Light.RED),  # 31 > 30
    ],
)
def test_light_boundaries(value: float, gap: float, light: Light) -> None:
    assert light_at(value) == (gap, light)


def test_gap_rounding_keeps_hand_made_boundaries() -> None:
    # f(expected) = 0.3, f(latest) = 0.2: (0.3 − 0.2) · 100 = 10.000000000000002 in floating point, 10 after 1e-9
    assert float(progress_gap_pts(0.3, 0.2)) == 10.0
    assert light_for_gap(float(progress_gap_pts(0.3, 0.2))) is Light.YELLOW
    assert light_for_gap(30.000000001) is Light.RED  # 1e-9 above 30 is above 30


def test_decreasing_is_better_sign() -> None:
    # baseline 20 → target 10 (lower is better), expected(2025-06) = 17.5, f(expected) = 0.25
    path = KpiPath(20.0, "2024-12", 10.0, "2026-12", direction=-1)
    # fell to 17 → f = (17 − 20)/(10 − 20) = 0.3 → gap = (0.25 − 0.3) · 100 = −5: ahead, green
    ahead = assess_light(path, {"2025-06": 17.0}, "2025-06")
    assert ahead.progress_gap_pts == pytest.approx(-5.0) and ahead.light is Light.GREEN
    # fell only to 19 → f = 0.1 → gap = 15: yellow
    behind = assess_light(path, {"2025-06": 19.0}, "2025-06")
    assert behind.progress_gap_pts == pytest.approx(15.0) and behind.light is Light.YELLOW
    # rose to 21 → f = −0.1 → gap = 35: red (moving the wrong way)
    wrong = assess_light(path, {"2025-06": 21.0}, "2025-06")
    assert wrong.progress_gap_pts == pytest.approx(35.0) and wrong.light is Light.RED


def test_latest_value_at_or_before_the_month() -> None:
    reports = {"2025-03": 10.0, "2025-04": None, "2025-05": 20.0, "2025-06": math.nan, "2025-07": 99.0}
    # 12 · 2025 + (3 − 1) = 24302 for March; missing reports dropped
    assert observed(reports) == {24302: 10.0, 24304: 20.0, 24306: 99.0}
    assert latest_report(reports, "2025-06") == ("2025-05", 20.0)  # 2025-06 missing, 2025-07 is later
    assert latest_report(reports, "2025-02") is None
    with pytest.raises(ValueError, match="two reports"):
        observed({"2025-6": 1.0, "2025-06": 2.0})


def test_two_missed_reports_make_red_whatever_the_gap() -> None:
    # 2025-04: 25 reported (ahead: expected at 2025-04 is 100 · 4/24 = 16.7); 2025-05 and 2025-06 missing
    reports = {"2025-04": 25.0, "2025-05": None}
    a = assess_light(PATH, reports, "2025-06")
    assert a.missed_reports and a.light is Light.RED and a.reason == "missed_reports"
    assert a.latest_period == "2025-04" and a.progress_gap_pts == 0.0  # gap 25 − 25 = 0, shown though red
    # at 2025-05 only one report (May) is missing: green by the gap 100 · 5/24 − 25 < 0
    may = assess_light(PATH, reports, "2025-05")
    assert not may.missed_reports and may.light is Light.GREEN


def test_one_missed_report_is_not_red() -> None:
    # May reported 20, June missing: latest = May's 20, gap = 25 − 20 = 5 → green
    a = assess_light(PATH, {"2025-05": 20.0, "2025-06": None}, "2025-06")
    assert (a.latest_period, a.progress_gap_pts, a.light, a.reason) == ("2025-05", 5.0, Light.GREEN, "gap")


def test_reports_are_due_only_after_the_baseline() -> None:
    # baseline 2024-12: at 2025-01 only January is due; at 2025-02 January and February are due
    assert not reports_missed({}, "2025-01", "2024-12")
    assert reports_missed({}, "2025-02", "2024-12")
    assert not reports_missed({"2025-01": 3.0}, "2025-02", "2024-12")
    assert not reports_missed({}, "2024-10", "2024-12")  # before the baseline nothing is due
    assert reports_missed({"2025-03": 1.0}, "2025-02", "2024-12")  # a later report does not help
    assert not reports_missed({}, "2025-03", "2024-12", count=4)  # four months not all due yet (Dec is baseline)


def test_no_data_is_grey_until_reports_are_overdue() -> None:
    first = assess_light(PATH, {}, "2025-01")  # nothing reported; only January due
    assert (first.light, first.reason, first.progress_gap_pts) == (Light.GREY, "no_data", None)
    later = assess_light(PATH, {}, "2025-06")  # nothing for May and June either: red, not grey
    assert (later.light, later.reason) == (Light.RED, "missed_reports")
    assert Light.GREY.label_zh == "灰灯（无数据）" and Light.RED.label_zh == "红灯"


def test_thresholds_are_configuration() -> None:
    strict = LightThresholds(yellow=5.0, red=20.0)
    # gap 9 (value 16): yellow under 5/20; gap 25 (value 0): red under 5/20, yellow under 10/30
    assert assess_light(PATH, {"2025-06": 16.0}, "2025-06", strict).light is Light.YELLOW
    assert assess_light(PATH, {"2025-06": 0.0}, "2025-06", strict).light is Light.RED
    assert assess_light(PATH, {"2025-06": 0.0}, "2025-06").light is Light.YELLOW
    # three missed reports needed: May and June missing is not enough
    lenient = LightThresholds(missed_reports=3)
    assert assess_light(PATH, {"2025-04": 25.0}, "2025-06", lenient).light is Light.GREEN
    with pytest.raises(ValueError, match="yellow ≤ red"):
        LightThresholds(yellow=30.0, red=10.0)


def test_light_codes_vectorised() -> None:
    gaps = np.array([-5.0, 9.999, 10.0, 30.0, 30.5, math.nan, 0.0])
    missed = np.array([False, False, False, False, False, False, True])
    assert light_codes(gaps, missed).tolist() == ["green", "green", "yellow", "yellow", "red", "grey", "red"]


def test_light_history_month_by_month() -> None:
    # expected 100 · k/24; reports Jan 5, Feb 6, Mar missing, Apr missing, May 20
    reports = {"2025-01": 5.0, "2025-02": 6.0, "2025-05": 20.0}
    h = light_history(PATH, reports, "2025-01", "2025-05")
    assert list(h.index) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    # Jan: 4.17 − 5 < 0 green; Feb: 8.33 − 6 = 2.3 green; Mar: 12.5 − 6 = 6.5 green (one missing);
    # Apr: March and April missing → red; May: 20.83 − 20 = 0.83 green
    assert [str(x) for x in h["light"]] == ["green", "green", "green", "red", "green"]
    assert h.loc["2025-03", "progress_gap_pts"] == pytest.approx(6.5)
