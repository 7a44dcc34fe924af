"""Outlier treatment (kaifang.indexing.treat) — COINr Treat/winsorise/log_CT/boxcox, hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaifang.indexing.treat import boxcox, check_skew_kurt, kurt, log_CT, log_CT_orig, skew, treat, winsorise
from tests.conftest import assert_pure


def test_pure() -> None:
    assert_pure("kaifang.indexing.treat")


def test_skew_and_kurtosis_are_the_excel_sample_estimators() -> None:
    # x = 1, 2, 3, 4, 10: mean 4, d = −3, −2, −1, 0, 6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394, n = 5
    # G1 = √5·180/50^1.5 · √(5·4)/3 = 1.138420 · 1.490712 = 1.697056
    # G2 = ((n+1)(n·Σd⁴/(Σd²)² − 3) + 6)(n−1)/((n−2)(n−3)) = (6·(2.788 − 3) + 6)·4/6 = 3.152
    x = np.array([1, 2, 3, 4, 10.0])
    assert skew(x) == pytest.approx(1.697056, abs=1e-6)
    assert kurt(x) == pytest.approx(3.152, abs=1e-12)


def test_moments_skip_nan_and_work_by_column() -> None:
    x = np.array([[1, 5], [2, np.nan], [3, 5], [4, 5], [10, 6]], dtype=float)
    sk = skew(x)
    assert sk[0] == pytest.approx(1.697056, abs=1e-6)
    # column 2 without NaN: 5, 5, 5, 6 → d = −.25, −.25, −.25, .75; Σd² = .75, Σd³ = .375
    # G1 = √4·.375/.75^1.5 · √12/2 = 1.154701·1.732051 = 2
    assert sk[1] == pytest.approx(2.0)
    assert math.isnan(skew(np.array([1.0, 2.0])))  # fewer than 3 points


def test_check_fails_only_when_both_thresholds_are_reached() -> None:
    x = np.r_[np.arange(1, 31), 200, 300, 400, 500.0]
    ok, sk, kt = check_skew_kurt(x)
    assert not ok[0] and sk[0] > 2 and kt[0] > 3.5
    ok, _, _ = check_skew_kurt(x, skew_thresh=3)  # |skew| 2.96 < 3: passes
    assert ok[0]
    ok, _, _ = check_skew_kurt(np.ones(5))  # constant: nothing to treat
    assert ok[0]


def test_winsorise_replaces_the_maximum_by_the_next_value_until_it_passes() -> None:
    # 1 … 30, 200, 300, 400, 500 fails (skew 2.96, kurt 8.1). Each pass sets the points equal to the maximum
    # to the largest other value: 500→400, then (400, 400)→300, then three 300→200, then four 200→30 (passes).
    x = np.r_[np.arange(1, 31), 200, 300, 400, 500.0]
    y, info, points = winsorise(x, winmax=5)
    assert y[-5:].tolist() == [30, 30, 30, 30, 30]
    assert info["nwin"][0] == 4
    assert points.tolist() == [0] * 30 + [1, 1, 1, 1]
    y, info, _ = winsorise(x, winmax=2)
    assert y[-4:].tolist() == [200, 300, 300, 300] and info["nwin"][0] == 2


def test_winsorise_moves_tied_points_together_as_coinr_counts_them() -> None:
    # 1 … 30, 400, 400, 500 with winmax 2: pass 1 500→400 (1 point, still fails); pass 2 moves all three
    # 400s to 30: 3 points, more than winmax, because tied values cannot be told apart (COINr does the same).
    x = np.r_[np.arange(1, 31), 400, 400, 500.0]
    y, info, _ = winsorise(x, winmax=2)
    assert y[-3:].tolist() == [30, 30, 30]
    assert info["nwin"][0] == 3


def test_winsorise_low_side_for_negative_skew() -> None:
    x = -np.r_[np.arange(1, 31), 200, 300, 400, 500.0]
    y, info, points = winsorise(x, winmax=5)
    assert y[-4:].tolist() == [-30, -30, -30, -30] and info["nwin"][0] == 4
    assert points[-4:].tolist() == [-1, -1, -1, -1]


def test_log_ct_and_variants_by_hand() -> None:
    x = np.array([1, 2, 11.0])
    # min 1, max 11: log(x − 1 + 0.01·10) = log(0.1), log(1.1), log(10.1)
    assert log_CT(x)[0] == pytest.approx(np.log([0.1, 1.1, 10.1]))
    assert log_CT_orig(x)[0] == pytest.approx(np.log([1, 2, 11]))


def test_boxcox_fixed_and_estimated_lambda() -> None:
    # makepos: x − min + 1 = 1, 4, 9; λ = ½: (√x − 1)/½ = 0, 2, 4; λ = 0: log
    x = np.array([0, 3, 8.0])
    assert boxcox(x, 0.5)[0] == pytest.approx([0, 2, 4])
    assert boxcox(x, 0)[0] == pytest.approx(np.log([1, 4, 9]))
    rng = np.random.default_rng(7)
    lognormal = np.exp(rng.normal(size=400))
    y, info, _ = boxcox(lognormal, None, makepos=False)
    assert info["lambda"][0] == pytest.approx(0.0, abs=0.15)  # the log is the right transform for lognormal data
    assert abs(skew(y)) < 0.3


def test_treat_falls_back_to_log_ct_on_the_original_values() -> None:
    # winmax 2 leaves 1 … 30, 200, 300, 300, 300 still failing, so log_CT is applied to the ORIGINAL column:
    # log(x − 1 + 0.01·(500 − 1)) = log(x + 3.99)
    x = np.r_[np.arange(1, 31), 200, 300, 400, 500.0]
    y, det, points = treat(x, f1_para={"winmax": 2})
    assert y == pytest.approx(np.log(x + 3.99))
    assert not det["Pass1"][0] and det["f2"][0] and det["Pass2"][0] and det["nwin"][0] == 2
    assert set(points.tolist()) == {2}
    # combine_treat: log_CT on the winsorised column instead (max 300): log(x' − 1 + 2.99)
    y, _, _ = treat(x, f1_para={"winmax": 2}, combine_treat=True)
    xw = np.r_[np.arange(1, 31), 200, 300, 300, 300.0]
    assert y == pytest.approx(np.log(xw + 1.99))


def test_treat_leaves_passing_columns_and_uses_box_cox_as_f2() -> None:
    x = np.column_stack([np.arange(1.0, 35.0), np.r_[np.arange(1, 31), 200, 300, 400, 500.0]])
    y, det, _ = treat(x, f1=None, f2="boxcox", f2_para={"lambda": 0.5})
    assert y[:, 0].tolist() == x[:, 0].tolist() and det["Pass0"].tolist() == [True, False]
    assert y[:, 1] == pytest.approx((np.sqrt(x[:, 1]) - 1) / 0.5)  # min is 1: makepos adds 0
    assert det["lambda"][1] == 0.5
