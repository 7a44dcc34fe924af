"""Month arithmetic for the roadmap: ``YYYY-MM`` strings ↔ month numbers (pure).

Roadmap reports (月度调度) are monthly. A month is written ``2025-06``; anything
:func:`kaifang.core.periods.parse_period` reads as a single month is accepted (``2025-6``, ``2025年6月``, ``202506``)
and normalised to ``YYYY-MM``. Years, quarters and the combined 1–2月 release are refused: a roadmap report
covers exactly one month, and an assessment is made for one month.

Months are counted as integers, ``index = 12 · year + (month − 1)``, so the number of months from ``a`` to ``b``
is ``index(b) − index(a)`` and years elapsed are months / 12 (the convention of the issue's rates).
"""

from __future__ import annotations

from datetime import date

from kaifang.core.periods import PeriodError, parse_period

__all__ = ["MonthLike", "month_index", "month_label", "months_between", "normalise_month", "shift", "years_between"]

MonthLike = str | date


def month_index(month: MonthLike) -> int:
    """The month number ``12 · year + (month − 1)`` of a month string or a date (its calendar month).

    Raises :class:`~kaifang.core.periods.PeriodError` (a ``ValueError``) naming the text when it is not one month.
    """
    if isinstance(month, date):
        return 12 * month.year + month.month - 1
    p = parse_period(month)
    if p.freq != "M" or p.is_combined:
        raise PeriodError(month, "a roadmap month is one calendar month, written YYYY-MM (路线图按月评估)")
    return 12 * p.year + p.first_month - 1


def month_label(index: int) -> str:
    """The ``YYYY-MM`` string of a month number (inverse of :func:`month_index`)."""
    year, m = divmod(index, 12)
    return f"{year:04d}-{m + 1:02d}"


def normalise_month(month: MonthLike) -> str:
    """``2025-6``, ``2025年6月``, ``date(2025, 6, 15)`` → ``2025-06``."""
    return month_label(month_index(month))


def shift(month: MonthLike, k: int) -> str:
    """The month ``k`` months after ``month`` (``k < 0``: before): ``shift("2025-01", -1) == "2024-12"``."""
    return month_label(month_index(month) + k)


def months_between(start: MonthLike, end: MonthLike) -> int:
    """``index(end) − index(start)``: ``months_between("2024-12", "2025-06") == 6``."""
    return month_index(end) - month_index(start)


def years_between(start: MonthLike, end: MonthLike) -> float:
    """Months between ``start`` and ``end`` divided by 12 (the SDR rates are per year)."""
    return months_between(start, end) / 12.0
