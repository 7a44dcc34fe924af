"""权重 — weighting schemes of a composite indicator (COINr weights, PCA, AHP, optimisation).

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 6 "Weighting": §6.1.1 principal
components, §6.1.6 analytic hierarchy process (AHP), equal weighting; weight optimisation for balanced
contributions follows Becker, Saisana, Paruolo & Vandecasteele (2017), *Ecological Indicators* 80, as coded
in COINr ``get_opt_weights``. Weights are relative: aggregation rescales them to sum to 1 among siblings.
A weight set is a Series iCode → weight over indicators and aggregates, like ``Framework.weights``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from kaifang.indexing.aggregate import aggregate, aggregate_level
from kaifang.indexing.framework import Framework

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "OptWeightsResult",
    "ahp",
    "effective_weights",
    "equal_weights",
    "opt_weights",
    "pca_weights",
]

#: Saaty's random consistency index RI by matrix size n (Saaty 1980, *The Analytic Hierarchy Process*, table 1.7)
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


def equal_weights(framework: Framework) -> pd.Series:
    """Every indicator and aggregate weighted 1 (equal weights within each group)."""
    return pd.Series(1.0, index=framework.weights.index)


def effective_weights(framework: Framework, weights: pd.Series | Mapping[str, float] | None = None) -> pd.Series:
    """Effective weight of each code in the index (COINr ``get_eff_wts``).

    Within each group the weights are rescaled to sum to 1, then multiplied down from the index:
    w_eff(i) = Π over i's path to the index of w(node)/Σ w(siblings of node). The effective weights of each
    level sum to 1; at Level 1 they are each indicator's share of the index under arithmetic aggregation.
    """
    w = framework.weights.copy()
    if weights is not None:
        w.update(pd.Series(weights, dtype=float))
    parent = framework.column("Parent").where(lambda s: s.notna(), "\x00")
    eff = w / w.groupby(parent).transform("sum")
    for level in range(framework.max_level - 1, 0, -1):
        codes = list(framework.codes_at(level))
        eff.loc[codes] = eff.loc[codes].to_numpy() * eff.loc[parent.loc[codes]].to_numpy()
    return eff


def pca_weights(
    data: pd.DataFrame,
    framework: Framework,
    level: int = 1,
    by_groups: bool = True,
) -> pd.Series:
    """Weights from the first principal component (COINr ``get_PCA``; Handbook §6.1.1).

    For each group of codes at ``level`` (or all of them if not ``by_groups``): drop units with a missing
    value, take the correlation-matrix PCA (R ``prcomp(scale = TRUE)``) and use the loadings of the first
    component as weights. A component's sign is arbitrary; it is oriented so the loadings sum to ≥ 0 (COINr
    keeps the solver's sign). Loadings may be negative, and PCA weights favour the most correlated codes —
    use them with the Handbook's caveats. Returns the framework weights with ``level`` replaced.
    """
    codes = list(framework.codes_at(level))
    w = framework.weights.copy()
    if by_groups and level < framework.max_level:
        groups = [list(framework.children(p)) for p in framework.codes_at(level + 1)]
    else:
        groups = [codes]
    for group in groups:
        x = data[group].dropna().to_numpy(dtype=float)
        if len(group) == 1:
            w[group[0]] = 1.0
            continue
        if x.shape[0] < 2:
            raise ValueError(f"PCA 需要至少 2 个完整观测 (PCA needs ≥ 2 complete rows): {', '.join(group)}")
        corr = np.corrcoef(x, rowvar=False)
        vals, vecs = np.linalg.eigh(corr)
        first = vecs[:, np.argmax(vals)]
        w.loc[group] = first if first.sum() >= 0 else -first
    return w


@dataclass(frozen=True)
class AHPResult:
    """AHP priorities and Saaty's consistency: CI = (λmax − n)/(n − 1), CR = CI/RI (CR ≤ 0.1 acceptable)."""

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float

    @property
    def consistent(self) -> bool:
        """Saaty's rule: a consistency ratio of 0.10 or less is acceptable."""
        return self.cr <= 0.1


