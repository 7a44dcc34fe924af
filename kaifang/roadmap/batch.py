"""Batch assessment of a KPI file (issue 5, item 9: ``kaifang roadmap assess --kpis KPIS.csv --as-of 2025-06``).

For every KPI of the file (:mod:`kaifang.roadmap.kpi_file`) at the as-of month m, vectorised over KPIs with
the same kernels as the single-KPI functions (so the two always agree):

* ``expected`` — the linear 序时进度 value at m (:func:`~kaifang.roadmap.schedule.linear_expected`): the
  baseline before the baseline period, capped at the target from the deadline on; the file has no milestones;
* ``latest_period``, ``latest_value`` — the latest reported value at or before m (empty values are missing
  reports; rows after m are ignored);
* ``progress_gap_pts`` — ``(f(expected) − f(latest)) × 100``, rounded to 1e-9; empty without a value;
* ``light`` — green / yellow / red / grey and ``light_reason`` — gap / missed_reports / no_data, by
  :mod:`kaifang.roadmap.lights` (red when the reports for m and m − 1 are both missing and due);
* ``required_rate``, ``actual_rate`` — SDR annual rates, sign-adjusted (positive = improvement), in the KPI's
  units per year; ``trend_ratio`` = actual / required; ``trend`` — on_track / moderately_improving /
  stagnating / decreasing, or empty when it cannot be computed (:mod:`kaifang.roadmap.trend`).

KPIs keep the order of their first row in the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kaifang.roadmap.kpi_file import read_kpis
from kaifang.roadmap.lights import DEFAULT_THRESHOLDS, LightThresholds, light_codes, progress_gap_pts
from kaifang.roadmap.months import MonthLike, month_index
from kaifang.roadmap.schedule import linear_expected, progress_fraction, snap
from kaifang.roadmap.trend import annual_rate, trend_codes

__all__ = ["OUTPUT_COLUMNS", "assess_file", "assess_frame"]

OUTPUT_COLUMNS = (
    "kpi",
    "expected",
    "progress_gap_pts",
    "light",
    "light_reason",
    "trend",
    "trend_ratio",
    "required_rate",
    "actual_rate",
    "latest_period",
    "latest_value",
)


def assess_frame(
    rows: pd.DataFrame, as_of: MonthLike, thresholds: LightThresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """Assess the checked rows returned by :func:`~kaifang.roadmap.kpi_file.read_kpis` at ``as_of``."""
    m = month_index(as_of)
    kpis = rows.groupby("kpi", sort=False).first()
    d, b, t = kpis["direction"].astype(float), kpis["baseline"], kpis["target"]
    m0, m1 = kpis["baseline_month"], kpis["target_month"]

    reported = rows[rows["value"].notna() & (rows["month"] <= m)].sort_values("month")
    latest = reported.groupby("kpi").last().reindex(kpis.index)
    n = thresholds.missed_reports
    in_window = reported[reported["month"] > m - n].groupby("kpi").size().reindex(kpis.index, fill_value=0)
    missed = (m - n + 1 > m0) & (in_window == 0)  # both months due (after the baseline) and both missing

    expected = linear_expected(b, t, m - m0, m1 - m0)
    x = latest["value"].to_numpy(dtype=float)
    gap = progress_gap_pts(progress_fraction(expected, b, t, d), progress_fraction(x, b, t, d))
    lights = light_codes(gap, missed, thresholds)
    reason = np.select([missed.to_numpy(), np.isnan(gap)], ["missed_reports", "no_data"], default="gap")

    required = annual_rate(b, t, m1 - m0, d)
    actual = annual_rate(b, x, latest["month"].to_numpy(dtype=float) - m0, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = snap(actual / required)  # the ratio as compared with 1 and 0.5
        met = snap(d * (x - t)) >= 0  # NaN (no value) compares False
    out = pd.DataFrame(
        {
            "kpi": kpis.index,
            "expected": expected,
            "progress_gap_pts": gap,
            "light": lights,
            "light_reason": reason,
            "trend": trend_codes(ratio, met),
            "trend_ratio": ratio,
            "required_rate": required,
            "actual_rate": actual,
            "latest_period": latest["period"].to_numpy(dtype=object),
            "latest_value": x,
        }
    )
    return out.reset_index(drop=True)[list(OUTPUT_COLUMNS)]


def assess_file(
    kpis: pd.DataFrame | str | Path, as_of: MonthLike, thresholds: LightThresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """Read KPIS.csv (or a DataFrame of its columns), check it, and assess every KPI at ``as_of`` (``YYYY-MM``).

    Bad input raises :class:`~kaifang.roadmap.kpi_file.KpiFileError` (a ``ValueError``) naming the line and
    column; a bad ``as_of`` raises ``ValueError`` naming it. One row per KPI, columns :data:`OUTPUT_COLUMNS`.
    """
    try:
        month_index(as_of)
    except ValueError as exc:
        raise ValueError(f"评估月份无效 invalid as-of month: {exc}") from None
    return assess_frame(read_kpis(kpis), as_of, thresholds)
