"""Where a 招商项目台账 sheet keeps its table (台账表样识别) — pure Python.

:func:`detect` finds, in the first :data:`HEADER_SCAN` rows, the header row: the first with 项目名称 and at
least three more known column labels (:data:`COLUMNS`, compared without spaces or parentheticals, so
``计划总投资（亿元）`` is 计划总投资). A second header row right below it (项目进度 merged over 签约时间 …
达产时间) adds its labels. Merged cells are spread over the cells they cover first (:func:`spread`), so a
label merged down two header rows or a 责任单位 merged down several projects applies to each.

Above the header: the title (the first text; its period gives the ledger's month — ``2024年1-6月`` →
2024-06, ``2024年`` → 2024-12 — else the sheet name's) and a ``单位：亿元`` row. The unit of an amount column
is the one in its header, else the 单位 row's (万元 or 亿元 only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kaifang.collection.readers import labels as lb
from kaifang.collection.readers.grid import Sheet
from kaifang.projects.ledger_cells import unit_of
from kaifang.projects.records import Stage

__all__ = ["COLUMNS", "HEADER_SCAN", "NOTE", "REQUIRED", "STAGE_FIELDS", "Layout", "blank", "detect", "spread"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "id": ("项目编号", "项目代码", "编号"),
    "name": ("项目名称", "项目"),
    "investor": ("投资方", "投资主体", "投资企业", "签约企业", "投资方名称", "签约主体", "客商名称"),
    "origin": ("投资方所在地", "投资方来源地", "来源地", "投资来源地", "客商来源地", "投资方所在地区", "所在地"),
    "sector": ("行业", "所属行业", "产业类别", "行业类别", "产业", "所属产业"),
    "planned": ("计划总投资", "总投资", "协议投资额", "计划投资", "协议总投资", "签约金额"),
    "signed": ("签约时间", "签约日期"),
    "registered": ("注册时间", "注册日期", "注册登记时间"),
    "started": ("开工时间", "开工日期"),
    "producing": ("投产时间", "投产日期"),
    "full": ("达产时间", "达产日期"),
    "funds": ("累计到位资金", "到位资金", "实际到位资金", "累计实际到位资金"),
    "department": ("责任单位", "责任部门", "牵头单位"),
    "status": ("项目状态", "状态", "推进状态", "推进情况"),
    "remark": ("备注",),
    "agreement": ("所属协议", "协议编号"),
}
REQUIRED = ("name", "investor", "origin", "sector", "planned", "signed", "department")
STAGE_FIELDS = {
    "registered": Stage.REGISTERED,
    "started": Stage.STARTED,
    "producing": Stage.PRODUCING,
    "full": Stage.FULL,
}
_BY_LABEL = {label: name for name, labels in COLUMNS.items() for label in labels}
_PAREN = re.compile(r"[(（][^()（）]*[)）]")
NOTE = re.compile(r"^(?:注[:：\s①-⑳\d、]|注$|说明[:：]|资料来源|填报人|填表人|制表人|审核人|负责人|填报日期)")
HEADER_SCAN = 20


@dataclass(frozen=True)
class Layout:
    """A ledger table: 0-based ``header_row`` and first data row ``body``; ``fields`` maps each known
    field to its columns (more than one is a duplicate); ``units`` the 万元/亿元 of the amount columns;
    ``title`` and the ``month`` (``YYYY-MM``) it names, if any."""

    header_row: int
    body: int
    fields: dict[str, list[int]]
    units: dict[str, str | None]
    title: str
    month: str | None


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _field(header: Any) -> str | None:
    text = _PAREN.sub("", lb.clean(header)).replace(" ", "").rstrip(":：")
    return _BY_LABEL.get(text)


def spread(sheet: Sheet) -> list[list[Any]]:
    """The cells with each merged range's top-left value copied into the cells it covers."""
    cells = [list(row) for row in sheet.cells]
    for r0, c0, r1, c1 in sheet.merged:
        value = cells[r0][c0] if r0 < len(cells) and c0 < len(cells[r0]) else ""
        for r in range(r0, min(r1 + 1, len(cells))):
            for c in range(c0, min(c1 + 1, len(cells[r]))):
                cells[r][c] = value
    return cells


def _header(cells: list[list[Any]]) -> tuple[int, int, dict[str, list[int]]] | None:
    """(first header row, first data row, field → columns) or None when the sheet has no ledger header."""
    for r in range(min(HEADER_SCAN, len(cells))):
        found: dict[str, list[int]] = {}
        for c, v in enumerate(cells[r]):
            if (name := _field(v)) is not None:
                found.setdefault(name, []).append(c)
        if "name" not in found or len(found) < 4:
            continue
        body = r + 1
        if body < len(cells):  # a second header row: 项目进度 over 签约时间 … 达产时间
            below = {c: _field(v) for c, v in enumerate(cells[body])}
            extra = {
                c: n for c, n in below.items() if n is not None and c not in {x for xs in found.values() for x in xs}
            }
            if len(extra) >= 2:
                for c, n in extra.items():
                    found.setdefault(n, []).append(c)
                body += 1
        found = {n: sorted(set(cs)) for n, cs in found.items()}
        return r, body, found
    return None


def _month_of(title: str, sheet_name: str) -> str | None:
    info = lb.find_period(title) or lb.find_period(sheet_name)
    if info is None or info.current is None:
        return None
    p = info.ytd or info.current
    return f"{p.year:04d}-{p.last_month:02d}"


def detect(sheet: Sheet, cells: list[list[Any]]) -> Layout | None:
    """The layout of a sheet whose merged cells were spread (:func:`spread`), or None if it has no ledger."""
    found = _header(cells)
    if found is None:
        return None
    top, body, fields = found
    above = [lb.clean(v) for row in cells[:top] for v in row if not blank(v)]
    sheet_unit = next((u for text in above if (u := unit_of(lb.sheet_unit(text)[1])) is not None), None)
    units: dict[str, str | None] = {}
    for name in ("planned", "funds"):
        if name in fields:
            header = " ".join(lb.clean(cells[r][fields[name][0]]) for r in range(top, body))
            units[name] = unit_of(lb.unit_in(header) or "") or sheet_unit
    title = above[0] if above else ""
    return Layout(top, body, fields, units, title, _month_of(title, sheet.name))
