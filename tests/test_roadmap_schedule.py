"""序时进度 schedule and progress fraction (kaifang.roadmap.months, kaifang.roadmap.schedule) — pure, no Django.

Run: .venv/bin/pytest tests/test_roadmap_schedule.py -q -p no:django
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from kaifang.core.periods import PeriodError
from kaifang.roadmap.months import month_index, month_label, months_between, normalise_month, shift, years_between
from kaifang.roadmap.schedule import KpiPath, linear_expected, progress_fraction, snap
from tests.conftest import assert_pure


def test_modules_are_pure() -> None:
    assert_pure(
        "kaifang.roadmap.months",
        "kaifang.roadmap.schedule",
        "kaifang.roadmap.reports",
        "kaifang.roadmap.lights",
        "kaifang.roadmap.trend",
        "kaifang.roadmap.rollup",
        "kaifang.roadmap.scoring",
        "kaifang.roadmap.revisions",
        "kaifang.roadmap.kpi_file",
        "kaifang.roadmap.batch",
    )


# ----------------------------------------------------------------------------- months


def test_month_numbers() -> None:
    assert month_index("2025-01") - month_index("2024-12") == 1
    assert month_label(month_index("2025-06")) == "2025-06"
    assert normalise_month("2025-6") == normalise_month("2025年6月") == normalise_month(date(2025, 6, 15)) == "2025-06"
    assert shift("2025-01", -1) == "2024-12" and shift("2024-11", 14) == "2026-01"
    assert months_between("2024-12", "2025-06") == 6
    assert years_between("2024-12", "2026-12") == 2.0  # 24 months / 12


@pytest.mark.parametrize("text", ["2025", "2025Q2", "2025-01/02", "2025-13", "June"])
def test_a_roadmap_month_is_one_calendar_month(text: str) -> None:
    with pytest.raises(PeriodError):
        month_index(text)


# ----------------------------------------------------------------------------- progress fraction


def test_progress_fraction_increasing() -> None:
    # baseline 40, target 60: f(50) = (50 − 40)/(60 − 40) = 0.5; f(40) = 0; f(60) = 1; f(65) = 25/20 = 1.25
    f = progress_fraction([50.0, 40.0, 60.0, 65.0, 30.0], 40.0, 60.0)
    assert f.tolist() == [0.5, 0.0, 1.0, 1.25, -0.5]


def test_progress_fraction_decreasing_is_better_needs_no_sign_flip() -> None:
    # 社会物流总费用占GDP比重: baseline 14.4, target 13.5 (lower is better).
    # f(13.95) = (13.95 − 14.4)/(13.5 − 14.4) = −0.45/−0.9 = 0.5: a fall is progress;
    # f(14.85) = 0.45/−0.9 = −0.5: a rise is a step back.
    f = progress_fraction([13.95, 14.85, 13.5], 14.4, 13.5, -1)
    assert f == pytest.approx([0.5, -0.5, 1.0])


def test_progress_fraction_hold_the_level() -> None:
    # target == baseline == 60, higher is better: at or above 60 → 1, below → 0; NaN stays NaN
    f = progress_fraction([60.0, 61.0, 59.0, math.nan], 60.0, 60.0, 1)
    assert f[:3].tolist() == [1.0, 1.0, 0.0] and math.isnan(f[3])
    # lower is better: at or below → 1
    assert progress_fraction([59.0, 61.0], 60.0, 60.0, -1).tolist() == [1.0, 0.0]


def test_snap_rounds_to_1e9() -> None:
    assert (0.3 - 0.2) * 100 != 10.0 and float(snap((0.3 - 0.2) * 100)) == 10.0


# ----------------------------------------------------------------------------- the path


def test_linear_path() -> None:
    # baseline 0 at 2024-12, target 100 at 2026-12 (24 months): 100 · k/24
    path = KpiPath(0.0, "2024-12", 100.0, "2026-12")
    assert path.direction == 1  # inferred from target > baseline
    assert path.expected("2024-06") == 0.0  # before the baseline: the baseline
    assert path.expected("2024-12") == 0.0
    assert path.expected("2025-06") == 25.0  # 100 · 6/24
    assert path.expected("2025-12") == 50.0  # 100 · 12/24
    assert path.expected("2026-12") == 100.0
    assert path.expected("2027-06") == 100.0  # capped at the target after the deadline
    assert path.expected_progress("2025-06") == 0.25


def test_linear_path_decreasing() -> None:
    # baseline 20 → target 10 over 2024-12 … 2026-12: expected(2025-06) = 20 + (10 − 20) · 6/24 = 17.5
    path = KpiPath(20.0, "2024-12", 10.0, "2026-12", direction=-1)
    assert path.expected("2025-06") == 17.5
    assert path.expected_progress("2025-06") == 0.25  # (17.5 − 20)/(10 − 20)
    assert path.target_met(10.0) and path.target_met(9.0) and not path.target_met(10.5)


def test_milestone_path_is_piecewise_linear() -> None:
    # nodes: (2024-12, 0), (2025-06, 40), (2026-12, 100)
    # 2025-03: 0 + 40 · 3/6 = 20; 2025-06: 40; 2025-12: 40 + 60 · 6/18 = 60; after the deadline: 100
    path = KpiPath(0.0, "2024-12", 100.0, "2026-12", milestones=(("2025-06", 40.0),))
    assert [path.expected(m) for m in ("2024-10", "2025-03", "2025-06", "2025-12", "2026-12", "2027-03")] == [
        0.0,
        20.0,
        40.0,
        60.0,
        100.0,
        100.0,
    ]


def test_milestones_are_sorted_and_checked() -> None:
    path = KpiPath(0.0, "2024-12", 100.0, "2026-12", milestones=(("2026-6", 80.0), ("2025-06", 40.0)))
    assert path.milestones == (("2025-06", 40.0), ("2026-06", 80.0))
    with pytest.raises(ValueError, match="monotonically"):
        KpiPath(0.0, "2024-12", 100.0, "2026-12", milestones=(("2025-06", 60.0), ("2026-06", 50.0)))
    with pytest.raises(ValueError, match="monotonically"):
        KpiPath(0.0, "2024-12", 100.0, "2026-12", milestones=(("2025-06", 120.0),))
    with pytest.raises(ValueError, match="strictly between"):
        KpiPath(0.0, "2024-12", 100.0, "2026-12", milestones=(("2027-06", 100.0),))


def test_path_validation() -> None:
    with pytest.raises(ValueError, match="after the baseline"):
        KpiPath(0.0, "2024-12", 100.0, "2024-12")
    with pytest.raises(ValueError, match="direction"):
        KpiPath(14.4, "2024-12", 13.5, "2026-12", direction=1)  # lower target but "higher is better"
    with pytest.raises(ValueError, match="direction is required"):
        KpiPath(60.0, "2024-12", 60.0, "2026-12")
    assert KpiPath(60.0, "2024-12", 60.0, "2026-12", direction=1).expected("2025-06") == 60.0


def test_linear_expected_is_vectorised() -> None:
    # three KPIs at once: 0→100 after 6 of 24 months; 20→10 after 6 of 24; 0→100 after 30 of 24 (capped)
    got = linear_expected([0.0, 20.0, 0.0], [100.0, 10.0, 100.0], [6, 6, 30], [24, 24, 24])
    assert np.array_equal(got, [25.0, 17.5, 100.0])
