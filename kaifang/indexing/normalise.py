"""标准化 — normalisation of indicators onto a common scale (COINr ``Normalise``).

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 5 "Normalisation", table 3. Every
function works column-wise on a 2-D array (units × indicators) and skips NaN; a 1-D array is one column.
Per-column parameters (targets, goalposts) are arrays with one entry per column.

Direction (逆向指标 = −1): :func:`normalise` multiplies each column by its direction before calling the
method, as COINr ``Normalise.numeric`` does, so a reversed indicator's best value becomes its highest. The two
methods whose parameters are in the indicator's own units — ``n_dist2targ`` and ``n_goalposts`` — take the
direction as an argument instead (COINr 1.1.14 does the same), so targets and goalposts are written as
published, e.g. ``n_goalposts(1, gposts=(0, 10, 1), direction=-1) == 0.9``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "DIRECTION_INSIDE",
    "NORMALISE_METHODS",
    "n_borda",
    "n_dist2max",
    "n_dist2ref",
    "n_dist2targ",
    "n_fracmax",
    "n_goalposts",
    "n_minmax",
    "n_prank",
    "n_rank",
    "n_scaled",
    "n_zscore",
    "normalise",
]

Array = np.ndarray


def _cols(x: Array) -> tuple[Array, bool]:
    a = np.array(x, dtype=float)
    return (a[:, None], True) if a.ndim == 1 else (a, False)


def _out(a: Array, one_d: bool) -> Array:
    return a[:, 0] if one_d else a


def _min(a: Array) -> Array:
    return np.fmin.reduce(a, axis=0)


def _max(a: Array) -> Array:
    return np.fmax.reduce(a, axis=0)


def n_minmax(x: Array, l_u: tuple[float, float] | list[float] = (0, 100)) -> Array:
    """Min-max: (x − min)/(max − min)·(u − l) + l (Handbook table 3 "Min-Max"; COINr ``n_minmax``)."""
    a, one_d = _cols(x)
    lo, hi = _min(a), _max(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (a - lo) / (hi - lo) * (l_u[1] - l_u[0]) + l_u[0]
    return _out(y, one_d)


def n_zscore(x: Array, m_sd: tuple[float, float] | list[float] = (0, 1)) -> Array:
    """Z-score: (x − mean)/sd·s + m, sd with n − 1 (Handbook "Standardisation"; COINr ``n_zscore``)."""
    a, one_d = _cols(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (a - np.nanmean(a, axis=0)) / np.nanstd(a, axis=0, ddof=1) * m_sd[1] + m_sd[0]
    return _out(y, one_d)


def n_scaled(x: Array, npara: tuple[float, float] | list[float] = (0, 100)) -> Array:
    """Scaling by fixed bounds: (x − l)/(u − l)·100, not truncated (GII 2020; COINr ``n_scaled``)."""
    a, one_d = _cols(x)
    return _out((a - npara[0]) / (npara[1] - npara[0]) * 100, one_d)


def n_rank(x: Array) -> Array:
    """Rank, highest value highest rank, ties get the lowest rank (R ``ties.method = "min"``; COINr ``n_rank``)."""
    a, one_d = _cols(x)
    return _out(stats.rankdata(a, method="min", axis=0, nan_policy="omit"), one_d)


def n_borda(x: Array) -> Array:
    """Borda score: rank − 1 (COINr ``n_borda``)."""
    return n_rank(x) - 1


def n_prank(x: Array) -> Array:
    """Percentile rank: (rank_min − 1)/(n − 1) in [0, 1] (COINr ``n_prank``)."""
    a, one_d = _cols(x)
    n = (~np.isnan(a)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (stats.rankdata(a, method="min", axis=0, nan_policy="omit") - 1) / (n - 1)
    return _out(y, one_d)


def n_fracmax(x: Array) -> Array:
    """Fraction of the maximum: x / max (COINr ``n_fracmax``)."""
    a, one_d = _cols(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _out(a / _max(a), one_d)


def n_dist2max(x: Array) -> Array:
    """Distance to the best unit: 1 − (max − x)/(max − min) (Handbook "distance to a reference"; COINr)."""
    a, one_d = _cols(x)
    lo, hi = _min(a), _max(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _out(1 - (hi - a) / (hi - lo), one_d)


def n_dist2ref(x: Array, iref: int, cap_max: bool = False) -> Array:
    """Distance to a reference unit (row ``iref``): 1 − (x_ref − x)/(x_ref − min), capped at 1 if asked (COINr)."""
    a, one_d = _cols(x)
    ref = a[int(iref)]
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 1 - (ref - a) / (ref - _min(a))
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return _out(y, one_d)


def n_dist2targ(x: Array, targ: float | Array, direction: float | Array = 1, cap_max: bool = False) -> Array:
    """Distance to target (COINr 1.1.14 ``n_dist2targ``), target in the indicator's units.

    direction +1: (x − min)/(targ − min); direction −1: (max − x)/(max − targ); capped at 1 if ``cap_max``.
    """
    a, one_d = _cols(x)
    t = np.broadcast_to(np.asarray(targ, dtype=float), a.shape[1:])
    d = np.broadcast_to(np.asarray(direction, dtype=float), a.shape[1:])
    lo, hi = _min(a), _max(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(d > 0, (a - lo) / (t - lo), (hi - a) / (hi - t))
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return _out(y, one_d)


def n_goalposts(x: Array, gposts: Array | list[float], direction: float | Array = 1, trunc2posts: bool = True) -> Array:
    """Goalposts (COINr ``n_goalposts``; UNDP HDI): fixed bounds (l, u) and scale a, in the indicator's units.

    direction +1: (x − l)/(u − l); direction −1: (x − u)/(l − u); truncated to [0, 1] if ``trunc2posts``;
    times a. ``gposts`` is (l, u, a) for every column or an array of shape (columns, 3).
    """
    a, one_d = _cols(x)
    g = np.broadcast_to(np.asarray(gposts, dtype=float), (a.shape[1], 3))
    lo, up, scale = g[:, 0], g[:, 1], g[:, 2]
    d = np.broadcast_to(np.asarray(direction, dtype=float), a.shape[1:])
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(d > 0, (a - lo) / (up - lo), (a - up) / (lo - up))
    if trunc2posts:
        y = np.clip(y, 0.0, 1.0)
    return _out(y * scale, one_d)


NormFn = Callable[..., Array]

#: normalisation methods and their default parameters, by COINr name. ``None`` defaults are filled from the
#: framework by the coin: ``targ`` from its Target column, ``gposts`` from goalpost_lower/upper/scale.
NORMALISE_METHODS: dict[str, tuple[NormFn | None, dict[str, Any]]] = {
    "n_minmax": (n_minmax, {"l_u": [0, 100]}),
    "n_zscore": (n_zscore, {"m_sd": [0, 1]}),
    "n_scaled": (n_scaled, {"npara": [0, 100]}),
    "n_rank": (n_rank, {}),
    "n_borda": (n_borda, {}),
    "n_prank": (n_prank, {}),
    "n_fracmax": (n_fracmax, {}),
    "n_dist2max": (n_dist2max, {}),
    "n_dist2ref": (n_dist2ref, {"iref": None, "cap_max": False}),
    "n_dist2targ": (n_dist2targ, {"targ": None, "cap_max": False}),
    "n_goalposts": (n_goalposts, {"gposts": None, "trunc2posts": True}),
    "none": (None, {}),
}
#: methods that receive the direction instead of data multiplied by it
DIRECTION_INSIDE = frozenset({"n_dist2targ", "n_goalposts"})


def normalise(x: Array, directions: Array | None = None, f_n: str = "n_minmax", **para: Any) -> Array:
    """Normalise every column with one method: x·direction then ``f_n`` (or direction passed to ``f_n``).

    ``para`` are the method's parameters, already resolved to numbers/arrays (see ``NORMALISE_METHODS``).
    """
    if f_n not in NORMALISE_METHODS:
        raise ValueError(f"unknown normalisation {f_n!r}; known: {', '.join(NORMALISE_METHODS)}")
    a, one_d = _cols(x)
    d = np.ones(a.shape[1]) if directions is None else np.asarray(directions, dtype=float)
    fn, _ = NORMALISE_METHODS[f_n]
    if fn is None:
        return _out(a * d, one_d)
    if f_n in DIRECTION_INSIDE:
        return _out(fn(a, direction=d, **para), one_d)
    return _out(fn(a * d, **para), one_d)
