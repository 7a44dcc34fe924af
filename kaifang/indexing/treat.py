"""异常值处理 — outlier treatment of indicators (COINr ``Treat``).

The standard two-stage process of the OECD/JRC *Handbook on Constructing Composite Indicators* (2008),
step 3 (imputation and outliers) as coded in COINr 1.1.14 ``Treat.numeric``:

1. ``f_pass`` (``check_SkewKurt``): an indicator *fails* when |skew| ≥ ``skew_thresh`` **and**
   kurtosis ≥ ``kurt_thresh`` (defaults 2 and 3.5). A passing indicator is left as it is.
2. ``f1`` (default ``winsorise``) is applied; if the result passes, it is kept.
3. Otherwise ``f2`` (default ``log_CT``) is applied to the **original** values (``combine_treat=False``) or to
   the output of ``f1`` (``combine_treat=True``).

Skewness and kurtosis are the sample ("Excel", e1071 type 2) estimators::

    G1 = √n Σd³ / (Σd²)^{3/2} · √(n(n−1)) / (n−2)
    G2 = ((n+1)(n·Σd⁴/(Σd²)² − 3) + 6) · (n−1) / ((n−2)(n−3))     (excess kurtosis), d = x − mean(x)

All functions work column-wise on a 2-D array (units × indicators), skipping NaN; a 1-D array is one column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import optimize, stats

__all__ = [
    "PASS_METHODS",
    "TREAT_METHODS",
    "boxcox",
    "check_skew_kurt",
    "kurt",
    "log_CT",
    "log_CT_orig",
    "log_GII",
    "skew",
    "treat",
    "winsorise",
]

Array = np.ndarray
#: points codes in the treated-points record
WIN_HI, WIN_LO, TRANSFORMED = 1, -1, 2


def _cols(x: Array) -> tuple[Array, bool]:
    a = np.array(x, dtype=float)
    return (a[:, None], True) if a.ndim == 1 else (a, False)


def _out(a: Array, one_d: bool) -> Array:
    return a[:, 0] if one_d else a


def _moments(x: Array) -> tuple[Array, Array, Array, Array]:
    ok = ~np.isnan(x)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(ok, x - np.nansum(x, axis=0) / n, 0.0)
    d2 = d * d
    return n, d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0)


def skew(x: Array) -> Array | float:
    """Sample skewness G1 per column (e1071 type 2, Excel ``SKEW``; COINr ``skew``). NaN if n < 3 or constant."""
    a, one_d = _cols(x)
    n, m2, m3, _ = _moments(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    g = np.where(n >= 3, g, np.nan)
    return float(g[0]) if one_d else g


def kurt(x: Array) -> Array | float:
    """Sample excess kurtosis G2 per column (e1071 type 2, Excel ``KURT``; COINr ``kurt``). NaN if n < 4."""
    a, one_d = _cols(x)
    n, m2, _, m4 = _moments(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * m4 / (m2 * m2)
        g = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    g = np.where(n >= 4, g, np.nan)
    return float(g[0]) if one_d else g


def check_skew_kurt(x: Array, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> tuple[Array, Array, Array]:
    """COINr ``check_SkewKurt``: pass = |skew| < skew_thresh OR kurt < kurt_thresh, per column.

    Returns (pass, skew, kurt). A column whose moments are undefined (constant, too few values) passes:
    there is nothing to treat (COINr returns it untreated too).
    """
    a, _ = _cols(x)
    sk = np.asarray(skew(a), dtype=float)
    kt = np.asarray(kurt(a), dtype=float)
    undefined = np.isnan(sk) | np.isnan(kt)
    ok = undefined | (np.abs(sk) < skew_thresh) | (kt < kurt_thresh)
    return ok, sk, kt


def winsorise(
    x: Array,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[Array, dict[str, Array], Array]:
    """COINr ``winsorise``: reassign the most extreme point(s) to the next value until the column passes.

    While the column fails :func:`check_skew_kurt` (or ``force_win``) and fewer than ``winmax`` points are
    winsorised: if skew ≥ 0 every point equal to the maximum takes the largest remaining value, else every
    point equal to the minimum takes the smallest remaining value. Tied points go together, and since earlier
    winsorised points tie with the current extreme, the count is cumulative per side (COINr counts
    ``length(imax) + length(imin)`` of the last pass on each side). ``winmax=None`` means no limit.

    Returns (treated, {"nwin": points per column}, points) where points holds +1 (winsorised high), −1 (low).
    """
    a, one_d = _cols(x)
    a = a.copy()
    n_rows, k = a.shape
    limit = n_rows if winmax is None else int(winmax)
    ok, _, _ = check_skew_kurt(a, skew_thresh, kurt_thresh)
    last_hi = np.zeros(a.shape, dtype=bool)
    last_lo = np.zeros(a.shape, dtype=bool)
    nwin = np.zeros(k, dtype=int)
    active = (~ok | force_win) & (limit > 0)
    for _ in range(n_rows):  # a column can never need more passes than it has points
        cols = np.flatnonzero(active)
        if cols.size == 0:
            break
        sub = a[:, cols]
        hi = np.asarray(skew(sub)) >= 0
        extreme = np.where(hi, np.fmax.reduce(sub, axis=0), np.fmin.reduce(sub, axis=0))
        mask = sub == extreme
        rest = np.where(mask, np.nan, sub)
        repl = np.where(hi, np.fmax.reduce(rest, axis=0), np.fmin.reduce(rest, axis=0))
        stuck = np.isnan(repl)  # every value equals the extreme: nothing left to winsorise
        mask &= ~stuck
        a[:, cols] = np.where(mask, repl, sub)
        last_hi[:, cols[hi]] = mask[:, hi]
        last_lo[:, cols[~hi]] = mask[:, ~hi]
        nwin[cols] = last_hi[:, cols].sum(axis=0) + last_lo[:, cols].sum(axis=0)
        ok_now, _, _ = check_skew_kurt(a[:, cols], skew_thresh, kurt_thresh)
        active[cols] = (~ok_now | force_win) & (nwin[cols] < limit) & ~stuck
    points = np.where(last_hi, WIN_HI, np.where(last_lo, WIN_LO, 0)).astype(np.int8)
    info = {"nwin": nwin[0:1] if one_d else nwin}
    return _out(a, one_d), info, _out(points, one_d)


def _range(a: Array) -> tuple[Array, Array]:
    return np.fmin.reduce(a, axis=0), np.fmax.reduce(a, axis=0)


def log_CT(x: Array) -> tuple[Array, dict[str, Array], Array]:
    """COINr ``log_CT`` ("COIN Tool" log): log(x − min(x) + 0.01·(max(x) − min(x))), per column."""
    a, one_d = _cols(x)
    lo, hi = _range(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.log(a - lo + 0.01 * (hi - lo))
    return _out(y, one_d), {}, _out(np.where(np.isnan(a), 0, TRANSFORMED).astype(np.int8), one_d)


def log_CT_orig(x: Array) -> tuple[Array, dict[str, Array], Array]:
    """COINr ``log_CT_orig``: log(x − min(x) + 1), per column."""
    a, one_d = _cols(x)
    lo, _ = _range(a)
    y = np.log(a - lo + 1)
    return _out(y, one_d), {}, _out(np.where(np.isnan(a), 0, TRANSFORMED).astype(np.int8), one_d)


def log_GII(x: Array) -> tuple[Array, dict[str, Array], Array]:
    """COINr ``log_GII`` (Global Innovation Index 2020): log((max − 1)(x − min)/(max − min) + 1), per column."""
    a, one_d = _cols(x)
    lo, hi = _range(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.log((hi - 1) * (a - lo) / (hi - lo) + 1)
    return _out(y, one_d), {}, _out(np.where(np.isnan(a), 0, TRANSFORMED).astype(np.int8), one_d)


def _boxcox_mle(v: Array) -> float:
    """Maximum-likelihood Box-Cox λ (scipy ``boxcox_llf``), searched in [−5, 5]."""
    res = optimize.minimize_scalar(lambda lam: -stats.boxcox_llf(lam, v), bounds=(-5.0, 5.0), method="bounded")
    return float(res.x)


def boxcox(x: Array, lmbda: float | None = None, makepos: bool = True) -> tuple[Array, dict[str, Array], Array]:
    """Box-Cox transform per column (COINr ``boxcox``; Box & Cox 1964, JRSS B 26(2)).

    y = (x^λ − 1)/λ, or log(x) for λ = 0. With ``makepos`` the column is first shifted to x − min(x) + 1 (COIN
    Tool style). ``lmbda=None`` estimates λ per column by maximum likelihood (COINr requires a fixed λ).
    """
    a, one_d = _cols(x)
    if makepos:
        a = a - np.fmin.reduce(a, axis=0) + 1
    lams = np.full(a.shape[1], np.nan if lmbda is None else float(lmbda))
    y = np.full_like(a, np.nan)
    for j in range(a.shape[1]):
        col = a[:, j]
        ok = ~np.isnan(col)
        if lmbda is None and ok.sum() > 2 and np.all(col[ok] > 0) and np.ptp(col[ok]) > 0:
            lams[j] = _boxcox_mle(col[ok])
        lam = lams[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            y[:, j] = np.log(col) if lam == 0 else (col**lam - 1) / lam
    return _out(y, one_d), {"lambda": lams}, _out(np.where(np.isnan(a), 0, TRANSFORMED).astype(np.int8), one_d)


TreatFn = Callable[..., tuple[Array, dict[str, Array], Array]]

#: treatment functions (f1, f2) and their default parameters, by COINr name
TREAT_METHODS: dict[str, tuple[TreatFn, dict[str, Any]]] = {
    "winsorise": (winsorise, {"winmax": 5, "skew_thresh": 2, "kurt_thresh": 3.5, "force_win": False}),
    "log_CT": (log_CT, {}),
    "log_CT_orig": (log_CT_orig, {}),
    "log_GII": (log_GII, {}),
    "boxcox": (boxcox, {"lambda": None, "makepos": True}),
}
#: outlier checks (f_pass) and their default parameters
PASS_METHODS: dict[str, dict[str, Any]] = {"check_SkewKurt": {"skew_thresh": 2, "kurt_thresh": 3.5}}


def _call(name: str, a: Array, para: dict[str, Any]) -> tuple[Array, dict[str, Array], Array]:
    fn, _ = TREAT_METHODS[name]
    kwargs = {("lmbda" if k == "lambda" else k): v for k, v in para.items()}
    return fn(a, **kwargs)


def treat(
    x: Array,
    f1: str | None = "winsorise",
    f1_para: dict[str, Any] | None = None,
    f2: str | None = "log_CT",
    f2_para: dict[str, Any] | None = None,
    f_pass: str = "check_SkewKurt",
    f_pass_para: dict[str, Any] | None = None,
    combine_treat: bool = False,
) -> tuple[Array, dict[str, Array], Array]:
    """COINr ``Treat.numeric`` applied to every column of ``x`` at once.

    Returns (treated, details, points). ``details`` holds per-column arrays: ``Pass0/Skew0/Kurt0`` (before),
    ``f1`` applied (bool), ``nwin``, ``Pass1/Skew1/Kurt1``, ``f2`` applied (bool), ``lambda`` (Box-Cox),
    ``Pass2/Skew2/Kurt2`` (NaN where a stage did not run). ``points`` codes each value: 1/−1 winsorised
    high/low, 2 transformed by ``f2``, 0 untouched.
    """
    if f_pass not in PASS_METHODS:
        raise ValueError(f"unknown f_pass {f_pass!r}; known: {', '.join(PASS_METHODS)}")
    a, one_d = _cols(x)
    k = a.shape[1]
    pp = {**PASS_METHODS[f_pass], **(f_pass_para or {})}
    nan = np.full(k, np.nan)
    det: dict[str, Array] = {"nwin": np.zeros(k, dtype=int), "lambda": nan.copy()}
    det["Pass0"], det["Skew0"], det["Kurt0"] = check_skew_kurt(a, pp["skew_thresh"], pp["kurt_thresh"])
    for stage in ("1", "2"):
        det["Pass" + stage] = np.zeros(k, dtype=bool)
        det["Skew" + stage], det["Kurt" + stage] = nan.copy(), nan.copy()
    det["f1"] = np.zeros(k, dtype=bool)
    det["f2"] = np.zeros(k, dtype=bool)
    out = a.copy()
    points = np.zeros(a.shape, dtype=np.int8)
    need = np.flatnonzero(~det["Pass0"])
    stage1 = a.copy()
    if need.size and f1 not in (None, "none"):
        y, info, pts = _call(str(f1), a[:, need], f1_para or {})
        stage1[:, need] = y
        out[:, need], points[:, need] = y, pts
        det["f1"][need] = True
        for key, val in info.items():
            det[key][need] = val
        ok, sk, kt = check_skew_kurt(y, pp["skew_thresh"], pp["kurt_thresh"])
        det["Pass1"][need], det["Skew1"][need], det["Kurt1"][need] = ok, sk, kt
        need = need[~ok]
    if need.size and f2 not in (None, "none"):
        base = stage1 if combine_treat else a
        y, info, pts = _call(str(f2), base[:, need], f2_para or {})
        out[:, need] = y
        points[:, need] = pts
        det["f2"][need] = True
        for key, val in info.items():
            det[key][need] = val
        ok, sk, kt = check_skew_kurt(y, pp["skew_thresh"], pp["kurt_thresh"])
        det["Pass2"][need], det["Skew2"][need], det["Kurt2"][need] = ok, sk, kt
    return _out(out, one_d), det, _out(points, one_d)
