"""Input-output arithmetic: coefficients, Leontief and Ghosh inverses, multipliers, linkages, extraction, shocks.

All functions here follow the functional programming paradigm: numpy (or anything ``np.asarray`` accepts, such as
a pandas frame) in, numpy out, no state. Labels are the business of :class:`kaifang.stress.tables.IOTable`.
Everything starts with ``calc_`` as in pymrio's ``tools/iomath.py``, whose names and conventions we keep.

Notation (Miller & Blair, *Input-Output Analysis*, 2nd ed., Cambridge UP 2009, "M&B"):
``Z`` inter-industry flows (n×n, row i sells to column j), ``x`` total output, ``y`` final demand,
``A = Z x̂⁻¹`` technical coefficients, ``L = (I − A)⁻¹`` Leontief inverse,
``B = x̂⁻¹ Z`` allocation coefficients, ``G = (I − B)⁻¹`` Ghosh inverse.

A sector with zero output has zero coefficients (no division warning): it neither buys nor sells per unit.
The inverses L and G themselves are formed with ``np.linalg.inv`` (the matrix is what is wanted); everything that only
applies an inverse to a vector solves the system instead — use :func:`calc_x_from_A` when only ``x`` is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
ExtractionKind = Literal["complete", "backward", "forward"]


def _vec(v: npt.ArrayLike) -> Array:
    return np.asarray(v, dtype=float).reshape(-1)


def _mat(m: npt.ArrayLike) -> Array:
    out = np.asarray(m, dtype=float)
    if out.ndim != 2 or out.shape[0] != out.shape[1]:
        raise ValueError(f"expected a square matrix, got shape {out.shape}")
    return out


def safe_divide(num: npt.ArrayLike, den: npt.ArrayLike) -> Array:
    """``num / den`` with 0 where ``den`` is 0 (numpy broadcasting, no warning)."""
    n = np.asarray(num, dtype=float)
    d = np.asarray(den, dtype=float)
    shape = np.broadcast_shapes(n.shape, d.shape)
    return np.divide(n, d, out=np.zeros(shape), where=np.broadcast_to(d != 0, shape))


def calc_x(L: npt.ArrayLike, y: npt.ArrayLike) -> Array:
    """Total output from the Leontief inverse and final demand.

    x = Ly (M&B ch. 2). ``y`` may be a vector or an n×k matrix of final-demand categories (one ``x`` per column).
    """
    return _mat(L) @ np.asarray(y, dtype=float)


def calc_x_from_A(A: npt.ArrayLike, y: npt.ArrayLike) -> Array:
    """Total output from the coefficients without forming ``L``.

    x = Ax + y  =>  (I − A)x = y, solved directly (one LU factorisation, no inverse).
    """
    a = _mat(A)
    return np.linalg.solve(np.eye(a.shape[0]) - a, np.asarray(y, dtype=float))


def calc_A(Z: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Technical (input) coefficients.

    a_ij = z_ij / x_j, i.e. A = Z x̂⁻¹ (M&B ch. 2); a column with x_j = 0 is 0.
    """
    return safe_divide(_mat(Z), _vec(x)[None, :])


