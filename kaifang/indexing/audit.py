"""Statistical audit of a composite indicator (统计审计) — pure numpy/pandas, no Django.

The checks of the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 4
("Multivariate analysis") and step 10 ("Links to other indicators"), in the table shapes of the
JRC's R package COINr (``get_stats``, ``get_corr``, ``get_corr_flags``, ``get_cronbach``,
``get_PCA``, ``get_eff_weights``) so a COINr user recognises every column.

Inputs are plain DataFrames:

* indicator or results data: indexed by unit code (uCode), one column per iCode (indicators and,
  for results, every aggregate at every level);
* the framework (COINr's iMeta): columns ``iCode``, ``Level`` (1 = indicators), ``Parent`` and
  optionally ``Weight``, ``Direction``, ``Type``. Rows without a Level (groups, denominators) are
  ignored.

Correlations use pairwise-complete observations, like R's ``cor(use = "pairwise.complete.obs")``.
"""

from kaifang.indexing.audit_multivariate import (
    PCAResult,
    contributions,
    cronbach_alpha,
    cronbach_by_group,
    effective_weights,
    pca,
    pca_by_group,
)
from kaifang.indexing.audit_stats import (
    CorrMethod,
    corr_flags,
    corr_matrix,
    corr_with_parents,
    corr_within,
    groups,
    indicator_stats,
    iqr_outliers,
    kurt,
    lineage,
    skew,
)

__all__ = [
    "CorrMethod",
    "PCAResult",
    "contributions",
    "corr_flags",
    "corr_matrix",
    "corr_with_parents",
    "corr_within",
    "cronbach_alpha",
    "cronbach_by_group",
    "effective_weights",
    "groups",
    "indicator_stats",
    "iqr_outliers",
    "kurt",
    "lineage",
    "pca",
    "pca_by_group",
    "skew",
]
