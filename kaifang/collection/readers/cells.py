"""Cell values as statistics offices write them (单元格数值规范化) — pure Python.

A cell of a department's sheet is a number, one of the conventional missing-value markers, or a
mistake. :func:`parse_cell` tells them apart and keeps what a marker means instead of turning
everything into NaN:

* numbers stored as text and full-width digits and punctuation: ``"1,234.5"``, ``"１２３．５"``,
  ``"－12"``, ``"１，２３４"``; accounting negatives ``"(12.3)"``; a minus written as − or — before
  digits; spaces inside a number only as thousands separators;
* a trailing footnote marker (脚注) is split off and kept: ``"123.4①"``, ``"56*"``, ``"78a"``,
  ``"9.1²"`` (superscripts are removed before NFKC folding, which would turn ``²`` into a digit);
* a trailing unit sign is split off and kept: ``"12.5%"``, ``"3‰"``, ``"12亿元"``;
* 缺失值 markers (《统计年鉴》 conventions): ``"—"``/``"-"``/``"－"`` = 无此项 (not applicable),
  ``"…"``/``"..."`` = 数值小于单位 (below the unit shown; never zero), blank = 未知 (unknown);
* Excel error values (``#DIV/0!``) and formulas without a cached value (:class:`UncachedFormula`,
  placed by the grid reader) are errors; anything else (``"约100"``, ``True``, a date) is text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from kaifang.core.units import UnitError, normalize_unit

__all__ = ["CellValue", "Kind", "UncachedFormula", "number", "parse_cell"]


class Kind(StrEnum):
    """What a cell holds. The missing kinds keep their 统计年鉴 meaning (see :data:`MEANING`)."""

    NUMBER = "number"
    BLANK = "blank"  # 空白：未知
    NOT_APPLICABLE = "not_applicable"  # —：无此项
    BELOW_UNIT = "below_unit"  # …：数值小于单位
    TEXT = "text"  # not a number
    ERROR = "error"  # Excel error value or a formula without a cached value


MEANING = {
    Kind.NUMBER: "数值 (number)",
    Kind.BLANK: "未知 (unknown)",
    Kind.NOT_APPLICABLE: "无此项 (not applicable)",
    Kind.BELOW_UNIT: "数值小于单位 (below the unit shown)",
    Kind.TEXT: "不是数值 (not a number)",
    Kind.ERROR: "Excel 错误或公式无缓存值 (Excel error or uncached formula)",
}

MISSING = frozenset({Kind.BLANK, Kind.NOT_APPLICABLE, Kind.BELOW_UNIT})
MAX_NUMBER_TEXT = 100


@dataclass(frozen=True)
class UncachedFormula:
    """A formula cell with no saved result (the file was written by a program that never computed it)."""

    formula: str = ""

    def __str__(self) -> str:
        return f"={self.formula}" if self.formula else "=?"


@dataclass(frozen=True, slots=True)
class CellValue:
    """One parsed cell: ``kind``, the ``value`` when it is a number, and what was split off it.

    ``footnote`` is the trailing marker (``"①"``, ``"*"``, ``"a"``), ``unit`` a unit sign written in
    the cell (``"%"``, ``"亿元"``), ``raw`` the original cell for messages.
    """

    kind: Kind
    value: float | None = None
    footnote: str = ""
    unit: str = ""
    raw: Any = None

    @property
    def is_number(self) -> bool:
        return self.kind is Kind.NUMBER

    @property
    def is_missing(self) -> bool:
        """A conventional missing value (blank, —, …): not an observation, not an error."""
        return self.kind in MISSING

    @property
    def meaning(self) -> str:
        return MEANING[self.kind]


_EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)
_DASHES = "-‐‑‒–—―−─－﹣"
_NOT_APPLICABLE = re.compile(f"[{_DASHES}]+")
_BELOW_UNIT = re.compile(r"…+|\.{2,}|。{3,}|·{3,}|．{2,}")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉ"
_FOOTNOTE = re.compile(
    rf"^(?P<body>.*?[\d%‰)）a-e])\s*(?P<mark>(?:[*＊※△▲#＃①-⑳⑴-⒇{_SUPERSCRIPTS}]|[(（][a-e1-9][)）])+|[a-e])$"
)
_MINUS_BEFORE_DIGIT = re.compile(r"^[−–—―﹣](?=\s*\d)")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000]+")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_WITH_UNIT = re.compile(r"(?P<num>[+-]?[\d.,]+(?:[eE][+-]?\d+)?)(?P<unit>[^\d.,]+)")


def parse_cell(raw: Any) -> CellValue:
    """Classify and parse one cell; never raises. See the module docstring for the conventions."""
    if raw is None:
        return CellValue(Kind.BLANK, raw=raw)
    if isinstance(raw, bool | date | datetime | time):
        return CellValue(Kind.TEXT, raw=raw)
    if isinstance(raw, int | float | Decimal):
        value = float(raw)
        if math.isnan(value):
            return CellValue(Kind.BLANK, raw=raw)
        return CellValue(Kind.NUMBER, value, raw=raw) if math.isfinite(value) else CellValue(Kind.TEXT, raw=raw)
    if isinstance(raw, UncachedFormula):
        return CellValue(Kind.ERROR, raw=raw)
    if isinstance(raw, str):
        return _parse_text(raw)
    return CellValue(Kind.TEXT, raw=raw)


def number(raw: Any) -> float | None:
    """The cell's number, or None for anything else (missing, text, error)."""
    return parse_cell(raw).value


