"""Time series and benchmarking (kaifang.indexing.timeseries, kaifang.indexing.benchmark) — pure, no Django.

Hand-computed cases with the arithmetic beside them, and Bazhong's real GDP (亿元) from
../shared/data/cities/ (skipped when absent): 2019 754.29, 2020 766.99, 2021 742.51.

Run: .venv/bin/pytest tests/test_indexing_analysis.py -q -p no:django
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing import benchmark, timeseries
from tests.conftest import assert_pure, shared_data

BAZHONG = "511900"


def test_modules_are_pure():
    assert_pure("kaifang.indexing.timeseries", "kaifang.indexing.benchmark")


@pytest.fixture(scope="module")
def sichuan() -> pd.DataFrame:
    """Panel of the 21 Sichuan prefectures (+ 汉中, 安康) 2000–2021: uCode, Time, GDP (亿元), GDPpc (元)."""
    raw = pd.read_csv(shared_data("cities", "csmar_sichuan21_plus_hanzhong_ankang_2000_2021.csv"))
    panel = raw.rename(columns={"Ctnm_id": "uCode", "Sgnyea": "Time", "Gdpct01": "GDP", "GDP_PerCapita": "GDPpc"})
    panel["uCode"] = panel["uCode"].astype(str)
    return panel[["uCode", "Time", "GDP", "GDPpc"]]


# ----------------------------------------------------------------------------- CAGR and change


@pytest.mark.parametrize(
    ("start", "end", "years", "value", "reason"),
    [
        (100.0, 121.0, 2, 0.10, ""),  # (121/100)^(1/2) − 1 = 1.1 − 1
        (50.0, 50.0, 5, 0.0, ""),
        (0.0, 0.0, 3, 0.0, ""),  # no change, as COINr's CAGR
        (10.0, 0.0, 1, -1.0, ""),  # everything lost: −100 %
        (0.0, 10.0, 2, math.nan, "start value 0 ≤ 0"),
        (-5.0, 10.0, 2, math.nan, "start value -5 ≤ 0"),
        (10.0, -5.0, 2, math.nan, "end value -5 < 0"),
        (10.0, 12.0, 0, math.nan, "positive span"),
        (math.nan, 12.0, 2, math.nan, "missing value"),
    ],
)
def test_cagr_is_honest_about_undefined_rates(start, end, years, value, reason):
    got, why = timeseries.cagr(start, end, years)
    if math.isnan(value):
        assert math.isnan(got) and reason in why
    else:
        assert got == pytest.approx(value) and why == ""


def test_change_between_on_bazhong_gdp(sichuan):
    # 2019 → 2021: change 742.51 − 754.29 = −11.78; −11.78/754.29 = −1.5617 %;
    # CAGR = (742.51/754.29)^(1/2) − 1 = 0.9843827^0.5 − 1 = 0.9921606 − 1 = −0.78394 %
    ch = timeseries.change_between(sichuan, 2019, 2021, codes=["GDP"])
    row = ch.loc[(BAZHONG, "GDP")]
    assert (row["Start"], row["End"]) == (754.29, 742.51)
    assert row["Change"] == pytest.approx(-11.78)
    assert row["PctChange"] == pytest.approx(-0.015617335507563404)
    assert row["Years"] == 2
    assert row["CAGR"] == pytest.approx(-0.007839395817170858)
    assert row["Reason"] == ""
    assert len(ch) == 23  # 21 prefectures + 汉中 + 安康, one code


def test_change_between_reports_reasons_and_float_years():
    # Time stored as floats (2018.0) still matches 2018; a unit absent at the start gets NaN and a reason
    panel = pd.DataFrame(
        {"uCode": ["A", "B", "A", "B", "C"], "Time": [2018.0, 2018.0, 2021.0, 2021.0, 2021.0], "x": [8, -2, 27, 4, 5.0]}
    )
    ch = timeseries.change_between(panel, 2018, 2021)
    assert ch.loc[("A", "x"), "CAGR"] == pytest.approx(0.5)  # (27/8)^(1/3) − 1 = 1.5 − 1
    assert math.isnan(ch.loc[("B", "x"), "CAGR"]) and "≤ 0" in ch.loc[("B", "x"), "Reason"]
    assert ch.loc[("B", "x"), "Change"] == 6
    assert math.isnan(ch.loc[("C", "x"), "Start"]) and ch.loc[("C", "x"), "Reason"] == "missing value"
    with pytest.raises(ValueError, match="period 2030"):
        timeseries.change_between(panel, 2018, 2030)
    # the unit code may be a named index instead of a column
    by_index = timeseries.change_between(panel.set_index("uCode"), 2018, 2021)
    assert by_index.loc[("A", "x"), "CAGR"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="uCode"):
        timeseries.change_between(panel.drop(columns="uCode"), 2018, 2021)


# ----------------------------------------------------------------------------- goalposts


def two_year_panel() -> pd.DataFrame:
    # A: 10 → 30, B: 20 → 25. Both improve; A improves more.
    return pd.DataFrame({"uCode": ["A", "B", "A", "B"], "Time": [2015, 2015, 2020, 2020], "x": [10, 20, 30, 25.0]})


def test_goalposts_keep_years_comparable():
    panel = two_year_panel()
    # panel bounds: L = 10, U = 30 → A 0 → 100, B (20−10)/20 = 50 → (25−10)/20 = 75: B's progress is visible.
    # (Min-max per year would give B 100 → 0: it "falls" while improving.)
    gp = timeseries.goalposts_from_panel(panel)
    assert gp.loc["x", ["goalpost_lower", "goalpost_upper", "goalpost_scale"]].tolist() == [10, 30, 100]
    scored = timeseries.apply_goalposts(panel, gp)
    assert scored["x"].tolist() == pytest.approx([0, 50, 100, 75])
    # reference 2015: L = 10, U = 20; 2020 values above U are truncated to full marks
    ref = timeseries.goalposts_from_panel(panel, method="reference", reference=2015)
    assert ref.at["x", "goalpost_basis"] == "reference 2015"
    assert timeseries.apply_goalposts(panel, ref)["x"].tolist() == pytest.approx([0, 100, 100, 100])
    # margin 0.5 of the range 10: L = 5, U = 25 → 2015: 25, 75; 2020: 100 (truncated), 100
    wide = timeseries.goalposts_from_panel(panel, method="reference", reference=2015, margin=0.5)
    assert timeseries.apply_goalposts(panel, wide)["x"].tolist() == pytest.approx([25, 75, 100, 100])
    # direction −1 (lower is better): y = (x − U)/(L − U) with panel bounds → A 2015 = 100, B 2020 = 25
    flipped = timeseries.apply_goalposts(panel, gp, directions=pd.Series({"x": -1}))
    assert flipped["x"].tolist() == pytest.approx([100, 50, 0, 25])


def test_scores_and_ranks_by_year():
    panel = two_year_panel()
    gp = timeseries.goalposts_from_panel(panel)
    table = timeseries.scores_by_year(timeseries.apply_goalposts(panel, gp), "x")
    assert list(table.columns) == [2015, 2020]
    assert table.loc["B"].tolist() == pytest.approx([50, 75])
    assert timeseries.ranks_by_year(panel, "x").loc["A"].tolist() == [2, 1]


def test_bazhong_gdp_rank_among_sichuan_prefectures(sichuan):
    # 2021 GDP (亿元): 巴中 742.51 is ahead of 阿坝 449.63 and 甘孜 447.04 only → 19th of the 21 prefectures
    sc = sichuan[sichuan["uCode"].str.startswith("51")]
    assert timeseries.ranks_by_year(sc, "GDP").at[BAZHONG, 2021] == 19


# ----------------------------------------------------------------------------- benchmarking


@pytest.fixture
def scores() -> pd.DataFrame:
    # normalised 0–100, higher is better
    return pd.DataFrame(
        {"d1": [40, 60, 50, 90.0], "d2": [80, 50, 70, 60.0], "d3": [20, 30, 10, 40.0]},
        index=pd.Index(["BZ", "DZ", "GY", "CD"], name="uCode"),
    )


def test_dimension_profile(scores):
    prof = benchmark.dimension_profile(scores, "BZ", ["DZ", "GY"])
    assert list(prof.columns[:3]) == ["BZ", "DZ", "GY"]
    assert prof["Peer.Mean"].tolist() == pytest.approx([55, 60, 20])  # (60+50)/2, (50+70)/2, (30+10)/2
    assert prof["Rank"].tolist() == [3, 1, 2]  # d1: 60 > 50 > 40; d2: 80 best; d3: 30 > 20 > 10
    assert prof.loc["d3", ["Peer.Min", "Peer.Max"]].tolist() == [10, 30]


def test_strengths_and_weaknesses(scores):
    # peer means over DZ, GY, CD: d1 200/3 = 66.67 (gap −26.67), d2 180/3 = 60 (+20), d3 80/3 = 26.67 (−6.67)
    sw = benchmark.strengths_weaknesses(scores, "BZ", k=2)
    assert sw.strengths.index.tolist() == ["d2"]  # only positive gaps are strengths
    assert sw.strengths.at["d2", "Gap"] == pytest.approx(20)
    assert sw.weaknesses.index.tolist() == ["d1", "d3"]
    assert sw.weaknesses["Gap"].tolist() == pytest.approx([-80 / 3, -20 / 3])
    assert sw.weaknesses.at["d1", "Rank"] == 4


def test_nearest_peers_nan_aware(scores):
    # BZ − GY = (−10, 10, 10) → √300 = 17.32; BZ − DZ = (−20, 30, −10) → √1400 = 37.42;
    # BZ − CD = (−50, 20, −20) → √3300 = 57.45
    near = benchmark.nearest_peers(scores, "BZ")
    assert near.index.tolist() == ["GY", "DZ", "CD"]
    assert near["Distance"].tolist() == pytest.approx([math.sqrt(300), math.sqrt(1400), math.sqrt(3300)])
    # CD's d3 missing: Σ over d1, d2 = 2500 + 400 = 2900, scaled by p/m = 3/2 → √4350 = 65.95
    gappy = scores.copy()
    gappy.loc["CD", "d3"] = np.nan
    assert benchmark.nearest_peers(gappy, "BZ").at["CD", "Distance"] == pytest.approx(math.sqrt(4350))
    assert benchmark.nearest_peers(gappy, "BZ").at["CD", "N.Common"] == 2
    assert "CD" not in benchmark.nearest_peers(gappy, "BZ", min_common=3).index
    # a choice of indicators: on d1 alone the order is GY (10), DZ (20), CD (50); k limits the list
    assert benchmark.nearest_peers(scores, "BZ", codes=["d1"], k=2)["Distance"].to_dict() == {"GY": 10, "DZ": 20}


def test_gap_to_leader(scores):
    gap = benchmark.gap_to_leader(scores, "BZ")
    # d1: leader CD 90, gap 50 = 55.6 % of 90; d2: BZ leads, gap 0; d3: CD 40, gap 20 = 50 %
    assert gap["Leader"].tolist() == ["CD", "BZ", "CD"]
    assert gap["Gap"].tolist() == pytest.approx([50, 0, 20])
    assert gap["Gap.Share"].tolist() == pytest.approx([50 / 90, 0, 0.5])
    # d1 as a 逆向 indicator (lower is better): BZ's 40 is the best
    flipped = benchmark.gap_to_leader(scores, "BZ", directions=pd.Series({"d1": -1}))
    assert flipped.at["d1", "Leader"] == "BZ" and flipped.at["d1", "Gap"] == 0
    with pytest.raises(KeyError, match="XX"):
        benchmark.gap_to_leader(scores, "BZ", ["XX"])


def test_gap_to_leader_bazhong_2021(sichuan):
    # 2021 GDP: leader 成都 19916.98 亿元; 巴中 742.51 → gap 19174.47 = 96.27 % of Chengdu's.
    # GDP per capita: leader 成都 94622 元 (攀枝花 93406 second); 巴中 27510 → gap 67112 = 70.93 %
    y2021 = sichuan[(sichuan["Time"] == 2021) & sichuan["uCode"].str.startswith("51")].set_index("uCode")
    gap = benchmark.gap_to_leader(y2021, BAZHONG, codes=["GDP", "GDPpc"])
    assert gap["Leader"].tolist() == ["510100", "510100"]
    assert gap.at["GDP", "Gap"] == pytest.approx(19174.47)
    assert gap.at["GDP", "Gap.Share"] == pytest.approx(0.9627197496809256)
    assert gap.at["GDPpc", "Gap"] == pytest.approx(67112)
    assert gap.at["GDPpc", "Gap.Share"] == pytest.approx(0.7092642303058485)
