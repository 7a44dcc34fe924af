"""kaifang.stress.regionalise: location quotients by hand on three sectors; a Bazhong-sized region of the 2020 table.

Hand example: nation N = [100, 300, 600] (N = 1000), region R = [20, 30, 50] (R = 100), so R/N = 0.1 and
SLQ = [0.2/0.1, 0.3/0.3, 0.5/0.6] = [2, 1, 5/6]; CILQ_ij = SLQ_i / SLQ_j with SLQ_i on the diagonal;
λ* = [log₂(1.1)]^0.3 = 0.1375035^0.3 = e^(0.3·ln 0.1375035) = e^(−0.595232) = 0.551435 (Flegg et al. 1995);
AFLQ raises column 1 (SLQ 2 > 1) by log₂(3).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaifang.stress import iomath
from kaifang.stress.nbs import read_nbs
from kaifang.stress.regionalise import (
    flq_lambda,
    lq_aflq,
    lq_cilq,
    lq_flq,
    lq_slq,
    regional_coefficients,
    regional_table,
    regionalise,
)
from kaifang.stress.tables import IOTable
from tests.conftest import assert_pure, shared_data

NATION = np.array([100.0, 300.0, 600.0])
REGION = np.array([20.0, 30.0, 50.0])
A3 = np.array([[0.10, 0.20, 0.10], [0.05, 0.10, 0.20], [0.20, 0.10, 0.10]])
CILQ = np.array([[2.0, 2.0, 2.4], [0.5, 1.0, 1.2], [5 / 12, 5 / 6, 5 / 6]])
LAMBDA = 0.551435


def test_pure() -> None:
    assert_pure("kaifang.stress.regionalise")


def test_slq_and_cilq_by_hand() -> None:
    np.testing.assert_allclose(lq_slq(REGION, NATION), [2.0, 1.0, 5 / 6], atol=1e-15)
    np.testing.assert_allclose(lq_cilq(REGION, NATION), CILQ, atol=1e-15)


def test_flq_and_aflq_by_hand() -> None:
    assert math.log2(1.1) == pytest.approx(0.1375035, abs=1e-7)
    assert flq_lambda(100.0, 1000.0, 0.3) == pytest.approx(LAMBDA, abs=1e-6)
    assert flq_lambda(100.0, 1000.0, 0.0) == 1.0
    assert flq_lambda(1000.0, 1000.0, 0.3) == 1.0  # the nation itself is not shrunk
    np.testing.assert_allclose(lq_flq(REGION, NATION, 0.3), LAMBDA * CILQ, atol=1e-6)
    aflq = lq_aflq(REGION, NATION, 0.3)
    np.testing.assert_allclose(aflq[:, 0], LAMBDA * CILQ[:, 0] * math.log2(3.0), atol=1e-6)
    np.testing.assert_allclose(aflq[:, 1:], LAMBDA * CILQ[:, 1:], atol=1e-6)  # SLQ_2 = 1, SLQ_3 < 1: unchanged
    with pytest.raises(ValueError, match="δ must be in"):
        flq_lambda(1.0, 10.0, 1.0)


def test_regional_coefficients_by_hand() -> None:
    flq = regionalise(A3, REGION, NATION, "flq", 0.3)
    expected = A3 * np.minimum(LAMBDA * CILQ, 1.0)
    np.testing.assert_allclose(flq.A, expected, atol=1e-7)
    # row 1 (SLQ 2) keeps the national coefficients: λ·CILQ ≥ 1.10 everywhere in that row
    np.testing.assert_allclose(flq.A[0], A3[0])
    np.testing.assert_allclose(flq.A[1], [0.05 * LAMBDA * 0.5, 0.1 * LAMBDA, 0.2 * LAMBDA * 1.2], atol=1e-7)
    slq = regionalise(A3, REGION, NATION, "slq")
    np.testing.assert_allclose(slq.A, A3 * np.array([[1.0], [1.0], [5 / 6]]))
    assert slq.delta is None and flq.delta == 0.3
    assert flq.log == [
        (
            "regionalise",
            {"method": "flq", "delta": 0.3, "basis": "output", "region_share": 0.1, "lambda": flq_lambda(100, 1000)},
        )
    ]
    np.testing.assert_allclose(regional_coefficients(A3, [2.0, 0.5, 1.0]), A3 * np.array([[1.0], [0.5], [1.0]]))


def test_empty_sectors() -> None:
    # sector 3 absent from the region: it supplies nothing locally; buyers still use national technology from 1, 2
    cilq = lq_cilq([10.0, 10.0, 0.0], [100.0, 100.0, 100.0])
    np.testing.assert_array_equal(cilq[2], 0.0)
    assert np.isinf(cilq[0, 2])
    np.testing.assert_allclose(regional_coefficients(A3, cilq)[:, 2], [0.1, 0.2, 0.0])
    # a sector absent from the nation has SLQ 0, no warning
    np.testing.assert_array_equal(lq_slq([1.0, 0.0], [1.0, 0.0]), [1.0, 0.0])


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="larger than the nation"):
        lq_slq([200.0, 1.0], [100.0, 50.0])
    with pytest.raises(ValueError, match="region has 2 sectors, nation 3"):
        lq_slq([1.0, 1.0], NATION)
    with pytest.raises(ValueError, match="unknown method"):
        regionalise(A3, REGION, NATION, "glq")  # type: ignore[arg-type]


# Bazhong 2020 GDP by three industries, 万元 (巴中统计年鉴 via CSMAR: 161.81, 214.94, 390.24 亿元, total 766.99 亿元)
BAZHONG_2020 = {"primary": 1_618_100.0, "secondary": 2_149_400.0, "tertiary": 3_902_400.0}


def bazhong_like(t: IOTable) -> np.ndarray:
    """Regional output: national value added scaled to Bazhong's primary/secondary/tertiary GDP, divided by v."""
    codes = np.array(t.codes)
    groups = {"primary": codes == "01", "secondary": (codes >= "02") & (codes <= "27")}
    groups["tertiary"] = ~groups["primary"] & ~groups["secondary"]
    va = t.value_added.copy()
    for name, mask in groups.items():
        va[mask] *= BAZHONG_2020[name] / va[mask].sum()
    return np.asarray(va / t.v)


