"""合理性检查 — plausibility warnings for a submission (pure: pandas and numpy, no Django).

Errors refuse a row (:mod:`kaifang.observations.validate`); a warning never does. It is a question
the reviewer (审核人) answers by accepting the value or sending the submission back. Five kinds:

``yoy`` 同比 / ``mom`` 环比
    The change against the same period last year (:func:`~kaifang.core.periods.same_period_last_year`)
    or the previous period (:func:`~kaifang.core.periods.previous`) of the same cell series
    (indicator, ref_area, basis) exceeds the indicator's bound. Amounts: (v − b) / b × 100 %, only
    for a positive base b, as :func:`kaifang.core.periods.yoy`. Ratios in % or ‰: the difference in
    percentage points (‰ ÷ 10) — 57.1% → 57.7% is +0.6 pp, and its relative +1.05% would mean nothing.
    环比 is not computed on 累计 values (1–3月累计 against 1–2月累计 is accumulation, not change), for
    the combined ``2024-01/02`` (two months against one) or against it (``2024-03`` looks for
    ``2024-02``, which a 1–2月-only series does not have), nor for annual periods (it would repeat 同比).
``sum``
    A 合计 differs from the sum of its parts, for the groups the reader flags as complete partitions
    (合计 = its regions, 进出口 = 出口 + 进口). "其中" items cover part of a total and are not checked.
``history`` / ``peers``
    The value's change is far from its own series' changes (history) or from the changes of the other
    regions in the same period (peers): the robust ("modified") z-score of Iglewicz & Hoaglin (1993),
    *How to Detect and Handle Outliers*, z = (d − median) / (1.4826 · MAD); when the MAD is 0 the scale
    is 1.2533 · mean absolute deviation (both estimate σ for normal data: 1/Φ⁻¹(0.75), √(π/2)), and it
    is never below a floor (``min_scale_pct`` / ``min_scale_pp``). The change d
    is the 同比 log change ln(v / b) for amounts — growth is multiplicative, ln makes +100% and −50%
    equally far, and 同比 rather than the previous period removes seasonality — and the point
    difference for ratios. Changes, not levels: a growing series' latest level is always "far" from
    its median level, and provinces' levels differ by 100× where their growth rates do not.

Values must already be in the indicator's unit (what :func:`~kaifang.observations.validate.validate`
returns as ``value``). A wrong value also distorts the next period's change, so in a bulk import the
period after it is usually flagged too; its message shows the suspicious base.

Defaults and why (each is a keyword of :func:`check`):

* ``default_pct=50`` (%): a prefecture's nominal aggregates (GDP, retail sales, fiscal revenue) rarely
  move more than ±20% a year; beyond ±50% is usually a unit slip (万元 for 亿元 is ×10⁴) or a wrong
  period. Volatile small-base series (an inland city's exports, FDI, project counts) need a wider bound
  in ``bounds``: in the 2000–2023 province panel (``../shared/data/province-panel``) 6% of the 16,606
  yearly changes of amounts exceed ±50%, two thirds of them in six such indicators (outward FDI, trade
  and FDI per capita, performances, mobile phones). A fall cannot pass −100%, so a bound of 100% or
  more never flags a fall: the history and peer checks catch those (Sichuan's exports per capita
  2021, −92.5%).
* ``default_pp=5`` (percentage points): shares and rates move slowly — urbanisation about 1 pp a year,
  an industry's share of GDP 1–2 pp, unemployment tenths of a point; 5 pp in one period is a break
  (a new definition, a mis-keyed figure); 0.7% of the panel's 10,416 yearly ratio changes exceed it.
* ``sum_tolerance=0.005`` (0.5% of the total) plus ``sum_abs_tolerance=0``: published parts are rounded
  separately, which moves a large total by far less than 0.5%; a small total rounded to one decimal
  may need ``sum_abs_tolerance`` (half a unit of the last digit × the number of parts).
* ``z_history=5``, ``z_peers=5``: Iglewicz & Hoaglin suggest 3.5 for a single sample; a platform checks
  every cell of every series at once, so a stricter 5 keeps the false alarms few. On the panel's
  exports per capita (713 values) 5 gives 16 warnings on 13 cells, Sichuan 2021 among them at z −16
  (history) and −23 (peers); 3.5 gives 37 on 34 cells.
* ``min_scale_pct=1``, ``min_scale_pp=0.1``: the smallest scale (σ) of a change, 1% for amounts and
  0.1 pp for ratios. A series that barely moves (an unemployment rate of 3.7, 3.7, 3.6 …) has a MAD
  near 0, and without a floor a 0.1-point move would be "5 σ".
* ``min_history=8``, ``min_peers=8`` (other points): a median and MAD from fewer points are too unstable
  to call anything an outlier; 8 years of 同比 changes, or 8 other regions (Bazhong's 5 counties and
  districts are too few, its peers among Sichuan's 21 prefectures are enough).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from kaifang.core.periods import PeriodError, parse_period, previous, same_period_last_year
from kaifang.core.units import UnitError, normalize_unit

__all__ = ["KINDS", "Bounds", "Partition", "Warning", "check"]

KINDS = ("yoy", "mom", "sum", "history", "peers")
SERIES = ["indicator", "ref_area", "basis"]
#: Ratio units compared in percentage points: how many pp one unit point is.
POINTS = {"%": 1.0, "‰": 0.1}
MAD_TO_SIGMA = 1.4826  # 1 / Φ⁻¹(3/4)
MEAN_AD_TO_SIGMA = 1.2533  # √(π/2)

#: Indicator code → the largest plausible |同比| or |环比|: % for amounts, percentage points for ratios.
Bounds = Mapping[str, float]


@dataclass(frozen=True)
class Warning:  # shadows the builtin on purpose: the domain term, and the builtin is not used here
    """One plausibility warning: the submission's row label, the column, the kind (see :data:`KINDS`)."""

    row: Any
    column: str
    kind: str
    message: str
    value: float
    expected: float | None

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}"


