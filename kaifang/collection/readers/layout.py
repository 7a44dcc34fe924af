"""Sheet layout (表样识别): a raw :class:`~kaifang.collection.readers.grid.Sheet` as a table. Pure Python.

:func:`detect` finds, top to bottom, what a statistics office puts around its numbers:

* **title rows** (标题): rows above the header with at most one text (a title merged across the width);
* the **单位行** (``单位：万元``, ``计量单位: 亿元``) anywhere above the data, or a title ending in ``（万元）``;
  a ``单位`` column gives a unit per row, a header part such as ``（万美元）`` or ``_万美元`` one per column;
* the **header** (表头): the rows right above the data with two or more texts, merged cells spread
  over their span, flattened into a path per column — ``("当月", "绝对值")``, ``("累计", "同比±%")``;
  without merges an upper-row group label is carried right over the columns that have sub-headers.
  A 栏次 row (``甲 乙 1 2 3``) is skipped;
* the **data** (主栏与宾栏): from the first row with a number (years alone do not count) to the first
  footnote row (``注：``, ``资料来源：``, ``填报人：`` …); the **stub** (主栏, row labels) is the text
  columns left of the first numeric column, less 序号 and 单位 columns;
* **合计 and 其中**: each data row's role (total, part of a total, item) and whether it is a 其中 item
  (``partial``) — the rules are in :mod:`kaifang.collection.readers.rows`; nothing is ever added up;
* the **period** from the title, else the sheet name (year from the title when the name has none, as
  in a sheet ``1-2月``); each header part may name its own (``2024年1-3月``). 1–2月合并发布: see
  :func:`kaifang.collection.readers.labels.find_period`.

Known limits: indentation set by cell formatting (Excel's 缩进) is invisible to calamine — only
leading spaces count; a sheet holding two tables yields the first; number formats (0.0% shown as
12.3 while the cell holds 0.123) are not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kaifang.collection.readers import labels as lb
from kaifang.collection.readers.cells import Kind, parse_cell
from kaifang.collection.readers.grid import Problem, Sheet
from kaifang.collection.readers.rows import Row, group
from kaifang.core.units import UnitError, normalize_unit

__all__ = ["Column", "Row", "Table", "detect"]

MAX_HEADER_ROWS = 6
SAMPLE_ROWS = 300
_NOTE = re.compile(
    r"^(?:注[:：\s①-⑳\d、]|注$|说明[:：]|备注[:：]|资料来源|数据来源|填报人|填表人|制表人|审核人|负责人|统计负责人|单位负责人|"
    r"报出日期|填报日期|note\b|source\b)",
    re.IGNORECASE,
)
_META = re.compile(r"(?:^|[\s(（])(?:计量)?单位\s*[:：]|填报单位|制表单位|报送单位|编制单位|填报日期|报出日期")
_INDEX_WORDS = {"序号", "编号", "行次", "栏次", "no", "no."}
_COLUMN_NUMBERS = {"甲", "乙", "丙", "丁", "戊"}


@dataclass(frozen=True)
class Column:
    """A column: 0-based ``index``, header ``path``, header ``unit``, ``kind`` (value, stub, text,
    unit, index, empty), ``growth`` (同比/增速), header ``basis`` (当期/累计/None) and ``period``."""

    index: int
    path: tuple[str, ...]
    unit: str | None = None
    kind: str = "value"
    growth: bool = False
    basis: str | None = None
    period: lb.PeriodInfo | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(lb.key(p) for p in self.path)

    @property
    def label(self) -> str:
        return " / ".join(self.path)


@dataclass
class Table:
    """A detected table; ``cell(r, c)`` reads the sheet with merged labels spread over their range."""

    sheet: Sheet
    title: list[str]
    unit: str | None
    header_rows: list[int]
    columns: list[Column]
    stub: list[int]
    label_column: int | None
    unit_column: int | None
    rows: list[Row]
    footnotes: list[str]
    marks: dict[str, str]
    period: lb.PeriodInfo | None
    problems: list[Problem] = field(default_factory=list)
    covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)

    def cell(self, r: int, c: int) -> Any:
        value = self.sheet.cells[r][c]
        anchor = self.covered.get((r, c))
        if anchor is not None and (value == "" or value is None):
            spread = self.sheet.cells[anchor[0]][anchor[1]]
            return spread if isinstance(spread, str) else value
        return value

    def find(self, labels: Sequence[str]) -> list[Column]:
        """Columns whose header path contains ``labels`` in order (compared by :func:`labels.key`)."""
        want = [lb.key(x) for x in labels]
        found = []
        for col in self.columns:
            it = iter(col.keys)
            if want and all(any(k == w for k in it) for w in want):
                found.append(col)
        return found

    @property
    def text(self) -> str:
        """Title and header text, for 'the sheet whose header contains …' tests."""
        return " ".join([*self.title, *(c.label for c in self.columns)])


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _year_like(v: float) -> bool:
    return v.is_integer() and 1900 <= v <= 2100


def _is_data(row: list[Any]) -> bool:
    markers = 0
    for v in row:
        cv = parse_cell(v)
        if cv.kind is Kind.NUMBER and cv.value is not None and not _year_like(cv.value):
            return True
        markers += cv.kind in (Kind.NOT_APPLICABLE, Kind.BELOW_UNIT)
    return markers >= 2


def _is_column_numbers(row: list[Any]) -> bool:
    """栏次 row under a 统计报表 header: 甲 乙 1 2 3 …"""
    values = [v for v in row if not _blank(v)]
    nums = [parse_cell(v).value for v in values if lb.clean(v) not in _COLUMN_NUMBERS]
    if len(values) < 3 or any(n is None for n in nums):
        return False
    return sorted(n for n in nums if n is not None) == list(range(1, len(nums) + 1))


def _first_text(row: list[Any]) -> str:
    return next((lb.clean(v) for v in row if not _blank(v)), "")


def _is_note(row: list[Any]) -> bool:
    return bool(_NOTE.match(_first_text(row)))


def _is_meta(row: list[Any]) -> bool:
    return any(isinstance(v, str) and _META.search(lb.clean(v)) for v in row)


def _covered(merged: list[tuple[int, int, int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    out = {}
    for r0, c0, r1, c1 in merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    out[(r, c)] = (r0, c0)
    return out


def detect(sheet: Sheet) -> Table:
    """Detect the title, 单位, header, stub, rows, footnotes and period of ``sheet`` (never raises)."""
    cells, (nrows, ncols) = sheet.cells, sheet.shape
    covered = _covered(sheet.merged)
    problems: list[Problem] = []
    body = next((r for r in range(nrows) if _data_row(cells[r])), None)
    if body is None:  # a table of text only (a codebook): the first row with two texts is its header
        first = next((r for r in range(nrows) if sum(not _blank(v) for v in cells[r]) >= 2), nrows - 1)
        body = first + 1
    header = _header_rows(cells, covered, body)
    top = header[0] if header else body
    title = [" ".join(lb.clean(v) for v in cells[r] if not _blank(v)) for r in range(top) if any(cells[r])]
    title = [t for t in title if t]
    end = next((r for r in range(body, nrows) if _is_note(cells[r])), nrows)
    while end > body and sum(not _blank(v) for v in cells[end - 1]) <= 1 and not _data_row(cells[end - 1]):
        end -= 1  # trailing single-text rows are notes too ("数据来源于市统计局")
    footnotes = [t for r in range(end, nrows) if (t := " ".join(lb.clean(v) for v in cells[r] if not _blank(v)))]
    unit = _sheet_unit(sheet, cells[:body], title, problems)
    table = Table(sheet, title, unit, header, [], [], None, None, [], footnotes, _marks(footnotes), None, problems)
    table.covered = covered
    table.period = _sheet_period(sheet, title, problems)
    table.columns = _columns(table, body, end, ncols)
    kinds = [c.kind for c in table.columns]
    first_value = kinds.index("value") if "value" in kinds else ncols
    table.stub = [c for c in range(first_value) if kinds[c] == "text"]
    table.unit_column = next((c for c in range(ncols) if kinds[c] == "unit"), None)
    if table.stub:
        distinct = {c: len({lb.clean(table.cell(r, c)) for r in range(body, end)}) for c in table.stub}
        table.label_column = max(table.stub, key=lambda c: (distinct[c], -c))
    table.columns = [
        Column(c.index, c.path, c.unit, "stub" if c.index in table.stub else c.kind, c.growth, c.basis, c.period)
        for c in table.columns
    ]
    lc = table.label_column
    table.rows = group(cells, body, end, None if lc is None else lambda r: table.cell(r, lc), table.unit_column)
    return table


def _data_row(row: list[Any]) -> bool:
    return _is_data(row) and not _is_column_numbers(row) and not _is_note(row)


def _header_rows(cells: list[list[Any]], covered: dict[tuple[int, int], tuple[int, int]], body: int) -> list[int]:
    rows: list[int] = []
    for r in range(body - 1, -1, -1):
        row = cells[r]
        filled = sum(not _blank(v) and (r, c) not in covered for c, v in enumerate(row))
        filled += sum(covered.get((r, c), (r, 0))[0] < r for c in range(len(row)))
        if filled < 2 or _is_meta(row) or _is_column_numbers(row) or _is_note(row):
            if rows:
                break
            continue
        rows.append(r)
        if len(rows) == MAX_HEADER_ROWS:
            break
    return sorted(rows)


def _sheet_unit(sheet: Sheet, above: list[list[Any]], title: list[str], problems: list[Problem]) -> str | None:
    for r, row in enumerate(above):
        for c, v in enumerate(row):
            symbol, raw = lb.sheet_unit(v) if isinstance(v, str) else (None, "")
            if symbol:
                return symbol
            if raw:
                problems.append(
                    Problem(
                        sheet.file,
                        sheet.name,
                        r + 1,
                        c + 1,
                        f"无法识别的计量单位“{raw}” (unknown unit in the 单位 row)",
                        "warning",
                    )
                )
    return next((u for t in title if (u := lb.unit_in(t)) and u != "%"), None)


def _sheet_period(sheet: Sheet, title: list[str], problems: list[Problem]) -> lb.PeriodInfo | None:
    in_title = lb.find_period(" ".join(title), source="title")
    year = in_title.current.year if in_title and in_title.current else None
    in_name = lb.find_period(sheet.name, default_year=year, source="sheet")
    if in_title is None or in_name is None:
        return in_title or in_name
    if in_title.ytd is None and in_name.current and in_name.current.year == year:
        return in_name  # title says 2024年, the sheet name says which month
    if in_name.ytd is not None and (in_name.current, in_name.ytd) != (in_title.current, in_title.ytd):
        problems.append(
            Problem(
                sheet.file,
                sheet.name,
                None,
                None,
                f"标题的统计期间“{in_title.text}”与工作表名称“{in_name.text}”不一致，按标题处理"
                " (the period in the title differs from the sheet name; the title is used)",
                "warning",
            )
        )
    return in_title


def _marks(footnotes: list[str]) -> dict[str, str]:
    """Footnote texts by marker: ``注：①按现价计算。②…`` → {"①": "按现价计算。", …}."""
    marks = {}
    for line in footnotes:
        text = re.sub(r"^(?:注|说明|备注)\s*[:：]?\s*", "", line)
        for m in re.finditer(r"([①-⑳])\s*([^①-⑳]*)", text):
            marks[m[1]] = m[2].strip(" ；;")
        if text.startswith("*"):
            marks["*"] = text.lstrip("* ").strip()
    return marks


def _columns(table: Table, body: int, end: int, ncols: int) -> list[Column]:
    cells, header, covered = table.sheet.cells, table.header_rows, table.covered
    grid: list[list[str]] = []
    for i, r in enumerate(header):
        texts = []
        for c in range(ncols):
            anchor = covered.get((r, c))
            v = cells[anchor[0]][anchor[1]] if anchor and anchor[0] == r else ("" if anchor else cells[r][c])
            texts.append(lb.clean(v))
        if i < len(header) - 1:  # carry a group label right over the columns that have sub-headers
            below = [
                any(grid_row for grid_row in (lb.clean(cells[rr][c]) for rr in header[i + 1 :])) for c in range(ncols)
            ]
            for c in range(1, ncols):
                if not texts[c] and (r, c) not in covered and texts[c - 1] and below[c] and below[c - 1]:
                    texts[c] = texts[c - 1]
        grid.append(texts)
    year = table.period.current.year if table.period and table.period.current else None
    sample = range(body, min(end, body + SAMPLE_ROWS))
    out = []
    for c in range(ncols):
        parts: list[str] = []
        unit = None
        for texts in grid:
            t = texts[c]
            if not t or (parts and parts[-1] == t):
                continue
            whole = _unit(t)  # a part that is only a unit ("万元", "（万美元）") is not a label
            unit = whole or lb.unit_in(t) or unit
            if not whole:
                parts.append(t)
        growth = any(lb.is_growth(p) for p in parts)
        period = next((p for t in parts if (p := _header_period(t, year))), None)
        kinds = [parse_cell(cells[r][c]).kind for r in sample]
        numeric = sum(k is not Kind.TEXT and k is not Kind.BLANK for k in kinds)
        text = sum(k is Kind.TEXT for k in kinds)
        last = lb.key(parts[-1]) if parts else ""
        if last in _INDEX_WORDS:
            kind = "index"
        elif last in ("单位", "计量单位"):
            kind = "unit"
        else:
            kind = "value" if numeric and numeric >= text else "text" if text else "empty"
        out.append(Column(c, tuple(parts), "%" if growth else unit, kind, growth, lb.basis_of(parts), period))
    return out


def _header_period(text: str, year: int | None) -> lb.PeriodInfo | None:
    """A header's own period when the label is mostly one (2024年1-3月累计, 2023年同期), not when a year
    is only mentioned (地区生产总值（按2015年不变价计算）)."""
    info = lb.find_period(text, default_year=year, source="header")
    return info if info and 2 * len(info.text) >= len(text.replace(" ", "")) else None


def _unit(text: str) -> str | None:
    try:
        return normalize_unit(text)
    except UnitError:
        return None
