"""Header and row labels (表头与栏目文字) — what the words around the numbers say. Pure Python.

* :func:`clean` / :func:`key`: a label as shown and as matched (NFKC, spaces, 其中/# prefixes, footnote
  markers and unit parentheticals removed, case-folded), so ``"  其中：出口额（万美元）①"`` matches
  ``"出口额"``.
* :func:`unit_in` / :func:`sheet_unit`: units written in a header (``（万美元）``, ``_万美元``, ``同比±%``)
  or in a 单位行 (``单位：万元``, ``计量单位: 亿元``; never ``填报单位：…``, the reporting office).
* :func:`find_period` / :func:`period_of_value`: the statistical period in a title, sheet name, header
  or key cell, as a :class:`PeriodInfo` with both readings a report needs — the 当期 period and the 累计
  key. A ``2024年1-2月`` report is the 1–2月合并发布: its 当月 column is the combined ``2024-01/02`` and its
  累计 column the year-to-date at ``2024-02``; a ``2024年1-5月`` report's 当月 is May. Parsing is done by
  :func:`kaifang.core.periods.parse_period` and :func:`~kaifang.core.periods.parse_ytd_label`.
* :func:`basis_of` (当月/本月 → 当期, 累计/1-本月/1–5月 → 累计) and :func:`is_growth` (同比±%, 增速 …).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kaifang.core.periods import Period, PeriodError, parse_period, parse_ytd_label
from kaifang.core.units import UnitError, normalize_unit

__all__ = [
    "PeriodInfo",
    "basis_of",
    "clean",
    "find_period",
    "indent",
    "is_growth",
    "is_total",
    "key",
    "part_marker",
    "period_of_value",
    "sheet_unit",
    "unit_in",
]

_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")
_KEEP = re.compile(r"([①-⑳⑴-⒇⁰¹²³⁴⁵⁶⁷⁸⁹]+)")  # footnote markers NFKC would turn into digits
_PART = re.compile(r"^(?:其中|#+)\s*[:：]?\s*")
_FOOTNOTE_END = re.compile(r"\s*(?:[*①-⑳⑴-⒇⁰¹²³⁴⁵⁶⁷⁸⁹]|\([a-e1-9]\))+$")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_TOTAL = re.compile(r"全[市省区县州](?:合计|总计)?|合计|总计|共计|总合计")
_SHEET_UNIT = re.compile(r"(?:^|[\s,，;；、(（])(?:计量)?单位\s*[:：]\s*(?P<u>[^\s,，;；)）]+)")
_GROWTH = re.compile(r"同比|环比|增长|增速|增幅|增减|±|比上年|比去年|比上月|比同期|yoy", re.IGNORECASE)
_YTD_WORDS = re.compile(r"累计|1-本月|自年初|年初至|本年止")
_PERIOD_WORDS = re.compile(r"当月|本月|当季|本季|当期|本期")


def clean(value: Any) -> str:
    """A label as shown: text, NFKC-folded, spaces collapsed, no spaces between Chinese characters."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    parts = _KEEP.split(str(value))
    s = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))
    return _CJK_GAP.sub("", " ".join(s.split()))


def indent(value: Any) -> int:
    """Leading indentation of a stub cell: a space counts 1, a full-width space 2, a tab 4."""
    if not isinstance(value, str):
        return 0
    width = 0
    for ch in value:
        if ch in " \u00a0":
            width += 1
        elif ch == "\u3000":
            width += 2
        elif ch == "\t":
            width += 4
        else:
            break
    return width


def part_marker(label: str) -> tuple[str, str]:
    """(label without the marker, marker): ``"其中：出口"`` → ("出口", "其中"), ``"#出口"`` → ("出口", "#")."""
    s = clean(label)
    m = _PART.match(s)
    if m is None:
        return s, ""
    return s[m.end() :], ("#" if s.startswith("#") else "其中")


def key(label: Any) -> str:
    """The matching key of a label: clean, no 其中/# prefix, footnote marker, unit parenthetical or
    ``_unit`` suffix, no spaces or trailing colon, case-folded. ``"出口额（万美元）①"`` → ``"出口额"``."""
    s, _ = part_marker(clean(label))
    s = _FOOTNOTE_END.sub("", s)
    s = _PAREN.sub(lambda m: "" if _unit(m[1]) else m[0], s)
    if "_" in s and _unit(s.rsplit("_", 1)[1]):  # 外商实际投资额_全市_万美元 → 外商实际投资额_全市
        s = s.rsplit("_", 1)[0]
    return s.replace(" ", "").rstrip(":：").casefold()


def is_total(label: Any) -> bool:
    """合计/总计/共计/全市/全省/全区/全县 rows: the total of the rows that belong to them."""
    return bool(_TOTAL.fullmatch(key(label)))


def _unit(text: str) -> str | None:
    try:
        return normalize_unit(text)
    except UnitError:
        return None


def unit_in(header: Any) -> str | None:
    """A unit written in a header: whole (``万元``), in brackets (``出口额（万美元）``), as the last
    ``_``-part (``外商实际投资额_全市_万美元``), in ``单位：…``, or a trailing % (``同比±%``)."""
    s = clean(header)
    if not s:
        return None
    if found := _unit(s):
        return found
    for inner in reversed(_PAREN.findall(s)):
        if found := _unit(inner):
            return found
    if "_" in s and (found := _unit(s.rsplit("_", 1)[1])):
        return found
    if (m := _SHEET_UNIT.search(s)) and (found := _unit(m["u"])):
        return found
    return "%" if s.endswith("%") else None


