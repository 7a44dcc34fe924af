"""kaifang.stress.iomath against Miller & Blair (2009) ch. 2's two-sector example, with exact rational arithmetic.

Z = [[150, 500], [200, 100]], x = [1000, 2000] (M&B §2.3). Expected values are computed here with ``Fraction`` from
the closed form of a 2×2 inverse, independently of numpy: (I − A)⁻¹ = adj(I − A) / det, det = 0.85·0.95 − 0.25·0.2.
"""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import numpy as np
import pytest

from kaifang.stress import iomath as io
from tests.conftest import assert_pure

Z = np.array([[150.0, 500.0], [200.0, 100.0]])
X = np.array([1000.0, 2000.0])
DET = F(85, 100) * F(95, 100) - F(25, 100) * F(20, 100)  # 0.7575
L_EXACT = [[F(95, 100) / DET, F(25, 100) / DET], [F(20, 100) / DET, F(85, 100) / DET]]


def fl(m: list[list[F]] | list[F]) -> np.ndarray:
    return np.array(m, dtype=float)


def test_pure() -> None:
    assert_pure("kaifang.stress.iomath")


def test_coefficients_and_leontief_inverse_match_miller_blair() -> None:
    a = io.calc_A(Z, X)
    np.testing.assert_allclose(a, [[0.15, 0.25], [0.2, 0.05]], rtol=0, atol=1e-15)
    lm = io.calc_L(a)
    np.testing.assert_allclose(lm, fl(L_EXACT), rtol=0, atol=1e-12)
    np.testing.assert_allclose(lm, [[1.25412541, 0.330033], [0.2640264, 1.12211221]], atol=1e-6)  # as printed
    np.testing.assert_allclose(io.calc_Z(a, X), Z, atol=1e-12)


def test_new_final_demand_and_jobs() -> None:
    lm = io.calc_L(io.calc_A(Z, X))
    x_new = io.calc_x(lm, [600.0, 1500.0])
    exact = [L_EXACT[0][0] * 600 + L_EXACT[0][1] * 1500, L_EXACT[1][0] * 600 + L_EXACT[1][1] * 1500]
    np.testing.assert_allclose(x_new, fl(exact), atol=1e-9)
    np.testing.assert_allclose(x_new, [1247.5248, 1841.5842], atol=1e-4)  # M&B: 1247.52, 1841.58
    np.testing.assert_allclose(io.calc_x_from_A(io.calc_A(Z, X), [600.0, 1500.0]), x_new, rtol=1e-13)
    jobs = io.calc_factor_use([0.3, 0.25], x_new)
    np.testing.assert_allclose(jobs, [float(F(3, 10) * exact[0]), float(F(1, 4) * exact[1])], atol=1e-9)
    np.testing.assert_allclose(jobs, [374.2574, 460.3960], atol=1e-4)
    dx = io.calc_demand_shock(lm, [250.0, -200.0])  # from y = [350, 1700] to [600, 1500]
    np.testing.assert_allclose(dx, x_new - X, atol=1e-9)


def test_ghosh_supply_side() -> None:
    b = io.calc_B(Z, X)
    np.testing.assert_allclose(b, [[0.15, 0.5], [0.1, 0.05]], atol=1e-15)
    g = io.calc_G(b)
    g_exact = [[F(95, 100) / DET, F(50, 100) / DET], [F(10, 100) / DET, F(85, 100) / DET]]
    np.testing.assert_allclose(g, fl(g_exact), atol=1e-12)
    lm = io.calc_L(io.calc_A(Z, X))
    np.testing.assert_allclose(g, np.diag(1 / X) @ lm @ np.diag(X), atol=1e-12)  # G = x̂⁻¹ L x̂
    v = X - Z.sum(axis=0)  # primary inputs [650, 1400]
    np.testing.assert_allclose(v @ g, X, atol=1e-9)  # x' = v'G


def test_multipliers() -> None:
    lm = io.calc_L(io.calc_A(Z, X))
    om = io.calc_output_multipliers(lm)
    np.testing.assert_allclose(om, [float(F(115, 100) / DET), float(F(110, 100) / DET)], atol=1e-12)
    np.testing.assert_allclose(om, [1.518152, 1.452145], atol=1e-6)
    v = io.calc_coefficients(X - Z.sum(axis=0), X)
    np.testing.assert_allclose(v, [0.65, 0.7], atol=1e-15)
    # no imports: every unit of final demand ends as exactly one unit of value added, v'L = i'
    np.testing.assert_allclose(io.calc_value_added_multipliers(lm, v), [1.0, 1.0], atol=1e-12)
    e = np.array([0.3, 0.25])
    simple = [(F(3, 10) * L_EXACT[0][j] + F(1, 4) * L_EXACT[1][j]) for j in range(2)]
    np.testing.assert_allclose(io.calc_employment_multipliers(lm, e), fl(simple), atol=1e-12)
    np.testing.assert_allclose(io.calc_employment_multipliers(lm, e), [0.442244, 0.379538], atol=1e-6)
    type1 = io.calc_type1_multipliers(lm, e)
    np.testing.assert_allclose(type1, [float(simple[0] / F(3, 10)), float(simple[1] / F(1, 4))], atol=1e-12)
    np.testing.assert_allclose(io.calc_type1_multipliers(lm, [0.0, 0.25])[0], 0.0)  # no direct effect → 0


