"""Spatial concentration of open-economy factors (开放要素空间集聚) — pure numpy/scipy, no Django.

* location quotients by region and indicator (regional specialisation; Isard 1960, *Methods of Regional
  Analysis*; Miller & Blair 2009 §8.2 for regionalising input-output tables);
* global Moran's I (Moran 1950; Cliff & Ord 1981 for its moments) with analytical and permutation inference;
* local Moran's I, LISA (Anselin 1995, *Geographical Analysis* 27(2)) with conditional-permutation pseudo
  p-values and the HH/LL/HL/LH quadrants of the Moran scatterplot.

Weights matrices (contiguity from GeoJSON, k nearest neighbours, inverse distance) come from
:mod:`kaifang.indexing.spatial_weights`, re-exported here. Values are pandas Series indexed by region code
and are aligned to the weights' row order; permutations use a seeded ``numpy.random.Generator`` and are
vectorised across replications, so a seed reproduces every p-value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from kaifang.indexing.spatial_weights import (
    EARTH_RADIUS_KM,
    Region,
    centroids,
    contiguity_weights,
    distance_matrix,
    great_circle_km,
    inverse_distance_weights,
    knn_weights,
    neighbours,
    read_regions,
    row_standardise,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "MoranResult",
    "Region",
    "centroids",
    "contiguity_weights",
    "distance_matrix",
    "great_circle_km",
    "inverse_distance_weights",
    "knn_weights",
    "local_morans_i",
    "location_quotients",
    "morans_i",
    "neighbours",
    "read_regions",
    "row_standardise",
]


def location_quotients(data: pd.DataFrame, *, reference: pd.Series | None = None) -> pd.DataFrame:
    """Location quotients of a regions × indicators table (e.g. employment or FDI by sector).

    LQ_ir = (x_ir / Σ_i x_ir) / (Σ_r x_ir / Σ_ir x_ir): the indicator's share in the region over its share in
    the whole. LQ > 1 means the region is specialised in i. With ``reference`` (totals per indicator of a wider
    area, e.g. the province or China) the denominator is reference_i / Σ_i reference_i instead (sums over the
    table's indicators). Missing cells
    count as 0 in the sums and stay NaN in the result; a region with a zero total gives NaN.
    """
    x = data.astype(float)
    region_total = x.sum(axis=1, skipna=True)
    share_in_region = x.div(region_total.where(region_total != 0), axis=0)
    if reference is None:
        totals = x.sum(axis=0, skipna=True)
    else:
        missing = [c for c in x.columns if c not in reference.index]
        if missing:
            raise KeyError(f"reference lacks indicator(s): {', '.join(map(str, missing))}")
        totals = reference.reindex(x.columns).astype(float)
    base_share = totals / totals.sum()
    return share_in_region.div(base_share, axis=1)


def _align(values: pd.Series, w: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Values in the weights' row order, the weights as an array; precise errors for mismatches."""
    codes = [str(c) for c in w.index]
    if sorted(codes) != sorted(str(c) for c in w.columns):
        raise ValueError("weights matrix must have the same codes on rows and columns")
    arr = w.loc[w.index, w.index].to_numpy(dtype=float)
    idx = values.copy()
    idx.index = idx.index.map(str)
    missing = [c for c in codes if c not in idx.index]
    if missing:
        raise KeyError(f"no value for region(s): {', '.join(missing)}")
    y = idx.reindex(codes).astype(float).to_numpy()
    if np.isnan(y).any():
        bad = [c for c, v in zip(codes, y, strict=True) if np.isnan(v)]
        raise ValueError(f"missing value for region(s) {', '.join(bad)}: drop them from the weights first")
    if len(codes) < 4:
        raise ValueError("Moran's I needs at least 4 regions")
    return y, arr, codes


def _folded_p(sim: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Pseudo p = (m + 1)/(P + 1), m = simulated values at least as extreme on the observed side (PySAL esda)."""
    permutations = sim.shape[-1]
    larger = (sim >= observed[..., None]).sum(axis=-1)
    larger = np.minimum(larger, permutations - larger)
    return np.asarray((larger + 1.0) / (permutations + 1.0))


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I and its inference.

    ``expected`` = −1/(n−1); ``var_norm`` / ``var_rand`` the variance under normality / randomisation;
    ``z_*`` = (I − E[I])/√Var and ``p_*`` their normal p-values (two-sided unless asked otherwise);
    ``p_sim`` the folded permutation pseudo p-value, ``z_sim`` = (I − mean(sim))/sd(sim); ``simulated`` the
    permutation values of I (empty without permutations).
    """

    moran_i: float
    expected: float
    var_norm: float
    var_rand: float
    z_norm: float
    z_rand: float
    p_norm: float
    p_rand: float
    n: int
    permutations: int
    p_sim: float
    z_sim: float
    simulated: np.ndarray = field(repr=False)


def morans_i(
    values: pd.Series,
    w: pd.DataFrame,
    *,
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    two_tailed: bool = True,
) -> MoranResult:
    """Global Moran's I = (n/S₀)·(zᵀWz)/(zᵀz), z = x − x̄ (Moran 1950).

    Moments under the null of no autocorrelation (Cliff & Ord 1981, eqs. 1.35–1.38), with S₀ = Σᵢⱼwᵢⱼ,
    S₁ = ½Σᵢⱼ(wᵢⱼ+wⱼᵢ)², S₂ = Σᵢ(wᵢ. + w.ᵢ)², b₂ = nΣz⁴/(Σz²)²:

    * E[I] = −1/(n−1);
    * normality: Var = (n²S₁ − nS₂ + 3S₀²)/((n²−1)S₀²) − E[I]²;
    * randomisation: Var = [n((n²−3n+3)S₁ − nS₂ + 3S₀²) − b₂((n²−n)S₁ − 2nS₂ + 6S₀²)]
      / ((n−1)(n−2)(n−3)S₀²) − E[I]² (the exact variance over all n! permutations).

    Permutation inference draws ``permutations`` random relabellings at once (one seeded Generator).
    """
    y, arr, _codes = _align(values, w)
    n = y.size
    z = y - y.mean()
    m2 = float(z @ z)
    if m2 == 0:
        raise ValueError("Moran's I is undefined for a constant variable")
    s0 = float(arr.sum())
    if s0 == 0:
        raise ValueError("weights matrix has no links")
    moran = n / s0 * float(z @ arr @ z) / m2
    expected = -1.0 / (n - 1)
    s1 = 0.5 * float(((arr + arr.T) ** 2).sum())
    s2 = float(((arr.sum(axis=1) + arr.sum(axis=0)) ** 2).sum())
    var_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - expected**2
    b2 = n * float((z**4).sum()) / m2**2
    num = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) - b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    var_rand = num / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - expected**2
    tails = 2.0 if two_tailed else 1.0
    z_norm = (moran - expected) / np.sqrt(var_norm)
    z_rand = (moran - expected) / np.sqrt(var_rand)
    sim = np.empty(0)
    p_sim = z_sim = float("nan")
    if permutations > 0:
        rng = np.random.default_rng(seed)
        zp = rng.permuted(np.tile(z, (permutations, 1)), axis=1)
        sim = n / s0 * np.einsum("pi,pi->p", zp @ arr.T, zp) / m2
        p_sim = float(_folded_p(sim, np.asarray(moran)))
        z_sim = float((moran - sim.mean()) / sim.std(ddof=1))
    return MoranResult(
        moran_i=float(moran),
        expected=expected,
        var_norm=float(var_norm),
        var_rand=float(var_rand),
        z_norm=float(z_norm),
        z_rand=float(z_rand),
        p_norm=float(tails * stats.norm.sf(abs(z_norm))),
        p_rand=float(tails * stats.norm.sf(abs(z_rand))),
        n=n,
        permutations=permutations,
        p_sim=p_sim,
        z_sim=z_sim,
        simulated=sim,
    )


def _random_sample(rng: np.random.Generator, permutations: int, pool: int, k: int) -> np.ndarray:
    """``permutations`` ordered samples of k of range(pool) without replacement: the k smallest of iid keys."""
    keys = rng.random((permutations, pool))
    if k >= pool:
        return np.argsort(keys, axis=1)
    part = np.argpartition(keys, k, axis=1)[:, :k]
    order = np.argsort(np.take_along_axis(keys, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1)


def local_morans_i(
    values: pd.Series,
    w: pd.DataFrame,
    *,
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Local Moran's I (LISA, Anselin 1995, eq. 7): Iᵢ = (zᵢ/m₂)·Σⱼ wᵢⱼ zⱼ, z = x − x̄, m₂ = Σz²/n.

    Σᵢ Iᵢ = S₀·I, the global statistic (Anselin's "sum of LISAs" property; = n·I for row-standardised W). PySAL's
    esda uses m₂ = Σz²/(n−1), which scales every Iᵢ by (n−1)/n and leaves the pseudo p-values unchanged.

    Conditional permutation (Anselin 1995 §4): zᵢ stays at i while its neighbours' values are drawn at random
    without replacement from the other n−1 values; p_sim is the folded pseudo p-value (m + 1)/(P + 1).

    Columns: Value, Z (= x − x̄), Lag (= Σⱼ wᵢⱼ zⱼ), Ii, E.Ii (= −wᵢ./(n−1), eq. 13), p_sim, Quadrant (HH, LL, HL,
    LH from the signs of Z and Lag: high value with high neighbours, …; "" when either is 0) and Cluster (the
    quadrant where p_sim ≤ ``alpha``, else "ns"). Regions without neighbours get Ii = 0 and p_sim NaN.
    """
    y, arr, codes = _align(values, w)
    n = y.size
    z = y - y.mean()
    m2 = float(z @ z) / n
    if m2 == 0:
        raise ValueError("local Moran's I is undefined for a constant variable")
    lag = arr @ z
    local = z * lag / m2
    p_sim = np.full(n, np.nan)
    if permutations > 0:
        rng = np.random.default_rng(seed)
        for i in range(n):
            nz = np.flatnonzero(arr[i])
            nz = nz[nz != i]
            if nz.size == 0:
                continue
            others = np.delete(z, i)
            draw = _random_sample(rng, permutations, n - 1, nz.size)[:, : nz.size]
            sim = z[i] * (others[draw] @ arr[i, nz]) / m2
            p_sim[i] = _folded_p(sim, np.asarray(local[i]))
    quadrant = np.select(
        [(z > 0) & (lag > 0), (z < 0) & (lag < 0), (z > 0) & (lag < 0), (z < 0) & (lag > 0)],
        ["HH", "LL", "HL", "LH"],
        default="",
    )
    cluster = np.where(p_sim <= alpha, quadrant, "ns")
    out = pd.DataFrame(
        {
            "Value": y,
            "Z": z,
            "Lag": lag,
            "Ii": local,
            "E.Ii": -arr.sum(axis=1) / (n - 1),
            "p_sim": p_sim,
            "Quadrant": quadrant,
            "Cluster": cluster,
        },
        index=pd.Index(codes, name="code"),
    )
    return out