class Partition(NamedTuple):
    """A total row and the rows that make it up; ``complete=False`` marks 其中 items (not checked)."""

    total: Hashable
    parts: Sequence[Hashable]
    complete: bool = True


def _num(x: float) -> str:
    """A value as people write it: 312.4, 1.02, 1066 (6 significant digits, at most 4 decimals)."""
    if not np.isfinite(x) or abs(x) >= 1e12:
        return f"{x:.6g}"
    decimals = min(4, max(0, 6 - len(str(int(abs(x))))))
    text = f"{x:.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def _long(df: pd.DataFrame, pos: np.ndarray) -> pd.DataFrame:
    """The columns the checks use, as plain text keys and float values; ``pos`` = row position (−1: history)."""
    basis = df["basis"].fillna("P").astype(str) if "basis" in df.columns else pd.Series("P", index=df.index)
    return pd.DataFrame(
        {
            "indicator": df["indicator"].astype(str).to_numpy(),
            "ref_area": df["ref_area"].astype(str).to_numpy(),
            "time_period": df["time_period"].astype(str).to_numpy(),
            "basis": basis.to_numpy(),
            "value": pd.to_numeric(df["obs_value"], errors="coerce").astype(float).to_numpy(),
            "pos": pos,
        }
    )


def _periods(texts: Iterable[str]) -> pd.DataFrame:
    """Per distinct period text: frequency, 同比 base, 环比 base (None where 环比 is not computed)."""
    rows: dict[str, tuple[str, str, str | None]] = {}
    for text in texts:
        try:
            p = parse_period(text)
        except PeriodError:
            continue  # refused by validate(); nothing to compare
        mom_base = None if p.freq == "Y" or p.is_combined else str(previous(p))
        rows[text] = (p.freq, str(same_period_last_year(p)), mom_base)
    columns = ["freq", "yoy_base", "mom_base"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns) if rows else pd.DataFrame(columns=columns)