def sheet_unit(text: Any) -> tuple[str | None, str]:
    """A 单位行 cell: ``"单位：万元"`` → ("万元", "万元"); (None, raw) for an unknown unit, (None, "") if none."""
    m = _SHEET_UNIT.search(clean(text))
    if m is None:
        return None, ""
    return _unit(m["u"]), m["u"]


def is_growth(header: Any) -> bool:
    """同比±%, 增长%, 增速, 比上年增减 … — a rate of change, not a value to import."""
    return bool(_GROWTH.search(clean(header)))


# ---------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class PeriodInfo:
    """The period a label names: ``current`` (当期) and ``ytd`` (the 累计 key; None for a year)."""

    text: str
    current: Period | None
    ytd: Period | None
    source: str = ""

    def for_basis(self, basis: str) -> Period | None:
        return self.ytd if basis == "累计" else self.current


_NUM = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_TAIL = (
    rf"(?P<range>0?1[-~至到]{_NUM}月)"
    r"|(?P<front>前[1-4一二三四]个?季度|第?[1一]季?度?[-~至到]第?[1-4一二三四]季度)"
    r"|(?P<half>上半年)"
    r"|(?P<quarter>第?[1-4一二三四]季度|Q[1-4])"
    rf"|(?P<month>{_NUM}月份?)"
)
_WITH_YEAR = re.compile(rf"(?<!\d)(?P<year>\d{{4}})(?!\d)(?:年度?)?(?:{_TAIL})?")
_NO_YEAR = re.compile(_TAIL)
_SPACE_NOT_IN_NUMBER = re.compile(r"(?<!\d)\s+|\s+(?!\d)")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−〜～"})
_DATE_FORMATS = ("%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%b-%Y", "%b %Y", "%Y-%m-%d %H:%M:%S")


def find_period(text: Any, default_year: int | None = None, source: str = "") -> PeriodInfo | None:
    """The first period named in ``text`` (a title, sheet name or header), or None.

    ``2024年1-5月`` → 当期 2024-05, 累计 2024-05; ``2024年1-2月`` → 2024-01/02 and 2024-02; ``2024年3月``;
    ``2024年一季度``; ``2024年前三季度`` → 2024Q3; ``2024年上半年`` → 2024Q2; ``2024年`` → 2024 (no 累计).
    Labels without a year (``3月``, ``1-2月``, ``前三季度``) use ``default_year`` when it is given.
    """
    s = _SPACE_NOT_IN_NUMBER.sub("", clean(text).translate(_DASHES)).upper()
    for m in _WITH_YEAR.finditer(s):
        year = int(m["year"])
        if 1900 <= year <= 2100:
            return _info(m, year, source)
    if default_year is not None and (bare := _NO_YEAR.search(s)):
        return _info(bare, default_year, source)
    return None


def _info(m: re.Match[str], year: int, source: str) -> PeriodInfo | None:
    label = f"{year}年"
    try:
        if m["range"]:
            ytd = parse_ytd_label(label + m["range"])
            current = parse_period(label + m["range"]) if ytd.last_month == 2 else ytd
            return PeriodInfo(m[0], current, ytd, source)
        if m["front"] or m["half"]:
            ytd = parse_ytd_label(label + (m["front"] or m["half"]).replace("个", "").replace("第", ""))
            return PeriodInfo(m[0], ytd, ytd, source)
        if m["quarter"] or m["month"]:
            p = parse_period(label + (m["quarter"] or m["month"]))
            return PeriodInfo(m[0], p, parse_ytd_label(p), source)
        return PeriodInfo(m[0], Period.annual(year), None, source)
    except PeriodError:
        return None


def period_of_value(value: Any, freq: str = "") -> PeriodInfo | None:
    """The period in a key cell (a 年份 / 时期 / Date column): a year number (2004.0), a date, or
    text (``2021``, ``2024-03``, ``2024年1-5月``, ``31-Jan-1998``). Dates become months, or the
    quarter or year containing them when ``freq`` is ``"Q"`` or ``"Y"``."""
    if isinstance(value, Period):
        return PeriodInfo(str(value), value, None if value.freq == "Y" else parse_ytd_label(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return PeriodInfo(str(int(value)), Period.annual(int(value)), None)
        return None
    if isinstance(value, datetime | date):
        return _from_date(value, freq)
    text = clean(value)
    if not text:
        return None
    try:
        p = parse_period(text)
        return PeriodInfo(text, p, None if p.freq == "Y" else parse_ytd_label(p))
    except PeriodError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return _from_date(datetime.strptime(text, fmt), freq, text)
        except ValueError:
            continue
    return find_period(text)


def _from_date(d: date, freq: str, text: str = "") -> PeriodInfo:
    text = text or d.isoformat()
    if freq == "Y":
        return PeriodInfo(text, Period.annual(d.year), None)
    p = Period.quarterly(d.year, (d.month - 1) // 3 + 1) if freq == "Q" else Period.monthly(d.year, d.month)
    return PeriodInfo(text, p, p)


def basis_of(parts: tuple[str, ...] | list[str]) -> str | None:
    """口径 named by a header path: 累计 (累计, 1-本月, a 1–m月 range other than 1–2月), 当期 (当月,
    本月, 当季, 本期), or None when the header does not say."""
    text = "".join(clean(p) for p in parts).translate(_DASHES)
    if _YTD_WORDS.search(text):
        return "累计"
    if _PERIOD_WORDS.search(text):
        return "当期"
    m = re.search(rf"0?1-({_NUM})月|前[1-4一二三四]季度|上半年", text)
    if m and m[1] not in ("2", "02", "二"):
        return "累计"
    return None
