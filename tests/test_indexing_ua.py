"""Uncertainty and sensitivity analysis (kaifang.indexing.ua) — hand-checked cases, the loop peer, Sobol, files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami

from kaifang.indexing.coin import Coin, new_coin
from kaifang.indexing.panel import Panel
from kaifang.indexing.spec import build, complete_framework, read_table
from kaifang.indexing.ua import (
    choices_table,
    evaluate,
    evaluate_loop,
    run_sa,
    run_ua,
    run_ua_files,
    sample_mc,
    sample_sobol,
    ua_problem,
)
from kaifang.indexing.ua_batch import Level, index_scores, rank_shift, rank_stats, sport_ranks
from kaifang.indexing.ua_sobol import saltelli_sample, sobol_indices
from kaifang.indexing.ua_spec import UASpecError, load_ua
from tests.conftest import assert_pure, shared_data

FOUR = {
    "treat.winmax": [1, 2, 3, 4, 5],
    "normalise": [{"f_n": "n_minmax", "l_u": [1, 100]}, {"f_n": "n_zscore", "m_sd": [10, 2]}],
    "weights.noise": 0.25,
    "aggregate.f_ag": ["a_amean", "a_gmean"],
}
EXAMPLE = [
    ("denominate", {}),
    ("impute", {"f_i": "i_mean_grp", "use_group": "EurAsia_group"}),
    ("screen", {"dat_thresh": 0.9, "unit_screen": "byNA"}),
    ("treat", {"winmax": 5}),
    ("normalise", {"f_n": "n_minmax", "l_u": [0, 100]}),
    ("aggregate", {"f_ag": "a_amean"}),
]


def test_pure() -> None:
    assert_pure(
        "kaifang.indexing.ua",
        "kaifang.indexing.ua_spec",
        "kaifang.indexing.ua_batch",
        "kaifang.indexing.ua_design",
        "kaifang.indexing.ua_sobol",
        "kaifang.indexing.ua_variants",
    )


@lru_cache(maxsize=2)
def asem_tables(panel: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = read_table(shared_data("coinr-asem", "ASEM_iData_p.csv" if panel else "ASEM_iData.csv"))
    return data, complete_framework(data, read_table(shared_data("coinr-asem", "ASEM_iMeta.csv")))


BUILDS = {
    "example": EXAMPLE,  # COINr build_example_coin()
    "raw": [("normalise", {"l_u": [1, 100]}), ("aggregate", {})],  # the JOSS paper's build: missing values stay
    # VNM has 45 of 49 indicators = 0.91837: dropping one it reports leaves 44/48 < 0.918 and screens it out
    "screen": [
        ("denominate", {}),
        ("screen", {"dat_thresh": 0.918}),
        ("impute", {"f_i": "i_mean_grp", "use_group": "EurAsia_group"}),
        ("normalise", {"l_u": [1, 100]}),
        ("aggregate", {}),
    ],
}


@lru_cache(maxsize=4)
def asem(name: str = "example") -> Coin:
    data, fw = asem_tables()
    built = build(data, fw, BUILDS[name])
    assert isinstance(built, Coin)
    return built


# ----------------------------------------------------------------------------- hand-checked cases


def three_units() -> Coin:
    """Three units, two indicators under the index: A = (100, 0), B = (0, 100), C = (40, 40)."""
    data = pd.DataFrame({"uCode": ["A", "B", "C"], "x1": [100.0, 0.0, 40.0], "x2": [0.0, 100.0, 40.0]})
    fw = pd.DataFrame(
        {
            "iCode": ["x1", "x2", "Index"],
            "Level": [1, 1, 2],
            "Parent": ["Index", "Index", None],
            "Direction": [1, 1, 1],
            "Weight": [1.0, 1.0, 1.0],
            "Type": ["Indicator", "Indicator", "Aggregate"],
        }
    )
    return new_coin(data, fw).aggregate(dset="Raw")


def test_three_units_every_replication_enumerated() -> None:
    # Index A = 100·s, B = 100·(1 − s), C = 40 with s = w1/(w1 + w2): A leads iff s > ½, C beats A iff s < 0.4,
    # C beats B iff s > 0.6. Dropping x1 leaves x2 (B, C, A); dropping x2 leaves x1 (A, C, B).
    coin = three_units()
    problem = ua_problem(coin, {"choices": {"weights.noise": 0.5, "exclude": "each"}})
    design = sample_mc(problem, 400, seed=3)
    result = evaluate(problem, design)
    assert design.factors is not None
    for r in range(design.n):
        w1, w2 = design.factors[r, 0], design.factors[r, 1]
        s = w1 / (w1 + w2)
        if design.exclude[r] == 0:
            expected = [3, 1, 2]
        elif design.exclude[r] == 1 or s > 0.6:
            expected = [1, 3, 2]
        elif s < 0.4:
            expected = [3, 1, 2]
        else:
            expected = [1, 2, 3] if s > 0.5 else [2, 1, 3]
        assert result.ranks[r].tolist() == expected, (r, s, design.exclude[r])
    assert set(np.unique(design.exclude)) == {-1, 0, 1}  # each level was sampled
    stats = result.stats.set_index("uCode")  # nominal A = B = 50 tie for rank 1 (sport ranks), C = 40 third
    assert stats.loc[["A", "B", "C"], "Nominal"].tolist() == [1, 1, 3]


def test_single_binary_choice_with_known_outcome() -> None:
    # A = (1, 100), B = (40, 40): arithmetic mean A 50.5 > B 40, geometric mean A 10 < B 40.
    data = pd.DataFrame({"uCode": ["A", "B"], "x1": [1.0, 40.0], "x2": [100.0, 40.0]})
    fw = three_units().framework.table
    coin = new_coin(data, fw).aggregate(dset="Raw")
    result = run_ua(coin, {"choices": {"aggregate.f_ag": ["a_amean", "a_gmean"]}}, n=200, seed=5)
    geometric = result.design.levels[:, 0] == 1
    assert result.ranks[geometric].tolist() == [[2, 1]] * int(geometric.sum())
    assert result.ranks[~geometric].tolist() == [[1, 2]] * int((~geometric).sum())
    share = geometric.mean()
    stats = result.stats.set_index("uCode")
    assert stats.loc["A", "Mean"] == pytest.approx(1 + share) and stats.loc["B", "Mean"] == pytest.approx(2 - share)
    assert stats.loc["A", ["Q5", "Q95"]].tolist() == [1.0, 2.0] and stats.loc["A", "Nominal"] == 1
    table = choices_table(result_problem(coin), result.design)
    assert (table["aggregate.f_ag"] == "a_gmean").to_numpy().tolist() == geometric.tolist()
    # one input explains all the variance of the rank shift (0 under a_amean, 1 under a_gmean)
    sa = run_sa(coin, {"choices": {"aggregate.f_ag": ["a_amean", "a_gmean"]}}, n=1024, seed=5)
    row = sa.sobol.iloc[0]
    assert row["S1"] == pytest.approx(1, abs=0.05) and row["ST"] == pytest.approx(1, abs=0.05)
    assert set(np.unique(sa.output)) == {0.0, 1.0}


def result_problem(coin: Coin) -> object:
    return ua_problem(coin, {"choices": {"aggregate.f_ag": ["a_amean", "a_gmean"]}})


def test_sobol_of_an_additive_index_matches_the_analytical_indices() -> None:
    # Unit U's index = (x1 + x2)/2. Choice 1 scales x1 by 1 or 2 (denominate scale_factor): x1(U) ∈ {3, 6};
    # choice 2 imputes U's missing x2 by the mean (4) or the median (2.5) of [1, 2, 3, 10]. Additive, so
    # S1 = ST = Δᵢ²/(Δ₁² + Δ₂²): 9/11.25 = 0.8 and 2.25/11.25 = 0.2.
    data = pd.DataFrame(
        {"uCode": list("UVWXY"), "x1": [3.0, 1, 2, 3, 4], "x2": [np.nan, 1, 2, 3, 10], "one": [1.0] * 5}
    )
    fw = pd.DataFrame(
        {
            "iCode": ["x1", "x2", "Index", "one"],
            "Level": [1, 1, 2, None],
            "Parent": ["Index", "Index", None, None],
            "Direction": [1, 1, 1, None],
            "Weight": [1.0, 1.0, 1.0, None],
            "Type": ["Indicator", "Indicator", "Aggregate", "Denominator"],
            "Denominator": ["one", None, None, None],
        }
    )
    coin = new_coin(data, fw).denominate().impute(f_i="i_mean").aggregate()
    spec = {
        "seed": 11,
        "choices": {"denominate.scale_factor": [{"x1": 1}, {"x1": 2}], "impute.f_i": ["i_mean", "i_median"]},
        "sobol": {"output": {"unit": "U"}},
    }
    sa = run_sa(coin, spec, n=4096)
    got = sa.sobol.set_index("Variable")
    assert got["S1"].tolist() == pytest.approx([0.8, 0.2], abs=0.03)
    assert got["ST"].tolist() == pytest.approx([0.8, 0.2], abs=0.03)
    assert set(np.round(np.unique(sa.output), 9)) == {2.75, 3.5, 4.25, 5.0}  # (x1 + x2)/2 for the 4 cases


# ----------------------------------------------------------------------------- Sobol wrapper


def test_ishigami_through_the_wrapper_gives_the_published_indices() -> None:
    names = ["x1", "x2", "x3"]
    bounds = [[-np.pi, np.pi]] * 3
    x = saltelli_sample(names, 2**13, seed=1, bounds=bounds)
    assert x.shape == (2**13 * 5, 3)
    s = sobol_indices(names, Ishigami.evaluate(x), seed=1, bounds=bounds, num_resamples=200).set_index("Variable")
    for col, expected in (("S1", [0.314, 0.442, 0.0]), ("ST", [0.558, 0.442, 0.244])):
        for name, value in zip(names, expected, strict=True):
            tol = max(2 * s.loc[name, f"{col}_conf"], 0.01)
            assert abs(s.loc[name, col] - value) <= tol, (col, name, s.loc[name, col], value, tol)


def test_constant_output_has_zero_indices_and_nan_is_refused() -> None:
    assert sobol_indices(["a", "b"], np.ones(8))["ST"].tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="missing"):
        sobol_indices(["a", "b"], np.array([1.0, np.nan, 2, 3, 4, 5, 6, 7]))


# ----------------------------------------------------------------------------- batch core


def test_sport_ranks_equal_pandas_min_ranks_with_ties_and_gaps() -> None:
    rng = np.random.default_rng(0)
    s = rng.integers(0, 6, size=(50, 12)).astype(float)
    s[rng.random(s.shape) < 0.1] = np.nan
    expected = pd.DataFrame(s).rank(axis=1, ascending=False, method="min").fillna(0).to_numpy()
    assert (sport_ranks(s) == expected).all()


def test_rank_stats_equal_numpy_type7_quantiles() -> None:
    rng = np.random.default_rng(1)
    ranks = rng.integers(0, 30, size=(999, 40)).astype(np.int16)  # 0 = not ranked
    stats = rank_stats(ranks, chunk=7)
    for c in range(40):
        valid = ranks[:, c][ranks[:, c] > 0].astype(float)
        assert stats["N"][c] == len(valid) and stats["Mean"][c] == pytest.approx(valid.mean())
        for q in (0.05, 0.5, 0.95):
            assert stats[f"q{q}"][c] == pytest.approx(np.quantile(valid, q), abs=1e-12)


def test_rank_shift_counts_units_ranked_in_both() -> None:
    ranks = np.array([[1, 2, 3], [3, 2, 0]], dtype=np.int16)  # the third unit is not ranked in replication 2
    shift = rank_shift(ranks, np.array([1, 3, 2])).ravel().tolist()
    assert shift == [pytest.approx(2 / 3), 1.5]  # (0 + 1 + 1)/3; (2 + 1)/2


def test_collapsed_levels_equal_the_level_by_level_path() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(1, 100, size=(20, 6))
    levels = [Level(np.array([0, 0, 1, 1, 1, 2]), 3, "a_gmean"), Level(np.array([0, 1, 1]), 2, "a_gmean"),
              Level(np.array([0, 0]), 1, "a_gmean")]  # fmt: skip
    w = [rng.uniform(0.5, 1.5, size=(30, n)) for n in (6, 3, 2)]
    fast = index_scores(x, levels, w)
    slow = index_scores(x, levels, w, collapse=False)
    assert np.allclose(fast, slow, rtol=1e-12)
    assert np.allclose(fast[0], np.exp(np.log(x) @ _effective(levels, [v[0] for v in w])))


def _effective(levels: list[Level], w: list[np.ndarray]) -> np.ndarray:
    """Hand product of the sibling-normalised weights down the three levels (one replication)."""
    o1, o2 = levels[0].owner, levels[1].owner
    n1 = w[0] / np.bincount(o1, w[0])[o1]
    n2 = w[1] / np.bincount(o2, w[1])[o2]
    n3 = w[2] / w[2].sum()
    return n1 * n2[o1] * n3[o2[o1]]


def test_geometric_mean_of_non_positive_values_is_refused_like_the_engine() -> None:
    coin = asem()  # min-max [0, 100]: the worst unit of each indicator is 0
    with pytest.raises(ValueError, match="a_gmean 需要正数"):
        run_ua(coin, {"choices": {"aggregate.f_ag": ["a_amean", "a_gmean"]}}, n=20, seed=1)


# ----------------------------------------------------------------------------- vectorised = loop


def _same_as_loop(coin: Coin | Panel, choices: dict, n: int, seed: int = 1) -> None:
    problem = ua_problem(coin, {"choices": choices})
    design = sample_mc(problem, n, seed)
    result = evaluate(problem, design, keep_scores=True)
    ranks, scores = evaluate_loop(problem, design)
    assert (ranks == result.ranks).all()
    assert result.scores is not None
    assert np.array_equal(np.isnan(scores), np.isnan(result.scores))
    assert np.nanmax(np.abs(scores - result.scores)) < 1e-9


def test_asem_four_choices_and_exclusion_equal_one_rebuild_per_replication() -> None:
    _same_as_loop(asem(), {**FOUR, "exclude": "each"}, n=50)


def test_missing_values_mixed_levels_and_thresholds_equal_the_loop() -> None:
    # raw → min-max → aggregate (the JOSS paper's build): NaNs stay, weights renormalise over observed values
    coin = asem("raw")
    assert coin.get("Normalised").isna().to_numpy().any()
    aggregate = [
        {"f_ag": "a_gmean"},
        {"f_ag": ["a_amean", "a_gmean", "a_hmean"]},
        {"f_ag": "a_genmean", "p": 0.5, "dat_thresh": 0.8},
        {"f_ag": "a_amean", "dat_thresh": {2: 0.9, 3: 0.5, 4: 0.5}},
    ]
    choices = {"weights.noise": {1: 0.5, 2: 0.2, 3: 0.3}, "aggregate": aggregate, "exclude": "each"}
    _same_as_loop(coin, choices, n=40)


def test_copeland_equals_the_loop() -> None:
    coin = asem("raw")
    choices = {"aggregate.f_ag": ["a_amean", "a_copeland"], "weights.noise": 0.25, "exclude": ["LPI", "Flights"]}
    _same_as_loop(coin, choices, n=12)


def test_dropping_an_indicator_that_moves_the_screen_equals_the_loop() -> None:
    coin = asem("screen")
    problem = ua_problem(
        coin, {"choices": {"exclude": ["LPI", "Flights", "Ship"], "impute.f_i": ["i_mean", "i_median"]}}
    )
    design = sample_mc(problem, 16, 2)
    result = evaluate(problem, design)
    ranks, _ = evaluate_loop(problem, design)
    assert (ranks == result.ranks).all()
    vnm = (problem.columns["uCode"] == "VNM").to_numpy()
    dropped = design.exclude >= 0
    assert dropped.any() and (result.ranks[dropped][:, vnm] == 0).all()  # screened out
    assert (result.ranks[~dropped][:, vnm] > 0).all()


def test_panel_year_by_year_equals_the_loop() -> None:
    data, fw = asem_tables(panel=True)
    panel = build(data, fw, [*EXAMPLE[:4], ("normalise", {"l_u": [1, 100]}), ("aggregate", {})])
    assert isinstance(panel, Panel)
    choices = {**FOUR, "normalise": [{"f_n": "n_minmax", "l_u": [1, 100]}, {"f_n": "n_zscore", "m_sd": [100, 10]}]}
    _same_as_loop(panel, {**choices, "exclude": "each"}, n=12)


def test_pooled_panel_steps_equal_the_loop() -> None:
    data, fw = asem_tables(panel=True)
    steps = [("denominate", {}), ("impute", {"f_i": "impute_panel"}), ("normalise", {"l_u": [1, 100], "global_": True}),
             ("aggregate", {})]  # fmt: skip
    panel = build(data, fw, steps)
    impute = [{"f_i": "impute_panel", "imp_type": "latest"}, {"f_i": "impute_panel", "imp_type": "linear"}]
    _same_as_loop(panel, {"impute": impute, "weights.noise": 0.25}, n=6)


def test_panel_results_are_per_year() -> None:
    data, fw = asem_tables(panel=True)
    panel = build(data, fw, [*EXAMPLE[:4], ("normalise", {"l_u": [1, 100]}), ("aggregate", {})])
    result = run_ua(panel, {"choices": {"weights.noise": 0.2}}, n=30, seed=1)
    assert result.stats.columns.tolist() == ["uCode", "uName", "Time", "Nominal", "Mean", "Median", "Q5", "Q95"]
    assert sorted(result.stats["Time"].unique()) == [2018, 2019, 2020, 2021, 2022]
    che_2018 = result.stats.query("uCode == 'CHE' and Time == 2018").iloc[0]
    assert che_2018["Nominal"] == 1  # 2018 of the panel is ASEM_iData: CHE first
    table = result.rank_table(2020)
    assert table.shape == (30, 51) and table.min().min() >= 1


# ----------------------------------------------------------------------------- seeds and outputs


def test_same_seed_same_result_other_seed_other_result() -> None:
    coin = asem()
    spec = {"seed": 4, "choices": {**FOUR, "exclude": "each"}}
    a, b = run_ua(coin, spec, n=200), run_ua(coin, spec, n=200)
    assert np.array_equal(a.ranks, b.ranks) and a.stats.equals(b.stats)
    c = run_ua(coin, spec, n=200, seed=5)
    assert not np.array_equal(a.ranks, c.ranks)
    s1, s2, s3 = (run_sa(coin, spec, n=64, seed=s).sobol for s in (4, 4, 5))
    assert s1.equals(s2) and not s1.equals(s3)


def test_asem_ua_stats_shape_and_nominal() -> None:
    result = run_ua(asem(), {"seed": 1, "choices": FOUR}, n=300)
    stats = result.stats
    assert stats.columns.tolist() == ["uCode", "uName", "Nominal", "Mean", "Median", "Q5", "Q95"]
    assert len(stats) == 51 and stats["uCode"].iloc[0] == "CHE" and stats["Nominal"].tolist() == list(range(1, 52))
    assert (stats["Q5"] <= stats["Median"]).all() and (stats["Median"] <= stats["Q95"]).all()
    assert result.ranks.shape == (300, 51) and (np.sort(result.ranks, axis=1) == np.arange(1, 52)).all()


def test_sobol_design_has_n_times_d_plus_2_runs_and_a_weight_pool() -> None:
    problem = ua_problem(asem(), {"choices": {**FOUR, "weights": {"noise": 0.25, "sets": 10}}})
    design = sample_sobol(problem, 32, seed=1)
    assert design.n == 32 * (4 + 2) and design.factors is not None
    assert len(np.unique(design.factors, axis=0)) <= 10  # every run takes one of the 10 noisy sets
    assert np.all(np.abs(design.factors - 1) <= 0.25)


def test_progress_is_bounded_and_ends_at_one() -> None:
    calls: list[tuple[float, str]] = []
    run_ua(asem(), {"choices": FOUR}, n=2000, seed=1, progress=lambda f, m: calls.append((f, m)))
    fractions = [f for f, _ in calls]
    assert fractions[-1] == 1.0 and fractions == sorted(fractions) and len(calls) < 100


# ----------------------------------------------------------------------------- UA.yaml and files

UA_YAML = """\
N: 200
seed: 1
choices:
  treat.winmax: [1, 2, 3, 4, 5]
  normalise:
    - {f_n: n_minmax, l_u: [1, 100]}
    - {f_n: n_zscore, m_sd: [10, 2]}
  weights.noise: 0.25
  aggregate.f_ag: [a_amean, a_gmean]