def _points(units: Mapping[str, str], codes: Iterable[str]) -> dict[str, float]:
    """Indicator code → pp per unit point, for the ratio indicators (% and ‰) only."""
    out: dict[str, float] = {}
    for code in codes:
        label = units.get(code, "")
        try:
            symbol = normalize_unit(label)
        except UnitError:
            symbol = str(label).strip()
        if symbol in POINTS:
            out[code] = POINTS[symbol]
    return out


def _base_values(frame: pd.DataFrame, sid: np.ndarray, base: pd.Series) -> np.ndarray:
    """The value of the same series (``sid``) at period ``base`` (NaN where absent), by integer keys."""
    periods = pd.Index(pd.unique(np.concatenate([frame["time_period"].to_numpy(), base.dropna().to_numpy()])))
    n = len(periods)
    own = sid * n + periods.get_indexer(frame["time_period"].to_numpy())
    at = periods.get_indexer(base.to_numpy(dtype=object))  # −1 for a missing base (None / NaN)
    want = np.where(base.notna().to_numpy() & (at >= 0), sid * n + at, -1)
    hit = pd.Index(own).get_indexer(want)
    values = frame["value"].to_numpy()
    return np.where(hit >= 0, values[hit], np.nan)


def _robust_z(d: pd.Series, by: list[pd.Series], floor: np.ndarray) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per group: (z, median, count) of ``d``, scaled by the MAD (mean-AD when the MAD is 0), at least ``floor``."""
    ok = np.isfinite(d.to_numpy())
    x = d[ok]
    keys = [k[ok] for k in by]
    grouped = x.groupby(keys, sort=False)
    med = grouped.transform("median")
    dev = (x - med).abs().groupby(keys, sort=False)
    mad, mean_ad = dev.transform("median"), dev.transform("mean")
    scale = np.maximum(np.where(mad > 0, MAD_TO_SIGMA * mad, MEAN_AD_TO_SIGMA * mean_ad), floor[ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x - med) / np.where(scale > 0, scale, np.nan)
    return z.reindex(d.index), med.reindex(d.index), grouped.transform("size").reindex(d.index)


class _Frame(NamedTuple):
    """History and submission as one frame, one row per cell (the submission's value wins)."""

    frame: pd.DataFrame
    pos: np.ndarray  # the row's position in the submission, −1 for history
    value: np.ndarray
    points: np.ndarray  # pp per unit point for ratio indicators, NaN for amounts
    yoy_base: np.ndarray
    mom_base: np.ndarray

    def warning(self, submission: pd.DataFrame, i: Any, kind: str, message: str, expected: float) -> _Found:
        pos = int(self.pos[i])
        found = Warning(submission.index[pos], "obs_value", kind, message, float(self.value[i]), float(expected))
        return pos, KINDS.index(kind), found


_Found = tuple[int, int, Warning]


def _units_of(ratio: bool) -> tuple[str, str]:
    return (" 个百分点", " pp") if ratio else ("%", "%")


def _changes(
    submission: pd.DataFrame, f: _Frame, kind: str, bounds: Bounds, default_pct: float, default_pp: float
) -> list[_Found]:
    """``yoy`` / ``mom`` warnings: |change| beyond the indicator's bound."""
    v, pts = f.value, f.points
    base = f.yoy_base if kind == "yoy" else f.mom_base
    ratio = np.isfinite(pts)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(ratio, (v - base) * pts, np.where(base > 0, (v - base) / base * 100, np.nan))
    bound = f.frame["indicator"].map(dict(bounds)).to_numpy(dtype=float)
    bound = np.where(np.isfinite(bound), bound, np.where(ratio, default_pp, default_pct))
    flag = (f.pos >= 0) & np.isfinite(change) & (np.abs(np.round(change, 9)) > bound)
    name, prior, english = ("同比", "上年", "year-on-year") if kind == "yoy" else ("环比", "上期", "period-on-period")
    out = []
    for i in np.flatnonzero(flag):
        zh, en = _units_of(ratio[i])
        limit = f"±{bound[i]:g}{zh}" + ("" if ratio[i] else " ")  # 超出 ±50% 的, 超出 ±5 个百分点的
        message = (
            f"{name} {change[i]:+.1f}{zh}，超出 {limit}的合理范围（{prior} {_num(base[i])} → 本期 {_num(v[i])}）"
            f"({english} change {change[i]:+.1f}{en} beyond ±{bound[i]:g}{en})"
        )
        out.append(f.warning(submission, i, kind, message, base[i]))
    return out


def _outliers(
    submission: pd.DataFrame, f: _Frame, kind: str, by: list[pd.Series], z_max: float, n_min: int, floor: np.ndarray
) -> list[_Found]:
    """``history`` / ``peers`` warnings: the 同比 change's robust z within its group beyond ``z_max``."""
    v, pts, base = f.value, f.points, f.yoy_base
    ratio = np.isfinite(pts)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(ratio, (v - base) * pts, np.log(v / base))
    d[~np.isfinite(d)] = np.nan
    z, med, n = (s.to_numpy(dtype=float) for s in _robust_z(pd.Series(d), by, floor))
    flag = (f.pos >= 0) & (n - 1 >= n_min) & (np.abs(z) > z_max)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.where(ratio, base + med / pts, base * np.exp(med))
        shown = np.where(ratio, d, np.expm1(d) * 100)
        shown_med = np.where(ratio, med, np.expm1(med) * 100)
    out = []
    for i in np.flatnonzero(flag):
        zh, en = _units_of(ratio[i])
        others = int(n[i]) - 1
        whom, whom_en = (
            (f"本地区历史（{others} 个同比）", "the region's own history")
            if kind == "history"
            else (f"同期其他 {others} 个地区", "its peers in the same period")
        )
        message = (
            f"同比 {shown[i]:+.1f}{zh}（上年 {_num(base[i])} → 本期 {_num(v[i])}），远离{whom}的中位数 "
            f"{shown_med[i]:+.1f}{zh}：稳健 z = {z[i]:+.1f}，超出 ±{z_max:g}，按中位数约为 {_num(expected[i])}"
            f"(far outside {whom_en}: change {shown[i]:+.1f}{en} against a median {shown_med[i]:+.1f}{en}, "
            f"robust z {z[i]:+.1f})"
        )
        out.append(f.warning(submission, i, kind, message, expected[i]))
    return out


def check(
    submission: pd.DataFrame,
    history: pd.DataFrame,
    *,
    units: Mapping[str, str],
    bounds: Bounds | None = None,
    mom_bounds: Bounds | None = None,
    partitions: Iterable[Partition | tuple[Any, ...]] = (),
    default_pct: float = 50.0,
    default_pp: float = 5.0,
    sum_tolerance: float = 0.005,
    sum_abs_tolerance: float = 0.0,
    z_history: float = 5.0,
    z_peers: float = 5.0,
    min_history: int = 8,
    min_peers: int = 8,
    min_scale_pct: float = 1.0,
    min_scale_pp: float = 0.1,
    peer_groups: Mapping[str, Hashable] | None = None,
) -> list[Warning]:
    """Plausibility warnings for ``submission`` against itself and ``history``, in row order.

    Both frames are long: indicator, ref_area, time_period (canonical, see
    :func:`~kaifang.core.periods.parse_period`), basis ('P' / 'YTD'; missing = 'P'), obs_value. The
    submission's index labels (unique) are the row locations reported; where both frames hold a cell,
    the submission's value counts. ``units`` maps indicator → unit (% and ‰ make it a ratio);
    ``bounds`` maps indicator → max |同比| (% for amounts, pp for ratios), ``mom_bounds`` the same for
    环比 (default: ``bounds``); indicators not in them get ``default_pct`` or ``default_pp``.
    ``partitions`` are (total row, [part rows]) groups of submission labels, with ``complete=False``
    for 其中 items. ``peer_groups`` maps ref_area → peer group (default: all regions are peers).
    Thresholds and their defaults: see the module docstring.
    """
    sub = _long(submission, np.arange(len(submission)))
    frame = pd.concat([_long(history, np.full(len(history), -1)), sub], ignore_index=True)
    frame = frame.drop_duplicates([*SERIES, "time_period"], keep="last").reset_index(drop=True)
    per = _periods(pd.unique(frame["time_period"]))
    codes = frame["indicator"]
    no_mom = frame["basis"].to_numpy() == "YTD"
    sid = frame.groupby(SERIES, sort=False).ngroup().to_numpy(dtype=np.int64)
    f = _Frame(
        frame,
        frame["pos"].to_numpy(),
        frame["value"].to_numpy(),
        codes.map(_points(units, pd.unique(codes))).to_numpy(dtype=float),
        _base_values(frame, sid, frame["time_period"].map(per["yoy_base"])),
        _base_values(frame, sid, frame["time_period"].map(per["mom_base"]).mask(no_mom)),
    )
    found = _changes(submission, f, "yoy", bounds or {}, default_pct, default_pp)
    found += _changes(submission, f, "mom", mom_bounds or bounds or {}, default_pct, default_pp)
    floor = np.where(np.isfinite(f.points), min_scale_pp, np.log1p(min_scale_pct / 100))
    series = [pd.Series(sid), frame["time_period"].map(per["freq"])]
    found += _outliers(submission, f, "history", series, z_history, min_history, floor)
    peers = frame["ref_area"].map(dict(peer_groups)).fillna("") if peer_groups else pd.Series("", index=frame.index)
    by_time = [codes, frame["basis"], frame["time_period"], peers]
    found += _outliers(submission, f, "peers", by_time, z_peers, min_peers, floor)
    found += _sums(submission, sub["value"].to_numpy(), partitions, sum_tolerance, sum_abs_tolerance)
    return [w for _, _, w in sorted(found, key=lambda t: t[:2])]


def _sums(
    submission: pd.DataFrame,
    values: np.ndarray,
    partitions: Iterable[Partition | tuple[Any, ...]],
    rel_tol: float,
    abs_tol: float,
) -> list[_Found]:
    """``sum`` warnings: |合计 − Σ parts| > rel_tol · |合计| + abs_tol, for complete partitions only."""
    groups = [g for g in (Partition(*p) for p in partitions) if g.complete and len(g.parts) > 0]
    if not groups:
        return []
    labels = submission.index
    total_pos = labels.get_indexer([g.total for g in groups])
    part_pos = labels.get_indexer([p for g in groups for p in g.parts])
    sizes = [len(g.parts) for g in groups]
    gid = np.repeat(np.arange(len(groups)), sizes)
    start = np.concatenate([[0], np.cumsum(sizes)])
    part_values = np.where(part_pos >= 0, values[part_pos], np.nan)
    sums = pd.Series(part_values).groupby(gid).sum(min_count=1).to_numpy()
    complete = pd.Series(np.isfinite(part_values)).groupby(gid).all().to_numpy()
    totals = np.where(total_pos >= 0, values[total_pos], np.nan)
    gap = totals - sums
    flag = complete & np.isfinite(gap) & (np.abs(np.round(gap, 9)) > rel_tol * np.abs(totals) + abs_tol)
    out = []
    for k in np.flatnonzero(flag):
        shown = part_values[start[k] : start[k + 1]]
        terms = " + ".join(_num(x) for x in shown[:6]) + (f" + …（共 {len(shown)} 项）" if len(shown) > 6 else "")
        tol = f"{rel_tol * 100:g}%" + (f" + {_num(abs_tol)}" if abs_tol else "")
        message = (
            f"合计 {_num(totals[k])} 与分项之和 {_num(sums[k])}（{terms}）相差 {_num(gap[k])}，超出 {tol} 的容差 "
            f"(total {_num(totals[k])} ≠ sum of parts {_num(sums[k])}: gap {_num(gap[k])} beyond {tol})"
        )
        pos = int(total_pos[k])
        found = Warning(labels[pos], "obs_value", "sum", message, float(totals[k]), float(sums[k]))
        out.append((pos, KINDS.index("sum"), found))
    return out
