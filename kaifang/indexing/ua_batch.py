"""批量汇总与名次 — aggregation of many replications at once, sport ranks and rank statistics (numpy only).

An uncertainty analysis rebuilds the index R times; most choices only change the weights or the aggregation,
so R replications share one normalised matrix x (units × indicators) and differ in a weights array
W (R × components). :func:`index_scores` aggregates all of them level by level up the framework exactly as
:func:`kaifang.indexing.aggregate.aggregate_level` does for one — power means skipping NaN with the weights of
the observed components renormalised, ``dat_thresh``, the same refusals of values ≤ 0 — but batched:

* level 2, parent p with children C:  yᵣᵤₚ = f⁻¹( Σ_{j∈C} Wᵣⱼ·f(xᵤⱼ)·oᵤⱼ / Σ_{j∈C} Wᵣⱼ·oᵤⱼ ), one matrix product
  (R × |C|)·(|C| × units) per parent, where o marks observed values and f(x) = x (a_amean), log x (a_gmean),
  xᵖ (a_genmean, a_hmean p = −1);
* higher levels: the same with per-replication inputs, an elementwise weighted sum over the children;
* when x has no missing value and every level uses the same power mean, the levels collapse: a power mean of
  power means of order p is one power mean with the effective weights eᵣⱼ = Π_levels wᵣ(node)/Σ wᵣ(siblings),
  so the index is f⁻¹(E·f(x)ᵀ), a single (R × n)·(n × units) product (Handbook 2008 §6; COINr ``get_eff_wts``).

Dropping an indicator is a zero weight: the renormalisation then gives exactly the index of a framework without
it. Copeland aggregation is not a mean; it is delegated, replication by replication, to the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from kaifang.indexing.aggregate import aggregate_level

__all__ = ["Level", "index_scores", "power_of", "rank_shift", "rank_stats", "sport_ranks"]

Array = np.ndarray

_POWER = {"a_amean": 1.0, "a_gmean": 0.0, "a_hmean": -1.0}


def power_of(method: str, para: dict[str, Any]) -> float | None:
    """The order p of a power-mean method (a_amean 1, a_gmean 0, a_hmean −1, a_genmean p); None for Copeland."""
    if method in _POWER:
        return _POWER[method]
    if method == "a_genmean":
        if para.get("p") is None:
            raise ValueError("a_genmean 需要参数 p (a_genmean needs p)")
        return float(para["p"])
    if method == "a_copeland":
        return None
    raise ValueError(f"unknown aggregation {method!r}")


@dataclass(frozen=True, eq=False)
class Level:
    """Aggregation into one framework level: child j's parent is ``owner[j]``; method, parameters, threshold."""

    owner: Array
    n_parents: int
    method: str = "a_amean"
    para: dict[str, Any] | None = None
    thresh: float | None = None

    @cached_property
    def power(self) -> float | None:
        return power_of(self.method, dict(self.para or {}))

    @cached_property
    def children(self) -> list[Array]:
        return [np.flatnonzero(self.owner == k) for k in range(self.n_parents)]

    @cached_property
    def member(self) -> Array:
        m = np.zeros((len(self.owner), self.n_parents))
        m[np.arange(len(self.owner)), self.owner] = 1.0
        return m


def _forward(a: Array, p: float) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        if p == 1:
            return a
        if p == 0:
            return np.log(np.where(a > 0, a, 1.0))
        return a**p


def _inverse(y: Array, p: float) -> Array:
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if p == 1:
            return y
        if p == 0:
            return np.exp(y)
        return y ** (1.0 / p)


def _bad(values: Array, p: float) -> Array:
    """Where the engine refuses a value (aggregate_level): ≤ 0 for a geometric mean, 0 for a negative power."""
    if p == 0:
        return values <= 0
    if p < 0:
        return values == 0
    return np.zeros(values.shape, dtype=bool)


def _refuse(p: float) -> None:
    if p == 0:
        raise ValueError("a_gmean 需要正数 (geometric mean needs values > 0): normalise to e.g. [1, 100] first")
    raise ValueError("a_hmean/a_genmean 不能有 0 (harmonic or negative-power mean needs values ≠ 0)")


def _mean(num: Array, den: Array, p: float) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        return _inverse(np.where(den != 0, num / den, np.nan), p)


def _threshold(y: Array, share: Array, thresh: float | None) -> Array:
    return y if thresh is None else np.where(share < thresh, np.nan, y)


