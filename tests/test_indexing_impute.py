"""Imputation (kaifang.indexing.impute) — COINr i_* methods and impute_panel, hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing.impute import i_mean, i_mean_grp, i_median, i_median_grp, impute, impute_panel
from tests.conftest import assert_pure

NAN = np.nan


def test_pure() -> None:
    assert_pure("kaifang.indexing.impute")


def test_mean_and_median() -> None:
    assert i_mean(np.array([1, NAN, 3.0])).tolist() == [1, 2, 3]
    assert i_median(np.array([1, NAN, 2, 10.0])).tolist() == [1, 2, 2, 10]  # median of 1, 2, 10
    both = np.array([[1, NAN], [NAN, 4], [3, 8.0]])
    assert i_mean(both).tolist() == [[1, 6], [2, 4], [3, 8]]


def test_group_mean_and_median() -> None:
    # group a: 1, ·, 3 → mean 2; group b: 10, ·, 20 → mean 15
    x = np.array([1, NAN, 3, 10, NAN, 20.0])
    g = ["a", "a", "a", "b", "b", "b"]
    assert i_mean_grp(x, g).tolist() == [1, 2, 3, 10, 15, 20]
    # a: 1, 2, 10 → median 2; b: 5, 7 → median 6
    x = np.array([1, 2, 10, NAN, 5, NAN, 7.0])
    assert i_median_grp(x, list("aaaabbb")).tolist() == [1, 2, 10, 2, 5, 6, 7]


def test_group_without_data_and_unit_without_group_stay_missing() -> None:
    x = np.array([NAN, NAN, 4, NAN, 6.0])
    y = i_mean_grp(x, ["a", "a", "b", None, "b"])
    assert math.isnan(y[0]) and math.isnan(y[1]) and math.isnan(y[3]) and y[2] == 4 and y[4] == 6


def test_dispatch() -> None:
    x = np.array([1, NAN, 3.0])
    assert impute(x, "none")[1] != impute(x, "none")[1]  # still NaN
    with pytest.raises(ValueError, match="use_group"):
        impute(x, "i_mean_grp")
    with pytest.raises(ValueError, match="i_mean"):
        impute(x, "i_nope")


def _panel() -> pd.DataFrame:
    # COINr's test-impute_panel.R "linear_imp_works" plus i5 for max_time
    return pd.DataFrame(
        {
            "uCode": "A",
            "Time": [2020, 2021, 2022],
            "i1": [1, 2, 3.0],
            "i2": [3, NAN, 5],
            "i3": [NAN, 5, 6],
            "i4": [7, 8, NAN],
            "i5": [1, NAN, NAN],
        }
    )


def test_impute_panel_linear_as_coinr() -> None:
    out = impute_panel(_panel(), ["i1", "i2", "i3", "i4"], "linear")
    assert out["i1"].tolist() == [1, 2, 3]  # unchanged
    assert out["i2"].tolist() == [3, 4, 5]  # linear interpolation
    assert out["i3"].tolist() == [5, 5, 6]  # closest observed value
    assert out["i4"].tolist() == [7, 8, 8]


def test_impute_panel_latest_constant_and_linear_constant() -> None:
    p = _panel()
    latest = impute_panel(p, ["i2", "i3", "i5"], "latest")
    assert latest["i2"].tolist() == [3, 3, 5] and math.isnan(latest["i3"][0]) and latest["i5"].tolist() == [1, 1, 1]
    limited = impute_panel(p, ["i5"], "latest", max_time=1)  # looks back one year only
    assert limited["i5"][1] == 1 and math.isnan(limited["i5"][2])
    constant = impute_panel(p, ["i2", "i3"], "constant")
    assert constant["i2"].tolist() == [3, 3, 5] and constant["i3"].tolist() == [5, 5, 6]
    lc = impute_panel(p, ["i3", "i4"], "linear-constant")  # nothing carried back before the first value
    assert math.isnan(lc["i3"][0]) and lc["i4"].tolist() == [7, 8, 8]


def test_impute_panel_uses_the_time_values() -> None:
    # 2018: 2, 2019: ·, 2021: 8 → 2 + (8 − 2)·(2019 − 2018)/(2021 − 2018) = 4
    p = pd.DataFrame({"uCode": ["A", "A", "A", "B"], "Time": [2018, 2019, 2021, 2019], "x": [2, NAN, 8, 1.0]})
    out = impute_panel(p, ["x"], "linear")
    assert out["x"].tolist() == [2, 4, 8, 1]
