"""kaifang.stress.scenarios: scenarios as data, their translation, the static models by hand, ARIO, the library.

Hand example (Miller & Blair 2009, ch. 2): Z = [[150, 500], [200, 100]], x = [1000, 2000], so
A = [[0.15, 0.25], [0.2, 0.05]], det(I − A) = 0.85·0.95 − 0.25·0.2 = 0.7575 and
L = [[0.95, 0.25], [0.2, 0.85]] / 0.7575. Final demand y = [350, 1700], split here into TC = [250, 1300] and
EX = [100, 400]; value added [650, 1400] (v = [0.65, 0.70]).

* Tariff on both sectors, share_of_exports 0.5, cut 0.4: Δy = −0.2·EX = [−20, −80];
  Δx = L Δy = [(0.95·−20 + 0.25·−80), (0.2·−20 + 0.85·−80)] / 0.7575 = [−39, −72] / 0.7575
  = [−51.4851485, −95.0495050]; ΔVA = v̂Δx sums to ΣΔy = −100 (no imports).
* Tariff on sector 1 only (share 0.4, cut 0.5): Δy = [−20, 0], Δx = [−19, −4] / 0.7575 = [−25.0825083, −5.2805281].
* 10 % capacity loss in sector 1: mixed model x₁ = 900, x₂ = (1700 + 0.2·900) / 0.95 = 1978.9473684
  (Δx = [−100, −21.0526316]); Ghosh: B = [[0.15, 0.5], [0.1, 0.05]], w = x − Z'i = [650, 1400],
  x₂ = (900·0.5 + 1400) / 0.95 = 1947.3684211 (Δx₂ = −52.6315789).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaifang.stress.ario import run_ario
from kaifang.stress.demo_table import BAZHONG_2020_VA, demo_bazhong_table, demo_national_table
from kaifang.stress.nbs import read_nbs
from kaifang.stress.scenarios import (
    Scenario,
    ScenarioError,
    ScenarioResult,
    Shock,
    check_against,
    compare,
    dump_scenario,
    library,
    load_scenario,
    profile,
    recovery_day,
    run_scenario,
)
from kaifang.stress.tables import IOTable
from tests.conftest import assert_pure, shared_data

L_MB = np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575


def mb_table() -> IOTable:
    z = np.array([[150.0, 500.0], [200.0, 100.0]])
    y = np.array([[250.0, 100.0], [1300.0, 400.0]])
    return IOTable.from_arrays(
        z,
        y,
        np.array([[650.0, 1400.0]]),
        ["1", "2"],
        fd_codes=("TC", "EX"),
        names_zh=("农业", "工业"),
        source="M&B 2009 表 2.3",
    )


def scenario(*shocks: Shock, days: int = 60, key: str = "s", static: bool = True) -> Scenario:
    return Scenario(key=key, name_zh="测试", kind="custom", shocks=shocks, horizon_days=days, static=static)


def test_pure() -> None:
    assert_pure(
        "kaifang.stress.scenarios",
        "kaifang.stress.scenario_schema",
        "kaifang.stress.scenario_run",
        "kaifang.stress.scenario_result",
        "kaifang.stress.demo_table",
    )


def test_tariff_static_equals_leontief_by_hand() -> None:
    t = mb_table()
    np.testing.assert_allclose(t.L, L_MB, atol=1e-12)
    s = scenario(Shock("export_demand", sectors=("1", "2"), share_of_exports=0.5, cut=0.4))
    r = run_scenario(t, s)
    steps = r.method["steps"]
    assert steps[0]["final_demand_change"] == {"1": -20.0, "2": -80.0}
    np.testing.assert_allclose(r.sectors["static_dx"], [-51.4851485, -95.0495050], atol=1e-6)
    np.testing.assert_allclose(r.sectors["static_dx"], L_MB @ [-20.0, -80.0], rtol=1e-12)
    np.testing.assert_allclose(r.sectors["static_dv"], [0.65 * -39 / 0.7575, 0.7 * -72 / 0.7575], rtol=1e-12)
    assert r.sectors["static_dv"].sum() == pytest.approx(-100.0, abs=1e-9)  # no imports: ΔVA = ΣΔy
    np.testing.assert_array_equal(r.sectors["supply_dx"], 0.0)  # a demand shock has no supply side
    # ARIO: a permanent cut from day 0 loses output in both sectors; a 60-day run loses less than the annual static
    loss = r.sectors["ario_production_loss"]
    assert (loss > 0).all() and loss.sum() < -r.sectors["static_dx"].sum()
    assert r.totals["recovery_day"] is None  # permanent: still below at the end
    assert r.table_meta == {
        "source": "M&B 2009 表 2.3",
        "unit": "万元",
        "n": 2,
        "layout": "non-competitive",
        "year": 2009,
        "fd_codes": ["TC", "EX"],
    }


def test_capacity_static_mixed_and_ghosh_by_hand() -> None:
    r = run_scenario(mb_table(), scenario(Shock("capacity", sectors=("1",), loss=0.1, duration=10)))
    np.testing.assert_allclose(r.sectors["static_dx"], [-100.0, 1880 / 0.95 - 2000], atol=1e-9)
    np.testing.assert_allclose(r.sectors["supply_dx"], [-100.0, 1850 / 0.95 - 2000], atol=1e-9)
    assert r.method["static"]["constrained"] == ["1"]
    assert r.sectors.loc["1", "min_production_ratio"] < 0.95
    assert r.sectors.loc["1", "days_below_99"] >= 10


def test_no_shock_no_loss() -> None:
    t = demo_national_table()
    s = scenario(Shock("export_demand", sectors=("06",), cut=0.0), Shock("capacity", sectors=("14",), loss=0.0))
    r = run_scenario(t, s)
    assert (r.sectors["ario_production_loss"] == 0).all() and (r.sectors["ario_va_loss"] == 0).all()
    assert (r.sectors["static_dx"] == 0).all() and (r.paths == 1.0).all().all()
    assert r.totals["production_loss"] == 0 and r.totals["peak_daily_loss"] == 0 and r.totals["recovery_day"] == 0
    assert (r.sectors["recovery_day"] == 0).all() and (r.sectors["days_below_99"] == 0).all()


def test_profile_and_recovery_day() -> None:
    np.testing.assert_allclose(
        profile(8, Shock("capacity", start=2, duration=3, recovery_days=1)), [0, 0, 1, 1, 1, 0.5, 0, 0]
    )
    np.testing.assert_allclose(profile(6, Shock("siphon", phase_in_days=4)), [0.25, 0.5, 0.75, 1, 1, 1])
    assert recovery_day([1, 0.9, 0.9995, 1.01, 1.0]) == 2  # a rebound above the baseline counts as recovered
    assert recovery_day([1, 1, 1]) == 0
    assert recovery_day([1, 0.9, 0.95]) is None


def test_jobs_and_progress() -> None:
    t = mb_table()
    seen: list[tuple[float, str]] = []
    s = scenario(Shock("export_demand", sectors=("1",), share_of_exports=0.4, cut=0.5), days=100)
    r = run_scenario(t, s, jobs=pd.Series({"1": 300.0, "2": 500.0}), progress=lambda f, m: seen.append((f, m)))
    # e = [0.3, 0.25]; static jobs = ê L Δy with Δy = [−20, 0]
    np.testing.assert_allclose(r.sectors["static_djobs"], [0.3 * -19 / 0.7575, 0.25 * -4 / 0.7575], rtol=1e-12)
    np.testing.assert_allclose(
        r.sectors["ario_jobs_loss"], np.array([0.3, 0.25]) * r.sectors["ario_production_loss"] / 365
    )
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions) and len(seen) > 50
    calls: list[tuple[int, int]] = []
    run_ario(t.Z, t.y, t.value_added, 365, progress=lambda d, n: calls.append((d, n)))
    assert len(calls) == 53 and calls[0] == (7, 365) and calls[-1] == (365, 365)  # every 7 days, and the last


BAD = """\
key: bad
name_zh: 坏情景
kind: tariff
shocks:
  - type: export_demand
    sectors: ["06", "99"]
    cut: -0.5
  - type: tarif
    sectors: ["06"]
  - type: supplier
    products: ["12"]
    colour: red
  - type: capacity
    sectors: ["14"]
    loss: 0.3
    duration: 1.5