def test_regionalised_2020_table_properties() -> None:
    nat = read_nbs(shared_data("china-io", "china_2020_42.csv"))
    x_r = bazhong_like(nat)
    tables = {m: regional_table(nat, x_r, m, 0.3) for m in ("slq", "cilq", "flq", "aflq")}
    flq, cilq, aflq = tables["flq"][1], tables["cilq"][1], tables["aflq"][1]
    # never above the national coefficients; FLQ ≤ CILQ; AFLQ between FLQ and national
    for _, reg in tables.values():
        assert (reg.A <= nat.A).all()
    assert (flq.A <= cilq.A).all() and (flq.A <= aflq.A).all()
    # λ* for a region of 0.069 % of national output
    assert flq.params["region_share"] == pytest.approx(0.000689, rel=1e-2)
    assert flq.params["lambda"] == pytest.approx(math.log2(1 + flq.params["region_share"]) ** 0.3)
    # δ = 0 gives the CILQ back
    np.testing.assert_array_equal(regionalise(nat.A, x_r, nat.x, "flq", 0.0).A, cilq.A)
    # Bazhong is agricultural: SLQ of 01 ≈ 21 % of its GDP against 7-8 % nationally
    assert lq_slq(x_r, nat.x)[0] > 2.0
    national_m = nat.output_multipliers()
    for table, _ in tables.values():
        table.check()  # balanced: regional imports take what the region no longer buys locally
        np.testing.assert_allclose(table.x, x_r, rtol=1e-12)
        np.testing.assert_allclose(table.value_added.sum(), sum(BAZHONG_2020.values()), rtol=1e-12)
        assert (table.output_multipliers() <= national_m + 1e-12).all()
    m = {name: t.output_multipliers() for name, (t, _) in tables.items()}
    assert (m["flq"] <= m["cilq"] + 1e-12).all() and (m["flq"] <= m["aflq"] + 1e-12).all()
    assert m["flq"].min() > 1.0 and m["flq"].max() < 1.5  # a small open region keeps little of each round
    # larger δ, smaller region-internal multipliers
    prev = np.inf
    for delta in (0.1, 0.2, 0.3, 0.4):
        mean = iomath.calc_output_multipliers(iomath.calc_L(regionalise(nat.A, x_r, nat.x, "flq", delta).A)).mean()
        assert mean < prev
        prev = mean
