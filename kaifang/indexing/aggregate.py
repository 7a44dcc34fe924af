"""加权汇总 — aggregation of indicators up the framework (COINr ``Aggregate``).

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 7 "Aggregation": §6.2 linear
(arithmetic), §6.3 geometric, §6.4 non-compensatory multi-criteria (Copeland). Row-wise on a 2-D array
(units × components) with one weight per component; a 1-D array is one unit. Missing values are skipped and
the weights of the observed components renormalised to sum to 1 (COINr behaviour)::

    a_amean   y = Σ wᵢxᵢ / Σ wᵢ
    a_gmean   y = exp(Σ wᵢ log xᵢ / Σ wᵢ)           (xᵢ > 0)
    a_hmean   y = Σ wᵢ / Σ (wᵢ / xᵢ)                 (xᵢ ≠ 0)
    a_genmean y = (Σ wᵢ xᵢᵖ / Σ wᵢ)^(1/p)            (p = 1 arithmetic, p → 0 geometric, p = −1 harmonic)
    a_copeland  outranking matrix eᵢⱼ = Σ_k w_k [x_ik > x_jk] + ½ Σ_k w_k [x_ik = x_jk] (weights summing to 1),
                score = #{j: eᵢⱼ > ½} − #{j: eᵢⱼ < ½}  (COINr ``a_copeland``/``outrankMatrix``)

:func:`aggregate` applies a method per level of a :class:`~kaifang.indexing.framework.Framework`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kaifang.indexing.framework import Framework

__all__ = [
    "AGGREGATE_METHODS",
    "a_amean",
    "a_copeland",
    "a_genmean",
    "a_gmean",
    "a_hmean",
    "aggregate",
    "aggregate_level",
    "outrank_matrix",
]

Array = np.ndarray

#: aggregation methods and their default parameters (``None`` = required), by COINr name
AGGREGATE_METHODS: dict[str, dict[str, Any]] = {
    "a_amean": {},
    "a_gmean": {},
    "a_hmean": {},
    "a_genmean": {"p": None},
    "a_copeland": {},
}


def _rows(x: Array, w: Array | None) -> tuple[Array, Array, bool]:
    a = np.array(x, dtype=float)
    one = a.ndim == 1
    a = a[None, :] if one else a
    wt = np.ones(a.shape[1]) if w is None else np.asarray(w, dtype=float)
    if wt.shape != (a.shape[1],):
        raise ValueError(f"{wt.size} weights for {a.shape[1]} components")
    return a, wt, one


def _mean_of(values: Array, observed: Array, w: Array) -> Array:
    """Σ w·v / Σ w over the observed entries of each row (NaN where nothing is observed)."""
    den = observed @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den != 0, (np.where(observed, values, 0.0) @ w) / den, np.nan)


def _ret(y: Array, one: bool) -> Array:
    return y[0] if one else y


def a_amean(x: Array, w: Array | None = None) -> Array:
    """Weighted arithmetic mean per row, NaN skipped (Handbook §6.2; COINr ``a_amean``)."""
    a, wt, one = _rows(x, w)
    return _ret(_mean_of(a, ~np.isnan(a), wt), one)


def a_gmean(x: Array, w: Array | None = None) -> Array:
    """Weighted geometric mean per row, NaN skipped; refuses values ≤ 0 (Handbook §6.3; COINr ``a_gmean``)."""
    a, wt, one = _rows(x, w)
    if np.any(a <= 0):
        raise ValueError("a_gmean 需要正数 (geometric mean needs values > 0): normalise to e.g. [1, 100] first")
    return _ret(np.exp(_mean_of(np.log(np.where(a > 0, a, 1.0)), ~np.isnan(a), wt)), one)


def a_hmean(x: Array, w: Array | None = None) -> Array:
    """Weighted harmonic mean per row, NaN skipped; refuses zeros (COINr ``a_hmean``)."""
    a, wt, one = _rows(x, w)
    if np.any(a == 0):
        raise ValueError("a_hmean 不能有 0 (harmonic mean needs values ≠ 0)")
    inv = _mean_of(1.0 / np.where(a == 0, 1.0, a), ~np.isnan(a), wt)
    with np.errstate(divide="ignore"):
        return _ret(1.0 / inv, one)


def a_genmean(x: Array, w: Array | None = None, p: float = 1.0) -> Array:
    """Weighted generalised (power) mean of order p per row, NaN skipped (COINr ``a_genmean``); p = 0 → geometric."""
    if p == 0:
        return a_gmean(x, w)
    a, wt, one = _rows(x, w)
    if np.any(a < 0) and p != round(p):
        raise ValueError("a_genmean: 非整数 p 不能用于负数 (non-integer p needs values ≥ 0)")
    if p < 0 and np.any(a == 0):
        raise ValueError("a_genmean: p < 0 不能有 0 (negative p needs values ≠ 0)")
    with np.errstate(invalid="ignore", divide="ignore"):
        return _ret(_mean_of(a**p, ~np.isnan(a), wt) ** (1.0 / p), one)


def outrank_matrix(x: Array, w: Array | None = None) -> Array:
    """COINr ``outrankMatrix``: eᵢⱼ = Σ w[xᵢ > xⱼ] + ½ Σ w[xᵢ = xⱼ] for i < j, eⱼᵢ = 1 − eᵢⱼ, diagonal 0.

    Weights are rescaled to sum to 1; comparisons with a missing value count for neither unit.
    """
    a, wt, _ = _rows(x, w)
    wt = wt / np.nansum(wt)
    gt = (a[:, None, :] > a[None, :, :]) @ wt
    eq = (a[:, None, :] == a[None, :, :]) @ wt
    e = gt + eq / 2
    upper = np.triu(np.ones(e.shape, dtype=bool), 1)
    e = np.where(upper, e, 1 - e.T)
    np.fill_diagonal(e, 0.0)
    return e


def a_copeland(x: Array, w: Array | None = None) -> Array:
    """Copeland scores (Handbook §6.4; COINr ``a_copeland``): outranking wins minus losses against every unit."""
    e = outrank_matrix(x, w)
    s = np.sign(e - 0.5)
    np.fill_diagonal(s, 0.0)
    return s.sum(axis=1)


def aggregate_level(
    children: Array,
    owner: Array,
    n_parents: int,
    weights: Array,
    f_ag: str = "a_amean",
    f_ag_para: Mapping[str, Any] | None = None,
    dat_thresh: float | None = None,
) -> Array:
    """Aggregate the child columns (units × children) into ``n_parents`` columns; ``owner[j]`` is child j's parent.

    With ``dat_thresh``, a parent whose share of observed children is below it is NaN (COINr).
    """
    if f_ag not in AGGREGATE_METHODS:
        raise ValueError(f"unknown aggregation {f_ag!r}; known: {', '.join(AGGREGATE_METHODS)}")
    para = dict(f_ag_para or {})
    a = np.asarray(children, dtype=float)
    w = np.asarray(weights, dtype=float)
    member = np.zeros((a.shape[1], n_parents))
    member[np.arange(a.shape[1]), owner] = 1.0
    observed = ~np.isnan(a)
    if f_ag in ("a_amean", "a_gmean", "a_hmean", "a_genmean"):
        p = {"a_amean": 1.0, "a_gmean": 0.0, "a_hmean": -1.0}.get(f_ag, para.get("p"))
        if p is None:
            raise ValueError("a_genmean 需要参数 p (a_genmean needs p)")
        p = float(p)
        if p == 0 and np.any(a <= 0):
            raise ValueError("a_gmean 需要正数 (geometric mean needs values > 0): normalise to e.g. [1, 100] first")
        if p < 0 and np.any(a == 0):
            raise ValueError("a_hmean/a_genmean 不能有 0 (harmonic or negative-power mean needs values ≠ 0)")
        wm = member * w[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            if p == 0:
                y = np.exp(_mean_of(np.log(np.where(a > 0, a, 1.0)), observed, wm))
            elif p == 1:
                y = _mean_of(a, observed, wm)
            else:
                y = _mean_of(a**p, observed, wm) ** (1.0 / p)
    else:
        y = np.column_stack([a_copeland(a[:, owner == k], w[owner == k]) for k in range(n_parents)])
    if dat_thresh is not None:
        share = (observed @ member) / member.sum(axis=0)
        y = np.where(share < dat_thresh, np.nan, y)
    return y


def aggregate(
    data: pd.DataFrame,
    framework: Framework,
    f_ag: str | Mapping[int, str] = "a_amean",
    weights: pd.Series | Mapping[str, float] | None = None,
    f_ag_para: Mapping[int, Mapping[str, Any]] | None = None,
    dat_thresh: float | Mapping[int, float | None] | None = None,
) -> pd.DataFrame:
    """Aggregate the indicator columns of ``data`` level by level up to the index.

    ``f_ag``, ``f_ag_para`` and ``dat_thresh`` are one value for every level or a mapping level → value (levels
    2 … top, the level being created). ``weights`` default to the framework's. Returns the indicators followed by
    every aggregate, level by level.
    """
    w_all = framework.weights
    if weights is not None:
        w_all = w_all.copy()
        w_all.update(pd.Series(weights, dtype=float))
    a = data.reindex(columns=list(framework.indicators)).to_numpy(dtype=float)
    blocks = [a]
    names = list(framework.indicators)
    current = a
    for level in range(2, framework.max_level + 1):
        children, parents, owner = framework.structure(level)
        method = f_ag if isinstance(f_ag, str) else f_ag[level]
        para = (f_ag_para or {}).get(level, {})
        thresh = dat_thresh if dat_thresh is None or isinstance(dat_thresh, float | int) else dat_thresh.get(level)
        w = w_all.reindex(list(children)).to_numpy(dtype=float)
        current = aggregate_level(current, owner, len(parents), w, method, para, thresh)
        blocks.append(current)
        names += list(parents)
    return pd.DataFrame(np.hstack(blocks), index=data.index, columns=names)
