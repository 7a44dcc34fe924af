"""Cells of a 招商项目台账: dates, amounts, status and 责任单位 as departments write them — pure Python.

Numbers go through :func:`kaifang.collection.readers.cells.parse_cell` (``"1,234.5"``, full-width digits,
``"—"``); text through :func:`kaifang.collection.readers.labels.clean` (NFKC). Each parser returns the value
and a warning (``""`` when none) or raises :class:`CellError` with a Chinese and English message.

* :func:`parse_date`: an Excel date cell, an Excel serial number (45366), ``20240315``, or text
  ``2024.3.15`` / ``2024-03-15`` / ``2024/3/15`` / ``2024年3月15日`` (full-width digits too); a year and
  month only (``2024.3``, ``2024年3月``) is the 1st of the month, with a warning. Blank, —, ``/``, 无 and
  ``未…`` (未开工) mean "not reached". A number such as 2024.3 typed into a number cell is refused:
  Excel has already turned 2024.10 into 2024.1.
* :func:`parse_amount`: a non-negative number converted to 亿元 from the column's unit (万元 or 亿元); a
  unit written in the cell wins.
* :func:`parse_status`: 推进中 (正常推进, 在建, 建设中 …), 停滞 (停工, 缓建, 暂停 …), 终止 (退出, 取消, 解约 …).
* :func:`department_code`: a 责任单位 name to its code through a name table (:func:`default_departments`:
  the catalog's departments with their usual short names, and 巴中's five districts and counties by
  GB/T 2260 code — county governments are often the 责任单位 of a project).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from kaifang.catalog.schema import load_catalog
from kaifang.collection.readers.cells import Kind, parse_cell
from kaifang.collection.readers.labels import clean
from kaifang.core.units import UnitError, normalize_unit
from kaifang.projects.records import Status, to_yi

__all__ = [
    "CellError",
    "default_departments",
    "department_code",
    "parse_amount",
    "parse_date",
    "parse_status",
    "unit_of",
]


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese with English in parentheses."""


_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = (36526, 73051)  # 2000-01-01 … 2099-12-31
_FULL = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_ONLY = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?$")
_NOT_REACHED = re.compile(r"[/／\\]|无|暂无|未\S*|尚未\S*")


def _date(y: int, m: int, d: int, raw: Any) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError(f"日期不存在：{raw!r} (no such date)") from None


def parse_date(raw: Any) -> tuple[date | None, str]:
    """(the date or None for "not reached", warning); raises :class:`CellError`. See the module docstring."""
    if isinstance(raw, datetime):
        return raw.date(), ""
    if isinstance(raw, date):
        return raw, ""
    cell = parse_cell(raw)
    if cell.is_missing:
        return None, ""
    if cell.kind is Kind.NUMBER and cell.value is not None and not isinstance(raw, str):
        value = cell.value
        if value.is_integer() and _SERIALS[0] <= value <= _SERIALS[1]:
            return _EXCEL_EPOCH + timedelta(days=int(value)), ""
        if value.is_integer() and (m := _COMPACT.fullmatch(str(int(value)))):
            return _date(int(m[1]), int(m[2]), int(m[3]), raw), ""
        raise CellError(
            f"日期 {raw!r} 被存成了数值，无法判断月份（2024.10 会变成 2024.1），请写成 2024-10-15 或设为日期格式"
            " (a date stored as a number is ambiguous: type it as text or format the cell as a date)"
        )
    text = _TIME.sub("", clean(raw))
    if _NOT_REACHED.fullmatch(text):
        return None, ""
    if m := (_FULL.fullmatch(text) or _COMPACT.fullmatch(text)):
        return _date(int(m[1]), int(m[2]), int(m[3]), raw), ""
    if m := _MONTH_ONLY.fullmatch(text):
        d = _date(int(m[1]), int(m[2]), 1, raw)
        return d, f"日期 {raw!r} 只有年月，按当月1日计 (year and month only: taken as the 1st)"
    raise CellError(f"无法识别的日期 {raw!r}，应为 2024-03-15、2024.3.15 或 2024年3月15日 (unrecognised date)")


def unit_of(text: Any) -> str | None:
    """The money unit named in a header or 单位 cell (万元 or 亿元); None when it names none."""
    try:
        unit = normalize_unit(clean(text))
    except UnitError:
        return None
    return unit if unit in ("万元", "亿元") else None


