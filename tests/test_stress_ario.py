"""kaifang.stress.ario: the first day by hand on Miller & Blair's two sectors; steady state, propagation, recovery and
conservation on the 2020 42-sector table."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kaifang.stress.ario import ARIOParams, ARIOResult, capacity_loss_path, run_ario
from kaifang.stress.nbs import read_nbs
from kaifang.stress.tables import IOTable
from tests.conftest import assert_pure, shared_data

Z = np.array([[150.0, 500.0], [200.0, 100.0]])
Y = np.array([350.0, 1700.0])
VA = np.array([650.0, 1400.0])
PER_DAY = ARIOParams(days_per_year=1.0)  # the table's flows are read as daily flows: round numbers by hand


def test_pure() -> None:
    assert_pure("kaifang.stress.ario")


def test_first_days_by_hand() -> None:
    # 30 % of sector 1's capacity lost from day 0: x1 = 700, every client of 1 gets 70 % of its order
    r = run_ario(Z, Y, VA, 2, capacity_loss=[[0.3, 0.0], [0.3, 0.0]], params=PER_DAY)
    np.testing.assert_allclose(r.production[0], [700.0, 2000.0])
    np.testing.assert_allclose(r.final_demand_unmet[0], [0.3 * 350, 0.0])
    np.testing.assert_allclose(r.intermediate_unmet[0], [0.3 * 650, 0.0])
    np.testing.assert_allclose(r.value_added[0], [0.65 * 700, 0.7 * 2000])
    # stocks: 90·Z + delivered − used = [[13500, 44850], [18060, 9000]] → held by buyer [31560, 53850]
    np.testing.assert_allclose(r.inventories[0], [31560.0, 53850.0])
    # sector 2's stock of product 1 is 150 below its target 90·500: it orders 500 + 150/60 = 502.5 from sector 1
    np.testing.assert_allclose(r.demand[1], [105.0 + 502.5 + 350.0, 140.0 + 100.0 + 1700.0])
    # overproduction starts: α1 = 1 + (1.25 − 1)·0.3/365
    np.testing.assert_allclose(r.overproduction[1], [1 + 0.25 * 0.3 / 365, 1.0])
    np.testing.assert_allclose(r.capacity[1, 0], 1000 * (1 + 0.25 * 0.3 / 365) * 0.7)


def table() -> IOTable:
    return read_nbs(shared_data("china-io", "china_2020_42.csv"))


def test_no_shock_stays_exactly_at_baseline() -> None:
    t = table()
    r = run_ario(t.Z, t.y, t.value_added, 365, Z_imports=t.Z_imports)
    np.testing.assert_array_equal(r.production, np.broadcast_to(r.baseline_production, (365, 42)))
    np.testing.assert_array_equal(r.inventories, np.broadcast_to(r.baseline_inventories, (365, 42)))
    np.testing.assert_array_equal(r.overproduction, 1.0)
    assert not r.final_demand_unmet.any() and not r.intermediate_unmet.any() and not r.imports_unmet.any()
    np.testing.assert_allclose(r.baseline_production * 365, t.x, rtol=1e-12)
    np.testing.assert_allclose(r.value_added.sum(axis=0), t.value_added, rtol=1e-12)
    assert r.totals() == {k: 0.0 for k in r.totals()}


def test_two_region_system_with_shared_products_stays_at_baseline() -> None:
    t = table()
    # two identical halves; each industry buys 70 % of each product at home and 30 % from the other region
    z2 = np.kron([[0.35, 0.15], [0.15, 0.35]], t.Z)
    y2 = np.concatenate([t.y, t.y]) / 2
    va2 = np.concatenate([t.value_added, t.value_added]) / 2
    products = list(range(42)) * 2
    r = run_ario(z2, y2, va2, 60, products=products)
    np.testing.assert_array_equal(r.production, np.broadcast_to(r.baseline_production, (60, 84)))
    k = t.codes.index("14")
    hit = run_ario(z2, y2, va2, 60, products=products, capacity_loss=capacity_loss_path(84, 60, k, 0.3, 0, 30))
    loss = hit.production_loss()
    assert loss[k] > 5 * abs(loss[42 + k])  # the shocked region loses far more than the other in the same sector


def test_shock_propagates_up_and_down_the_chain_and_recovers() -> None:
    t = table()
    k = t.codes.index("06")  # 食品和烟草
    supplier = t.codes.index("01")  # its largest supplier: 农林牧渔
    customer = t.codes.index("30")  # its largest other buyer: 住宿和餐饮
    assert np.argmax(t.A[:, k] * (np.arange(42) != k)) == supplier
    assert np.argmax(t.A[k, :] * (np.arange(42) != k)) == customer
    days = 3 * 365
    inv = np.full(42, 90.0)
    inv[k] = 20.0  # buyers keep 20 days of food products, 90 days of everything else
    r = run_ario(
        t.Z,
        t.y,
        t.value_added,
        days,
        Z_imports=t.Z_imports,
        capacity_loss=capacity_loss_path(42, days, k, 0.3, start=0, duration=30),
        params=ARIOParams(inventory_days=inv),
    )
    rel = r.production / r.baseline_production
    assert rel[0, k] == pytest.approx(0.7, abs=1e-12)
    assert (rel[:30, k] < 0.71).all()
    assert rel[:90, supplier].min() < 0.9  # upstream: less food, fewer farm products ordered
    assert rel[:90, customer].min() < 0.9  # downstream: restaurants run short of food stocks
    assert r.final_demand_unmet[:30, k].sum() > 0
    assert np.abs(rel[-30:] - 1).max() < 1e-4  # back at the baseline after three years
    assert r.production_loss().sum() > 0 and r.value_added_loss().sum() > 0


def test_losses_grow_with_shock_size() -> None:
    t = table()
    k = t.codes.index("14")
    totals = [
        run_ario(
            t.Z,
            t.y,
            t.value_added,
            365,
            Z_imports=t.Z_imports,
            capacity_loss=capacity_loss_path(42, 365, k, loss, start=10, duration=30),
        ).totals()
        for loss in (0.1, 0.2, 0.3, 0.4)
    ]
    for key in ("production_loss", "value_added_loss", "final_demand_unmet", "intermediate_unmet"):
        values = [tot[key] for tot in totals]
        assert all(a < b for a, b in itertools.pairwise(values)), (key, values)
        assert values[0] > 0


def conservation(r: ARIOResult, fd_daily: np.ndarray) -> None:
    x = r.production
    assert (x >= 0).all() and (x <= r.capacity * (1 + 1e-12)).all()
    assert (x <= np.maximum(r.demand, 0) * (1 + 1e-12)).all()  # demand < 0 only with negative final demand
    # what is produced is delivered: production = demand − unmet intermediate − unmet final
    np.testing.assert_allclose(r.demand - r.intermediate_unmet - r.final_demand_unmet, x, rtol=1e-12)
    # every intermediate delivery shipped by a supplier arrives in a buyer's stock (domestic inputs only here)
    shipped = (r.demand - fd_daily[None, :] - r.intermediate_unmet).sum(axis=1)
    np.testing.assert_allclose(shipped, r.inputs_received.sum(axis=1), rtol=1e-12)
    # stock accounting: S(t) − S(t−1) = received − used
    change = np.diff(np.vstack([r.baseline_inventories, r.inventories]), axis=0)
    scale = r.baseline_inventories.max()
    np.testing.assert_allclose(change, r.inputs_received - r.inputs_used, atol=1e-9 * scale)
    np.testing.assert_allclose(r.value_added, x * (r.baseline_value_added / r.baseline_production), rtol=1e-12)


def test_conservation_under_a_shock() -> None:
    t = table()
    k = t.codes.index("24")
    r = run_ario(
        t.Z,
        t.y,
        t.value_added,
        200,
        capacity_loss=capacity_loss_path(42, 200, k, 0.4, start=5, duration=20, recovery_days=30),
        params=ARIOParams(inventory_days=30.0),
    )
    assert r.production[:, k].min() < 0.7 * r.baseline_production[k]
    assert (r.production / r.baseline_production).min(axis=0).max() < 1  # every sector is hit
    conservation(r, t.y / 365)


def test_untracked_inputs_never_constrain() -> None:
    t = table()
    k = t.codes.index("24")
    r = run_ario(
        t.Z,
        t.y,
        t.value_added,
        100,
        capacity_loss=capacity_loss_path(42, 100, k, 0.4, start=5, duration=20),
        params=ARIOParams(inventory_days=np.inf),  # electricity and everything else as non-storable services
    )
    np.testing.assert_array_equal(r.production, np.minimum(r.demand, r.capacity))  # only demand and capacity bind
    assert not r.inventories.any() and not r.baseline_inventories.any()


def test_imported_input_shortage() -> None:
    t = table()
    m = t.codes.index("20")  # imported electronics
    avail = np.ones((120, 42))
    avail[10:70, m] = 0.3
    r = run_ario(
        t.Z,
        t.y,
        t.value_added,
        120,
        Z_imports=t.Z_imports,
        import_availability=avail,
        params=ARIOParams(import_inventory_days=30.0),
    )
    assert r.imports_unmet[10:70].sum() > 0 and r.imports_unmet[:10].sum() == 0
    rel = r.production / r.baseline_production
    assert rel[:, m].min() < 0.9  # the electronics industry runs on imported components
    users = t.Z_imports[m] / t.x
    assert rel[:, np.argmax(users)].min() == rel.min(axis=0)[np.argmax(users)] < 0.95


def test_capacity_loss_path() -> None:
    p = capacity_loss_path(3, 10, [1], 0.5, start=2, duration=3, recovery_days=3)
    np.testing.assert_allclose(p[:, 1], [0, 0, 0.5, 0.5, 0.5, 0.375, 0.25, 0.125, 0, 0])
    assert not p[:, [0, 2]].any()
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        capacity_loss_path(3, 10, 0, 1.5)


def test_inputs_are_checked_and_results_labelled() -> None:
    with pytest.raises(ValueError, match="capacity_loss must be"):
        run_ario(Z, Y, VA, 5, capacity_loss=np.zeros((4, 2)))
    with pytest.raises(ValueError, match="must lie in"):
        run_ario(Z, Y, VA, 5, capacity_loss=[1.5, 0.0])
    with pytest.raises(ValueError, match="positive days"):
        run_ario(Z, Y, VA, 5, params=ARIOParams(inventory_days=0.0))
    r = run_ario(Z, Y, VA, 3, capacity_loss=[0.1, 0.0])
    frame = r.frame("production", ["1", "2"])
    assert frame.shape == (3, 2) and list(frame.columns) == ["1", "2"] and frame.index.name == "day"


def test_short_stocks_can_seize_up_the_economy_but_never_below_zero() -> None:
    # 15 days of stock everywhere and a 40 % electricity outage: proportional rationing starves every buyer, the
    # ψ rule cuts production, orders pile up and the whole economy runs down (documented in docs/stress.md)
    t = table()
    k = t.codes.index("24")
    r = run_ario(
        t.Z,
        t.y,
        t.value_added,
        200,
        capacity_loss=capacity_loss_path(42, 200, k, 0.4, start=5, duration=20, recovery_days=30),
        params=ARIOParams(inventory_days=15.0),
    )
    assert (r.production >= 0).all()
    assert (r.production[-1] / r.baseline_production).max() < 0.01
    conservation(r, t.y / 365)


def test_orders_follow_capacity_when_asked_as_in_boario() -> None:
    # two industries making one product (products=[0, 0]); industry 1 loses half its capacity on day 0
    z, y, va = np.full((2, 2), 10.0), np.array([80.0, 80.0]), np.array([80.0, 80.0])
    days, shock = 2, [[0.5, 0.0], [0.5, 0.0]]
    base = run_ario(z, y, va, days, capacity_loss=shock, products=[0, 0], params=PER_DAY)
    alt = run_ario(z, y, va, days, capacity_loss=shock, products=[0, 0],
                   params=ARIOParams(days_per_year=1.0, order_split="capacity"))  # fmt: skip
    # day 0 (both): x = [50, 100]; each buyer receives 5 + 10 = 15 of the product; used 10 and 20; stocks
    # 1800 + 15 − used = [1805, 1795] against targets 90·20·[0.5, 1] = [900, 1800]: buyer 2 wants 20 + 5/60
    np.testing.assert_allclose(base.production[0], [50.0, 100.0])
    np.testing.assert_array_equal(alt.production[0], base.production[0])
    # baseline shares ½ each: orders [[5, 20.0833/2], [5, 20.0833/2]] → demand 80 + 5 + 10.0417 for both
    np.testing.assert_allclose(base.demand[1], [80 + 5 + (20 + 5 / 60) / 2] * 2)
    # capacity shares: weights z_ij · [0.5, 1] → ⅓ from the damaged supplier, ⅔ from the other
    np.testing.assert_allclose(alt.demand[1], [80 + 10 / 3 + (20 + 5 / 60) / 3, 80 + 20 / 3 + 2 * (20 + 5 / 60) / 3])
    assert alt.demand[1].sum() == pytest.approx(base.demand[1].sum())  # the same total ordered, split differently
    with pytest.raises(ValueError, match="order_split"):
        run_ario(z, y, va, 1, params=ARIOParams(order_split="alt"))


def test_capacity_split_keeps_the_baseline_bitwise_and_shifts_orders_to_the_other_region() -> None:
    t = table()
    z2 = np.kron([[0.35, 0.15], [0.15, 0.35]], t.Z)
    y2 = np.concatenate([t.y, t.y]) / 2
    va2 = np.concatenate([t.value_added, t.value_added]) / 2
    products = list(range(42)) * 2
    alt = ARIOParams(order_split="capacity")
    r = run_ario(z2, y2, va2, 60, products=products, params=alt)
    np.testing.assert_array_equal(r.production, np.broadcast_to(r.baseline_production, (60, 84)))
    k = t.codes.index("14")
    shock = capacity_loss_path(84, 60, k, 0.3, 0, 30)
    fixed = run_ario(z2, y2, va2, 60, products=products, capacity_loss=shock)
    moved = run_ario(z2, y2, va2, 60, products=products, capacity_loss=shock, params=alt)
    # buyers turn to region 2's undamaged sector 14: it sells more, and the economy loses less output overall
    assert moved.production[1:30, 42 + k].sum() > fixed.production[1:30, 42 + k].sum()
    assert moved.production_loss().sum() < fixed.production_loss().sum()
