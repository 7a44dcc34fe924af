"""Statistical reference periods (统计期间) and the 当月/累计 bridge — pure Python, no Django.

Canonical strings (ISO-like, sortable within a frequency):

* annual ``2024``, quarterly ``2024Q1``, monthly ``2024-03``;
* ``2024-01/02``: the combined January–February release. 国家统计局 and the provincial
  bureaus publish most monthly indicators for 1–2月 together (Spring Festival moves between
  January and February), so for many series there is no separate January or February value.
  It is a monthly-frequency period covering two months.

Two bases, never mixed (口径):

* **当期** (``Basis.PERIOD``): the value of the period itself — 当月, 当季, or the year;
* **累计** (``Basis.YTD``): year to date, 1–m月累计 — keyed by the period it runs up to
  (the 1–5月 累计 value is keyed by ``2024-05``; the 1–2月 累计 by ``2024-02`` or ``2024-01/02``).

A stored value always carries its basis. :func:`ytd_to_period` and :func:`period_to_ytd` are the
only bridge between the two; growth rates (:func:`yoy` 同比, :func:`mom` 环比) must be computed on
two values of the same basis.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

__all__ = [
    "Basis",
    "Freq",
    "Period",
    "PeriodError",
    "mom",
    "months",
    "parse_period",
    "parse_ytd_label",
    "period_to_ytd",
    "previous",
    "quarter_of",
    "same_period_last_year",
    "yoy",
    "ytd_to_period",
]

Freq = Literal["Y", "Q", "M"]
_FREQS = ("Y", "Q", "M")


class Basis(StrEnum):
    """口径 of a value. The codes match ``observations.Basis`` (``P`` / ``YTD``)."""

    PERIOD = "P"  # 当期: 当月 / 当季 / 全年
    YTD = "YTD"  # 累计: 1–m月 (year to date)


class PeriodError(ValueError):
    """A text that is not a period, or an operation a period does not support; ``text`` names it."""

    def __init__(self, text: object, reason: str = ""):
        self.text = text
        msg = f"无法识别的统计期间 invalid period {text!r}"
        if reason:
            msg += f": {reason}"
        super().__init__(msg)


@dataclass(frozen=True, order=True)
class Period:
    """A reference period: ``year``, ``freq`` ('Y' | 'Q' | 'M') and the months it covers.

    Periods of one frequency sort chronologically (``2024-01/02 < 2024-03``). Use the
    constructors :meth:`annual`, :meth:`quarterly`, :meth:`monthly`, :meth:`jan_feb`, or
    :func:`parse_period`.
    """

    year: int
    freq: str
    first_month: int
    last_month: int

    def __post_init__(self) -> None:
        f, a, b = self.freq, self.first_month, self.last_month
        ok = isinstance(self.year, int) and 1 <= self.year <= 9999 and f in _FREQS
        if ok and f == "Y":
            ok = (a, b) == (1, 12)
        elif ok and f == "Q":
            ok = a in (1, 4, 7, 10) and b == a + 2
        elif ok:
            ok = 1 <= a <= 12 and (b == a or (a, b) == (1, 2))
        if not ok:
            raise PeriodError(f"Period({self.year!r}, {f!r}, {a!r}, {b!r})", "inconsistent fields")

    # -- constructors ------------------------------------------------------

    @classmethod
    def annual(cls, year: int) -> Period:
        """The year ``year`` (年度)."""
        return cls(year, "Y", 1, 12)

    @classmethod
    def quarterly(cls, year: int, quarter: int) -> Period:
        """Quarter 1–4 of ``year`` (季度)."""
        if quarter not in (1, 2, 3, 4):
            raise PeriodError(f"{year}Q{quarter}", "quarter must be 1–4")
        return cls(year, "Q", 3 * quarter - 2, 3 * quarter)

    @classmethod
    def monthly(cls, year: int, month: int) -> Period:
        """Month 1–12 of ``year`` (月度)."""
        if not 1 <= month <= 12:
            raise PeriodError(f"{year}-{month}", "month must be 1–12")
        return cls(year, "M", month, month)

    @classmethod
    def jan_feb(cls, year: int) -> Period:
        """The combined 1–2月 release of ``year`` (``2024-01/02``)."""
        return cls(year, "M", 1, 2)

    # -- views ---------------------------------------------------------------

    def __str__(self) -> str:
        if self.freq == "Y":
            return f"{self.year:04d}"
        if self.freq == "Q":
            return f"{self.year:04d}Q{self.last_month // 3}"
        if self.is_combined:
            return f"{self.year:04d}-01/02"
        return f"{self.year:04d}-{self.first_month:02d}"

    @property
    def frequency(self) -> str:
        """'Y', 'Q' or 'M' (the combined 1–2月 period is 'M')."""
        return self.freq

    @property
    def is_combined(self) -> bool:
        """True for the combined January–February period (1–2月合并发布)."""
        return self.freq == "M" and self.first_month != self.last_month

    @property
    def start(self) -> date:
        """First day of the period."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last day of the period (2024-01/02 ends on 2024-02-29)."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def label_zh(self) -> str:
        """Chinese label: 2024年, 2024年一季度, 2024年3月, 2024年1-2月."""
        if self.freq == "Y":
            return f"{self.year}年"
        if self.freq == "Q":
            return f"{self.year}年{'一二三四'[self.last_month // 3 - 1]}季度"
        if self.is_combined:
            return f"{self.year}年1-2月"
        return f"{self.year}年{self.first_month}月"


