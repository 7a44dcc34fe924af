"""Regionalise a national (or provincial) table by location quotients: SLQ, CILQ, FLQ and AFLQ.

A region rarely has its own input-output table. The non-survey route scales the national domestic coefficients
a_ij^n down by how well the region can supply input i itself, measured by location quotients (LQ) built from the
size of each sector in the region (R_i) and the nation (N_i) — output, value added or employment:

    a_ij^r = a_ij^n · min(LQ_ij, 1)                          (coefficients are never raised above the national ones)

* SLQ_i = (R_i / R) / (N_i / N)                               simple LQ, the same for every buyer j
* CILQ_ij = SLQ_i / SLQ_j, CILQ_ii = SLQ_i                    cross-industry LQ (Smith & Morrison 1974 diagonal)
* FLQ_ij = λ* · CILQ_ij, λ* = [log₂(1 + R/N)]^δ, 0 ≤ δ < 1   Flegg, Webber & Elliott (1995), Flegg & Webber (1997)
* AFLQ_ij = FLQ_ij · log₂(1 + SLQ_j) if SLQ_j > 1, else FLQ_ij  Flegg & Webber (2000): a specialised buyer j is
  assumed to draw more on regional suppliers

λ* ≤ 1 shrinks all coefficients the more, the smaller the region: the FLQ corrects the well-known understatement
of regional imports by the SLQ and CILQ. δ = 0.3 is the value commonly used since Flegg & Webber (1997); δ = 0 gives
the CILQ back, and larger δ means more regional imports.

Sector conventions for empty sectors: SLQ_i = 0 when N_i = 0; a supplier absent from the region (SLQ_i = 0) gives
LQ_ij = 0 (nothing bought locally); a buyer absent from the region (SLQ_j = 0, SLQ_i > 0) gives CILQ_ij = ∞,
capped to the national coefficient.

References: Flegg, A.T., Webber, C.D., Elliott, M.V. (1995), Regional Studies 29(6), 547–561; Flegg & Webber
(1997), Regional Studies 31(8), 795–805; Flegg & Webber (2000), Regional Studies 34(6), 563–569; Miller & Blair
(2009) ch. 8 (non-survey methods, location quotients).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from kaifang.stress.iomath import Array, calc_Z, safe_divide
from kaifang.stress.tables import IOTable

Method = Literal["slq", "cilq", "flq", "aflq"]
METHODS: tuple[Method, ...] = ("slq", "cilq", "flq", "aflq")
DEFAULT_DELTA = 0.3


def _sizes(region: npt.ArrayLike, nation: npt.ArrayLike) -> tuple[Array, Array]:
    r = np.asarray(region, dtype=float).reshape(-1)
    n = np.asarray(nation, dtype=float).reshape(-1)
    if r.shape != n.shape:
        raise ValueError(f"region has {r.size} sectors, nation {n.size}")
    if (r < 0).any() or (n < 0).any():
        raise ValueError("sector sizes must be non-negative")
    if r.sum() <= 0 or n.sum() <= 0:
        raise ValueError("region and nation need a positive total size")
    if r.sum() > n.sum():
        raise ValueError(f"the region ({r.sum():.6g}) is larger than the nation ({n.sum():.6g})")
    return r, n


def lq_slq(region: npt.ArrayLike, nation: npt.ArrayLike) -> Array:
    """Simple location quotients SLQ_i = (R_i / R) / (N_i / N); 0 where N_i = 0."""
    r, n = _sizes(region, nation)
    return safe_divide(r / r.sum(), n / n.sum())


def lq_cilq(region: npt.ArrayLike, nation: npt.ArrayLike) -> Array:
    """Cross-industry location quotients CILQ_ij = SLQ_i / SLQ_j (supplier i, buyer j), SLQ_i on the diagonal."""
    slq = lq_slq(region, nation)
    si, sj = slq[:, None], slq[None, :]
    cilq = np.divide(si, sj, out=np.full((slq.size, slq.size), np.inf), where=sj > 0)
    cilq[np.broadcast_to(si == 0, cilq.shape)] = 0.0
    np.fill_diagonal(cilq, slq)
    return cilq


def flq_lambda(region_total: float, nation_total: float, delta: float = DEFAULT_DELTA) -> float:
    """Flegg's regional size factor λ* = [log₂(1 + R/N)]^δ, in (0, 1] for 0 < R ≤ N (Flegg et al. 1995)."""
    if not 0.0 <= delta < 1.0:
        raise ValueError(f"δ must be in [0, 1), got {delta}")
    return float(np.log2(1.0 + region_total / nation_total) ** delta)