def parse_amount(raw: Any, unit: str | None) -> Decimal | None:
    """The amount in 亿元, or None when blank/—; raises :class:`CellError`."""
    cell = parse_cell(raw)
    if cell.is_missing:
        return None
    if cell.kind is not Kind.NUMBER or cell.value is None:
        raise CellError(f"不是数值：{raw!r} (not a number)")
    if cell.value < 0:
        raise CellError(f"金额不能为负：{raw!r} (an amount cannot be negative)")
    if cell.unit:
        if cell.unit not in ("万元", "亿元"):
            raise CellError(f"金额单位只能是万元或亿元：{raw!r} (unit must be 万元 or 亿元)")
        unit = cell.unit
    if unit is None:
        raise CellError(f"金额 {raw!r} 没有单位：请在表头写明（亿元）或加“单位：亿元”行 (no unit for the amount)")
    value = Decimal(repr(cell.value))  # repr: the shortest decimal that round-trips, 12.3 not 12.2999…
    return to_yi(value, unit)


_STATUS = {
    Status.ADVANCING: ("推进中", "正常推进", "推进", "在建", "建设中", "已开工", "已投产", "已达产", "正常", "前期"),
    Status.STALLED: ("停滞", "停工", "缓建", "暂停", "停滞中", "推进缓慢"),
    Status.TERMINATED: ("终止", "已终止", "退出", "已退出", "取消", "解约", "已解约", "放弃"),
}


def parse_status(raw: Any) -> Status:
    """项目状态; blank is 推进中. Raises :class:`CellError` for anything unknown."""
    text = clean(raw).replace(" ", "")
    if not text:
        return Status.ADVANCING
    for status, words in _STATUS.items():
        if text in words:
            return status
    raise CellError(f"未知的项目状态 {raw!r}，应为 推进中/停滞/终止 (unknown status)")


_SHORT = {
    "investment": ("投促局", "投资促进局", "市投促局"),
    "drc": ("发改委", "市发改委", "发展改革委"),
    "economy_it": ("经信局", "市经信局"),
    "commerce": ("商务局",),
    "culture_tourism": ("文广旅局", "市文广旅局", "文旅局", "市文旅局"),
    "foreign_affairs": ("外办", "市外办", "外事办"),
    "science": ("科技局", "市科技局"),
    "hr": ("人社局", "市人社局"),
    "market": ("市场监管局", "市市场监管局"),
    "natres": ("自然资源局", "市自然资源局", "自然资源和规划局"),
    "transport": ("交通局", "交通运输局", "市交通局"),
    "bigdata": ("大数据局", "市大数据局"),
}
_COUNTIES = {"511902": "巴州区", "511903": "恩阳区", "511921": "通江县", "511922": "南江县", "511923": "平昌县"}


def _key(name: str) -> str:
    return clean(name).replace(" ", "").casefold()


@lru_cache(maxsize=1)
def default_departments() -> dict[str, str]:
    """Name → code: the catalog's departments (full name, without 市, usual short names, the code) and
    巴中's districts and counties (巴州区, 巴州区人民政府, 巴州区政府 → 511902)."""
    catalog, _issues = load_catalog()
    table: dict[str, str] = {}
    for d in catalog.departments if catalog is not None else []:
        for name in (d.code, d.name_zh, d.name_zh.removeprefix("市"), *_SHORT.get(d.code, ())):
            table[_key(name)] = d.code
    for code, name in _COUNTIES.items():
        for variant in (name, name + "人民政府", name + "政府", name[:2]):
            table[_key(variant)] = code
    return table


def department_code(raw: Any, table: Mapping[str, str] | None = None) -> str:
    """The code of a 责任单位; several (``市投促局、恩阳区``) → the first, the lead unit. Raises
    :class:`CellError` for an unknown name."""
    table = default_departments() if table is None else {_key(k): v for k, v in table.items()}
    text = clean(raw)
    if not text:
        raise CellError("责任单位为空 (no responsible department)")
    lead = re.split(r"[、,，;；/／]", text)[0].strip()
    code = table.get(_key(lead))
    if code is None:
        raise CellError(f"未知的责任单位 {lead!r} (unknown department): 请使用部门全称或在导入时补充对照表")
    return code
