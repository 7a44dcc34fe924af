"""Multivariate checks and weights of the statistical audit — see :mod:`kaifang.indexing.audit`.

Pure numpy/pandas, no Django. COINr ``get_cronbach``, ``get_PCA``, ``get_eff_weights``; OECD/JRC Handbook on
Constructing Composite Indicators (2008) §4.1 and §6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaifang.indexing.audit_stats import CorrMethod, _tree, groups

__all__ = [
    "PCAResult",
    "contributions",
    "cronbach_alpha",
    "cronbach_by_group",
    "effective_weights",
    "pca",
    "pca_by_group",
]


# ----------------------------------------------------------------------------- multivariate


def cronbach_alpha(data: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns, COINr ``get_cronbach`` (Cronbach 1951; Handbook 2008 §4.1).

    α = k²·σ̄ᵢⱼ / Σᵢⱼ σᵢⱼ with σ̄ᵢⱼ the mean off-diagonal covariance (pairwise-complete covariance matrix);
    with complete data this equals k/(k−1)·(1 − Σσᵢ²/σ²_total).
    """
    k = data.shape[1]
    if k < 2:
        return float("nan")
    cov = data.cov().to_numpy()
    total = np.nansum(cov)
    mean_off = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    if total == 0:  # the parts cancel out exactly (e.g. two perfectly opposed indicators): alpha is undefined
        return float("nan")
    return float(k * k * mean_off / total)


def cronbach_by_group(data: pd.DataFrame, framework: pd.DataFrame, *, level: int = 1) -> pd.Series:
    """Cronbach's alpha of the children (at ``level``) of every aggregate one level up."""
    out = {
        g: cronbach_alpha(data[[c for c in members if c in data.columns]])
        for g, members in groups(framework, level).items()
    }
    return pd.Series(out, name="CronbachAlpha", dtype=float)


@dataclass(frozen=True)
class PCAResult:
    """PCA on standardised data (correlation matrix), as R ``prcomp(center = TRUE, scale = TRUE)``.

    ``eigenvalues`` are the component variances (descending, summing to k); ``loadings`` is k × k with columns
    PC1..PCk (unit vectors, PC1 oriented so its loadings sum ≥ 0); ``n_used`` the complete cases used.
    """

    codes: tuple[str, ...]
    n_used: int
    eigenvalues: np.ndarray
    loadings: pd.DataFrame

    @property
    def variance_share(self) -> np.ndarray:
        """λⱼ / Σλ, R's "Proportion of Variance"."""
        return self.eigenvalues / self.eigenvalues.sum()

    @property
    def pc1_share(self) -> float:
        return float(self.variance_share[0])


def pca(data: pd.DataFrame) -> PCAResult:
    """Principal components of the complete cases of ``data``, COINr ``get_PCA`` (Handbook 2008 §4.1).

    Eigen-decomposition R = VΛVᵀ of the correlation matrix; the first component's variance share λ₁/k says how
    much of the group one dimension summarises (the Handbook looks for λ₁ ≥ 1 and a large share).
    """
    complete = data.dropna()
    if len(complete) < 2 or data.shape[1] < 1:
        raise ValueError(f"PCA needs at least two complete rows, got {len(complete)}")
    r = np.corrcoef(complete.to_numpy(dtype=float), rowvar=False).reshape(data.shape[1], data.shape[1])
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    if vecs[:, 0].sum() < 0:
        vecs[:, 0] = -vecs[:, 0]
    names = [f"PC{i + 1}" for i in range(vecs.shape[1])]
    return PCAResult(
        codes=tuple(map(str, data.columns)),
        n_used=len(complete),
        eigenvalues=np.clip(vals, 0.0, None),
        loadings=pd.DataFrame(vecs, index=list(data.columns), columns=names),
    )


def pca_by_group(data: pd.DataFrame, framework: pd.DataFrame, *, level: int = 1) -> pd.DataFrame:
    """First-component summary per aggregate: k, N.Used, PC1.SD = √λ₁, PC1.Share = λ₁/k, PC1.Eigen = λ₁."""
    rows = {}
    for g, members in groups(framework, level).items():
        cols = [c for c in members if c in data.columns]
        res = pca(data[cols])
        rows[g] = {
            "k": len(cols),
            "N.Used": res.n_used,
            "PC1.Eigen": float(res.eigenvalues[0]),
            "PC1.SD": float(np.sqrt(res.eigenvalues[0])),
            "PC1.Share": res.pc1_share,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


# ----------------------------------------------------------------------------- weights and contributions


def effective_weights(framework: pd.DataFrame) -> pd.DataFrame:
    """Effective weight of every code in the index, COINr ``get_eff_weights``.

    Weights are normalised to sum to 1 among siblings (same Parent), then multiplied down from the root:
    w_eff(i) = Π over the path i → root of w(node)/Σ w(siblings of node). Every level's EffWeight sums to 1.
    Columns: Level, Parent, Weight, EffWeight (indexed by iCode, framework order).
    """
    tree = _tree(framework)
    top = int(tree["Level"].max())
    siblings = tree["Parent"].where(tree["Level"] < top, "\x00root")
    norm = tree["Weight"].astype(float) / tree["Weight"].astype(float).groupby(siblings).transform("sum")
    eff = norm.copy()
    for lev in range(top - 1, 0, -1):
        at = tree.index[tree["Level"] == lev]
        eff.loc[at] = norm.loc[at].to_numpy() * eff.loc[tree.loc[at, "Parent"]].to_numpy()
    out = tree[["Level", "Parent", "Weight"]].copy()
    out["EffWeight"] = eff
    return out


def contributions(
    framework: pd.DataFrame,
    indicators: pd.DataFrame,
    index: pd.Series,
    *,
    method: CorrMethod = "pearson",
) -> pd.DataFrame:
    """Nominal versus real importance of each indicator (Paruolo, Saisana & Saltelli 2013, JRSS A 176(3)).

    EffWeight (:func:`effective_weights`) is what the framework intends; Corr = r(xᵢ, index) and
    Corr2.Share = rᵢ² / Σⱼ rⱼ² (the linear first-order main effect Sᵢ ≈ rᵢ², normalised) is what the index
    actually reflects. An indicator whose share is far below its weight is "silent". Also Weight.Share (EffWeight
    normalised over the listed indicators) for a like-for-like comparison.
    """
    eff = effective_weights(framework)
    codes = [c for c in eff.index[eff["Level"] == 1] if c in indicators.columns]
    both = pd.concat([indicators[codes], index.rename("\x00index")], axis=1)
    r = both.corr(method=method)["\x00index"].loc[codes]
    out = pd.DataFrame({"EffWeight": eff.loc[codes, "EffWeight"], "Corr": r})
    out["Weight.Share"] = out["EffWeight"] / out["EffWeight"].sum()
    out["Corr2.Share"] = out["Corr"] ** 2 / (out["Corr"] ** 2).sum()
    out.index.name = "iCode"
    return out
