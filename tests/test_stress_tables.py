"""kaifang.stress.tables / nbs / employment: the official NBS tables read back balanced, with located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kaifang.stress.employment import NBS42_INDUSTRIES, read_nbs_employment
from kaifang.stress.nbs import read_nbs
from kaifang.stress.tables import BalanceError, IOTable
from tests.conftest import assert_pure, shared_data


def test_pure() -> None:
    assert_pure("kaifang.stress.tables", "kaifang.stress.nbs", "kaifang.stress.employment")


def miller_blair() -> IOTable:
    z = np.array([[150.0, 500.0], [200.0, 100.0]])
    return IOTable.from_arrays(z, [[350.0], [1700.0]], [[650.0, 1400.0]], ["1", "2"], names_zh=("农业", "工业"))


def test_from_arrays_labels_results() -> None:
    t = miller_blair()
    np.testing.assert_allclose(t.x, [1000.0, 2000.0])
    om = t.output_multipliers()
    assert list(om.index) == ["1", "2"] and om.name == "output_multiplier"
    np.testing.assert_allclose(om.to_numpy(), [1.15 / 0.7575, 1.10 / 0.7575], atol=1e-12)
    jobs = pd.Series({"2": 500.0, "1": 300.0})  # by code, any order: e = [0.3, 0.25]
    np.testing.assert_allclose(t.employment_multipliers(jobs).to_numpy(), [0.335 / 0.7575, 0.2875 / 0.7575])
    shock = t.demand_shock(pd.Series({"1": 250.0, "2": -200.0}))
    np.testing.assert_allclose(shock["output"].to_numpy(), [247.5247525, -158.4158416], atol=1e-6)  # x_new − x
    np.testing.assert_allclose(shock["value_added"].sum(), 50.0, atol=1e-9)  # no imports: ΔVA = Σ Δy
    lk = t.linkages()
    assert list(lk.columns) == ["name_zh", "backward", "forward", "key"]
    assert lk.loc["1", "key"] and not lk.loc["2", "key"]
    with pytest.raises(ValueError, match=r"no value for sectors \['2'\]"):
        t.employment_multipliers(pd.Series({"1": 1.0}))


def test_check_locates_the_unbalanced_row_and_column() -> None:
    z = np.array([[150.0, 500.0], [200.0, 100.0]])
    t = IOTable.from_arrays(z, [[350.0], [1700.0]], [[650.0, 1400.0]], ["1", "2"], check=False)
    bad = IOTable.from_arrays(
        z, [[350.0], [1700.0]], [[650.0, 1399.0]], ["1", "2"], names_zh=("农业", "工业"), check=False
    )
    t.check()
    with pytest.raises(BalanceError, match=r"column 2 工业: inputs \+ value added = 1999 but expected 2000") as err:
        bad.check()
    assert err.value.problems == [("column 2 工业", "inputs + value added", 2000.0, 1999.0)]


def test_2020_42_reads_balanced() -> None:
    t = read_nbs(shared_data("china-io", "china_2020_42.csv"))
    assert t.n == 42 and t.layout == "non-competitive" and t.unit == "万元"
    assert t.codes[5] == "06" and t.names_zh[5] == "食品和烟草" and t.fd_codes == ("TC", "FU201", "FU202", "EX")
    # rows: intermediate + final use = total output; columns: inputs + value added = total input = total output
    np.testing.assert_allclose(t.Z.sum(axis=1) + t.Y.sum(axis=1), t.x, rtol=1e-9)
    np.testing.assert_allclose(t.Z.sum(axis=0) + t.Z_imports.sum(axis=0) + t.VA.sum(axis=0), t.x, rtol=1e-9)
    np.testing.assert_allclose(t.value_added.sum(), 1.0164e10, rtol=1e-4)  # 101.6 万亿元
    np.testing.assert_allclose(t.A.sum(axis=0) + t.A_imports.sum(axis=0) + t.v, 1.0, atol=1e-12)
    om = t.output_multipliers()
    assert om.min() > 1.5 and om.max() < 3.2
    assert om.idxmax() == "08" and om.idxmin() == "33"  # 纺织服装鞋帽 most, 房地产 least
    # demand-driven identity: L y reproduces x
    np.testing.assert_allclose(t.L @ t.y, t.x, rtol=1e-9)
    # with imports, a unit of final demand creates less than one unit of domestic value added
    vam = t.value_added_multipliers()
    assert ((vam > 0.5) & (vam < 1.0)).all()


def test_2020_42_linkages_and_extraction() -> None:
    t = read_nbs(shared_data("china-io", "china_2020_42.csv"))
    lk = t.linkages()
    np.testing.assert_allclose(lk[["backward", "forward"]].mean().to_numpy(), [1.0, 1.0])
    top_backward = lk["backward"].nlargest(3).index.tolist()
    assert top_backward[0] == "08"
    assert {"14", "12"} <= set(lk.index[lk["key"]])  # metals and chemicals are key sectors
    ext = t.extraction_linkages()
    assert (ext > 0).all()
    # construction buys from nearly every sector and sells little to them: extracting it costs the most output
    assert ext.idxmax() == "27" and 0.15 < ext.max() < 0.25
    assert {"12", "14"} <= set(ext.nlargest(5).index)


def test_all_published_tables_read() -> None:
    for name, n in [("china_2017_42.csv", 42), ("china_2018_42.csv", 42), ("china_2017_149.csv", 149)]:
        t = read_nbs(shared_data("china-io", name))
        assert t.n == n
        assert (t.output_multipliers() > 1).all()


def test_2020_153_competitive_layout_split_proportionally() -> None:
    path = shared_data("china-io", "china_2020_153.csv")
    raw = pd.read_csv(path, dtype={"Code": str})
    t = read_nbs(path)
    assert t.n == 153 and t.layout.startswith("competitive")
    assert t.fd_codes == ("FU101", "FU102", "FU103", "FU201", "FU202", "EX")
    sec = raw[raw["Code"].str.isdigit()]
    # imports re-appear as the imported block; exports stay domestic
    np.testing.assert_allclose(t.Z_imports.sum() + t.Y_imports.sum(), sec["IM"].sum(), rtol=1e-12)
    np.testing.assert_allclose(t.final_use("EX"), sec["EX"].to_numpy())
    np.testing.assert_allclose(t.value_added.sum(), 1.0164e10, rtol=1e-4)  # same economy as the 42-sector table
    np.testing.assert_allclose(t.A.sum(axis=0) + t.A_imports.sum(axis=0) + t.v, 1.0, atol=1e-12)
    om = t.output_multipliers()
    assert om.min() > 1.0 and om.max() < 3.5


def test_corrupted_file_names_row_and_column(tmp_path: Path) -> None:
    raw = pd.read_csv(shared_data("china-io", "china_2020_42.csv"), dtype={"Code": str}, index_col=0)
    raw.loc[5, "07"] += 1e6  # 食品和烟草 sold to 纺织品: the row and its column no longer add up
    bad = tmp_path / "bad.csv"
    raw.to_csv(bad)
    with pytest.raises(BalanceError) as err:
        read_nbs(bad)
    where = {p[0] for p in err.value.problems}
    assert "row 06 食品和烟草 (Domestic)" in where and "column 07 纺织品" in where
    assert "difference 1e+06" in str(err.value)


def test_wrong_files_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("Code,Description\n01,a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        read_nbs(f)
    raw = pd.read_csv(shared_data("china-io", "china_2020_42.csv"), dtype={"Code": str}, index_col=0)
    raw.loc[3, "02"] = np.nan
    raw.to_csv(f)
    with pytest.raises(ValueError, match="domestic row 04 column 02 is not a number"):
        read_nbs(f)
    raw.loc[3, "02"] = 0.0
    raw.drop(columns=["FU202"]).to_csv(f)
    with pytest.raises(ValueError, match=r"missing columns \['FU202'\]"):
        read_nbs(f)


def test_employment_by_io_sector() -> None:
    jobs = read_nbs_employment(shared_data("china-io", "china_employment.csv"), 2018)
    assert list(jobs.index) == list(NBS42_INDUSTRIES) and len(jobs) == 42
    np.testing.assert_allclose(jobs.sum(), 77586e4, rtol=1e-4)  # 全国就业人员 2018: 77,586 万人 (rounding only)
    assert jobs["01"] == 20772e4
    t = read_nbs(shared_data("china-io", "china_2018_42.csv"))
    em = t.employment_multipliers(jobs)  # persons per 万元 of final demand
    assert em.idxmax() == "01" and (em > 0).all()
    with pytest.raises(ValueError, match="no employment for 2030"):
        read_nbs_employment(shared_data("china-io", "china_employment.csv"), 2030)


def test_arrays_are_read_only_so_cached_inverses_stay_valid() -> None:
    z = np.array([[150.0, 500.0], [200.0, 100.0]])
    t = IOTable.from_arrays(z, [[350.0], [1700.0]], [[650.0, 1400.0]], ["1", "2"])
    z[0, 0] = 0.0  # the caller's array is copied, not frozen
    assert t.Z[0, 0] == 150.0
    for arr in (t.Z, t.x, t.A, t.L):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1.0
