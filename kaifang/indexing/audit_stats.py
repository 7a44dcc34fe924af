"""Per-indicator statistics and correlations of the statistical audit — see :mod:`kaifang.indexing.audit`.

Pure numpy/pandas/scipy, no Django. COINr ``get_stats``, ``get_corr``, ``get_corr_flags``; OECD/JRC Handbook
on Constructing Composite Indicators (2008) §4.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from kaifang.indexing import treat

__all__ = [
    "CorrMethod",
    "corr_flags",
    "corr_matrix",
    "corr_with_parents",
    "corr_within",
    "groups",
    "indicator_stats",
    "iqr_outliers",
    "kurt",
    "lineage",
    "skew",
]

CorrMethod = Literal["pearson", "spearman"]


# ----------------------------------------------------------------------------- framework structure


def _tree(framework: pd.DataFrame) -> pd.DataFrame:
    """The indicator/aggregate rows of an iMeta table, checked: unique codes, known parents."""
    missing = [c for c in ("iCode", "Level", "Parent") if c not in framework.columns]
    if missing:
        raise ValueError(f"framework lacks column(s): {', '.join(missing)}")
    tree = framework[framework["Level"].notna()].copy()
    if "Type" in tree.columns:
        tree = tree[tree["Type"].isin(["Indicator", "Aggregate"]) | tree["Type"].isna()]
    tree["Level"] = tree["Level"].astype(int)
    dup = tree["iCode"][tree["iCode"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"Duplicate entries in iCode: {', '.join(map(str, dup))}")
    top = tree["Level"].max()
    codes = set(tree["iCode"])
    orphans = tree[(tree["Level"] < top) & ~tree["Parent"].isin(codes)]["iCode"].tolist()
    if orphans:
        raise ValueError(f"Parent not found in iCode for: {', '.join(map(str, orphans))}")
    if "Weight" not in tree.columns:
        tree["Weight"] = 1.0
    return tree.set_index("iCode")


def lineage(framework: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's ancestors: rows = level-1 iCodes, columns = levels 1..max (COINr ``.$Meta$Lineage``)."""
    tree = _tree(framework)
    parent = tree["Parent"].to_dict()
    level = tree["Level"].to_dict()
    top = int(tree["Level"].max())
    rows = {}
    for code in tree.index[tree["Level"] == 1]:
        path: dict[int, str] = {}
        node: str | None = code
        while node is not None and node in level:
            path[level[node]] = node
            node = parent[node] if level[node] < top else None
        rows[code] = [path.get(lev) for lev in range(1, top + 1)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(range(1, top + 1)))


def groups(framework: pd.DataFrame, level: int = 1) -> dict[str, list[str]]:
    """Aggregate code → the codes of its children at ``level`` (framework order)."""
    tree = _tree(framework)
    members = tree[tree["Level"] == level]
    return {str(p): [str(c) for c in members.index[members["Parent"] == p]] for p in members["Parent"].unique()}


# ----------------------------------------------------------------------------- per-indicator statistics


def skew(x: np.ndarray | pd.Series) -> float:
    """Sample skewness, Excel's SKEW (e1071 type 2, COINr ``skew``): the engine's :func:`treat.skew` on one
    column; NaNs dropped; NaN if n < 3 or x constant."""
    return float(treat.skew(np.asarray(x, dtype=float)))


def kurt(x: np.ndarray | pd.Series) -> float:
    """Sample excess kurtosis, Excel's KURT (e1071 type 2, COINr ``kurt``): the engine's :func:`treat.kurt`;
    NaNs dropped; NaN if n < 4 or x constant."""
    return float(treat.kurt(np.asarray(x, dtype=float)))


def iqr_outliers(data: pd.DataFrame, k: float = 1.5) -> pd.DataFrame:
    """Tukey's fences per column: True where x < Q1 − k·IQR or x > Q3 + k·IQR (quartiles R type 7)."""
    q1 = data.quantile(0.25)
    q3 = data.quantile(0.75)
    iqr = q3 - q1
    return (data < q1 - k * iqr) | (data > q3 + k * iqr)