def index_scores(
    x: Array,
    levels: Sequence[Level],
    weights: Sequence[Array],
    keep: Array | None = None,
    collapse: bool = True,
) -> Array:
    """Scores of the top code for R replications: (R, units).

    ``x``: (units, indicators) — the data set the aggregate step reads. ``levels``: levels 2 … top.
    ``weights[i]``: (R, children of levels[i]) raw weights, relative among siblings. ``keep``: (R, indicators),
    False where a replication drops the indicator (its weight must be 0 too); it only matters for
    ``dat_thresh``, whose share of observed children counts the kept ones. ``collapse=False`` forces the
    level-by-level path (the collapsed path gives the same numbers to rounding).
    """
    x = np.asarray(x, dtype=float)
    powers = [lv.power for lv in levels]
    p0 = powers[0]
    same = p0 is not None and all(p == p0 for p in powers)
    if collapse and same and not np.isnan(x).any() and (p0 == 1 or np.all(x > 0)):
        assert p0 is not None
        eff = _effective(levels, weights)
        if eff is not None:
            return _inverse(eff @ _forward(x, p0).T, p0)
    y = _first_level(x, levels[0], weights[0], keep)
    for lv, w in zip(levels[1:], weights[1:], strict=True):
        y = _upper_level(y, lv, w)
    return y[0]


def _effective(levels: Sequence[Level], weights: Sequence[Array]) -> Array | None:
    """E (R × indicators): each indicator's weight in the index, Π of weights normalised among siblings."""
    eff: Array | None = None
    path: Array | None = None
    for lv, w in zip(levels, weights, strict=True):
        sums = w @ lv.member
        if np.any(sums == 0):
            return None  # an aggregate without weight is NaN, skipped above it: not a plain product
        wn = w / sums[:, lv.owner]
        if eff is None:
            eff, path = wn, lv.owner
        else:
            assert path is not None
            eff = eff * wn[:, path]
            path = lv.owner[path]
    return eff


def _first_level(x: Array, lv: Level, w: Array, keep: Array | None) -> Array:
    """Level 2 from the shared data: (parents, R, units)."""
    p = lv.power
    obs = ~np.isnan(x)
    r, u = w.shape[0], x.shape[0]
    out = np.empty((lv.n_parents, r, u))
    if p is None:
        for i in range(r):
            ww = w[i] if keep is None else np.where(keep[i], w[i], 0.0)
            out[:, i, :] = aggregate_level(x, lv.owner, lv.n_parents, ww, lv.method, lv.para).T
    else:
        bad = _bad(x, p).any(axis=0)  # a dropped indicator is not in the engine's data: only kept ones count
        if bad.any() and (keep is None or np.any(keep[:, bad])):
            _refuse(p)
        f = np.where(obs, _forward(np.where(obs, x, 1.0), p), 0.0)
        for k, c in enumerate(lv.children):
            wc = w[:, c]
            num = wc @ f[:, c].T
            full = obs[:, c].all()
            den = wc.sum(axis=1)[:, None] if full else wc @ obs[:, c].T.astype(float)
            out[k] = _mean(num, den, p)
    if lv.thresh is not None:
        for k, c in enumerate(lv.children):
            kept = np.ones((r, len(c))) if keep is None else keep[:, c].astype(float)
            share = (kept @ obs[:, c].T.astype(float)) / kept.sum(axis=1)[:, None]
            out[k] = _threshold(out[k], share, lv.thresh)
    return out


def _upper_level(y: Array, lv: Level, w: Array) -> Array:
    """A level above 2 from per-replication inputs y (children, R, units): (parents, R, units)."""
    p = lv.power
    obs = ~np.isnan(y)
    _, r, u = y.shape
    out = np.empty((lv.n_parents, r, u))
    if p is None:
        for i in range(r):
            out[:, i, :] = aggregate_level(y[:, i, :].T, lv.owner, lv.n_parents, w[i], lv.method, lv.para).T
    else:
        if _bad(y[obs], p).any():
            _refuse(p)
        f = np.where(obs, _forward(np.where(obs, y, 1.0), p), 0.0)
        for k, c in enumerate(lv.children):
            wc = w[:, c].T[:, :, None]  # (children, R, 1)
            num = (wc * f[c]).sum(axis=0)
            den = (wc * obs[c]).sum(axis=0)
            out[k] = _mean(num, den, p)
    if lv.thresh is not None:
        for k, c in enumerate(lv.children):
            out[k] = _threshold(out[k], obs[c].sum(axis=0) / len(c), lv.thresh)
    return out


