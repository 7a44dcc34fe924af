"""COINr table files and YAML specs (kaifang.indexing.spec) — run_files, defaults, located errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kaifang.indexing.spec import DEFAULT_STEPS, SpecError, complete_framework, load_spec, run_files
from tests.conftest import assert_pure, shared_data

SPEC = """\
steps:
  - denominate: {}
  - impute: {f_i: i_mean_grp, group: EurAsia_group}
  - screen: {dat_thresh: 0.9, unit_screen: byNA}
  - treat: {f1: winsorise, winmax: 5, skew_thresh: 2, kurt_thresh: 3.5, f2: log_CT}
  - normalise: {f_n: n_minmax, l_u: [0, 100]}
  - aggregate: {f_ag: a_amean}
"""


def asem_data() -> Path:
    return shared_data("coinr-asem", "ASEM_iData.csv")


def asem_meta() -> Path:
    return shared_data("coinr-asem", "ASEM_iMeta.csv")


def test_pure() -> None:
    assert_pure("kaifang.indexing.spec")


def test_asem_files_with_the_issue_spec(tmp_path: Path) -> None:
    spec = tmp_path / "SPEC.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "OUT.csv"
    table = run_files(asem_data(), asem_meta(), spec, out)
    written = pd.read_csv(out, encoding="utf-8-sig").set_index("uCode")
    assert written.columns.tolist() == [
        "uName", "Time", "Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P",
        "Environ", "Social", "SusEcFin", "Index_rank",
    ]  # fmt: skip
    assert written.loc["CHE", "Index"] == pytest.approx(68.383724, abs=1e-6) and written.loc["CHE", "Index_rank"] == 1
    assert written.loc["RUS", "Index"] == pytest.approx(35.655545, abs=1e-6) and written.loc["RUS", "Index_rank"] == 51
    assert len(table) == 51 and set(written["Time"]) == {2018}  # ASEM_iData is the 2018 cross-section


def test_without_a_spec_the_coinr_example_defaults_apply(tmp_path: Path) -> None:
    table = run_files(asem_data(), asem_meta())
    assert table.set_index("uCode").loc["AUT", "Index"] == pytest.approx(61.901803, abs=1e-6)
    steps = [next(iter(s)) for s in DEFAULT_STEPS]
    assert steps == ["denominate", "impute", "screen", "treat", "normalise", "aggregate"]


def test_panel_files_give_one_row_per_unit_and_year(tmp_path: Path) -> None:
    out = tmp_path / "OUT.csv"
    table = run_files(shared_data("coinr-asem", "ASEM_iData_p.csv"), asem_meta(), SPEC, out)
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert len(written) == 255 and written.columns.tolist()[:3] == ["uCode", "uName", "Time"]
    assert sorted(written["Time"].unique().tolist()) == [2018, 2019, 2020, 2021, 2022]
    che = table[(table["uCode"] == "CHE") & (table["Time"] == 2018)]
    assert che["Index"].iloc[0] == pytest.approx(68.383724, abs=1e-6)


def test_small_files_by_hand(tmp_path: Path) -> None:
    # groups and the denominator are not in FRAMEWORK: added as Group / Denominator
    rows = ["uCode,uName,region,pop,i1,i2,i3,i4", "A,甲,东,1,0,10,1,3", "B,乙,西,1,5,0,2,3", "C,丙,东,2,20,5,3,6"]
    (tmp_path / "DATA.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "FRAMEWORK.csv").write_text(
        "iCode,iName,Level,Parent,Direction,Weight,Type,Denominator\n"
        "i1,开放度,1,P1,1,1,Indicator,pop\n"
        "i2,成本,1,P1,-1,1,Indicator,\n"
        "i3,枢纽,1,P2,1,1,Indicator,\n"
        "i4,协同,1,P2,1,1,Indicator,\n"
        "P1,制度型开放,2,Index,1,1,Aggregate,\n"
        "P2,枢纽经济,2,Index,1,3,Aggregate,\n"
        "Index,开放合作指数,3,,1,1,Aggregate,\n",
        encoding="utf-8",
    )
    spec = {"steps": [{"denominate": None}, {"normalise": {"f_n": "n_minmax"}}, {"aggregate": {}}]}
    table = run_files(tmp_path / "DATA.csv", tmp_path / "FRAMEWORK.csv", spec, tmp_path / "OUT.csv")
    # i1/pop = 0, 5, 10 → 0, 50, 100; i2 reversed → 0, 100, 50; P1 = 0, 75, 75
    # i3 → 0, 50, 100; i4 → 0, 0, 100; P2 = 0, 25, 100; Index = (P1 + 3·P2)/4 = 0, 37.5, 93.75
    assert table["uCode"].tolist() == ["C", "B", "A"] and table["Index"].tolist() == [93.75, 37.5, 0]
    assert table["uName"].tolist() == ["丙", "乙", "甲"]
    assert "丙" in (tmp_path / "OUT.csv").read_text(encoding="utf-8-sig")


def test_complete_framework_refuses_an_unlisted_numeric_column() -> None:
    data = pd.DataFrame({"uCode": ["A"], "region": ["东"], "pop": [1.0], "extra": [2.0], "i1": [1.0]})
    fw = pd.DataFrame({"iCode": ["i1"], "Type": ["Indicator"], "Denominator": ["pop"]})
    done = complete_framework(data.drop(columns=["extra"]), fw)
    assert done.set_index("iCode")["Type"].to_dict() == {"i1": "Indicator", "region": "Group", "pop": "Denominator"}
    with pytest.raises(SpecError, match="extra"):
        complete_framework(data, fw)


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as err:
        load_spec(text)
    return err.value.problems


def test_bad_specs_are_refused_with_located_messages() -> None:
    bad = """\
steps:
  - denominate: {}
  - impute: {f_i: i_mean_grp}
  - treat: {winmax: -1, foo: 2}
  - normalise: {f_n: n_foo}
  - aggregate: {f_ag: a_amean}
  - aggreg: {}
"""
    msgs = problems(bad)
    assert msgs[0] == (
        "第 2 步 (第 3 行) impute: i_mean_grp 需要 use_group (分组列) "
        "(step 2 (line 3) impute: i_mean_grp needs use_group (a group column))"
    )
    assert any(m.startswith("第 3 步 (第 4 行) treat: 未知参数 'foo'") for m in msgs)
    assert any("step 3 (line 4) treat: winmax=-1: expected an integer ≥ 0" in m for m in msgs)
    normalise = next(m for m in msgs if m.startswith("第 4 步"))
    assert "未知方法 'n_foo'; 可选: n_minmax, n_zscore" in normalise and "n_goalposts" in normalise
    assert "step 4 (line 5) normalise: unknown method 'n_foo'" in normalise
    assert any("第 6 步 (第 7 行): 未知步骤 'aggreg'" in m for m in msgs)


def test_other_spec_problems() -> None:
    assert "YAML" in problems("steps: [denominate: {]\n")[0]
    assert "non-empty 'steps' list" in problems("steps: []\n")[0]
    assert "no aggregate step" in problems("steps:\n  - normalise: {}\n")[0]
    assert any("unknown top-level key 'step'" in m for m in problems("step: []\nsteps: [aggregate]\n"))
    assert "parameters must be a mapping" in problems("steps:\n  - aggregate: [1, 2]\n")[0]
    ok = load_spec("steps:\n  - normalise\n  - aggregate: {f_ag: {2: a_amean, 3: a_gmean}}\nlevel_names: [a, b, c]\n")
    assert ok["steps"][0] == ("normalise", {}) and ok["level_names"] == ["a", "b", "c"]
