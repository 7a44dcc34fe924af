"""The pure adaptability core: credits, readiness per match, verdict bands, gaps, nearest places — hand-computed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaifang.adaptability.assess import Condition, Model, assess, credit, gap, nearest, readiness, verdict
from kaifang.adaptability.library import LibraryError, load_example, read_library
from tests.conftest import assert_pure


def test_core_is_pure():
    assert_pure("kaifang.adaptability.assess", "kaifang.adaptability.library")


@pytest.mark.parametrize(
    ("op", "x", "n", "want"),
    [
        (">=", 30.0, 20.0, 1.0),  # met
        (">=", 20.0, 20.0, 1.0),  # met exactly
        (">=", 5.0, 20.0, 0.25),  # 5 / 20
        (">=", -3.0, 20.0, 0.0),  # clipped at 0
        ("<=", 10.0, 12.0, 1.0),
        ("<=", 28.0, 12.0, 12 / 28),  # needed / current
        ("<=", 0.0, 12.0, 1.0),
        (">=", None, 20.0, 0.0),  # no data
        (">=", float("nan"), 20.0, 0.0),
        (">=", -5.0, 0.0, 0.0),  # needed 0, unmet
    ],
)
def test_credit(op, x, n, want):
    assert credit(op, x, n) == pytest.approx(want)


def test_gap_is_shortfall_or_excess_in_needed_units_and_percent():
    assert gap(">=", 11.93, 300.0) == pytest.approx((288.07, 96.0233333))
    assert gap("<=", 28.54, 12.0) == pytest.approx((16.54, 137.8333333))
    assert gap(">=", 400.0, 300.0) == (0.0, 0.0)
    assert gap(">=", None, 300.0) == (None, None)


@pytest.mark.parametrize(
    ("r", "band", "zh"),
    [(80.0, "suitable", "适配"), (79.99, "conditional", "有条件借鉴"), (60.0, "conditional", "有条件借鉴"),
     (59.9, "unsuitable", "不宜照搬"), (0.0, "unsuitable", "不宜照搬"), (None, None, None)],
)  # fmt: skip
def test_verdict_bands(r, band, zh):
    assert verdict(r) == (band, zh)


MODEL = Model(
    "m",
    "示例模式",
    (
        Condition("A", ">=", 20, 2, "policy_industry"),
        Condition("B", ">=", 100, 1, "policy_industry"),
        Condition("C", "<=", 12, 1, "reform_conditions"),
        Condition("D", ">=", 10, 1, "reform_conditions"),
        Condition("E", ">=", 1, 1, "positioning_endowment"),
    ),
)


def test_readiness_is_the_weighted_mean_of_credits():
    values = {"A": 5.0, "B": 150.0, "C": 24.0, "D": None, "E": 2.0}
    r = readiness(MODEL.conditions, values)
    # policy: (2·0.25 + 1·1) / 3 = 0.5; reform: (0.5 + 0) / 2 = 0.25; positioning: 1
    assert r == pytest.approx({"policy_industry": 50.0, "reform_conditions": 25.0, "positioning_endowment": 100.0})


def test_assess_hand_computed():
    values = {"A": 5.0, "B": 150.0, "C": 24.0, "D": None, "E": 2.0}
    a = assess(MODEL, values)
    assert a.overall == pytest.approx((50 + 25 + 100) / 3)  # 58.33 → 不宜照搬
    assert (a.band, a.verdict) == ("unsuitable", "不宜照搬")
    gaps = {g["indicator"]: g for g in a.gaps}
    assert set(gaps) == {"A", "C", "D"}
    assert gaps["A"]["gap"] == pytest.approx(15.0) and gaps["A"]["gap_pct"] == pytest.approx(75.0)
    assert gaps["C"]["gap"] == pytest.approx(12.0) and gaps["C"]["gap_pct"] == pytest.approx(100.0)
    assert gaps["D"]["no_data"] and gaps["D"]["gap"] is None
    assert [g["indicator"] for g in a.gaps] == ["D", "A", "C"]  # weakest credit first: 0, 0.25, 0.5


def test_a_match_without_conditions_is_left_out_of_the_mean():
    conds = (Condition("A", ">=", 10, 1, "policy_industry"), Condition("B", ">=", 10, 1, "reform_conditions"))
    m = Model("m", "x", conds)
    a = assess(m, {"A": 10.0, "B": 5.0})
    assert a.readiness["positioning_endowment"] is None
    assert a.overall == pytest.approx(75.0)


def test_conditions_are_validated():
    with pytest.raises(ValueError, match="方向"):
        Condition("A", ">", 1)
    with pytest.raises(ValueError, match="匹配关系"):
        Condition("A", ">=", 1, 1, "other")
    with pytest.raises(ValueError, match="权重"):
        Condition("A", ">=", 1, 0)


def test_nearest_hand_computed():
    refs = pd.DataFrame({"A": [0.0, 4.0], "B": [0.0, 2.0]}, index=["p", "q"])
    # with the region (2, 1): A = [0, 4, 2] mean 2 sd √(8/3); B = [0, 2, 1] mean 1 sd √(2/3)
    # z_region = (0, 0); z_p = (−2/√(8/3), −1/√(2/3)) = (−1.2247, −1.2247); d = √(2·1.5) = √3 for p and q
    out = nearest(["A", "B"], {"A": 2.0, "B": 1.0}, refs)
    assert [r["distance"] for r in out] == pytest.approx([math.sqrt(3), math.sqrt(3)])
    assert [r["place"] for r in out] == ["p", "q"]  # ties by name
    out = nearest(["A", "B"], {"A": 3.0, "B": 2.0}, refs)
    # A = [0, 4, 3] mean 7/3 sd √(26/9); B = [0, 2, 2] mean 4/3 sd √(8/9)
    za = lambda x: (x - 7 / 3) / math.sqrt(26 / 9)  # noqa: E731
    zb = lambda x: (x - 4 / 3) / math.sqrt(8 / 9)  # noqa: E731
    dq = math.hypot(za(3) - za(4), zb(2) - zb(2))
    dp = math.hypot(za(3) - za(0), zb(2) - zb(0))
    assert out[0]["place"] == "q" and out[0]["distance"] == pytest.approx(dq)
    assert out[1]["distance"] == pytest.approx(dp)
    assert out[0]["differ"][0]["indicator"] == "A"  # B is identical, A differs


def test_nearest_rescales_for_missing_indicators_and_drops_constant_ones():
    refs = pd.DataFrame({"A": [0.0, 4.0], "B": [None, 2.0], "C": [5.0, 5.0]}, index=["p", "q"])
    out = nearest(["A", "B", "C"], {"A": 2.0, "B": 1.0, "C": 5.0}, refs)
    by = {r["place"]: r for r in out}
    # C has sd 0 → dropped (K = 2). p shares only A: z_A(p) − z_A(region) = −2/√(8/3) → d = √(2/1 · 1.5) = √3
    assert by["p"]["indicators_used"] == 1 and by["p"]["distance"] == pytest.approx(math.sqrt(3))
    # B over [2, 1] (region and q): mean 1.5, sd 0.5, z = ±1 → d_q = √(1.5 + 4) = √5.5
    assert by["q"]["indicators_used"] == 2 and by["q"]["distance"] == pytest.approx(math.sqrt(5.5))


def test_nearest_keeps_top_three():
    refs = pd.DataFrame({"A": [1.0, 2.0, 3.0, 10.0]}, index=["a", "b", "c", "d"])
    out = nearest(["A"], {"A": 2.4}, refs)
    assert [r["place"] for r in out] == ["b", "c", "a"]  # |x − 2.4| = 0.4, 0.6, 1.4; d (7.6) is 4th


def test_the_shipped_library_is_valid_and_covers_the_reports_nine_models():
    version, models = load_example()
    assert version == "2025.1"
    assert [m.key for m in models] == [
        "suzhou_sip", "qingbaijiang", "guiyang_bigdata", "jurong", "ruhr",
        "rotterdam", "longan", "busan", "telaviv",
    ]  # fmt: skip
    for m in models:
        assert {c.match for c in m.conditions} == {"policy_industry", "reform_conditions", "positioning_endowment"}
        assert all(c.rationale for c in m.conditions), m.key
        assert m.references, m.key
    suzhou = models[0]
    assert any(c.indicator == "TRADE_DEPENDENCE" and c.op == ">=" for c in suzhou.conditions)
    recent = next(r for r in suzhou.references if r.key == "sip_recent")
    assert recent.values["GDP_PER_KM2"].value == 12 and not recent.values["GDP_PER_KM2"].is_sample  # the report
    assert recent.values["FDI_ACTUAL"].is_sample  # no source → 示例数据


def test_library_errors_name_the_model_and_field():
    text = """
models:
  - key: x
    name_zh: 甲
    section: §三
    summary: s
    conditions:
      policy_industry:
        - {indicator: NOPE, op: ">=", needed: 1}
        - {indicator: GDP, op: ">", needed: 1}
      other: []
"""
    with pytest.raises(LibraryError) as e:
        read_library(text, {"GDP"})
    msg = str(e.value)
    assert "x.conditions.policy_industry: 指标 NOPE 不在指标目录中" in msg
    assert "x.conditions.policy_industry.GDP: GDP: 方向须为 >= 或 <=" in msg
    assert "未知的匹配关系 other" in msg
