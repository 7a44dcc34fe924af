"""月度调度 reports of one KPI: the latest reported value at or before a month, and missed reports (pure).

A KPI's reports are a mapping ``month → value``; a month that is absent, or whose value is ``None`` or NaN, is a
**missing report** (the issue's "a missing report is an empty value").

**Due months.** The baseline value is known when the KPI is set, so the first report is due for the month after
the baseline period; reports stay due every month after that (ending the assessment of a finished KPI is the
platform's decision, not this module's).

**Two missed reports (issue 5, item 3: "red when the two most recent monthly reports up to the assessed month
are both missing").** Read as: at assessed month m the reports for m and m − 1 are both missing, and both
months are due (m − 1 is after the baseline period). The count (2) is configurable in
:class:`kaifang.roadmap.lights.LightThresholds`. A report for a month after m does not count: an assessment of
m uses only what the reports up to m say.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from kaifang.roadmap.months import MonthLike, month_index, month_label

__all__ = ["Reports", "latest_report", "observed", "reports_missed"]

Reports = Mapping[str, float | None]


def observed(reports: Reports) -> dict[int, float]:
    """The reported values keyed by month number (missing reports dropped), in month order.

    Two keys naming the same month (``2025-6`` and ``2025-06``) raise ``ValueError``.
    """
    out: dict[int, float] = {}
    seen: set[int] = set()
    for key, value in reports.items():
        m = month_index(key)
        if m in seen:
            raise ValueError(f"同一月份重复报送 two reports for month {month_label(m)}")
        seen.add(m)
        if value is not None and not math.isnan(float(value)):
            out[m] = float(value)
    return dict(sorted(out.items()))


def latest_report(reports: Reports, month: MonthLike) -> tuple[str, float] | None:
    """``(month, value)`` of the latest reported value at or before ``month``; None when there is none."""
    m = month_index(month)
    before = [(k, v) for k, v in observed(reports).items() if k <= m]
    if not before:
        return None
    k, v = before[-1]
    return month_label(k), v


def reports_missed(reports: Reports, month: MonthLike, baseline_period: MonthLike, count: int = 2) -> bool:
    """True when the ``count`` reports for months m − count + 1 … m are all missing and all due.

    Due means after ``baseline_period``. ``count = 2`` is the issue's rule: months m and m − 1.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    m, first_due = month_index(month), month_index(baseline_period) + 1
    window = range(m - count + 1, m + 1)
    if window.start < first_due:
        return False
    have = observed(reports)
    return not any(k in have for k in window)