sobol: {N: 64, num_resamples: 50}
"""


def test_run_ua_files_writes_out_and_sobol(tmp_path: Path) -> None:
    ua = tmp_path / "UA.yaml"
    ua.write_text(UA_YAML, encoding="utf-8")
    out, s = tmp_path / "OUT.csv", tmp_path / "S.csv"
    data, meta = shared_data("coinr-asem", "ASEM_iData.csv"), shared_data("coinr-asem", "ASEM_iMeta.csv")
    result = run_ua_files(data, meta, None, ua, out, sobol_out=s)
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert written.columns.tolist() == ["uCode", "uName", "Nominal", "Mean", "Median", "Q5", "Q95"]
    assert written["uCode"].iloc[0] == "CHE" and result.n == 200
    sobol = pd.read_csv(s, encoding="utf-8-sig")
    assert sobol.columns.tolist() == ["Variable", "S1", "S1_conf", "ST", "ST_conf"]
    assert sobol["Variable"].tolist() == ["treat.winmax", "normalise", "weights", "aggregate.f_ag"]
    other = run_ua_files(data, meta, None, ua, seed=2)
    assert not np.array_equal(other.ranks, result.ranks)


def test_yaml_errors_are_located_and_listed_together() -> None:
    text = """\
N: 1
choices:
  treat.winmax: 3
  normalise.f_n: [n_foo]
  frobnicate: [1]
  weights.noise: 2
  exclude: all
