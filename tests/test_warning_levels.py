"""红黄蓝 levels (kaifang.warning.levels): hand-computed thresholds and classifications, and the NY Fed GSCPI
(2025-01 vintage) graded by its own history — pure, no Django.

Run: .venv/bin/pytest tests/test_warning_levels.py -q -p no:django
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaifang.warning.levels import (
    Direction,
    Thresholds,
    WarningLevel,
    classify,
    fixed,
    from_percentiles,
    from_sigma,
    level_of,
)
from tests.conftest import assert_pure, shared_data

N, BL, Y, R = WarningLevel.NORMAL, WarningLevel.BLUE, WarningLevel.YELLOW, WarningLevel.RED


def codes(levels: pd.Series) -> list[int | None]:
    return [None if v is pd.NA else int(v) for v in levels]


def test_module_is_pure() -> None:
    assert_pure("kaifang.warning.levels")


def test_level_enum_is_ordered_and_labelled() -> None:
    assert N < BL < Y < R and max(BL, R, Y) is R
    assert [lv.label_zh for lv in WarningLevel] == ["正常", "蓝", "黄", "红"]
    assert R.label_en == "red" and WarningLevel(2) is Y


def test_fixed_thresholds_higher_is_worse() -> None:
    t = fixed(1.0, 2.0, 3.0)
    # a level is reached when the value exceeds its threshold: 1.0 is still 正常, 2.0 still 蓝
    values = pd.Series([0.0, 1.0, 1.5, 2.0, 2.5, 3.5, np.nan])
    assert codes(classify(values, t)) == [N, N, BL, BL, Y, R, None]
    assert level_of(3.01, t) is R and level_of(-5.0, t) is N
    with pytest.raises(ValueError, match="missing"):
        level_of(math.nan, t)


def test_fixed_thresholds_lower_is_worse() -> None:
    t = fixed(90.0, 80.0, 70.0, "lower")  # e.g. corridor throughput in % of normal
    assert codes(classify([95.0, 90.0, 85.0, 75.0, 60.0], t)) == [N, N, BL, Y, R]
    with pytest.raises(ValueError, match="blue ≥ yellow ≥ red"):
        fixed(70.0, 80.0, 90.0, Direction.LOWER_WORSE)
    with pytest.raises(ValueError, match="blue ≤ yellow ≤ red"):
        Thresholds(3.0, 2.0, 1.0)


def test_percentiles_of_a_fixed_history() -> None:
    s = pd.Series(np.arange(1.0, 101.0))  # 1..100; numpy's linear percentile p is 1 + 99·p/100
    t = from_percentiles(s, (80, 90, 95))
    assert (t.blue, t.yellow, t.red) == pytest.approx((80.2, 90.1, 95.05))
    low = from_percentiles(s, (80, 90, 95), "lower")  # mirrored: the 20th, 10th and 5th percentiles
    assert (low.blue, low.yellow, low.red) == pytest.approx((20.8, 10.9, 5.95))
    assert codes(classify([96.0, 91.0, 81.0, 80.0], t)) == [R, Y, BL, N]
    part = from_percentiles(s, (0, 50, 100), fit=(0, 9))  # the first ten values 1..10: 1, 5.5, 10
    assert (part.blue, part.yellow, part.red) == pytest.approx((1.0, 5.5, 10.0))


def test_sigma_bands_of_a_fixed_history() -> None:
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])  # μ = 3, σ = √(10/4) = 1.581139 (ddof 1)
    t = from_sigma(s, (1.0, 1.5, 2.0))
    sd = math.sqrt(2.5)
    assert (t.blue, t.yellow, t.red) == pytest.approx((3 + sd, 3 + 1.5 * sd, 3 + 2 * sd))
    low = from_sigma(s, (1.0, 1.5, 2.0), "lower")
    assert low.red == pytest.approx(3 - 2 * sd)


def test_rolling_thresholds_use_the_months_before() -> None:
    s = pd.Series([5.0, 1.0, 3.0, 2.0, 4.0, 10.0, 0.0])
    # window 3, percentiles (0, 50, 100) = min, median, max of the three previous values:
    # t=3: [5,1,3] → 1, 3, 5; value 2 > 1 → 蓝      t=4: [1,3,2] → 1, 2, 3; value 4 > 3 → 红
    # t=5: [3,2,4] → 2, 3, 4; value 10 → 红         t=6: [2,4,10] → 2, 4, 10; value 0 → 正常
    t = from_percentiles(s, (0, 50, 100), window=3)
    assert codes(classify(s, t)) == [None, None, None, BL, R, R, N]
    assert t.as_dict()["red"] == 10.0  # the latest band
    # σ bands, k = (1, 1.5, 2): t=3: μ 3, σ 2 → 5, 6, 7; value 2 → 正常
    # t=4: μ 2, σ 1 → 3, 3.5, 4; value 4 exceeds 3.5 but not 4 → 黄    t=5: μ 3, σ 1 → 4, 4.5, 5; 10 → 红
    sig = from_sigma(s, (1.0, 1.5, 2.0), window=3)
    assert codes(classify(s, sig))[:6] == [None, None, None, N, Y, R]
    with pytest.raises(ValueError, match="not both"):
        from_sigma(s, window=3, fit=(0, 3))


def _gscpi() -> pd.Series:
    df = pd.read_csv(shared_data("gscpi", "gscpi_nyfed_vintage_2025-01.csv"))
    months = pd.to_datetime(df["Date"], format="%d-%b-%Y").dt.to_period("M")
    return pd.Series(df["GSCPI"].to_numpy(), index=months, name="GSCPI")


def test_gscpi_graded_by_its_own_history() -> None:
    s = _gscpi()
    assert len(s) == 325  # 1998-01 .. 2025-01
    t = from_percentiles(s, (80, 90, 95))
    levels = classify(s, t)
    # the 95th percentile sits at position 0.95 · 324 = 307.8 of the sorted values, so the 17 largest
    # values (positions 308..324) are 红 — and all 17 are months of the 2020–2022 disruption
    red = levels.index[levels == R]
    assert len(red) == 17
    assert red.min() == pd.Period("2020-03", "M") and red.max() == pd.Period("2022-05", "M")
    assert levels.loc["2021-12"] == R and levels.loc["2019-06"] == N
    # rolling ten-year σ bands: the first 120 months have no band yet
    rolling = classify(s, from_sigma(s, (1.0, 1.5, 2.0), window=120))
    assert rolling.iloc[:120].isna().all() and rolling.iloc[120:].notna().all()
    assert rolling.loc["2020-03"] == R
