"""Reading a monthly series from a two-column file (date, value), as real exports write it (pure).

Statistics sites and Excel exports put titles, notes, source lines and empty columns around the data
(the NY Fed's ``gscpi_data.xlsx`` saved as CSV starts with ``Date,GSCPI,,,,`` and a banner). A row is
data when its first non-empty cell reads as a month and a later cell as a number; everything else is
skipped and counted. Dates: ``31-Jan-1998``, ``1998-01-31``, ``1998-01``, ``1998/1``, ``1998年1月``,
``Jan 1998``, ``199801``. Duplicate months are refused (two values for one month is not junk, it is a
question), so are files with no data row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["SeriesFileError", "parse_month", "read_series", "read_series_text"]


class SeriesFileError(ValueError):
    pass


_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_PATTERNS = [
    (re.compile(r"^(\d{1,2})[-/ ]([A-Za-z]{3})[a-z]*[-/ ](\d{4})$"), ("d", "mon", "y")),  # 31-Jan-1998
    (re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ T].*)?$"), ("y", "m", "d")),  # 1998-01(-31)
    (re.compile(r"^(\d{4})年(\d{1,2})月(?:\d{1,2}日)?$"), ("y", "m")),  # 1998年1月
    (re.compile(r"^([A-Za-z]{3})[a-z]*[-/ .]+(\d{4})$"), ("mon", "y")),  # Jan 1998
    (re.compile(r"^(\d{4})(\d{2})$"), ("y", "m")),  # 199801
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("m", "d", "y")),  # 1/31/1998 (US Excel)
]


def parse_month(text: str) -> pd.Period | None:
    """The month a date cell names, or ``None`` when it is not a date."""
    s = text.strip().replace("\u3000", " ")
    for pattern, fields in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        parts = dict(zip(fields, m.groups(), strict=False))
        month = _MONTHS.get(parts["mon"].lower()[:3]) if "mon" in parts else int(parts["m"])
        if month is None or not 1 <= month <= 12:
            return None
        return pd.Period(year=int(parts["y"]), month=month, freq="M")
    return None


def _number(text: str) -> float | None:
    s = text.strip().replace(",", "").replace("\u2212", "-")
    try:
        return float(s)
    except ValueError:
        return None


@dataclass(frozen=True)
class SeriesFile:
    series: pd.Series  # index: pandas monthly Periods, ascending; values float
    name: str
    skipped: int  # rows that were not data (titles, notes, blank lines)


def read_series_text(text: str) -> SeriesFile:
    """Read the text of a CSV (any of ``,`` ``;`` tab) into a monthly series."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    values: dict[pd.Period, float] = {}
    name = "value"
    skipped = 0
    for line, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [c for c in row if c.strip()]
        month = parse_month(cells[0]) if cells else None
        number = next((v for c in cells[1:] if (v := _number(c)) is not None), None)
        if month is None or number is None:
            if cells and month is None and len(cells) >= 2 and not values and _number(cells[1]) is None:
                name = cells[1].strip()  # the header of the value column, e.g. GSCPI
            skipped += 1
            continue
        if month in values:
            raise SeriesFileError(f"第{line}行：月份 {month} 重复 (month {month} appears twice)")
        values[month] = number
    if not values:
        raise SeriesFileError("没有读到任何“日期, 数值”数据行 (no date, value rows found)")
    series = pd.Series(values, name=name, dtype=float).sort_index()
    return SeriesFile(series, name, skipped)


def read_series(path: str) -> SeriesFile:
    """Read a file: UTF-8 (with or without BOM), else GB18030 (what a Chinese Excel writes)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return read_series_text(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise SeriesFileError(f"{path}: 既不是 UTF-8 也不是 GB18030 编码 (neither UTF-8 nor GB18030)")