sobol: {output: median}
colour: red
"""
    with pytest.raises(UASpecError) as err:
        load_ua(text)
    msgs = err.value.problems
    assert "第 1 行 N: 须为 ≥ 2 的整数 (line 1 N: expected an integer ≥ 2)" in msgs
    assert any(m.startswith("第 3 行 choices.treat.winmax") for m in msgs)
    assert any("第 4 行 choices.normalise.f_n: 第 1 个备选: 未知方法 'n_foo'" in m for m in msgs)
    assert any(m.startswith("第 5 行 choices.frobnicate: 未知的假设") for m in msgs)
    assert any(m.startswith("第 6 行 choices.weights.noise") for m in msgs)
    assert any(m.startswith("第 7 行 choices.exclude") for m in msgs)
    assert any(m.startswith("第 8 行 sobol") for m in msgs) and any(m.startswith("第 9 行 colour") for m in msgs)


def test_yaml_syntax_and_duplicate_keys() -> None:
    with pytest.raises(UASpecError, match="第 3 行 YAML 语法错误"):
        load_ua("choices:\n  treat.winmax: [1, 2\n")
    with pytest.raises(UASpecError, match=r"line 3: key 'treat\.winmax' given twice"):
        load_ua("choices:\n  treat.winmax: [1]\n  treat.winmax: [2]\n")


def test_choices_checked_against_the_nominal_build() -> None:
    coin = asem("raw")
    text = "choices:\n  treat.winmax: [1, 2]\n  weights.noise: {7: 0.1}\n  impute.f_i: [i_mean_grp]\n"
    with pytest.raises(UASpecError) as err:
        ua_problem(coin, text)
    msgs = " | ".join(err.value.problems)
    assert "第 2 行 choices.treat.winmax: 构建日志中没有 treat 步骤" in msgs
    assert "第 3 行 choices.weights" in msgs and "levels [7] not in 1 … 3" in msgs
    assert "第 4 行 choices.impute.f_i: 构建日志中没有 impute 步骤" in msgs
    # a method that needs what the nominal step does not give
    full = asem()
    with pytest.raises(UASpecError, match="a_genmean needs p"):
        ua_problem(full, "choices:\n  aggregate.f_ag: [a_amean, a_genmean]\n")
    ua_problem(full, "choices:\n  impute.f_i: [i_mean, i_median_grp]\n")  # use_group comes from the nominal


def test_an_only_child_cannot_be_dropped() -> None:
    data = pd.DataFrame({"uCode": list("ABC"), "x1": [1.0, 2, 3], "x2": [3.0, 1, 2], "x3": [2.0, 2, 1]})
    fw = pd.DataFrame(
        {
            "iCode": ["x1", "x2", "x3", "P1", "P2", "Index"],
            "Level": [1, 1, 1, 2, 2, 3],
            "Parent": ["P1", "P1", "P2", "Index", "Index", None],
            "Direction": [1] * 6,
            "Weight": [1.0] * 6,
            "Type": ["Indicator"] * 3 + ["Aggregate"] * 3,
        }
    )
    coin = new_coin(data, fw).aggregate(dset="Raw")
    with pytest.raises(UASpecError, match="cannot be dropped: x3"):
        ua_problem(coin, {"choices": {"exclude": ["x1", "x3"]}})
    assert ua_problem(coin, {"choices": {"exclude": "each"}}).exclude_codes == ("x1", "x2")


def test_unknown_sobol_unit_is_refused() -> None:
    with pytest.raises(UASpecError, match="unit XXX not in the data"):
        ua_problem(asem(), {"choices": FOUR, "sobol": {"output": {"unit": "XXX"}}})
