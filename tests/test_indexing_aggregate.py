"""Aggregation (kaifang.indexing.aggregate) — COINr a_* methods and per-level aggregation, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing.aggregate import (
    a_amean,
    a_copeland,
    a_genmean,
    a_gmean,
    a_hmean,
    aggregate,
    aggregate_level,
    outrank_matrix,
)
from kaifang.indexing.framework import check_framework
from tests.conftest import assert_pure

X = np.array([[1, 4], [2, np.nan]])
W = np.array([1.0, 3.0])


def test_pure() -> None:
    assert_pure("kaifang.indexing.aggregate")


def test_means_skip_missing_and_renormalise_weights() -> None:
    # row 1: (1·1 + 3·4)/4 = 3.25; row 2: only x₁ = 2 observed → 2
    assert a_amean(X, W).tolist() == [3.25, 2.0]
    # exp((ln 1 + 3 ln 4)/4) = 4^¾ = 2.828427
    assert a_gmean(X, W) == pytest.approx([4**0.75, 2.0])
    # 4/(1/1 + 3/4) = 2.285714
    assert a_hmean(X, W) == pytest.approx([4 / 1.75, 2.0])
    # p = 2: √((1 + 3·16)/4) = √12.25 = 3.5
    assert a_genmean(X, W, p=2) == pytest.approx([3.5, 2.0])
    assert a_genmean(X, W, p=0) == pytest.approx(a_gmean(X, W))
    assert a_amean(np.array([1.0, 4.0]), W) == 3.25  # a 1-D array is one unit


def test_all_missing_row_is_missing() -> None:
    assert math.isnan(a_amean(np.array([[np.nan, np.nan]]), W)[0])


def test_geometric_and_harmonic_refuse_bad_values() -> None:
    with pytest.raises(ValueError, match="> 0"):
        a_gmean(np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="≠ 0"):
        a_hmean(np.array([[0.0, 1.0]]))


def test_copeland_by_hand() -> None:
    # A = (3, 3), B = (2, 2), C = (1, 3), equal weights ½:
    # e_AB = ½ + ½ = 1 → A beats B; e_AC = ½ + ¼ (tie) = ¾ → A beats C; e_BC = ½ + 0 = ½ → draw
    x = np.array([[3, 3], [2, 2], [1, 3.0]])
    e = outrank_matrix(x)
    assert e[0, 1] == 1 and e[0, 2] == 0.75 and e[1, 2] == 0.5 and e[2, 0] == 0.25
    assert a_copeland(x).tolist() == [2, -1, -1]
    # weights (1, 3) → (¼, ¾): e_BC = ¼ → C beats B
    assert a_copeland(x, np.array([1.0, 3.0])).tolist() == [2, -2, 0]


def _framework() -> pd.DataFrame:
    rows = [
        ("i1", 1, "P1", 1, 1, "Indicator"),
        ("i2", 1, "P1", 1, 1, "Indicator"),
        ("i3", 1, "P2", 1, 1, "Indicator"),
        ("i4", 1, "P2", 1, 2, "Indicator"),
        ("P1", 2, "Index", 1, 1, "Aggregate"),
        ("P2", 2, "Index", 1, 3, "Aggregate"),
        ("Index", 3, None, 1, 1, "Aggregate"),
    ]
    return pd.DataFrame(rows, columns=["iCode", "Level", "Parent", "Direction", "Weight", "Type"])


def test_aggregate_level_by_level_with_methods_per_level() -> None:
    fw = check_framework(_framework())
    data = pd.DataFrame({"i1": [10, 40], "i2": [30, np.nan], "i3": [20, 10], "i4": [50, 40]}, index=["A", "B"])
    out = aggregate(data, fw)
    # P1 = (10 + 30)/2 = 20 and 40 (i2 missing); P2 = (20 + 2·50)/3 = 40 and (10 + 80)/3 = 30
    # Index = (1·P1 + 3·P2)/4 = (20 + 120)/4 = 35 and (40 + 90)/4 = 32.5
    assert out["P1"].tolist() == [20, 40] and out["P2"].tolist() == [40, 30]
    assert out["Index"].tolist() == [35, 32.5]
    assert list(out.columns) == ["i1", "i2", "i3", "i4", "P1", "P2", "Index"]
    # geometric at the top: 20^¼·40^¾ = 33.635857 and 40^¼·30^¾ = 32.237097
    out = aggregate(data, fw, {2: "a_amean", 3: "a_gmean"})
    assert out["Index"].tolist() == pytest.approx([20**0.25 * 40**0.75, 40**0.25 * 30**0.75])
    # other weights: P1 only
    assert aggregate(data, fw, weights={"P2": 0})["Index"].tolist() == [20, 40]
    # data threshold: B has 1 of 2 children in P1 → NaN below 0.6
    out = aggregate(data, fw, dat_thresh={2: 0.6, 3: None})
    assert math.isnan(out.loc["B", "P1"]) and out.loc["B", "Index"] == 30


def test_aggregate_level_copeland_and_genmean() -> None:
    x = np.array([[3, 3, 1], [2, 2, 2], [1, 3, 3.0]])
    y = aggregate_level(x, np.array([0, 0, 1]), 2, np.ones(3), "a_copeland")
    assert y[:, 0].tolist() == [2, -1, -1]  # the copeland case above, first two columns
    assert y[:, 1].tolist() == [-2, 0, 2]
    with pytest.raises(ValueError, match="p"):
        aggregate_level(x, np.array([0, 0, 1]), 2, np.ones(3), "a_genmean")
