"""Step parameters (kaifang.indexing.steps) — canonical COINr-named parameters, defaults, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kaifang.indexing.steps import StepError, canonical, known_parameters
from tests.conftest import assert_pure


def test_pure() -> None:
    assert_pure("kaifang.indexing.steps")


def test_defaults_are_written_out() -> None:
    p = canonical("treat")
    assert p["f1"] == "winsorise" and p["f2"] == "log_CT" and p["f_pass"] == "check_SkewKurt"
    assert p["f1_para"] == {"winmax": 5, "skew_thresh": 2, "kurt_thresh": 3.5, "force_win": False}
    assert p["f_pass_para"] == {"skew_thresh": 2, "kurt_thresh": 3.5} and p["write_to"] == "Treated"
    assert canonical("normalise")["f_n_para"] == {"l_u": [0, 100]}
    assert canonical("screen")["dat_thresh"] == pytest.approx(2 / 3)


def test_flat_parameters_go_to_every_method_that_takes_them() -> None:
    p = canonical("treat", {"winmax": 3, "skew_thresh": 2.25})
    assert p["f1_para"]["winmax"] == 3 and p["f1_para"]["skew_thresh"] == 2.25
    assert p["f_pass_para"]["skew_thresh"] == 2.25 and "winmax" not in p["f_pass_para"]
    p = canonical("normalise", {"f_n": "n_zscore", "m_sd": [10, 2]})
    assert p["f_n_para"] == {"m_sd": [10, 2]}
    p = canonical("treat", {"f2": "boxcox", "lambda": 0.5})
    assert p["f2_para"] == {"lambda": 0.5, "makepos": True}


def test_aliases_and_unit_screen_case() -> None:
    assert canonical("impute", {"f_i": "i_mean_grp", "group": "g"})["use_group"] == "g"
    assert canonical("screen", {"unit_screen": "bynaandzeros"})["unit_screen"] == "byNAandZeros"
    assert canonical("normalise", {"global_": True})["global"] is True


def test_aggregation_by_level() -> None:
    p = canonical("aggregate", {"f_ag": ["a_amean", "a_gmean", "a_genmean"], "f_ag_para": {4: {"p": 0.5}}})
    assert p["f_ag"] == {"2": "a_amean", "3": "a_gmean", "4": "a_genmean"} and p["f_ag_para"] == {"4": {"p": 0.5}}
    assert canonical("aggregate", {"f_ag": "a_genmean", "p": 2})["f_ag_para"] == {"p": 2}


def test_changes_on_a_logged_step() -> None:
    base = canonical("normalise", {"l_u": [0, 10]})
    # a new method without its parameters gets the new method's defaults
    assert canonical("normalise", {"f_n": "n_zscore"}, base=base)["f_n_para"] == {"m_sd": [0, 1]}
    # a parameter alone keeps the method
    same = canonical("normalise", {"l_u": [1, 100]}, base=base)
    assert same["f_n"] == "n_minmax" and same["f_n_para"] == {"l_u": [1, 100]}


def test_problems_are_listed_with_the_known_names() -> None:
    with pytest.raises(StepError) as err:
        canonical("normalise", {"f_n": "n_foo"})
    assert "未知方法 'n_foo'; 可选: n_minmax" in str(err.value) and "unknown method 'n_foo'" in str(err.value)
    with pytest.raises(StepError) as err:
        canonical("treat", {"winmax": -1, "foo": 1, "combine_treat": "yes"})
    text = str(err.value)
    assert "winmax=-1: expected an integer ≥ 0" in text and "unknown parameter 'foo'" in text
    assert "combine_treat='yes'" in text
    with pytest.raises(StepError, match="needs use_group"):
        canonical("impute", {"f_i": "i_median_grp"})
    with pytest.raises(StepError, match="needs p"):
        canonical("aggregate", {"f_ag": "a_genmean"})
    with pytest.raises(StepError, match="needs iref"):
        canonical("normalise", {"f_n": "n_dist2ref"})
    with pytest.raises(StepError, match="unknown step"):
        canonical("weigh")


def test_individual_specs() -> None:
    p = canonical("treat", {"indiv_specs": {"Gas": "none", "Goods": {"winmax": 1}}})
    assert p["indiv_specs"]["Gas"] == "none" and p["indiv_specs"]["Goods"]["f1_para"]["winmax"] == 1
    with pytest.raises(StepError, match=r"indiv_specs\[Goods\]"):
        canonical("normalise", {"indiv_specs": {"Goods": {"f_n": "n_nope"}}})


def test_parameters_are_json_even_from_numpy() -> None:
    p = canonical("normalise", {"l_u": np.array([0.0, 100.0]), "directions": {"x": np.int64(-1)}})
    assert json.loads(json.dumps(p)) == p and p["f_n_para"]["l_u"] == [0.0, 100.0]
    names = known_parameters("treat")
    assert "winmax" in names and len(names) == len(set(names))