def lq_flq(region: npt.ArrayLike, nation: npt.ArrayLike, delta: float = DEFAULT_DELTA) -> Array:
    """Flegg location quotients FLQ_ij = λ* · CILQ_ij (λ* · SLQ_i on the diagonal)."""
    r, n = _sizes(region, nation)
    return flq_lambda(r.sum(), n.sum(), delta) * lq_cilq(r, n)


def lq_aflq(region: npt.ArrayLike, nation: npt.ArrayLike, delta: float = DEFAULT_DELTA) -> Array:
    """Augmented FLQ (Flegg & Webber 2000): AFLQ_ij = FLQ_ij · log₂(1 + SLQ_j) where the buyer j has SLQ_j > 1."""
    slq = lq_slq(region, nation)
    boost = np.where(slq > 1.0, np.log2(1.0 + slq), 1.0)
    return lq_flq(region, nation, delta) * boost[None, :]


def regional_coefficients(A: npt.ArrayLike, lq: npt.ArrayLike) -> Array:
    """a_ij^r = a_ij^n · min(LQ_ij, 1); ``lq`` is a vector (SLQ, applied along rows) or an n×n matrix."""
    a = np.asarray(A, dtype=float)
    q = np.asarray(lq, dtype=float)
    q = q[:, None] if q.ndim == 1 else q
    if q.shape[0] != a.shape[0] or (q.shape[1] not in (1, a.shape[1])):
        raise ValueError(f"location quotients of shape {q.shape} do not fit coefficients of shape {a.shape}")
    return a * np.minimum(q, 1.0)


@dataclass(frozen=True)
class Regionalisation:
    """A regional coefficient matrix with the method and parameters that produced it (replayable)."""

    method: Method
    delta: float | None
    lq: Array
    A: Array
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def log(self) -> list[tuple[str, dict[str, Any]]]:
        """The step as plain data, e.g. ``[("regionalise", {"method": "flq", "delta": 0.3, ...})]``."""
        return [("regionalise", {"method": self.method, "delta": self.delta, **self.params})]


def regionalise(
    A: npt.ArrayLike,
    region: npt.ArrayLike,
    nation: npt.ArrayLike,
    method: Method = "flq",
    delta: float = DEFAULT_DELTA,
    basis: str = "output",
) -> Regionalisation:
    """Regional coefficients from national domestic coefficients ``A`` and sector sizes, by ``method``.

    ``region`` and ``nation`` are sector sizes in the same unit and sector order (``basis`` records which measure:
    output, value added, employment). ``delta`` is used by FLQ and AFLQ only.
    """
    r, n = _sizes(region, nation)
    if method == "slq":
        lq = lq_slq(r, n)
    elif method == "cilq":
        lq = lq_cilq(r, n)
    elif method == "flq":
        lq = lq_flq(r, n, delta)
    elif method == "aflq":
        lq = lq_aflq(r, n, delta)
    else:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    uses_delta = method in ("flq", "aflq")
    params = {"basis": basis, "region_share": float(r.sum() / n.sum())}
    if uses_delta:
        params["lambda"] = flq_lambda(r.sum(), n.sum(), delta)
    return Regionalisation(method, delta if uses_delta else None, lq, regional_coefficients(A, lq), params)


def regional_table(
    national: IOTable, region_output: npt.ArrayLike, method: Method = "flq", delta: float = DEFAULT_DELTA
) -> tuple[IOTable, Regionalisation]:
    """A balanced regional table from a national one and the region's output by sector (same sectors, same unit).

    Z^r = A^r x̂^r with A^r from :func:`regionalise` on output; value added keeps the national coefficients,
    v^r_j = v^n_j; whatever the region no longer buys locally, (A^n + A^n_imports − A^r) x̂^r, becomes inputs
    imported from outside the region (abroad and the rest of the country); final demand is the residual
    y^r = x^r − Z^r i (local final use plus all exports, in one column ``FD``; it can turn negative for a sector whose
    local intermediate sales exceed its output, which :meth:`IOTable.check` does not forbid).
    """
    x_r = np.asarray(region_output, dtype=float).reshape(-1)
    reg = regionalise(national.A, x_r, national.x, method, delta, basis="output")
    z_r = calc_Z(reg.A, x_r)
    z_m = calc_Z(national.A + national.A_imports - reg.A, x_r)
    va = safe_divide(national.VA, national.x[None, :]) * x_r[None, :]
    table = IOTable.from_arrays(
        z_r,
        (x_r - z_r.sum(axis=1))[:, None],
        va,
        national.codes,
        Z_imports=z_m,
        fd_codes=("FD",),
        va_codes=national.va_codes,
        names_zh=national.names_zh,
        names_en=national.names_en,
        source=f"{national.source} regionalised ({method}, δ={reg.delta})",
        unit=national.unit,
    )
    return table, reg
