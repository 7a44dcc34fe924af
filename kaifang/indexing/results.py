"""结果表与比较 — the results table of a built index and the comparison of two builds.

COINr 1.1.14 ``get_results`` and ``compare_coins``. Ranks are "sport" ranks: the highest score is 1 and ties
share the best rank (R ``rank(-x, ties.method = "min")``); units without a score have no rank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kaifang.indexing.framework import Framework

if TYPE_CHECKING:  # the coin imports this module; only the type is needed here
    from kaifang.indexing.coin import Coin

__all__ = ["RANK_COLUMN", "compare", "rank", "results_table"]

RANK_COLUMN = "Index_rank"


def rank(scores: pd.Series) -> pd.Series:
    """Sport rank, 1 = highest score, ties share the lowest number, NaN stays NaN (nullable integers)."""
    return scores.rank(ascending=False, method="min").astype("Int64")


def results_table(
    data: pd.DataFrame, framework: Framework, units: pd.DataFrame, tab_type: str = "Aggs"
) -> pd.DataFrame:
    """One row per unit: uCode, uName and Time (if any), the aggregates from the index down, ``Index_rank``.

    ``tab_type`` (COINr): ``Summ`` = index and rank only; ``Aggs`` = every aggregate at every level;
    ``Full`` = aggregates and indicators. Rows are sorted by the index, best first.
    """
    if tab_type not in ("Summ", "Aggs", "Full"):
        raise ValueError("tab_type must be 'Summ', 'Aggs' or 'Full'")
    top = framework.top
    if top not in data.columns:
        raise ValueError(f"数据集中没有总指数 {top} (the data set has no {top}: aggregate first)")
    levels = range(framework.max_level, 0 if tab_type == "Full" else 1, -1)
    codes = [top] if tab_type == "Summ" else [c for lv in levels for c in framework.codes_at(lv)]
    out = data[codes].copy()
    out[RANK_COLUMN] = rank(out[top])
    if "Time" in units.columns:
        out.insert(0, "Time", units["Time"].reindex(out.index))
    if "uName" in units.columns:
        out.insert(0, "uName", units["uName"].reindex(out.index))
    out.index.name = "uCode"
    out = out.reset_index().sort_values([RANK_COLUMN, "uCode"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def compare(coin_a: Coin, coin_b: Coin, dset: str = "Aggregated", icode: str | None = None) -> pd.DataFrame:
    """Score and rank of one code (default the index) in two builds, and the changes (COINr ``compare_coins``).

    Columns: score_a, score_b, score_change (b − a), rank_a, rank_b, rank_change (b − a: positive = fell),
    abs_rank_change; indexed by uCode, sorted by abs_rank_change (largest first). A unit present in one build
    only has NaN for the other.
    """
    code = icode or coin_a.framework.top
    a = coin_a.get(dset)[code]
    b = coin_b.get(dset)[code]
    ra, rb = rank(a), rank(b)
    out = pd.concat({"score_a": a, "score_b": b, "rank_a": ra, "rank_b": rb}, axis=1)
    out["score_change"] = out["score_b"] - out["score_a"]
    out["rank_change"] = out["rank_b"] - out["rank_a"]
    out["abs_rank_change"] = out["rank_change"].abs()
    out = out[["score_a", "score_b", "score_change", "rank_a", "rank_b", "rank_change", "abs_rank_change"]]
    out.index.name = "uCode"
    return out.sort_values(["abs_rank_change", "rank_a"], ascending=[False, True], na_position="last", kind="stable")