# ---------------------------------------------------------------------------
# parsing

_ZH_MONTHS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_ZH_NUM = {name: i for i, name in enumerate(_ZH_MONTHS, start=1)}
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−〜~～"})
_RANGE_SEP = r"(?:-|至|到)"
_NUM = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"

_RE_YEAR = re.compile(r"(\d{4})(?:年度?)?")
_RE_QUARTER = re.compile(r"(\d{4})(?:年|-|_|/)?(?:Q([1-4])|第?([1-4一二三四])季度?)")
_RE_NBS_QUARTER = re.compile(r"(\d{4})([A-D])")  # data.stats.gov.cn: 2024A = 2024年一季度
_RE_JANFEB = re.compile(rf"(\d{{4}})年0?1{_RANGE_SEP}0?2月|(\d{{4}})(?:-|\.|M)?01/02")
_RE_RANGE = re.compile(rf"(\d{{4}})年{_NUM}{_RANGE_SEP}{_NUM}月")
_RE_MONTH_ZH = re.compile(rf"(\d{{4}})年{_NUM}月")
_RE_MONTH = re.compile(r"(\d{4})(?:-|\.|/|_|M)(\d{1,2})|(\d{4})(\d{2})")
_RE_YTD_QUARTERS = re.compile(r"(\d{4})年?(?:前([1-4一二三四])季度?|(?:第?[1一])(?:-|至|到)第?([1-4一二三四])季度?)")
_RE_HALF = re.compile(r"(\d{4})年?上半年")


def _clean(text: str) -> str:
    """NFKC (full-width digits and letters → ASCII), unify dashes, drop spaces and 份 (3月份)."""
    s = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return re.sub(r"\s+", "", s).replace("月份", "月").upper()


def _num(token: str) -> int:
    return int(token) if token.isdigit() else _ZH_NUM[token]


def _month(text: str, year: str, month: str) -> Period:
    m = _num(month)
    if not 1 <= m <= 12:
        raise PeriodError(text, f"month {m} is not 1–12")
    return Period.monthly(int(year), m)


def parse_period(text: str | Period) -> Period:
    """Parse a period as statistics tables write it; raises :class:`PeriodError` naming the text.

    Accepted (full-width digits and spaces tolerated):

    * annual: ``2024``, ``2024年``, ``2024年度``;
    * quarterly: ``2024Q1``, ``2024-Q1``, ``2024年Q1``, ``2024年一季度``, ``2024年第1季度``,
      ``2024年第一季度``, ``2024A`` (国家统计局 data API: A–D = 一–四季度);
    * monthly: ``2024-03``, ``2024-3``, ``2024.03``, ``2024/03``, ``2024M03``, ``202403``,
      ``2024年3月``, ``2024年3月份``, ``2024年三月``;
    * combined 1–2月: ``2024年1-2月`` (also with —, –, ~, 至), ``2024-01/02``.

    Other month ranges (``2024年1-5月``) are 累计 labels, not periods: use :func:`parse_ytd_label`.
    """
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise PeriodError(text, "not a string")
    s = _clean(text)
    if not s:
        raise PeriodError(text, "empty")
    if m := _RE_YEAR.fullmatch(s):
        return Period.annual(int(m[1]))
    if m := _RE_QUARTER.fullmatch(s):
        return Period.quarterly(int(m[1]), _num(m[2] or m[3]))
    if m := _RE_NBS_QUARTER.fullmatch(s):
        return Period.quarterly(int(m[1]), "ABCD".index(m[2]) + 1)
    if m := _RE_JANFEB.fullmatch(s):
        return Period.jan_feb(int(m[1] or m[2]))
    if m := _RE_RANGE.fullmatch(s):
        raise PeriodError(text, f"{m[2]}–{m[3]}月 is a 累计 (year-to-date) range, not a period; use parse_ytd_label")
    if m := _RE_MONTH_ZH.fullmatch(s):
        return _month(text, m[1], m[2])
    if m := _RE_MONTH.fullmatch(s):
        return _month(text, m[1] or m[3], m[2] or m[4])
    raise PeriodError(text)