def calc_Z(A: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Flows from coefficients: Z = A x̂ (the inverse of :func:`calc_A`)."""
    return _mat(A) * _vec(x)[None, :]


def calc_L(A: npt.ArrayLike) -> Array:
    """Leontief inverse (total requirements matrix).

    x = Ax + y  =>  (I − A)x = y  =>  x = (I − A)⁻¹ y = Ly  (M&B ch. 2).
    """
    a = _mat(A)
    # L itself is wanted, so invert (LAPACK gesv on the identity, as solve would, but without its extra copies);
    # to apply L to one y, calc_x_from_A solves instead
    return np.asarray(np.linalg.inv(np.eye(a.shape[0]) - a), dtype=float)


def calc_B(Z: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Allocation (output) coefficients of the supply-side model.

    b_ij = z_ij / x_i, i.e. B = x̂⁻¹ Z (M&B §12.1); a row with x_i = 0 is 0.
    """
    return safe_divide(_mat(Z), _vec(x)[:, None])


def calc_G(B: npt.ArrayLike) -> Array:
    """Ghosh inverse (output inverse).

    x' = x'B + v'  =>  x'(I − B) = v'  =>  x' = v'(I − B)⁻¹ = v'G  (Ghosh 1958; M&B §12.1).
    Related to L by G = x̂⁻¹ L x̂.
    """
    b = _mat(B)
    return np.asarray(np.linalg.inv(np.eye(b.shape[0]) - b), dtype=float)


def calc_coefficients(F: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Factor (satellite) coefficients per unit of output: f_kj = F_kj / x_j.

    ``F`` is a vector (one factor: value added, jobs) or k×n (several rows such as VA001–VA004).
    pymrio calls these ``S``; M&B §6.2 writes the value-added row as a_{n+1,j} and jobs as e_j.
    """
    f = np.asarray(F, dtype=float)
    return safe_divide(f, _vec(x)[None, :] if f.ndim == 2 else _vec(x))


def calc_output_multipliers(L: npt.ArrayLike) -> Array:
    """Simple (type I) output multipliers: the column sums of L.

    m(o)_j = Σ_i l_ij, the total output of all sectors needed per unit of final demand for j (M&B §6.2.1).
    """
    return _mat(L).sum(axis=0)


def calc_factor_multipliers(L: npt.ArrayLike, f: npt.ArrayLike) -> Array:
    """Simple factor multipliers (value added, income, employment) of the open model.

    m(f)_j = Σ_i f_i l_ij, i.e. f'L, with f_i the factor per unit of output of i (M&B §6.2.2
    income, §6.2.3 for employment): the value added (or jobs) generated in the economy per unit of final demand for j.
    """
    return _vec(f) @ _mat(L)


def calc_value_added_multipliers(L: npt.ArrayLike, v: npt.ArrayLike) -> Array:
    """Simple value-added multipliers v'L (M&B §6.2.2); sums to 1 for a closed economy without imports."""
    return calc_factor_multipliers(L, v)


def calc_employment_multipliers(L: npt.ArrayLike, e: npt.ArrayLike) -> Array:
    """Simple employment multipliers e'L, jobs per unit of final demand (M&B §6.2.3)."""
    return calc_factor_multipliers(L, e)


def calc_type1_multipliers(L: npt.ArrayLike, f: npt.ArrayLike) -> Array:
    """Type I factor multipliers: total over direct effect.

    m(f)^I_j = (Σ_i f_i l_ij) / f_j (M&B §6.2: income and employment); 0 where f_j = 0.
    """
    fv = _vec(f)
    return safe_divide(fv @ _mat(L), fv)


def calc_factor_use(f: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Factor use by sector for an output vector: F_j = f_j x_j (e.g. jobs = labour coefficient × output)."""
    return _vec(f) * _vec(x)


def calc_demand_shock(L: npt.ArrayLike, dy: npt.ArrayLike) -> Array:
    """Output change of a final-demand shock: Δx = L Δy (M&B ch. 2; linearity of the demand-driven model)."""
    return calc_x(L, dy)


def calc_backward_linkages(L: npt.ArrayLike, normalised: bool = True) -> Array:
    """Total backward linkages (Rasmussen 1956 "power of dispersion").

    BL_j = Σ_i l_ij; normalised BL_j = (1/n Σ_i l_ij) / (1/n² Σ_i Σ_j l_ij) = n Σ_i l_ij / i'Li (M&B §12.2).
    A value above 1 marks a sector whose demand for inputs pulls more than the average sector.
    """
    lm = _mat(L)
    col = lm.sum(axis=0)
    return col * lm.shape[0] / col.sum() if normalised else col


def calc_forward_linkages(G: npt.ArrayLike, normalised: bool = True) -> Array:
    """Total forward linkages: the row sums of the Ghosh inverse G (M&B §12.2, recommended there).

    FL_i = Σ_j g_ij; normalised FL_i = n Σ_j g_ij / i'Gi. Passing L instead gives Rasmussen's original
    "sensitivity of dispersion" (row sums of L), which M&B discuss as the older measure.
    """
    gm = _mat(G)
    row = gm.sum(axis=1)
    return row * gm.shape[0] / row.sum() if normalised else row


def calc_direct_backward_linkages(A: npt.ArrayLike) -> Array:
    """Direct backward linkages: the column sums of A, BL(d)_j = Σ_i a_ij (Chenery & Watanabe 1958; M&B §12.2)."""
    return _mat(A).sum(axis=0)


def calc_direct_forward_linkages(B: npt.ArrayLike) -> Array:
    """Direct forward linkages: the row sums of B, FL(d)_i = Σ_j b_ij (M&B §12.2)."""
    return _mat(B).sum(axis=1)


def _positions(sectors: int | Sequence[int] | npt.ArrayLike, n: int) -> npt.NDArray[np.intp]:
    idx = np.atleast_1d(np.asarray(sectors))
    if idx.dtype == bool:
        if idx.shape != (n,):
            raise ValueError(f"boolean sector mask must have length {n}, got {idx.shape}")
        return np.flatnonzero(idx)
    pos = idx.astype(np.intp)
    if pos.size and (pos.min() < -n or pos.max() >= n):
        raise ValueError(f"sector positions {pos.tolist()} out of range for {n} sectors")
    return pos


def calc_extraction(
    Z: npt.ArrayLike, x: npt.ArrayLike, sectors: int | Sequence[int] | npt.ArrayLike, kind: ExtractionKind = "complete"
) -> Array:
    """Hypothetical extraction: the output lost by every sector if ``sectors`` did not trade intermediates.

    Returns Δx = x − x̄ (n-vector; its sum is the total linkage T of the extracted sectors).

    * ``complete``: delete the rows and columns of the sectors in A, keep final demand y = x − Zi:
      x̄ = (I − Ā)⁻¹ y (Strassert 1968; Miller & Lahr 2001; M&B §12.2). The extracted sectors still
      serve their own final demand, so Δx measures their backward and forward intermediate dependence.
    * ``backward``: delete their columns of A only (they buy nothing from the others).
    * ``forward``: delete their rows of B in the Ghosh model, x̄' = v'(I − B̄)⁻¹ with v' = x' − i'Z
      (they sell nothing to the others).

    Dietzenbacher & Lahr (2013, "Expanding extractions", Economic Systems Research 25(3)) discuss partial
    variants; this is the complete one.
    """
    z = _mat(Z)
    xv = _vec(x)
    n = z.shape[0]
    pos = _positions(sectors, n)
    eye = np.eye(n)
    if kind == "forward":
        b = calc_B(z, xv)
        b[pos, :] = 0.0
        v = xv - z.sum(axis=0)
        x_bar = np.linalg.solve((eye - b).T, v)
        return xv - x_bar
    a = calc_A(z, xv)
    if kind == "complete":
        a[pos, :] = 0.0
        a[:, pos] = 0.0
    elif kind == "backward":
        a[:, pos] = 0.0
    else:
        raise ValueError(f"unknown extraction kind {kind!r}: use 'complete', 'backward' or 'forward'")
    y = xv - z.sum(axis=1)
    return xv - np.linalg.solve(eye - a, y)


def calc_extraction_linkages(
    Z: npt.ArrayLike, x: npt.ArrayLike, kind: ExtractionKind = "complete", relative: bool = False
) -> Array:
    """Total linkage of each sector by hypothetical extraction, one sector at a time.

    T_j = i'(x − x̄_(j)) (M&B §12.2); with ``relative`` the share of total output i'x, as a fraction.
    """
    xv = _vec(x)
    t = np.array([calc_extraction(Z, xv, j, kind).sum() for j in range(xv.size)])
    return t / xv.sum() if relative else t


def calc_mixed(
    A: npt.ArrayLike, y: npt.ArrayLike, x_fixed: npt.ArrayLike, constrained: npt.ArrayLike
) -> tuple[Array, Array]:
    """Mixed exogenous/endogenous (supply-constrained) model, M&B §13.1.

    Sectors are split into free ones (U: final demand exogenous, output endogenous) and constrained ones (C: output
    exogenous, e.g. capacity caps, final demand endogenous = what is left after intermediate use):

        x_U = (I − A_UU)⁻¹ (y_U + A_UC x_C)
        y_C = (I − A_CC) x_C − A_CU x_U

    (after reordering the sectors). ``y`` and ``x_fixed`` are full-length n-vectors; only the entries of the
    free, resp. constrained, sectors are read. ``constrained`` is a boolean mask or a list of positions.
    Returns the full (x, y).
    """
    a = _mat(A)
    n = a.shape[0]
    yv, xf = _vec(y), _vec(x_fixed)
    c = np.zeros(n, dtype=bool)
    c[_positions(constrained, n)] = True
    u = ~c
    x = np.where(c, xf, 0.0)
    rhs = yv[u] + a[np.ix_(u, c)] @ xf[c]
    x[u] = np.linalg.solve(np.eye(int(u.sum())) - a[np.ix_(u, u)], rhs)
    y_out = np.where(u, yv, 0.0)
    y_out[c] = xf[c] - a[np.ix_(c, c)] @ xf[c] - a[np.ix_(c, u)] @ x[u]
    return x, y_out