def sport_ranks(scores: Array) -> Array:
    """Ranks of each row, 1 = highest, ties share the lowest number, 0 = no score (pandas ``method="min"``).

    Sorting per row, a tie run starts where the sorted value changes: rank = start of the run + 1.
    """
    s = np.asarray(scores, dtype=float)
    r, u = s.shape
    dtype = np.int16 if u < np.iinfo(np.int16).max else np.int32
    neg = -s
    order = np.argsort(neg, axis=1)  # NaN sorts last; tied values share a rank, so their order does not matter
    flat = (order + (np.arange(r) * u)[:, None]).ravel()
    ordered = neg.ravel()[flat].reshape(r, u)
    same = ordered[:, 1:] == ordered[:, :-1]
    if same.any():
        start = np.where(np.concatenate([np.zeros((r, 1), dtype=bool), same], axis=1), 0, np.arange(u))
        ranked = np.maximum.accumulate(start, axis=1) + 1
    else:
        ranked = np.broadcast_to(np.arange(1, u + 1), (r, u))
    gaps = np.isnan(ordered)
    if gaps.any():
        ranked = np.where(gaps, 0, ranked)
    out = np.empty(r * u, dtype=dtype)
    out[flat] = ranked.ravel()
    return out.reshape(r, u)


def _order_stat(cum: Array, k: Array) -> Array:
    """The k-th smallest rank (0-based) of each column from cumulative counts (columns × ranks)."""
    return 1 + (cum <= k[:, None]).sum(axis=1)


def rank_stats(ranks: Array, quantiles: Sequence[float] = (0.5, 0.05, 0.95), chunk: int = 512) -> dict[str, Array]:
    """Per column of integer ranks (0 = none): N, Mean and R/numpy type-7 quantiles, from rank counts.

    Ranks are integers 1 … n, so the sorted sample of a column is its histogram: the k-th order statistic is
    the smallest rank whose cumulative count exceeds k, and the quantile q is x₍ₕ₎ + (h − ⌊h⌋)(x₍ₕ₊₁₎ − x₍ₕ₎)
    with h = (N − 1)q — R ``quantile(type = 7)`` as COINr uses, numpy's default. Columns go in chunks.
    """
    c = ranks.shape[1]
    top = int(ranks.max()) if ranks.size else 0
    out = {"N": np.zeros(c, dtype=int), "Mean": np.full(c, np.nan)}
    qs = {q: np.full(c, np.nan) for q in quantiles}
    for a in range(0, c, chunk):
        block = ranks[:, a : a + chunk].astype(np.int64)
        m = block.shape[1]
        flat = block + (np.arange(m) * (top + 1))[None, :]
        counts = np.bincount(flat.ravel(), minlength=m * (top + 1)).reshape(m, top + 1)[:, 1:]
        n = counts.sum(axis=1)
        ok = n > 0
        out["N"][a : a + m] = n
        with np.errstate(invalid="ignore", divide="ignore"):
            out["Mean"][a : a + m] = np.where(ok, counts @ np.arange(1, top + 1) / n, np.nan)
        cum = np.cumsum(counts, axis=1)
        for q, arr in qs.items():
            h = (np.maximum(n, 1) - 1) * q
            lo = np.floor(h).astype(np.int64)
            hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
            x_lo, x_hi = _order_stat(cum, lo), _order_stat(cum, hi)
            arr[a : a + m] = np.where(ok, x_lo + (h - lo) * (x_hi - x_lo), np.nan)
    return {**out, **{f"q{q}": v for q, v in qs.items()}}


def rank_shift(ranks: Array, nominal: Array, blocks: Sequence[slice] | None = None) -> Array:
    """COINr's default SA output: the mean absolute rank shift ȳᵣ = mean_u |rankᵣᵤ − nominalᵤ| (R, blocks).

    Only units ranked in both count. ``blocks`` split the columns (one per year of a panel); default one block.
    """
    parts = blocks or [slice(0, ranks.shape[1])]
    out = np.full((ranks.shape[0], len(parts)), np.nan)
    for b, sl in enumerate(parts):
        rk = ranks[:, sl].astype(np.int32)
        nom = np.asarray(nominal[sl], dtype=np.int32)
        both = (rk > 0) & (nom > 0)[None, :]
        n = both.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, b] = np.where(n > 0, np.where(both, np.abs(rk - nom[None, :]), 0).sum(axis=1) / n, np.nan)
    return out