def parse_ytd_label(text: str | Period) -> Period:
    """The period a 累计 (year-to-date) label runs up to — the key of a YTD value.

    ``2024年1-5月`` → ``2024-05``; ``2024年1-2月`` → ``2024-02``; ``2024年1—12月`` → ``2024-12``;
    ``2024年前三季度`` / ``2024年1-3季度`` → ``2024Q3``; ``2024年上半年`` → ``2024Q2``; a plain month or
    quarter (``2024年3月``, ``2024Q1``) is returned as parsed (the combined ``2024-01/02`` becomes
    ``2024-02``). A year has no YTD key and raises :class:`PeriodError`.
    """
    if isinstance(text, Period):
        p = text
    else:
        s = _clean(text) if isinstance(text, str) else ""
        if m := _RE_RANGE.fullmatch(s):
            first, last = _num(m[2]), _num(m[3])
            if first != 1:
                raise PeriodError(text, "a 累计 range starts in January (1月)")
            if not 1 <= last <= 12:
                raise PeriodError(text, f"month {last} is not 1–12")
            return Period.monthly(int(m[1]), last)
        if m := _RE_YTD_QUARTERS.fullmatch(s):
            return Period.quarterly(int(m[1]), _num(m[2] or m[3]))
        if m := _RE_HALF.fullmatch(s):
            return Period.quarterly(int(m[1]), 2)
        p = parse_period(text)
    if p.freq == "Y":
        raise PeriodError(text, "an annual value has no 累计 key")
    return Period.monthly(p.year, 2) if p.is_combined else p


# ---------------------------------------------------------------------------
# calendar arithmetic


def months(p: Period) -> list[int]:
    """The calendar months a period covers: 2024Q2 → [4, 5, 6], 2024-01/02 → [1, 2]."""
    return list(range(p.first_month, p.last_month + 1))


def quarter_of(p: Period) -> int:
    """The quarter (1–4) a monthly or quarterly period lies in; 2024-01/02 → 1. Annual raises."""
    if p.freq == "Y":
        raise PeriodError(str(p), "a year spans four quarters")
    return (p.first_month - 1) // 3 + 1


def previous(p: Period) -> Period:
    """The preceding period of the same frequency, the base of 环比.

    2024 → 2023, 2024Q1 → 2023Q4, 2024-03 → 2024-02, 2024-01 → 2023-12,
    2024-01/02 → 2023-12. The previous of 2024-03 is 2024-02 even in a series that only has
    the combined 2024-01/02: whether 环比 is meaningful there is the caller's decision.
    """
    if p.freq == "Y":
        return Period.annual(p.year - 1)
    if p.freq == "Q":
        q = quarter_of(p)
        return Period.quarterly(p.year - 1, 4) if q == 1 else Period.quarterly(p.year, q - 1)
    if p.first_month == 1:
        return Period.monthly(p.year - 1, 12)
    return Period.monthly(p.year, p.first_month - 1)


def same_period_last_year(p: Period) -> Period:
    """The same period one year earlier, the base of 同比: 2024-01/02 → 2023-01/02."""
    return Period(p.year - 1, p.freq, p.first_month, p.last_month)


# ---------------------------------------------------------------------------
# 当月 ↔ 累计


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _as_period(key: Period | str) -> Period:
    return key if isinstance(key, Period) else parse_period(key)