@lru_cache(maxsize=65536)
def _parse_text(raw: str) -> CellValue:
    s = _SPACES.sub(" ", raw).strip()
    if not s:
        return CellValue(Kind.BLANK, raw=raw)
    if len(s) > MAX_NUMBER_TEXT:  # no number is this long; spares the footnote regex a quadratic case
        return CellValue(Kind.TEXT, raw=raw)
    if s.upper() in _EXCEL_ERRORS:
        return CellValue(Kind.ERROR, raw=raw)
    compact = s.replace(" ", "")
    if _NOT_APPLICABLE.fullmatch(compact):
        return CellValue(Kind.NOT_APPLICABLE, raw=raw)
    if _BELOW_UNIT.fullmatch(compact):
        return CellValue(Kind.BELOW_UNIT, raw=raw)
    footnote = ""
    while m := _FOOTNOTE.match(s):  # "123.4*①": markers may be stacked
        s, footnote = m["body"].rstrip(), m["mark"] + footnote
    s = _MINUS_BEFORE_DIGIT.sub("-", s)
    s = unicodedata.normalize("NFKC", s).replace("−", "-").strip()
    negative = len(s) > 2 and s[0] == "(" and s[-1] == ")"
    if negative:
        s = s[1:-1].strip()
    value, unit = _number_and_unit(s)
    if value is None or not math.isfinite(value):
        return CellValue(Kind.TEXT, raw=raw)
    return CellValue(Kind.NUMBER, -value if negative else value, footnote, unit, raw)


def _number_and_unit(s: str) -> tuple[float | None, str]:
    """``"1,234.5"`` → 1234.5; ``"12.5%"`` → (12.5, "%"); ``"1 234"`` → 1234; otherwise (None, "")."""
    unit = ""
    if (m := _WITH_UNIT.fullmatch(s.replace(" ", ""))) and not _PLAIN.fullmatch(s):
        try:
            unit = normalize_unit(m["unit"])
        except UnitError:
            return None, ""
        s = m["num"]
    if " " in s:  # spaces are only allowed as thousands separators: "1 234 567"
        if not re.fullmatch(r"[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?", s):
            return None, ""
        s = s.replace(" ", "")
    if "," in s:
        if not _GROUPED.fullmatch(s):  # "1,23" is not a Chinese number: refuse rather than guess
            return None, ""
        s = s.replace(",", "")
    if not _PLAIN.fullmatch(s):
        return None, ""
    return float(s), unit
