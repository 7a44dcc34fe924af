"""Results table and comparison (kaifang.indexing.results) — COINr get_results / compare_coins shapes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaifang.indexing.coin import Coin, new_coin
from kaifang.indexing.results import rank
from tests.conftest import assert_pure


def test_pure() -> None:
    assert_pure("kaifang.indexing.results")


def test_sport_rank_with_ties_and_missing() -> None:
    r = rank(pd.Series([50, 70, 50, np.nan, 90.0]))
    assert r.tolist()[:3] == [3, 2, 3] and r.isna().tolist() == [False, False, False, True, False] and r[4] == 1


def _coin() -> Coin:
    data = pd.DataFrame(
        {
            "uCode": ["A", "B", "C"],
            "uName": ["甲", "乙", "丙"],
            "i1": [0, 5, 10.0],
            "i2": [10, 0, 5.0],
            "i3": [1, 2, 3.0],
            "i4": [3, 3, 6.0],
        }
    )
    meta = pd.DataFrame(
        [
            ("i1", 1, "P1", 1, 1, "Indicator"),
            ("i2", 1, "P1", -1, 1, "Indicator"),
            ("i3", 1, "P2", 1, 1, "Indicator"),
            ("i4", 1, "P2", 1, 1, "Indicator"),
            ("P1", 2, "Index", 1, 1, "Aggregate"),
            ("P2", 2, "Index", 1, 3, "Aggregate"),
            ("Index", 3, None, 1, 1, "Aggregate"),
        ],
        columns=["iCode", "Level", "Parent", "Direction", "Weight", "Type"],
    )
    return new_coin(data, meta).normalise().aggregate()


def test_results_shapes_and_hand_values() -> None:
    # i1 → 0, 50, 100; i2 (逆向) → 0, 100, 50; P1 = 0, 75, 75
    # i3 → 0, 50, 100; i4 → 0, 0, 100; P2 = 0, 25, 100; Index = (P1 + 3·P2)/4 = 0, 37.5, 93.75
    coin = _coin()
    res = coin.results()
    assert res.columns.tolist() == ["uCode", "uName", "Index", "P1", "P2", "Index_rank"]
    assert res["uCode"].tolist() == ["C", "B", "A"] and res["Index"].tolist() == [93.75, 37.5, 0]
    assert res["Index_rank"].tolist() == [1, 2, 3] and res["uName"].tolist() == ["丙", "乙", "甲"]
    assert coin.results(tab_type="Summ").columns.tolist() == ["uCode", "uName", "Index", "Index_rank"]
    full = coin.results(tab_type="Full")
    assert full.columns.tolist()[2:] == ["Index", "P1", "P2", "i1", "i2", "i3", "i4", "Index_rank"]


def test_compare_two_builds() -> None:
    coin = _coin()
    other = coin.regen(aggregate={"w": {"P1": 3, "P2": 1}})
    # Index' = (3·P1 + P2)/4 = 0, 62.5, 81.25: ranks unchanged, scores up for B, down for C
    cmp = coin.compare(other)
    assert cmp.loc["B", "score_b"] == 62.5 and cmp.loc["C", "score_change"] == -12.5
    assert cmp["rank_change"].tolist() == [0, 0, 0]
    p1 = coin.compare(other, icode="P1")
    assert p1["score_change"].tolist() == [0, 0, 0]
