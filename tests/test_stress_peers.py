"""benchmarks/bench_stress.py's two-region system (the one Kaifang's ARIO and BoARIO both run on): balanced, it sums
back to the national table and keeps the national multipliers. No peer package is needed here."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bench_stress import two_region_system
from kaifang.stress import iomath
from kaifang.stress.nbs import read_nbs
from kaifang.stress.tables import IOTable
from tests.conftest import shared_data

Z = np.array([[150.0, 500.0], [200.0, 100.0]])  # Miller & Blair (2009), ch. 2
Y = np.array([350.0, 1700.0])
VA = np.array([650.0, 1400.0])


def test_blocks_by_hand() -> None:
    # w = (0.4, 0.6), R1 buys 30 % from R2 → R2 buys 0.3·0.4/0.6 = 20 % from R1: c_rs w_s = [[.28, .12], [.12, .48]]
    z2, y2, va2, zm2 = two_region_system(Z, Y, VA, share=(0.4, 0.6), imported_by_r1=0.3)
    np.testing.assert_allclose(z2[:2, :2], 0.28 * Z)
    np.testing.assert_allclose(z2[:2, 2:], 0.12 * Z)  # R1 sells to R2's industries
    np.testing.assert_allclose(z2[2:, :2], 0.12 * Z)
    np.testing.assert_allclose(z2[2:, 2:], 0.48 * Z)
    np.testing.assert_allclose(y2, [[0.28 * 350, 0.12 * 350], [0.28 * 1700, 0.12 * 1700],
                                    [0.12 * 350, 0.48 * 350], [0.12 * 1700, 0.48 * 1700]])  # fmt: skip
    np.testing.assert_allclose(va2, [260.0, 560.0, 390.0, 840.0])
    assert zm2.shape == (0, 4)
    x2 = z2.sum(axis=1) + y2.sum(axis=1)
    np.testing.assert_allclose(x2, [400.0, 800.0, 600.0, 1200.0])  # w_r · x, x = (1000, 2000)
    np.testing.assert_allclose(z2.sum(axis=0) + va2, x2)
    with pytest.raises(ValueError, match="outside"):
        two_region_system(Z, Y, VA, share=(0.8, 0.2), imported_by_r1=0.3)  # R2 would buy 120 % from R1


def test_real_table_balances_sums_back_and_keeps_the_multipliers() -> None:
    t = read_nbs(shared_data("china-io", "china_2020_42.csv"))
    z2, y2, va2, zm2 = two_region_system(t.Z, t.Y, t.VA, Z_imports=t.Z_imports)
    n = t.n
    codes = [f"{r}{c}" for r in ("R1", "R2") for c in t.codes]
    two = IOTable.from_arrays(z2, y2, va2, codes, Z_imports=np.vstack([zm2, np.zeros_like(zm2)]))  # checks 1e-9
    np.testing.assert_allclose(two.x, np.concatenate([0.4 * t.x, 0.6 * t.x]), rtol=1e-12)
    np.testing.assert_allclose(z2.reshape(2, n, 2, n).sum(axis=(0, 2)), t.Z, rtol=1e-12)
    np.testing.assert_allclose(y2.reshape(2, n, 2).sum(axis=(0, 2)), t.y, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(va2.reshape(-1, 2, n).sum(axis=1), t.VA, rtol=1e-12)
    np.testing.assert_allclose(zm2.reshape(n, 2, n).sum(axis=1), t.Z_imports, rtol=1e-12)
    # i'C = i' ⇒ column sums of (I − C⊗A)⁻¹ are the national output multipliers, in both regions
    m = iomath.calc_output_multipliers(two.L)
    np.testing.assert_allclose(m, np.concatenate([t.output_multipliers()] * 2), rtol=1e-10)
    assert m.min() > 1.5 and m.max() < 3.2
