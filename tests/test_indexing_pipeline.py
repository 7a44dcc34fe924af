"""One step on data frames (kaifang.indexing.pipeline) — denominate, treat record, normalise from the framework."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing.framework import check_framework
from kaifang.indexing.pipeline import aggregate_frame, denominate_frame, normalise_frame, treat_frame
from kaifang.indexing.steps import canonical
from tests.conftest import assert_pure

INDEX = pd.Index(["A", "B", "C", "D"], name="uCode")


def framework(**extra: list[object]) -> pd.DataFrame:
    t = pd.DataFrame(
        [
            ("gdp", 1, "P", 1, 1, "Indicator"),
            ("co2", 1, "P", -1, 1, "Indicator"),
            ("P", 2, None, 1, 1, "Aggregate"),
            ("pop", None, None, None, None, "Denominator"),
        ],
        columns=["iCode", "Level", "Parent", "Direction", "Weight", "Type"],
    )
    for k, v in extra.items():
        t[k] = v
    return t


def test_pure() -> None:
    assert_pure("kaifang.indexing.pipeline")


def test_denominate_by_framework_and_scale_factor() -> None:
    fw = check_framework(framework(Denominator=["pop", None, None, None]))
    x = pd.DataFrame({"gdp": [100, 50, 30, 8.0], "co2": [1, 2, 3, 4.0]}, index=INDEX)
    units = pd.DataFrame({"pop": [10, 5, 2, 0.5]}, index=INDEX)
    out = denominate_frame(x, units, fw)
    assert out["gdp"].tolist() == [10, 10, 15, 16] and out["co2"].tolist() == [1, 2, 3, 4]
    # x / (pop / 1000): per thousand people
    out = denominate_frame(x, units, fw, {"co2": "pop"}, {"co2": 1000})
    assert out["co2"].tolist() == [100, 400, 1500, 8000] and out["gdp"].tolist() == [100, 50, 30, 8]
    with pytest.raises(ValueError, match="area"):
        denominate_frame(x, units, fw, {"gdp": "area"})


def test_normalise_takes_targets_goalposts_and_reference_from_the_framework() -> None:
    fw = check_framework(
        framework(Target=[8, 2, None, None], goalpost_lower=[0, 0, None, None], goalpost_upper=[10, 5, None, None])
    )
    x = pd.DataFrame({"gdp": [2, 4, 6, 10.0], "co2": [1, 2, 3, 5.0]}, index=INDEX)
    out = normalise_frame(x, fw, canonical("normalise", {"f_n": "n_dist2targ"}))
    # gdp (+1): (x − 2)/(8 − 2); co2 (−1, target 2): (5 − x)/(5 − 2)
    assert out["gdp"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 4 / 3])
    assert out["co2"].tolist() == pytest.approx([4 / 3, 1, 2 / 3, 0])
    out = normalise_frame(x, fw, canonical("normalise", {"f_n": "n_goalposts"}))
    # gdp: x/10; co2 (−1): (x − 5)/(0 − 5)
    assert out["gdp"].tolist() == pytest.approx([0.2, 0.4, 0.6, 1])
    assert out["co2"].tolist() == pytest.approx([0.8, 0.6, 0.4, 0])
    out = normalise_frame(x, fw, canonical("normalise", {"f_n": "n_dist2ref", "iref": "B"}))
    # gdp: 1 − (4 − x)/(4 − 2); co2 reversed: −x = −1, −2, −3, −5, ref −2, min −5 → 1 − (−2 + x)/3
    assert out["gdp"].tolist() == pytest.approx([0, 1, 2, 4])
    assert out["co2"].tolist() == pytest.approx([4 / 3, 1, 2 / 3, 0])


def test_normalise_individual_specs_and_direction_override() -> None:
    fw = check_framework(framework())
    x = pd.DataFrame({"gdp": [2, 4, 6, 10.0], "co2": [1, 2, 3, 5.0]}, index=INDEX)
    p = canonical("normalise", {"indiv_specs": {"co2": {"f_n": "n_rank"}}, "directions": {"co2": 1}})
    out = normalise_frame(x, fw, p)
    assert out["gdp"].tolist() == [0, 25, 50, 100] and out["co2"].tolist() == [1, 2, 3, 4]


def test_treat_record_per_indicator() -> None:
    tail = np.r_[np.arange(1, 31), 200, 300, 400, 500.0]
    x = pd.DataFrame({"skewed": tail, "flat": np.arange(34.0), "kept": tail})
    p = canonical("treat", {"winmax": 5, "indiv_specs": {"kept": "none"}})
    out, info = treat_frame(x, p)
    d = info["details"]
    assert d.loc["skewed", "Treatment"] == "winsorise" and d.loc["skewed", "nwin"] == 4
    assert d.loc["flat", "Treatment"] == "none" and d.loc["kept", "Treatment"] == "excluded"
    assert out["kept"].tolist() == tail.tolist() and out["skewed"].max() == 30
    assert info["points"]["skewed"].tolist()[-4:] == ["winhi"] * 4
    out, info = treat_frame(x, canonical("treat", {"winmax": 2}))
    assert info["details"].loc["skewed", "Treatment"] == "log_CT"
    assert set(info["points"]["skewed"]) == {"log_CT"}


def test_aggregate_weights_by_name_or_mapping() -> None:
    fw = check_framework(framework())
    x = pd.DataFrame({"gdp": [0, 100.0], "co2": [100, 50.0]}, index=INDEX[:2])
    assert aggregate_frame(x, fw, canonical("aggregate"))["P"].tolist() == [50, 75]
    named = {"mine": pd.Series({"gdp": 3.0, "co2": 1.0})}
    # (3·0 + 100)/4 = 25 and (300 + 50)/4 = 87.5
    assert aggregate_frame(x, fw, canonical("aggregate", {"w": "mine"}), named)["P"].tolist() == [25, 87.5]
    assert aggregate_frame(x, fw, canonical("aggregate", {"w": {"co2": 0}}))["P"].tolist() == [0, 100]
    with pytest.raises(ValueError, match="level 2"):
        aggregate_frame(x, fw, canonical("aggregate", {"f_ag": {3: "a_amean"}}))