def indicator_stats(
    data: pd.DataFrame,
    *,
    framework: pd.DataFrame | None = None,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
    t_corr: float = 0.9,
    iqr_k: float = 1.5,
) -> pd.DataFrame:
    """Per-indicator statistics and flags, COINr ``get_stats`` (Handbook 2008 §4) plus IQR and collinearity.

    Columns (COINr names): Min, Max, Mean, Median, Std (n−1), Skew, Kurt (Excel type, see :func:`skew`,
    :func:`kurt`), N, N.Avail, N.NonZero, N.Unique, Frc.Avail = N.Avail/N, Frc.NonZero and Frc.Unique
    (shares of the available values), Frc.Zero = 1 − Frc.NonZero, N.Outlier.IQR (:func:`iqr_outliers`), and flags:

    * Flag.Avail "LOW" if Frc.Avail < ``t_avail`` (65 %: the Handbook's and COINr's default);
    * Flag.SkewKurt "OUT" if |Skew| ≥ ``t_skew`` and Kurt ≥ ``t_kurt`` (COINr uses strict ">"; the two differ
      only at equality);
    * Flag.NonZero / Flag.Unique "LOW" if N.NonZero/N < ``t_zero`` / N.Unique/N < ``t_unq`` (COINr divides by N);
    * Flag.Outlier.IQR "OUT" if any value lies outside Tukey's fences;
    * Flag.Collinear "COLL" if |r| > ``t_corr`` (Pearson) with another indicator of the same parent aggregate
      (of any indicator, without a framework).
    """
    x = data.apply(pd.to_numeric, errors="coerce").astype(float)
    n = len(x)
    rows = {}
    outliers = iqr_outliers(x, iqr_k).sum()
    for code in x.columns:
        v = x[code].to_numpy()
        avail = v[~np.isnan(v)]
        n_avail = avail.size
        n_nonzero = int(np.count_nonzero(avail))
        n_unique = int(np.unique(avail).size)
        sk, kt = skew(avail), kurt(avail)
        rows[code] = {
            "Min": avail.min() if n_avail else np.nan,
            "Max": avail.max() if n_avail else np.nan,
            "Mean": avail.mean() if n_avail else np.nan,
            "Median": np.median(avail) if n_avail else np.nan,
            "Std": avail.std(ddof=1) if n_avail > 1 else np.nan,
            "Skew": sk,
            "Kurt": kt,
            "N": n,
            "N.Avail": n_avail,
            "N.NonZero": n_nonzero,
            "N.Unique": n_unique,
            "N.Outlier.IQR": int(outliers[code]),
            "Frc.Avail": n_avail / n if n else np.nan,
            "Frc.NonZero": n_nonzero / n_avail if n_avail else np.nan,
            "Frc.Zero": 1 - n_nonzero / n_avail if n_avail else np.nan,
            "Frc.Unique": n_unique / n_avail if n_avail else np.nan,
            "Flag.Avail": "ok" if n and n_avail / n >= t_avail else "LOW",
            "Flag.NonZero": "ok" if n and n_nonzero / n >= t_zero else "LOW",
            "Flag.Unique": "ok" if n and n_unique / n >= t_unq else "LOW",
            "Flag.SkewKurt": "OUT" if abs(sk) >= t_skew and kt >= t_kurt else "ok",
            "Flag.Outlier.IQR": "OUT" if outliers[code] else "ok",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "iCode"
    collinear: set[str] = set()
    if framework is not None:
        hits = corr_flags(x, framework, level=1, t_corr=t_corr, t_neg=-np.inf)
        hits = hits[hits["Collinear"]]
        collinear = set(hits["Var1"]) | set(hits["Var2"])
    else:
        r = corr_matrix(x).to_numpy(copy=True)
        np.fill_diagonal(r, 0.0)
        collinear = {str(c) for c, hit in zip(x.columns, (np.abs(r) > t_corr).any(axis=1), strict=True) if hit}
    out["Flag.Collinear"] = ["COLL" if c in collinear else "ok" for c in out.index]
    return out


# ----------------------------------------------------------------------------- correlations


def corr_matrix(
    data: pd.DataFrame, other: pd.DataFrame | None = None, *, method: CorrMethod = "pearson"
) -> pd.DataFrame:
    """Pearson or Spearman correlations on pairwise-complete observations (R ``cor(use="pairwise.complete.obs")``).

    Pearson r = Σ(x−x̄)(y−ȳ)/√(Σ(x−x̄)²Σ(y−ȳ)²); Spearman ρ is Pearson's r of the ranks (average ranks for ties),
    ranked within each pair's complete observations. With ``other``: rows = data columns, columns = other columns.
    """
    if other is None:
        return data.corr(method=method)
    both = pd.concat([data, other.add_prefix("\x00")], axis=1).corr(method=method)
    block = both.loc[list(data.columns), ["\x00" + str(c) for c in other.columns]]
    block.columns = list(other.columns)
    return block


def _pair_n(data: pd.DataFrame, a: str, b: str) -> int:
    return int((data[a].notna() & data[b].notna()).sum())


def _p_value(r: float, n: int) -> float:
    """Two-sided p of H0 ρ = 0 from t = r√((n−2)/(1−r²)) with n−2 df (R ``cor.test`` for Pearson)."""
    if n < 3 or np.isnan(r):
        return float("nan")
    if abs(r) >= 1:
        return 0.0
    t = r * np.sqrt((n - 2) / (1 - r * r))
    return float(2 * stats.t.sf(abs(t), n - 2))


def corr_within(
    data: pd.DataFrame,
    framework: pd.DataFrame,
    *,
    level: int = 1,
    group_level: int | None = None,
    method: CorrMethod = "pearson",
) -> pd.DataFrame:
    """Correlations between codes of ``level`` sharing an ancestor at ``group_level`` (default ``level+1``).

    COINr ``get_corr(..., Levels = level, grouplev = group_level)``; each pair once. Columns: Group, Var1, Var2,
    Corr, N (pairwise-complete count), p (two-sided t-test, :func:`_p_value`).
    """
    group_level = level + 1 if group_level is None else group_level
    if group_level <= level:
        raise ValueError("group_level must be above level")
    tree = _tree(framework)
    parent = tree["Parent"].to_dict()
    lev = tree["Level"].to_dict()
    codes = [c for c in tree.index[tree["Level"] == level] if c in data.columns]

    def ancestor(code: str) -> str:
        node = code
        while lev[node] < group_level:
            node = parent[node]
        return node

    by_group: dict[str, list[str]] = {}
    for c in codes:
        by_group.setdefault(ancestor(c), []).append(c)
    rows = []
    for g, members in by_group.items():
        r = corr_matrix(data[members], method=method)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                n = _pair_n(data, a, b)
                rows.append((g, a, b, float(r.loc[a, b]), n, _p_value(float(r.loc[a, b]), n)))
    return pd.DataFrame(rows, columns=["Group", "Var1", "Var2", "Corr", "N", "p"])


def corr_flags(
    data: pd.DataFrame,
    framework: pd.DataFrame,
    *,
    level: int = 1,
    group_level: int | None = None,
    t_corr: float = 0.9,
    t_neg: float = 0.0,
    method: CorrMethod = "pearson",
) -> pd.DataFrame:
    """Within-group correlation flags, COINr ``get_corr_flags`` (Handbook 2008 §4.1).

    Collinear if |r| > ``t_corr`` (double counting, redundancy); Negative if r < ``t_neg`` (a trade-off inside
    one aggregate that compensatory aggregation hides). Only flagged pairs are returned, with the columns of
    :func:`corr_within` plus the booleans Collinear and Negative (a pair with r < −``t_corr`` is both).
    """
    within = corr_within(data, framework, level=level, group_level=group_level, method=method)
    out = within.assign(Collinear=within["Corr"].abs() > t_corr, Negative=within["Corr"] < t_neg)
    return out[out["Collinear"] | out["Negative"]].reset_index(drop=True)


def corr_with_parents(
    data: pd.DataFrame,
    framework: pd.DataFrame,
    *,
    level: int = 1,
    family: bool = False,
    method: CorrMethod = "pearson",
) -> pd.DataFrame:
    """Correlation of each code of ``level`` with its parent (or, ``family=True``, every ancestor).

    COINr ``get_corr(..., Levels = c(level, level+1), withparent = TRUE | "family")``. ``data`` holds the codes
    and their aggregates (an aggregated results table). Columns: Var1, Parent, ParentLevel, Corr, N, p.
    """
    tree = _tree(framework)
    parent = tree["Parent"].to_dict()
    lev = tree["Level"].to_dict()
    top = int(tree["Level"].max())
    rows = []
    for code in tree.index[tree["Level"] == level]:
        node = code
        while lev[node] < top:
            node = parent[node]
            if code in data.columns and node in data.columns:
                pair = data[[code, node]]
                r = float(pair.corr(method=method).iloc[0, 1])
                n = _pair_n(data, code, node)
                rows.append((code, node, lev[node], r, n, _p_value(r, n)))
            if not family:
                break
    return pd.DataFrame(rows, columns=["Var1", "Parent", "ParentLevel", "Corr", "N", "p"])
