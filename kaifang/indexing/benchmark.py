"""A unit against its peers (对标分析: 巴中 vs 达州、广元、成渝核心) — pure numpy/pandas, no Django.

Benchmarking in the sense of the OECD/JRC Handbook 2008 §8 ("Back to the data": decompose a composite into
its parts to see what drives a unit's score). Inputs are a results or normalised table indexed by unit
code (one column per indicator/aggregate). Normalised data are "higher is better" (directions already
applied by the normaliser); :func:`gap_to_leader` also takes raw data with explicit directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "StrengthsWeaknesses",
    "dimension_profile",
    "gap_to_leader",
    "nearest_peers",
    "strengths_weaknesses",
]


def _check_units(data: pd.DataFrame, unit: str, peers: Sequence[str] | None) -> list[str]:
    """The peer list (all other units when ``peers`` is None), after checking every code is present."""
    if unit not in data.index:
        raise KeyError(f"unit {unit!r} not in the data")
    if peers is None:
        return [u for u in data.index if u != unit]
    missing = [p for p in peers if p not in data.index]
    if missing:
        raise KeyError(f"peer(s) not in the data: {', '.join(map(str, missing))}")
    return [p for p in peers if p != unit]


def _columns(data: pd.DataFrame, codes: Sequence[str] | None) -> list[str]:
    if codes is None:
        return [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    missing = [c for c in codes if c not in data.columns]
    if missing:
        raise KeyError(f"code(s) not in the data: {', '.join(map(str, missing))}")
    return list(codes)


def dimension_profile(
    results: pd.DataFrame, unit: str, peers: Sequence[str] | None = None, *, codes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Radar data: rows = codes (e.g. the three dimensions 制度型开放, 枢纽经济, 区域协同治理), columns = the unit,
    each peer, then Peer.Mean, Peer.Median, Peer.Min, Peer.Max (NaN-skipping) and Rank (1 = best among unit and
    peers, ties "min")."""
    peer_list = _check_units(results, unit, peers)
    cols = _columns(results, codes)
    block = results.loc[[unit, *peer_list], cols].astype(float).T
    peer_block = block[peer_list]
    out = block.copy()
    out["Peer.Mean"] = peer_block.mean(axis=1)
    out["Peer.Median"] = peer_block.median(axis=1)
    out["Peer.Min"] = peer_block.min(axis=1)
    out["Peer.Max"] = peer_block.max(axis=1)
    out["Rank"] = block.rank(axis=1, ascending=False, method="min")[unit]
    out.index.name = "iCode"
    return out


@dataclass(frozen=True)
class StrengthsWeaknesses:
    """The ``k`` codes where the unit leads (``strengths``) and trails (``weaknesses``) its peers most.

    Each table: Value, Peer.Mean, Gap = Value − Peer.Mean, Rank among unit and peers (1 = best); strengths
    sorted by Gap descending, weaknesses ascending.
    """

    strengths: pd.DataFrame
    weaknesses: pd.DataFrame


def strengths_weaknesses(
    normalised: pd.DataFrame,
    unit: str,
    peers: Sequence[str] | None = None,
    *,
    k: int = 3,
    codes: Sequence[str] | None = None,
) -> StrengthsWeaknesses:
    """Strengths and weaknesses in normalised terms (COINr ``get_str_weak`` compares ranks; here the score gap).

    Gap_i = x_unit,i − mean_peers(x_i). Only positive gaps can be strengths and only negative gaps weaknesses,
    so a unit ahead everywhere has no weaknesses. Codes where the unit or every peer is NaN are skipped.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    peer_list = _check_units(normalised, unit, peers)
    cols = _columns(normalised, codes)
    block = normalised.loc[[unit, *peer_list], cols].astype(float)
    table = pd.DataFrame(
        {
            "Value": block.loc[unit],
            "Peer.Mean": block.loc[peer_list].mean(),
            "Rank": block.rank(ascending=False, method="min").loc[unit],
        }
    )
    table["Gap"] = table["Value"] - table["Peer.Mean"]
    table = table.dropna(subset=["Gap"])[["Value", "Peer.Mean", "Gap", "Rank"]]
    table.index.name = "iCode"
    ahead = table[table["Gap"] > 0].sort_values("Gap", ascending=False, kind="stable").head(k)
    behind = table[table["Gap"] < 0].sort_values("Gap", ascending=True, kind="stable").head(k)
    return StrengthsWeaknesses(strengths=ahead, weaknesses=behind)


def nearest_peers(
    normalised: pd.DataFrame,
    unit: str,
    *,
    k: int = 5,
    codes: Sequence[str] | None = None,
    candidates: Sequence[str] | None = None,
    min_common: int = 1,
) -> pd.DataFrame:
    """The ``k`` units closest to ``unit`` by indicator profile: NaN-aware Euclidean distance.

    d(u, v) = √( p/m · Σ_{i∈common} (x_ui − x_vi)² ), p = number of codes, m = codes observed for both
    (the missing-coordinate weighting of Dixon 1979, as scikit-learn's ``nan_euclidean_distances``).
    Candidates sharing fewer than ``min_common`` codes are dropped. Columns: Distance, N.Common; sorted by
    distance, then unit code.
    """
    others = _check_units(normalised, unit, candidates)
    cols = _columns(normalised, codes)
    x = normalised.loc[unit, cols].to_numpy(dtype=float)
    y = normalised.loc[others, cols].to_numpy(dtype=float)
    both = ~np.isnan(y) & ~np.isnan(x)
    m = both.sum(axis=1)
    sq = np.where(both, (y - x) ** 2, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = np.sqrt(len(cols) / m * sq)
    out = pd.DataFrame({"Distance": dist, "N.Common": m}, index=pd.Index(others, name="uCode"))
    out = out[out["N.Common"] >= max(min_common, 1)]
    return out.reset_index().sort_values(["Distance", "uCode"], kind="stable").head(k).set_index("uCode")


def gap_to_leader(
    data: pd.DataFrame,
    unit: str,
    peers: Sequence[str] | None = None,
    *,
    codes: Sequence[str] | None = None,
    directions: pd.Series | None = None,
) -> pd.DataFrame:
    """Distance from the unit to the best unit per code, absolute and as a share of the leader's value.

    The leader is the maximum (direction +1) or minimum (direction −1, 逆向指标) among the unit and its peers.
    Gap = |leader − unit| (0 if the unit leads), Gap.Share = Gap / |leader| (NaN if the leader is 0).
    Columns: Value, Leader, Leader.Value, Gap, Gap.Share, Direction.
    """
    peer_list = _check_units(data, unit, peers)
    cols = _columns(data, codes)
    block = data.loc[[unit, *peer_list], cols].astype(float)
    rows = {}
    for code in cols:
        d = 1.0 if directions is None else float(directions.get(code, 1.0))
        col = block[code].dropna()
        value = block.at[unit, code]
        if col.empty:
            rows[code] = (value, None, np.nan, np.nan, np.nan, d)
            continue
        leader = col.idxmin() if d < 0 else col.idxmax()
        best = float(col[leader])
        gap = abs(best - value)
        share = gap / abs(best) if best != 0 else np.nan
        rows[code] = (value, leader, best, gap, share, d)
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["Value", "Leader", "Leader.Value", "Gap", "Gap.Share", "Direction"]
    )
    out.index.name = "iCode"
    return out