def ahp(matrix: Sequence[Sequence[float]] | np.ndarray | pd.DataFrame, codes: Sequence[str] | None = None) -> AHPResult:
    """Analytic hierarchy process (Saaty 1980; Handbook §6.1.6) from a pairwise comparison matrix.

    ``matrix[i][j]`` says how much more important i is than j (Saaty's 1–9 scale); it must be positive and
    reciprocal (a_ji = 1/a_ij, a_ii = 1). Weights are the principal right eigenvector A·w = λmax·w scaled to sum
    to 1; CI = (λmax − n)/(n − 1) and CR = CI/RI with Saaty's random index RI (CR = 0 for n ≤ 2).
    """
    if isinstance(matrix, pd.DataFrame):
        codes = list(matrix.index) if codes is None else codes
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.ndim != 2 or a.shape != (n, n) or n < 1:
        raise ValueError("AHP 判断矩阵须为方阵 (the comparison matrix must be square)")
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("AHP 判断矩阵须为正数 (comparison values must be positive)")
    if not np.allclose(a * a.T, 1.0, rtol=1e-6):
        raise ValueError("AHP 判断矩阵须互反 a_ji = 1/a_ij (the matrix must be reciprocal)")
    if n > max(RANDOM_INDEX):
        raise ValueError(f"AHP 最多 {max(RANDOM_INDEX)} 项 (Saaty's random index is tabulated up to n = 10)")
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    lam = float(vals[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    labels = list(codes) if codes is not None else list(range(n))
    return AHPResult(pd.Series(v / v.sum(), index=labels), lam, ci, cr, ri)


def _standardise(x: np.ndarray, cortype: str) -> np.ndarray:
    """Columns centred and scaled to unit norm (ranks first for Spearman): r = aᵀb for two such columns."""
    if cortype == "spearman":
        x = stats.rankdata(x, axis=0)
    d = x - x.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return d / np.sqrt((d * d).sum(axis=0))


@dataclass(frozen=True)
class OptWeightsResult:
    """Optimised weights (full set), and per optimised code the target, obtained and weight (COINr names)."""

    weights: pd.Series
    table: pd.DataFrame
    objective: float
    success: bool
    iterations: int


def opt_weights(
    normalised: pd.DataFrame,
    framework: Framework,
    level: int,
    itarg: Sequence[float] | str | None = "equal",
    optype: str = "balance",
    f_ag: str | Mapping[int, str] = "a_amean",
    f_ag_para: Mapping[int, Mapping[str, Any]] | None = None,
    cortype: str = "pearson",
    toler: float = 1e-6,
    maxiter: int = 2000,
) -> OptWeightsResult:
    """Weights at ``level`` that balance each code's correlation with the index (COINr ``get_opt_weights``).

    The Pearson (or Spearman) correlation rᵢ of every code at ``level`` with the index measures its real
    contribution (Paruolo, Saisana & Saltelli 2013). ``balance`` minimises log(Σ(tᵢ − rᵢ/Σr)²/n) for target
    shares t (``itarg``, default equal); ``infomax`` maximises Σrᵢ. Nelder–Mead (as R ``optim``) over
    log-weights, so weights stay positive, from the targets (balance) or the framework weights (infomax), restarted
    until it stops improving; the weights are rescaled to sum to 1 among siblings (COINr: over the whole level, the
    same weights once aggregation renormalises them). Only the levels above ``level`` are re-aggregated per step.
    """
    if optype not in ("balance", "infomax"):
        raise ValueError("optype must be 'balance' or 'infomax'")
    if not 2 <= level < framework.max_level:
        raise ValueError(f"level must be between 2 and {framework.max_level - 1}")
    codes = list(framework.codes_at(level))
    base = framework.weights.copy()
    if optype == "balance":
        t = np.ones(len(codes)) if itarg in (None, "equal") else np.asarray(itarg, dtype=float)
        if t.shape != (len(codes),):
            raise ValueError(f"itarg needs {len(codes)} values for level {level}")
        t = t / t.sum()
        start = t.copy()
    else:
        t = np.full(len(codes), np.nan)
        start = base.loc[codes].to_numpy(dtype=float)
    # the levels up to ``level`` do not depend on the weights being optimised: aggregate them once
    below = aggregate(normalised, framework, f_ag, base, f_ag_para)
    x_level = below[codes].to_numpy(dtype=float)
    upper = []
    for lv in range(level + 1, framework.max_level + 1):
        children, parents, owner = framework.structure(lv)
        method = f_ag if isinstance(f_ag, str) else f_ag[lv]
        fixed = base.reindex(list(children)).to_numpy(dtype=float)
        upper.append((owner, len(parents), fixed, method, dict((f_ag_para or {}).get(lv, {}))))

    def index_of(w: np.ndarray) -> np.ndarray:
        x = x_level
        for k, (owner, n_parents, fixed, method, para) in enumerate(upper):
            x = aggregate_level(x, owner, n_parents, w if k == 0 else fixed, method, para)
        return x[:, 0]

    if cortype not in ("pearson", "spearman"):
        raise ValueError("cortype must be 'pearson' or 'spearman'")
    ok = ~np.isnan(x_level).any(axis=1)
    xs = _standardise(x_level[ok], cortype)

    def correlations(w: np.ndarray) -> np.ndarray:
        y = _standardise(index_of(w)[ok][:, None], cortype)[:, 0]
        return xs.T @ y

    def objective(z: np.ndarray) -> float:
        r = correlations(np.exp(z))
        if optype == "infomax":
            return -float(np.sum(r))
        return float(np.log(np.sum((t - r / r.sum()) ** 2) / len(r) + 1e-300))

    z = np.log(start)
    best = None
    for _ in range(5):  # restarts: Nelder–Mead stalls in several dimensions (COINr runs it once)
        res = optimize.minimize(
            objective, z, method="Nelder-Mead", options={"maxiter": maxiter, "fatol": toler, "xatol": toler}
        )
        if best is not None and res.fun >= best.fun - toler:
            best = res if res.fun < best.fun else best
            break
        best, z = res, res.x
    assert best is not None
    raw = np.exp(best.x)
    siblings = pd.Series(raw, index=codes).groupby(framework.column("Parent").loc[codes]).transform("sum")
    wopt = raw / siblings.to_numpy()  # weights only matter relative to their siblings
    full = base.copy()
    full.loc[codes] = wopt
    r = correlations(wopt)
    obtained = r / r.sum() if optype == "balance" else r
    table = pd.DataFrame({"Desired": t, "Obtained": obtained, "OptWeight": wopt}, index=pd.Index(codes, name="iCode"))
    return OptWeightsResult(full, table, float(best.fun), bool(best.success), int(best.nit))
