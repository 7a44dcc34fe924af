"""Weights (kaifang.indexing.weights) — effective, PCA, AHP and optimised weights."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing.coin import Coin, new_coin
from kaifang.indexing.framework import check_framework
from kaifang.indexing.weights import ahp, effective_weights, equal_weights, opt_weights, pca_weights
from tests.conftest import assert_pure, shared_data


def test_pure() -> None:
    assert_pure("kaifang.indexing.weights")


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


def test_effective_weights_by_hand() -> None:
    # P1 = 1/4, P2 = 3/4; i1 = i2 = ½·¼ = 1/8; i3 = ⅓·¾ = 1/4, i4 = ⅔·¾ = 1/2
    eff = effective_weights(check_framework(_framework()))
    got = eff[["P1", "P2", "i1", "i2", "i3", "i4", "Index"]].tolist()
    assert got == pytest.approx([0.25, 0.75, 0.125, 0.125, 0.25, 0.5, 1])
    eq = effective_weights(check_framework(_framework()), equal_weights(check_framework(_framework())))
    assert eq[["i1", "i3", "i4"]].tolist() == pytest.approx([0.25, 0.25, 0.25])


def test_pca_weights_are_first_component_loadings() -> None:
    # x1, x2 correlate at r = 0.6 (centred dot product 3 over norms √5·√5) and x3 is orthogonal to both:
    # R = [[1, .6, 0], [.6, 1, 0], [0, 0, 1]], eigenvalues 1.6, 1, 0.4; first PC (1/√2, 1/√2, 0)
    table = pd.DataFrame(
        [("x1", 1, "Index", 1, 1, "Indicator"), ("x2", 1, "Index", 1, 1, "Indicator"),
         ("x3", 1, "Index", 1, 1, "Indicator"), ("Index", 2, None, 1, 1, "Aggregate")],
        columns=["iCode", "Level", "Parent", "Direction", "Weight", "Type"],
    )  # fmt: skip
    data = pd.DataFrame({"x1": [1, 2, 3, 4.0], "x2": [2, 1, 4, 3.0], "x3": [1, -1, -1, 1.0]})
    w = pca_weights(data, check_framework(table), level=1)
    assert w[["x1", "x2", "x3"]].tolist() == pytest.approx([1 / math.sqrt(2), 1 / math.sqrt(2), 0], abs=1e-12)
    assert w["Index"] == 1  # other levels keep the framework weights


def test_ahp_three_by_three_closed_form() -> None:
    # For a 3×3 reciprocal matrix the principal eigenvector is the row geometric mean and
    # λmax = 1 + d + 1/d with d = (a13/(a12·a23))^⅓ = (8/(2·2))^⅓ = 2^⅓ = 1.259921:
    # λmax = 3.053622, CI = 0.053622/2 = 0.026811, CR = CI/0.58 = 0.046226 (acceptable, ≤ 0.1)
    # weights ∝ (16^⅓, 1, (1/16)^⅓) = (2.519842, 1, 0.396850) / 3.916692 = 0.643360, 0.255318, 0.101323
    res = ahp([[1, 2, 8], [1 / 2, 1, 2], [1 / 8, 1 / 2, 1]], codes=["a", "b", "c"])
    d = 2 ** (1 / 3)
    assert res.lambda_max == pytest.approx(1 + d + 1 / d)
    assert res.ci == pytest.approx(0.026811, abs=1e-6) and res.cr == pytest.approx(0.046226, abs=1e-6)
    gm = np.array([16 ** (1 / 3), 1, (1 / 16) ** (1 / 3)])
    assert res.weights.tolist() == pytest.approx((gm / gm.sum()).tolist())
    assert res.weights.index.tolist() == ["a", "b", "c"] and res.consistent and res.ri == 0.58


def test_ahp_consistent_and_inconsistent_matrices() -> None:
    # a_ij = w_i/w_j for w = 8:4:2:1 is perfectly consistent: weights 8/15 …, λmax = n = 4, CR = 0
    w = np.array([8, 4, 2, 1.0])
    res = ahp(w[:, None] / w[None, :])
    assert res.weights.tolist() == pytest.approx((w / 15).tolist()) and res.lambda_max == pytest.approx(4)
    assert res.cr == pytest.approx(0, abs=1e-12)
    # a cycle a > b > c > a (9, 9, 1/9): d = (1/9/81)^⅓ = 1/9, λmax = 1 + 1/9 + 9, CI = 3.5556, CR = 6.13
    res = ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert res.cr == pytest.approx((1 + 1 / 9 + 9 - 3) / 2 / 0.58) and not res.consistent
    assert res.weights.tolist() == pytest.approx([1 / 3] * 3)


def test_ahp_refuses_a_non_reciprocal_matrix() -> None:
    with pytest.raises(ValueError, match="reciprocal"):
        ahp([[1, 2], [2, 1]])
    with pytest.raises(ValueError, match="positive"):
        ahp([[1, -2], [-0.5, 1]])


@lru_cache(maxsize=1)
def _asem() -> Coin:
    data = pd.read_csv(shared_data("coinr-asem", "ASEM_iData.csv"))
    meta = pd.read_csv(shared_data("coinr-asem", "ASEM_iMeta.csv"))
    coin = new_coin(data, meta).denominate().impute(f_i="i_mean_grp", use_group="EurAsia_group")
    return coin.screen(dat_thresh=0.9).treat(winmax=5).normalise().aggregate()


def test_effective_weights_of_asem() -> None:
    eff = effective_weights(_asem().framework)
    # Conn has 5 equally weighted pillars, Sust 3: Physical = ½/5 = 0.1, Environ = ½/3; LPI = 0.1/8 (8 indicators)
    assert eff[["Conn", "Physical", "Environ", "LPI"]].tolist() == pytest.approx([0.5, 0.1, 1 / 6, 0.0125])


def _shares(coin: Coin, level: int) -> np.ndarray:
    agg = coin.get("Aggregated")
    codes = list(coin.framework.codes_at(level))
    r = agg[codes].corrwith(agg[coin.framework.top]).to_numpy()
    return r / r.sum()


def test_optimised_weights_balance_the_sub_indices_of_asem() -> None:
    coin = _asem()
    before = _shares(coin, 3)  # Conn and Sust correlate unequally with the index under equal weights
    assert abs(before[0] - 0.5) > 0.02
    res = opt_weights(coin.get("Normalised"), coin.framework, level=3)
    after = _shares(coin.regen(aggregate={"w": res.weights.to_dict()}), 3)
    assert after == pytest.approx([0.5, 0.5], abs=1e-4)
    assert res.table["Obtained"].tolist() == pytest.approx([0.5, 0.5], abs=1e-4)
    assert res.weights[["Conn", "Sust"]].sum() == pytest.approx(1)


def test_optimised_weights_improve_the_pillar_balance() -> None:
    coin = _asem()
    before = _shares(coin, 2)
    res = opt_weights(coin.get("Normalised"), coin.framework, level=2)
    after = _shares(coin.regen(aggregate={"w": res.weights.to_dict()}), 2)
    target = np.full(8, 1 / 8)
    assert np.sum((after - target) ** 2) < 0.5 * np.sum((before - target) ** 2)
    assert res.table["Obtained"].tolist() == pytest.approx(after.tolist())
