"""供应链受阻指数 — a supply-chain disruption index by the method of the New York Fed's GSCPI (pure).

Source: Benigno, di Giovanni, Groen & Noble (2022), "The GSCPI: A New Barometer of Global Supply Chain
Pressures", Federal Reserve Bank of New York Staff Report 1017, §2–3. The steps, on a monthly panel
``X`` (rows: months on a regular grid, columns: component series):

1. **Standardise** each component over the estimation window ``W``: ``z_i = (x_i − mean_W x_i) / sd_W x_i``.
2. **Purge demand.** Each supply-side component is regressed by OLS on its demand proxies (e.g. PMI new
   orders) at lags 0..L (L = 2 in the paper)::

       z_i,t = c_i + Σ_j Σ_{l=0..L} β_ijl d_j,t−l + u_i,t

   and the residual ``u_i`` replaces ``z_i``; it is standardised again over ``W``. Components without
   proxies (e.g. freight rates) enter unpurged; the proxies themselves do not enter the factor.
3. **First principal component with gaps** — the EM algorithm of Stock & Watson (2002), "Macroeconomic
   forecasting using diffusion indexes", JBES 20(2), Appendix A: fill missing entries with 0 (the mean),
   take the rank-1 SVD ``X̃ ≈ F λ'``, replace the missing entries by ``F_t λ_i``, repeat until the relative
   sum of squared residuals over the observed entries changes by less than ``tol``. Ragged ends (series
   published with different lags) are gaps like any other.
4. **Sign**: the loading of the ``anchor`` component is positive, or, without an anchor, ``Σ λ_i > 0``
   (higher index = more pressure when the components are oriented that way).
5. **Rescale**: ``index_t = (F_t − mean_W F) / sd_W F`` with ``F = X̃ λ`` (``‖λ‖ = 1``).
6. **Attribution**: ``c_i,t = λ_i (x̃_i,t − mean_W x̃_i) / sd_W F``, so ``Σ_i c_i,t = index_t`` exactly.

Standard deviations use ``ddof = 1`` (as ``pandas.Series.std``). :func:`vintages` re-estimates on the
data available at each month, so the revision of history is a table (reference month × vintage).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Demand",
    "DisruptionIndex",
    "EmPca",
    "em_first_component",
    "estimate",
    "purge_demand",
    "revisions",
    "standardise",
    "vintages",
]

Demand = Sequence[str] | Mapping[str, Sequence[str]]
"""Demand proxies: one list for every other column, or ``{supply component: [its proxies]}``."""

Window = tuple[Hashable, Hashable] | None


@dataclass(frozen=True)
class EmPca:
    """The first principal component of a panel with gaps (Stock–Watson EM)."""

    filled: np.ndarray  # the panel with gaps replaced by the rank-1 reconstruction F_t λ_i
    loading: np.ndarray  # λ, unit norm
    factor: np.ndarray  # F = filled @ λ
    explained: float  # s_1² / Σ s_k² of the filled panel
    iterations: int
    converged: bool


@dataclass(frozen=True)
class DisruptionIndex:
    """The estimated index and everything needed to explain it."""

    index: pd.Series  # mean 0, sd 1 over the window; NaN for months with no observed component
    loadings: pd.Series  # λ_i of the purged, standardised components (unit norm, sign fixed)
    explained: float  # share of the panel's variance explained by the first component
    contributions: pd.DataFrame  # c_i,t; rows sum to the index
    purge: pd.DataFrame  # OLS coefficients of each purged component on const and proxy lags
    purged: pd.DataFrame  # standardised purged panel, gaps as NaN
    filled: pd.DataFrame  # the same with gaps filled by the EM step
    iterations: int
    converged: bool


def _window_mask(index: pd.Index, window: Window) -> np.ndarray:
    mask = np.zeros(len(index), dtype=bool)
    if window is None:
        mask[:] = True
    else:
        mask[index.slice_indexer(window[0], window[1])] = True
    return mask


def _z(values: np.ndarray, mask: np.ndarray, names: Sequence[object]) -> np.ndarray:
    """Column z-scores with mean and sd (ddof 1) over the rows in ``mask``, NaN-aware."""
    part = values[mask]
    short = [n for n, k in zip(names, np.sum(np.isfinite(part), axis=0), strict=True) if k < 2]
    if short:
        raise ValueError(f"估计窗口内观测值少于 2 个 fewer than 2 observations in the window: {short}")
    sd = np.nanstd(part, axis=0, ddof=1)
    flat = [n for n, v in zip(names, sd, strict=True) if v == 0]
    if flat:
        raise ValueError(f"分量在估计窗口内为常数 constant over the window: {flat}")
    return (values - np.nanmean(part, axis=0)) / sd


def standardise(panel: pd.DataFrame, window: Window = None) -> pd.DataFrame:
    """``z_i = (x_i − mean_W x_i) / sd_W x_i`` over the window ``W`` (inclusive labels; all rows if None)."""
    mask = _window_mask(panel.index, window)
    values = _z(panel.to_numpy(dtype=float), mask, list(panel.columns))
    return pd.DataFrame(values, index=panel.index, columns=panel.columns)


def _proxies(columns: Sequence[str], demand: Demand) -> dict[str, list[str]]:
    """Map each supply component to its demand proxies, with precise errors."""
    if isinstance(demand, Mapping):
        plan = {comp: list(proxies) for comp, proxies in demand.items()}
        used = {p for proxies in plan.values() for p in proxies}
    else:
        used = set(demand)
        plan = {c: list(demand) for c in columns if c not in used}
    missing = sorted((used | set(plan)) - set(columns))
    if missing:
        raise KeyError(f"面板中没有这些列 columns not in the panel: {missing}")
    both = sorted(used & set(plan))
    if both:
        raise ValueError(f"需求代理变量不能同时是被清洗的分量 a proxy cannot also be purged: {both}")
    return {c: p for c, p in plan.items() if p}


def purge_demand(z: pd.DataFrame, demand: Demand, lags: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """OLS residuals of each supply component on its demand proxies at lags ``0..lags`` (Benigno et al. §2.2).

    ``z_i,t = c_i + Σ_j Σ_l β_ijl d_j,t−l + u_i,t`` estimated on the months where the component and all its
    regressors are observed; ``u`` is NaN elsewhere. Returns ``(panel, coefficients)``: the panel without the
    proxy columns, purged components replaced by their residuals, and one row of coefficients per purged
    component (columns ``const`` and ``proxy[t-l]``).
    """
    if lags < 0:
        raise ValueError("lags must be ≥ 0")
    plan = _proxies(list(z.columns), demand)
    proxies = {p for ps in plan.values() for p in ps}
    out = z.drop(columns=sorted(proxies))
    rows = {}
    for comp, names in plan.items():
        design = [np.ones(len(z))]
        labels = ["const"]
        for name in names:
            d = z[name].to_numpy(dtype=float)
            for lag in range(lags + 1):
                design.append(np.concatenate([np.full(lag, np.nan), d[: len(d) - lag]]))
                labels.append(f"{name}[t-{lag}]" if lag else f"{name}[t]")
        x = np.column_stack(design)
        y = z[comp].to_numpy(dtype=float)
        usable = np.all(np.isfinite(x), axis=1)
        fit = usable & np.isfinite(y)
        if fit.sum() <= x.shape[1]:
            raise ValueError(f"{comp}: 观测值不足以估计清洗回归 too few months to purge ({fit.sum()})")
        beta = np.linalg.lstsq(x[fit], y[fit], rcond=None)[0]
        resid = np.full(len(y), np.nan)
        resid[usable] = y[usable] - x[usable] @ beta
        out[comp] = resid
        rows[comp] = pd.Series(beta, index=labels)
    coefficients = pd.DataFrame(rows).T if rows else pd.DataFrame(index=pd.Index([], dtype=object))
    return out, coefficients


def em_first_component(x: np.ndarray, *, tol: float = 1e-10, max_iter: int = 1000) -> EmPca:
    """First principal component of a centred panel with NaN gaps by EM (Stock & Watson 2002, App. A).

    Start from the gaps set to 0; at each step ``X̃ = U S V'``, ``F = s_1 u_1``, ``λ = v_1``, and the gaps
    become ``F_t λ_i``. Stop when the relative sum of squared residuals over the observed entries,
    ``Σ_obs (x − Fλ')² / Σ_obs x²``, changes by less than ``tol``.
    """
    gaps = ~np.isfinite(x)
    if np.any(gaps.all(axis=0)):
        raise ValueError("有分量完全没有观测值 a component has no observation")
    observed = np.where(gaps, 0.0, x)
    total = float(np.sum(observed**2)) or 1.0
    filled = observed
    previous = np.inf
    converged = False
    iterations = 0
    while not converged and iterations < max_iter:
        iterations += 1
        u, s, vt = np.linalg.svd(filled, full_matrices=False)
        rank1 = s[0] * np.outer(u[:, 0], vt[0])
        ssr = float(np.sum(np.where(gaps, 0.0, x - rank1) ** 2)) / total
        filled = np.where(gaps, rank1, x)
        converged = not gaps.any() or abs(previous - ssr) < tol
        previous = ssr
    _, s, vt = np.linalg.svd(filled, full_matrices=False)
    loading = vt[0]
    return EmPca(filled, loading, filled @ loading, float(s[0] ** 2 / np.sum(s**2)), iterations, converged)


def estimate(
    panel: pd.DataFrame,
    *,
    demand: Demand = (),
    lags: int = 2,
    anchor: str | None = None,
    window: Window = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> DisruptionIndex:
    """The disruption index of a monthly panel: standardise, purge, EM-PCA, sign, rescale, attribute.

    ``panel``: rows on a regular monthly grid (sorted; a lag is one row), columns the components oriented
    so that higher means more pressure where possible (e.g. 交货周期 longer, 订单积压 higher), NaN for gaps.
    ``demand``: proxy columns (see :data:`Demand`); ``anchor``: the component whose loading is positive;
    ``window``: ``(first, last)`` labels of the estimation window for the means and sds (default: all rows).
    The formulas are in the module docstring (Benigno et al. 2022; Stock & Watson 2002).
    """
    if not (panel.index.is_monotonic_increasing and panel.index.is_unique):
        raise ValueError("面板的月份必须唯一且递增 the panel's months must be unique and increasing")
    mask = _window_mask(panel.index, window)
    purged, coefficients = purge_demand(standardise(panel, window), demand, lags)
    z = _z(purged.to_numpy(dtype=float), mask, list(purged.columns))
    purged = pd.DataFrame(z, index=panel.index, columns=purged.columns)
    if anchor is not None and anchor not in purged.columns:
        raise KeyError(f"锚定分量不在因子分量中 anchor {anchor!r} is not a factor component")
    values = purged.to_numpy()
    seen = np.isfinite(values).any(axis=1)  # months with no observed component get no index value
    pca = em_first_component(values[seen], tol=tol, max_iter=max_iter)
    loading = pca.loading
    pivot = loading[purged.columns.get_loc(anchor)] if anchor is not None else loading.sum()
    sign = -1.0 if pivot < 0 else 1.0
    loading = sign * loading
    filled = np.full(values.shape, np.nan)
    filled[seen] = pca.filled
    factor = filled @ loading
    in_window = mask & seen
    scale = np.std(factor[in_window], ddof=1)
    centred = filled - np.mean(filled[in_window], axis=0)
    contributions = centred * loading / scale
    index = contributions.sum(axis=1)
    index[~seen] = np.nan
    return DisruptionIndex(
        index=pd.Series(index, index=panel.index, name="index"),
        loadings=pd.Series(loading, index=purged.columns, name="loading"),
        explained=pca.explained,
        contributions=pd.DataFrame(contributions, index=panel.index, columns=purged.columns),
        purge=coefficients,
        purged=purged,
        filled=pd.DataFrame(filled, index=panel.index, columns=purged.columns),
        iterations=pca.iterations,
        converged=pca.converged,
    )


def vintages(
    panel: pd.DataFrame,
    *,
    start: Hashable | None = None,
    publication_lag: Mapping[str, int] | None = None,
    demand: Demand = (),
    lags: int = 2,
    anchor: str | None = None,
    window: Window = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> pd.DataFrame:
    """Re-estimate the index on the data available at each month: rows reference month, columns vintage.

    At vintage ``v`` the panel is cut after ``v`` and component ``i`` is known only up to ``v − lag_i``
    months (``publication_lag``, default 0), which creates the ragged end a real-time user faces. Cell
    ``(r, v)`` is the value for month ``r`` as estimated at ``v``; cells with ``r > v`` are NaN. A row read
    left to right is the revision history of one month (the GSCPI is revised every month for this reason).
    ``start``: the first vintage (default: the first month with ``3·(lags+1)`` rows of history).
    """
    lag_of = dict(publication_lag or {})
    unknown = sorted(set(lag_of) - set(panel.columns))
    if unknown:
        raise KeyError(f"面板中没有这些列 columns not in the panel: {unknown}")
    first = panel.index.get_loc(start) if start is not None else 3 * (lags + 1)
    if not isinstance(first, int):
        raise KeyError(f"start {start!r} must label one month of the panel")
    columns = {}
    for end in range(first, len(panel)):
        data = panel.iloc[: end + 1].copy()
        for name, lag in lag_of.items():
            if lag > 0:
                data.iloc[end + 1 - lag :, data.columns.get_loc(name)] = np.nan
        fit = estimate(data, demand=demand, lags=lags, anchor=anchor, window=window, tol=tol, max_iter=max_iter)
        columns[panel.index[end]] = fit.index
    table = pd.DataFrame(columns, index=panel.index)
    table.index.name, table.columns.name = "reference", "vintage"
    return table


def revisions(table: pd.DataFrame) -> pd.DataFrame:
    """Per reference month of a :func:`vintages` table: ``first`` release, ``latest`` value and ``revision``."""
    first = table.bfill(axis=1).iloc[:, 0]
    latest = table.ffill(axis=1).iloc[:, -1]
    return pd.DataFrame({"first": first, "latest": latest, "revision": latest - first})