def test_linkages() -> None:
    lm = io.calc_L(io.calc_A(Z, X))
    g = io.calc_G(io.calc_B(Z, X))
    # column sums of L: 1.15/det and 1.10/det; normalised by their mean
    np.testing.assert_allclose(io.calc_backward_linkages(lm), [2 * 1.15 / 2.25, 2 * 1.10 / 2.25], atol=1e-12)
    np.testing.assert_allclose(io.calc_backward_linkages(lm, normalised=False), io.calc_output_multipliers(lm))
    # row sums of G: 1.45/det and 0.95/det
    np.testing.assert_allclose(io.calc_forward_linkages(g), [2 * 1.45 / 2.4, 2 * 0.95 / 2.4], atol=1e-12)
    np.testing.assert_allclose(io.calc_backward_linkages(lm).mean(), 1.0)
    np.testing.assert_allclose(io.calc_direct_backward_linkages(io.calc_A(Z, X)), [0.35, 0.30], atol=1e-15)
    np.testing.assert_allclose(io.calc_direct_forward_linkages(io.calc_B(Z, X)), [0.65, 0.15], atol=1e-15)


def test_hypothetical_extraction_by_hand() -> None:
    # complete: Ā = [[0, 0], [0, .05]], y = [350, 1700] → x̄ = [350, 1700/.95]
    np.testing.assert_allclose(io.calc_extraction(Z, X, 0), [650.0, 2000 - 1700 / 0.95], atol=1e-9)
    # backward: column 1 deleted → x̄2 = 1700/.95, x̄1 = 350 + .25 x̄2
    x2 = 1700 / 0.95
    np.testing.assert_allclose(io.calc_extraction(Z, X, [0], "backward"), [1000 - (350 + 0.25 * x2), 2000 - x2])
    # forward: row 1 of B deleted → x̄2 = 1400/.95, x̄1 = 650 + .1 x̄2
    v2 = 1400 / 0.95
    np.testing.assert_allclose(io.calc_extraction(Z, X, 0, "forward"), [1000 - (650 + 0.1 * v2), 2000 - v2])
    t = io.calc_extraction_linkages(Z, X)
    np.testing.assert_allclose(t[0], 650.0 + 2000 - 1700 / 0.95)
    np.testing.assert_allclose(io.calc_extraction_linkages(Z, X, relative=True), t / 3000)
    # extracting everything leaves only final demand
    np.testing.assert_allclose(io.calc_extraction(Z, X, [True, True]), Z.sum(axis=1), atol=1e-9)
    with pytest.raises(ValueError, match="unknown extraction kind"):
        io.calc_extraction(Z, X, 0, "sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range"):
        io.calc_extraction(Z, X, 5)


def test_mixed_model() -> None:
    a = io.calc_A(Z, X)
    # sector 2 capped at 1800, f1 = 600: x1 = (600 + .25·1800)/.85, f2 = 1800 − .2 x1 − .05·1800
    x, y = io.calc_mixed(a, [600.0, 0.0], [0.0, 1800.0], [1])
    x1 = (600 + 0.25 * 1800) / 0.85
    np.testing.assert_allclose(x, [x1, 1800.0], atol=1e-9)
    np.testing.assert_allclose(y, [600.0, 1800 - 0.2 * x1 - 0.05 * 1800], atol=1e-9)
    # fixing sector 2 at the output the demand model gives reproduces that model
    x_demand = io.calc_x(io.calc_L(a), [600.0, 1500.0])
    x2, y2 = io.calc_mixed(a, [600.0, 0.0], x_demand, [False, True])
    np.testing.assert_allclose(x2, x_demand, atol=1e-9)
    np.testing.assert_allclose(y2, [600.0, 1500.0], atol=1e-9)
    # nothing constrained = the demand model; everything constrained = y from x
    np.testing.assert_allclose(io.calc_mixed(a, [600.0, 1500.0], [0.0, 0.0], [])[0], x_demand, atol=1e-9)
    np.testing.assert_allclose(io.calc_mixed(a, [0.0, 0.0], X, [0, 1])[1], [350.0, 1700.0], atol=1e-9)


def test_zero_output_sector_has_zero_coefficients_without_warnings() -> None:
    z = np.array([[10.0, 0.0, 5.0], [4.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    x = np.array([50.0, 20.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = io.calc_A(z, x)
        b = io.calc_B(z, x)
        lm = io.calc_L(a)
        io.calc_type1_multipliers(lm, io.calc_coefficients([5.0, 3.0, 0.0], x))
    np.testing.assert_array_equal(a[:, 2], 0.0)
    np.testing.assert_array_equal(b[2, :], 0.0)
    np.testing.assert_allclose(lm[:, 2], [0.0, 0.0, 1.0])


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="square"):
        io.calc_L(np.ones((2, 3)))
    np.testing.assert_allclose(
        io.calc_coefficients(np.array([[1.0, 2.0], [3.0, 4.0]]), [2.0, 0.0]), [[0.5, 0], [1.5, 0]]
    )
