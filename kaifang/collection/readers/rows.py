"""Row roles (合计 and 其中): which data rows are totals and which are parts of them. Pure Python.

Statistics tables mark structure three ways, and :func:`group` reads all three; parts are never
added up here — a part points at its parent row, and ``partial`` tells a 其中 item (it covers only
part of the total, so the parts need not add up) from a complete breakdown (they must):

* **其中 / #** (国家统计局 convention): ``其中：出口`` and ``#工业`` rows are partial parts of the nearest
  row above that is not itself one; a ``其中：X`` group goes on over the following rows indented at
  least like X and more than its parent (``进口`` aligned under ``出口``); a bare ``其中：`` row opens
  a group over the rows after it up to a blank row;
* **indentation** (leading spaces, a full-width space counting 2): a row indented more than the row
  above is a complete part of the nearest less-indented row (第一产业/第二产业/第三产业 under
  地区生产总值, 出口/进口 under 进出口 without 其中);
* **合计 / 总计 / 全市 …**: the complete total of the same-indented rows after it, up to a blank row;
  a total with nothing after it owns the rows before it instead (tables that end in 合计).

In a flush layout (no indentation) a ``其中：X`` group ends with X itself: the next flush row is read
as a new item, because nothing on the page says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kaifang.collection.readers import labels as lb

__all__ = ["Row", "group"]


@dataclass(frozen=True)
class Row:
    """A data row: 0-based ``index``, ``label`` without its 其中/# ``marker``, ``indent``, ``role``
    (total, part, item), ``parent`` row index, ``partial`` (其中 item) and the 单位 column's ``unit``."""

    index: int
    label: str
    indent: int = 0
    marker: str = ""
    role: str = "item"
    parent: int | None = None
    partial: bool = False
    unit: str | None = None


def group(
    cells: list[list[Any]], body: int, end: int, label_at: Callable[[int], Any] | None, unit_column: int | None
) -> list[Row]:
    """The data rows ``body``–``end`` of ``cells`` with their roles (see the module docstring).

    ``label_at(r)`` gives the stub label of row ``r`` (merged labels spread), ``unit_column`` the
    column of a per-row 单位, if any. Blank rows separate groups and are left out.
    """
    rows: list[Row] = []
    seg_start = 0  # first position in ``rows`` since the last blank row
    stack: list[Row] = []  # the latest non-partial row of each indentation level, indents increasing
    sub: tuple[int, int, int, bool] | None = None  # (parent row, parent indent, indent, bare)
    total: Row | None = None
    for r in range(body, end):
        if all(_blank(v) for v in cells[r]):
            _close(rows, seg_start)
            seg_start, stack, sub, total = len(rows), [], None, None
            continue
        raw = label_at(r) if label_at is not None else ""
        label, marker = lb.part_marker(raw if isinstance(raw, str) else lb.clean(raw))
        ind = lb.indent(raw)
        unit = None
        if unit_column is not None and not _blank(u := cells[r][unit_column]):
            unit = lb.unit_in(u) or lb.clean(u)
        parent: Row | None = None
        partial, role = False, "item"
        if lb.is_total(label):
            role, sub = "total", None
        elif marker == "#":
            parent, partial = (stack[-1] if stack else None), True
        elif marker == "其中":
            parent = next((x for x in reversed(stack) if x.indent <= ind), None)
            partial = True
            sub = (parent.index, parent.indent, ind, not label) if parent is not None else None
        elif sub and ind >= sub[2] and (sub[3] or ind > sub[1]):
            parent = next((x for x in stack if x.index == sub[0]), None)
            partial = parent is not None
        else:
            sub = None
            parent = next((x for x in reversed(stack) if x.indent < ind), None)
            if parent is None and total is not None and ind == total.indent:
                parent = total
        row = Row(
            r,
            label,
            ind,
            marker,
            "part" if parent is not None else role,
            parent.index if parent is not None else None,
            partial,
            unit,
        )
        rows.append(row)
        if not partial:
            while stack and stack[-1].indent >= ind:
                stack.pop()
            stack.append(row)
        if role == "total":
            total = row
    _close(rows, seg_start)
    return [x for x in rows if x.label or x.marker != "其中"]


def _close(rows: list[Row], seg_start: int) -> None:
    """A 合计 row with nothing after it owns the unowned same-indented rows before it, back to the
    previous total or blank row."""
    if len(rows) <= seg_start or rows[-1].role != "total":
        return
    last = rows[-1]
    for i in range(len(rows) - 2, seg_start - 1, -1):
        x = rows[i]
        if x.role == "total":
            break
        if x.parent is None and x.indent == last.indent:
            rows[i] = Row(x.index, x.label, x.indent, x.marker, "part", last.index, False, x.unit)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())