"""


def test_errors_are_located_all_at_once() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(BAD, where="bad.yaml")
    assert err.value.problems == [
        ("bad.yaml, line 7, shocks[0].cut", "须在 0 到 1 之间，而不是 -0.5 (must lie between 0 and 1, not -0.5)"),
        (
            "bad.yaml, line 8, shocks[1].type",
            "未知冲击类型 tarif（可用：export_demand、corridor、supplier、capacity、siphon）"
            " (unknown shock type tarif)",
        ),
        (
            "bad.yaml, line 12, shocks[2].colour",
            "未知字段 colour（允许：type、start、duration、recovery_days、phase_in_days、"
            "note、products、drop） (unknown field colour)",
        ),
        ("bad.yaml, line 10, shocks[2].drop", "supplier 冲击缺少字段 drop (missing field drop)"),
        (
            "bad.yaml, line 16, shocks[3].duration",
            "应为非负整数天数，而不是 1.5 (expected a whole number of days ≥ 0, not 1.5)",
        ),
    ]
    assert str(err.value).startswith("bad.yaml, line 7, shocks[0].cut: 须在 0 到 1 之间")
    # an unknown sector is found against the table, at its line
    ok = load_scenario(BAD.split("  - type: tarif")[0].replace("-0.5", "0.5"), where="bad.yaml")
    with pytest.raises(ScenarioError) as err:
        check_against(ok, demo_national_table())
    assert err.value.problems[0][0] == "bad.yaml, line 6, shocks[0].sectors"
    assert err.value.problems[0][1].startswith("表中没有部门 99 (not in the table")
    with pytest.raises(ScenarioError, match=r"line 1, key: 缺少字段 key|line 1: 缺少|line 1, key"):
        load_scenario("name_zh: x\nkind: tariff\nshocks: [{type: capacity, sectors: ['01'], loss: 0.1}]\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario("key: a\nname_zh: x\nkind: tariff\nshocks:\n  - type: capacity\n   loss: 0.1\n")
    assert err.value.problems[0][0] == "line 6" and "YAML 语法错误" in err.value.problems[0][1]


def test_regional_table_needs_export_share() -> None:
    bz, _ = demo_bazhong_table()
    s = load_scenario(
        "key: t\nname_zh: x\nkind: tariff\nshocks:\n  - type: export_demand\n    sectors: ['06']\n    cut: 0.5\n"
    )
    with pytest.raises(ScenarioError, match=r"line 5, shocks\[0\].final_use: 表中没有最终使用列 EX"):
        check_against(s, bz)
    with_share = Scenario(
        **{**s.__dict__, "shocks": (Shock("export_demand", sectors=("06",), cut=0.5, export_share=0.1),)}
    )
    r = run_scenario(bz, with_share)
    assert r.method["steps"][0]["final_demand_change"]["06"] == pytest.approx(-0.05 * bz.Y[5, 0])


codes = st.lists(st.sampled_from([f"{i:02d}" for i in range(1, 43)]), min_size=1, max_size=4, unique=True)
fraction = st.floats(0, 1, allow_nan=False)
days = st.integers(0, 400)
shocks = st.one_of(
    st.builds(
        Shock,
        type=st.just("export_demand"),
        sectors=codes.map(tuple),
        cut=fraction,
        share_of_exports=fraction,
        market=st.sampled_from(["", "美国", "EU"]),
        start=days,
        duration=st.none() | days,
    ),
    st.builds(
        Shock,
        type=st.just("corridor"),
        sectors=codes.map(tuple),
        loss=fraction,
        import_availability=fraction,
        products=codes.map(tuple),
        duration=days,
        recovery_days=days,
    ),
    st.builds(Shock, type=st.just("supplier"), products=codes.map(tuple), drop=fraction, duration=days),
    st.builds(
        Shock,
        type=st.just("siphon"),
        sectors=codes.map(tuple),
        demand_share=fraction,
        capacity_share=fraction,
        phase_in_days=days,
        note=st.sampled_from(["", "迁往成都", "a: b"]),
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    shocks=st.lists(shocks, min_size=1, max_size=3).map(tuple),
    horizon=st.integers(1, 2000),
    text=st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=30).map(str.strip),
    static=st.booleans(),
)
def test_dump_load_round_trip(shocks: tuple[Shock, ...], horizon: int, text: str, static: bool) -> None:
    s = Scenario(
        key="k-1",
        name_zh=text or "名",
        kind="custom",
        shocks=shocks,
        description=text,
        source=text,
        horizon_days=horizon,
        static=static,
        params={"psi": 0.7, "inventory_days": {"default": 90.0, "29": float("inf")}},
    )
    assert load_scenario(dump_scenario(s)) == s


def test_compare_by_hand() -> None:
    t = mb_table()
    a = run_scenario(t, scenario(Shock("export_demand", sectors=("1",), share_of_exports=0.4, cut=0.5), key="a"))
    b = run_scenario(t, scenario(Shock("export_demand", sectors=("1", "2"), share_of_exports=0.5, cut=0.4), key="b"))
    c = compare(a, b)
    np.testing.assert_allclose(c.loc[["1", "2"], "static_dx_a"], [-19 / 0.7575, -4 / 0.7575], rtol=1e-12)
    np.testing.assert_allclose(c.loc[["1", "2"], "static_dx_diff"], [-20 / 0.7575, -68 / 0.7575], rtol=1e-12)
    assert c.loc["total", "static_dx_a"] == pytest.approx(-23 / 0.7575)
    assert c.loc["total", "static_dx_b"] == pytest.approx(-111 / 0.7575)
    assert c.loc["total", "static_dx_diff"] == pytest.approx(-88 / 0.7575)
    assert c.loc["total", "name_zh"] == "合计"
    diff = c.loc["1", "ario_production_loss_b"] - c.loc["1", "ario_production_loss_a"]
    assert c.loc["1", "ario_production_loss_diff"] == diff > 0
    assert c.attrs["keys"] == ("a", "b")
    assert c.attrs["totals"]["production_loss"]["diff"] == pytest.approx(
        b.totals["production_loss"] - a.totals["production_loss"]
    )


def test_json_round_trip_is_compact_and_exact() -> None:
    s = library()["supplier_loss"]
    r = run_scenario(demo_national_table(), s)
    d = r.to_json()
    text = json.dumps(d, allow_nan=False)  # no NaN: None where there is no value
    back = ScenarioResult.from_json(json.loads(text))
    assert back.scenario == s and back.totals == r.totals and back.method["steps"] == r.method["steps"]
    pd.testing.assert_frame_equal(back.sectors, r.sectors, check_dtype=False)
    pd.testing.assert_frame_equal(back.daily, r.daily, check_index_type=False)
    assert len(back.paths) == 120 and back.paths.index[0] == 0 and back.paths.index[-1] == s.horizon_days - 1
    day = int(back.paths.index[60])
    assert back.paths.loc[day, "12"] == pytest.approx(r.paths.loc[day, "12"], abs=1e-6)
    assert len(text) < 120_000


def test_demo_national_table() -> None:
    t = demo_national_table()
    t.check(rtol=1e-12)  # balanced exactly (whole 万元, VA004 the residual)
    assert t.n == 42 and t.codes[28] == "29" and t.names_zh[28] == "交通运输、仓储和邮政"
    assert t.fd_codes == ("TC", "FU201", "FU202", "EX") and t.unit == "万元" and "合成表" in t.source
    assert t.x.sum() == pytest.approx(2.6e10, rel=1e-3)
    col = t.A.sum(axis=0)
    assert col.min() >= 0.4 and col.max() <= 0.8
    m = t.import_coefficients
    assert m.min() >= 0.05 - 1e-4 and m.max() <= 0.15 + 1e-4
    assert 0.2 < (t.A > 0).mean() < 0.5  # sparse-ish
    assert (t.Y >= 0).all() and (t.VA > 0).all()
    om = t.output_multipliers()
    assert om.min() > 1.5 and om.max() < 3.5
    again = demo_national_table.__wrapped__()  # deterministic: built afresh, the same numbers
    np.testing.assert_array_equal(again.Z, t.Z)
    np.testing.assert_array_equal(again.VA, t.VA)


def test_demo_bazhong_table() -> None:
    nat = demo_national_table()
    bz, reg = demo_bazhong_table()
    bz.check()
    assert (reg.A <= nat.A).all() and reg.method == "flq" and reg.delta == 0.3
    assert bz.value_added.sum() == pytest.approx(sum(BAZHONG_2020_VA.values()), rel=1e-12)  # 766.99 亿元
    assert (bz.output_multipliers() < nat.output_multipliers()).all()
    assert bz.fd_codes == ("FD",) and "巴中" in bz.source
    slq, _ = demo_bazhong_table(method="slq")
    assert (slq.A >= bz.A - 1e-15).all()  # FLQ shrinks more than SLQ for so small a region
    with pytest.raises(ValueError, match="地区产出缺少部门"):
        demo_bazhong_table(pd.Series({"01": 1.0}))


def _check_library_run(name: str, table: IOTable) -> None:
    for key, s in library().items():
        r = run_scenario(table, s)
        shocked = [c for shock in s.shocks for c in (shock.sectors or shock.products)]
        assert r.totals["production_loss"] > 0, (name, key)
        assert r.totals["va_loss_pct"] > 0
        if any(sh.type in ("export_demand", "capacity", "siphon", "corridor") for sh in s.shocks):
            sectors = [c for shock in s.shocks for c in shock.sectors]
            assert (r.sectors.loc[sectors, "ario_production_loss"] > 0).all(), (name, key)
        else:  # supplier: the buyers of the missing inputs lose
            assert r.sectors["min_production_ratio"].min() < 0.99, (name, key)
        assert set(shocked) <= set(table.codes)
        if s.kind == "siphon":  # permanent: no recovery, the shocked sectors end below their baseline
            assert r.totals["recovery_day"] is None
            assert (r.paths.iloc[-1][list(s.shocks[0].sectors)] < 0.99).all()
        else:
            assert r.totals["recovery_day"] is not None and r.totals["recovery_day"] < s.horizon_days, (name, key)


def test_library_on_demo_tables() -> None:
    lib = library()
    assert list(lib) == ["tariff_us", "corridor_closure", "supplier_loss", "chengyu_siphon", "tech_blockade"]
    for s in lib.values():
        assert s.source.startswith(("§", "摘要")) and s.description
        assert load_scenario(dump_scenario(s)) == s
    _check_library_run("demo", demo_national_table())
    _check_library_run("demo-bazhong", demo_bazhong_table()[0])


def test_library_on_the_real_2020_table() -> None:
    t = read_nbs(shared_data("china-io", "china_2020_42.csv"))
    _check_library_run("2020", t)
    r = run_scenario(t, library()["tariff_us"])
    # EX of 01, 06, 07, 08 × 17 % × 50 %
    ex = t.final_use("EX")[[0, 5, 6, 7]]
    assert -r.method["steps"][0]["final_demand_change"]["07"] == pytest.approx(0.085 * ex[2])
    dy = np.zeros(42)
    dy[[0, 5, 6, 7]] = -0.085 * ex
    np.testing.assert_allclose(r.sectors["static_dx"], t.L @ dy, rtol=1e-10)


def test_a_result_with_a_non_storable_input_survives_json() -> None:
    """∞ inventory days (transport is not storable) is not JSON: the stored result keeps the scenario's exact YAML."""
    text = """key: inf_days
name_zh: 运输不可储存
kind: custom
horizon_days: 20
params:
  inventory_days: {default: 90, "2": .inf}
shocks:
  - {type: capacity, sectors: ["1"], loss: 0.2, start: 2, duration: 5}
"""
    result = run_scenario(mb_table(), load_scenario(text))
    stored = json.loads(json.dumps(result.to_json(), allow_nan=False))
    again = ScenarioResult.from_json(stored)
    assert again.scenario == result.scenario
    assert again.scenario.params["inventory_days"]["2"] == math.inf
    assert again.totals == pytest.approx(result.totals)