def _by_year(values: Mapping[Period, float], *, ytd: bool) -> dict[tuple[int, str], dict[Period, float]]:
    """Group non-missing values by (year, freq); annual values are refused."""
    groups: dict[tuple[int, str], dict[Period, float]] = {}
    for key, v in values.items():
        p = _as_period(key)
        if p.freq == "Y":
            raise PeriodError(str(p), "annual values have no 当期/累计 distinction")
        if _missing(v):
            continue
        if ytd and p.is_combined:
            p = Period.monthly(p.year, 2)  # 1–2月累计 is the YTD at February
        group = groups.setdefault((p.year, p.freq), {})
        if p in group and group[p] != v:
            raise PeriodError(str(p), f"two different values for the same period ({group[p]} and {v})")
        group[p] = float(v)
    return groups


def ytd_to_period(values: Mapping[Period, float]) -> dict[Period, float]:
    """Derive 当期 (当月/当季) values from 累计 (year-to-date) values, within each year.

    ``values`` are YTD values keyed by the monthly (or quarterly) period they run up to; the
    1–2月累计 may be keyed by ``2024-02`` or ``2024-01/02``. Month m = YTD(m) − YTD(m−1);
    January = YTD(Jan). When YTD(Jan) is missing but YTD(Feb) exists — the combined 1–2月
    release — the result holds the combined period ``2024-01/02`` = YTD(Feb) rather than an
    invented split. Nothing is derived across a gap: if YTD(m−1) is missing, month m is absent.
    Quarterly YTD works the same way (Q2 = YTD(Q2) − YTD(Q1)). Missing (None/NaN) inputs count
    as absent. Results are not rounded. Returns a new dict ordered by period.
    """
    out: dict[Period, float] = {}
    for (year, freq), group in _by_year(values, ytd=True).items():
        by_last = {p.last_month: v for p, v in group.items()}
        step = 3 if freq == "Q" else 1
        for last, v in by_last.items():
            if last == step:  # January, or Q1
                out[Period(year, freq, 1, last)] = v
            elif last - step in by_last:
                out[Period(year, freq, last - step + 1, last)] = v - by_last[last - step]
            elif freq == "M" and last == 2:  # 1–2月合并: no January, keep the two months together
                out[Period.jan_feb(year)] = v
    return dict(sorted(out.items()))


def period_to_ytd(values: Mapping[Period, float]) -> dict[Period, float]:
    """Accumulate 当期 (当月/当季) values into 累计 (year-to-date); the inverse of :func:`ytd_to_period`.

    YTD(m) = the sum of the periods covering January..m, present only when every month is
    covered exactly once (January and February, or the combined 2024-01/02, then each month);
    otherwise absent. Keys are the monthly (or quarterly) period the total runs up to; the
    combined 2024-01/02 yields YTD at ``2024-02`` only (there is no YTD for January alone).
    Overlapping inputs (2024-01 together with 2024-01/02) raise :class:`PeriodError`.
    """
    out: dict[Period, float] = {}
    for (year, freq), group in _by_year(values, ytd=False).items():
        covered: dict[int, Period] = {}
        for p in group:
            for m in months(p):
                if m in covered:
                    raise PeriodError(str(p), f"overlaps {covered[m]} (month {m} counted twice)")
                covered[m] = p
        total = 0.0
        for p in sorted(group):
            if any(m not in covered for m in range(1, p.first_month)):
                break  # a gap before p: no YTD from here on
            total += group[p]
            key = Period.monthly(year, p.last_month) if freq == "M" else p
            out[key] = total
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------
# growth rates


def _pct_change(curr: float | None, prev: float | None) -> float | None:
    if curr is None or prev is None or _missing(curr) or _missing(prev) or prev <= 0:
        return None
    return (curr - prev) * 100.0 / prev


def yoy(curr: float | None, prev: float | None) -> float | None:
    """同比增长 (%): (curr − prev) / prev × 100, against the same period last year.

    None when either value is missing (None/NaN) or the base is zero or negative (基期为零或
    为负时增速无意义). Both values must have the same basis (当期 with 当期, 累计 with 累计).
    """
    return _pct_change(curr, prev)


def mom(curr: float | None, prev: float | None) -> float | None:
    """环比增长 (%): (curr − prev) / prev × 100, against the previous period (see :func:`previous`).

    Same rules as :func:`yoy`.
    """
    return _pct_change(curr, prev)
