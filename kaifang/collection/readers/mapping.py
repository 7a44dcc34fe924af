"""Mapping templates (映射模板): a department's sheet layout → long observations. Pure Python + pandas.

A :class:`Template` is saved once per department layout and reused every month. It refers to the
sheet by **labels, never positions**, so reordered columns, inserted rows and renamed sheets do not
break it: the sheet by a name pattern and/or a text its title or header contains; value columns by
header path (``["累计", "绝对值"]``, matched as an ordered subsequence of the column's path after
:func:`~kaifang.collection.readers.labels.key`); key columns (地区, 年份, 指标) by header label; rows by
their stub labels — regions through :class:`~kaifang.regions.matching.RegionMatcher`, indicators through
the template's own ``labels`` and then the catalog's names and codes (the ``names`` argument,
name → code, so no database is needed).

**Location format.** Every observation is one cell. The frame's index labels are
``"file.xlsx!Sheet1!R12C4"`` (1-based row and column, as :func:`~kaifang.collection.readers.grid.location`
writes them), which the validator reports as the row label; the same place is also in the ``file``,
``sheet``, ``row``, ``column`` columns. Problems carry file, sheet, row, column and a Chinese message
with the English in parentheses.

Dimensions of a value, most specific first — region: key column, stub label (合计/全市 rows →
``total_region``), ``ref_area``; period: key column, the column's own header (``2024年1-3月``), the
template's ``period``, the sheet's title or name; basis: the value column's ``basis``, else its header
(当月 → 当期, 累计 → 累计); unit: 单位 column, a unit written in the cell, the column header, the value
column's ``unit``, the 单位行, the template's ``unit``. Growth columns (同比±%, 增速) are never
imported as values unless a value column says ``rate: true`` (an indicator that is itself a rate).
Blank, — and … cells are missing values, not observations; 合计 and 其中 rows are imported as they
stand and never added up: ``part_of`` names the parent cell and :func:`partitions` gives the groups
for the plausibility check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kaifang.collection.readers import labels as lb
from kaifang.collection.readers.cells import CellValue, Kind, parse_cell
from kaifang.collection.readers.grid import Problem, Sheet, location
from kaifang.collection.readers.layout import Column, Row, Table, detect
from kaifang.collection.readers.template import BASIS, Template, TemplateError, ValueColumn
from kaifang.core.units import UnitError, normalize_unit
from kaifang.regions.matching import AmbiguousRegion, RegionMatcher, UnknownRegion, default_matcher

__all__ = ["COLUMNS", "Template", "TemplateError", "ValueColumn", "apply", "partitions"]  # templates re-exported

LONG = ["indicator", "ref_area", "time_period", "obs_value", "unit", "basis", "obs_status", "source", "note"]
COLUMNS = [*LONG, "file", "sheet", "row", "column", "role", "part_of", "partial"]


def apply(
    template: Template,
    sheets: Iterable[Sheet],
    *,
    names: Mapping[str, str] | None = None,
    matcher: RegionMatcher | None = None,
    filename: str | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """The observations ``template`` finds in ``sheets`` (long frame, see :data:`COLUMNS`) and the
    located problems. ``names`` maps catalog indicator names (and codes) to codes; ``matcher``
    resolves regions (default: the shipped list); ``filename`` overrides the sheets' file name."""
    errors = template.check()
    if filename:
        sheets = [
            dataclasses.replace(s, file=filename, problems=[dataclasses.replace(p, file=filename) for p in s.problems])
            for s in sheets
        ]
    else:
        sheets = list(sheets)
    file = sheets[0].file if sheets else (filename or "")
    if errors:
        return _frame([], []), [Problem(file, "", None, None, "模板无效：" + "；".join(errors))]
    run = _Run(template, names or {}, matcher or default_matcher())
    tables = _select(template, sheets)
    if not tables:
        found = "、".join(s.name for s in sheets) or "（无）"
        message = f"没有符合模板“{template.name}”的工作表（现有：{found}） (no sheet matches the template)"
        run.problems.append(Problem(file, "", None, None, message))
    for table in tables:
        run.table(table)
    return _frame(run.records, run.index), run.problems


def partitions(frame: pd.DataFrame) -> list[tuple[str, list[str], bool]]:
    """(total label, part labels, complete) groups from ``part_of``/``partial``, for
    :func:`kaifang.collection.plausibility.check`; 其中 items give ``complete=False``."""
    groups: dict[tuple[str, bool], list[str]] = {}
    present = set(frame.index)
    for label, parent, partial in zip(frame.index, frame["part_of"], frame["partial"], strict=True):
        if parent and parent in present:
            groups.setdefault((parent, bool(partial)), []).append(label)
    return [(total, parts, not partial) for (total, partial), parts in groups.items()]


def _frame(records: list[tuple[Any, ...]], index: list[str]) -> pd.DataFrame:
    return pd.DataFrame(records, index=pd.Index(index, dtype=object), columns=COLUMNS)


def _select(template: Template, sheets: list[Sheet]) -> list[Table]:
    out = []
    want = lb.key(template.sheet_contains)
    for sheet in sheets:
        if template.sheet and not re.search(template.sheet, unicodedata.normalize("NFKC", sheet.name)):
            continue
        if not sheet.cells:
            continue
        table = detect(sheet)
        if want and want not in lb.key(table.text):
            continue
        out.append(table)
        if not template.all_sheets:
            break
    return out


class _Run:
    """One application of a template: label look-up caches, the table at hand, records and problems."""

    def __init__(self, template: Template, names: Mapping[str, str], matcher: RegionMatcher):
        self.t, self.matcher = template, matcher
        self.codes = set(names.values())
        self.by_name = {lb.key(k): v for k, v in names.items()} | {lb.key(c): c for c in self.codes}
        self.labels = {lb.key(k): v for k, v in template.labels.items()}
        self.skip = {lb.key(x) for x in template.skip_labels}
        self.regions: dict[str, tuple[str | None, str]] = {}
        self.records: list[tuple[Any, ...]] = []
        self.index: list[str] = []
        self.problems: list[Problem] = []
        self.tab: Table
        self.keys: dict[str, int] = {}

    def problem(self, row: int | None, col: int | None, message: str, level: str = "error") -> None:
        self.problems.append(Problem(self.tab.sheet.file, self.tab.sheet.name, row, col, message, level))

    def explicit(self, code: str) -> str:
        """An indicator the template names: a catalog name becomes its code, anything else is kept."""
        return code if code in self.codes else self.by_name.get(lb.key(code), code)

    def region_of(self, text: Any) -> tuple[str | None, str]:
        """(code, "") or (None, why) — the template's ``labels`` first, then the matcher; cached."""
        raw = lb.clean(text)
        if raw not in self.regions:
            try:
                rec = self.matcher.match(self.labels.get(lb.key(raw), raw), within=self.t.within or None)
                self.regions[raw] = (rec.code, "")
            except (UnknownRegion, AmbiguousRegion) as exc:
                self.regions[raw] = (None, str(exc))
        return self.regions[raw]

    def table(self, table: Table) -> None:
        t, self.tab, self.keys = self.t, table, {}
        for what, labels in (("地区", t.region_column), ("时期", t.period_column), ("指标", t.indicator_column),
                             ("行标签", t.label_column)):  # fmt: skip
            found = table.find(labels) if labels else []
            if labels and len(found) != 1:
                why = "找不到" if not found else "匹配多列"
                self.problem(None, None, f"{why}{what}列“{'/'.join(labels)}” (key column not found or ambiguous)")
                return
            if found:
                self.keys[what] = found[0].index
        columns = self.value_columns()
        fixed = lb.period_of_value(t.period) if t.period else None
        if t.period and fixed is None:
            self.problem(None, None, f"模板的统计期间“{t.period}”无法识别 (unreadable template period)")
        if not columns or (t.period and fixed is None):
            return
        value_cells = {(row.index + 1, col.index + 1) for row in table.rows for _, col, _ in columns}
        for p in table.sheet.problems:  # the grid's findings: errors where values are read, warnings elsewhere
            self.problems.append(
                dataclasses.replace(p, level="error" if (p.row, p.column) in value_cells else "warning")
            )
        self.problems += table.problems
        reported = {(p.row, p.column) for p in table.sheet.problems}
        skipped: list[str] = []
        no_period = False
        for row in table.rows:
            cells = [
                (vc, col, basis, parse_cell(table.sheet.cells[row.index][col.index])) for vc, col, basis in columns
            ]
            cells = [x for x in cells if not x[3].is_missing]
            label = self.label(row)
            if not cells or (label and lb.key(label) in self.skip):
                continue
            region = self.row_region(row, label, skipped)
            if region is None:
                continue
            for vc, col, basis, cv in cells:
                r, c = row.index + 1, col.index + 1
                if cv.kind is Kind.TEXT:
                    self.problem(r, c, f"不是数值：“{lb.clean(cv.raw)}” (not a number)")
                    continue
                if cv.kind is Kind.ERROR:
                    if (r, c) not in reported:
                        self.problem(r, c, f"Excel 错误值 {lb.clean(cv.raw)} (Excel error value)")
                    continue
                indicator = self.row_indicator(vc, row, label)
                if "时期" in self.keys:
                    info = self.row_period(row)
                    if info is None:
                        break  # reported once for the row
                else:
                    info = col.period or fixed or table.period
                    no_period = no_period or info is None
                if indicator is None:
                    break  # one problem per row is enough
                period = info.for_basis(basis) if info else None
                if info and period is None:
                    self.problem(r, c, f"年度数据“{info.text}”没有累计口径 (an annual value has no 累计 basis)")
                if period is not None:
                    self.emit(row, col, vc, cv, indicator, region, str(period), basis)
        if no_period:
            message = "未找到统计期间：请在标题、工作表名称、表头或模板中注明（如 2024年3月）"
            self.problem(None, None, message + " (no period in the title, sheet name, header or template)")
        if skipped:
            example = "、".join(sorted(set(skipped))[:3])
            message = f"跳过 {len(skipped)} 行：地区不在平台地区表中（如 {example}）"
            self.problem(None, None, message + " (rows of regions outside the platform's list were skipped)", "info")

    def label(self, row: Row) -> str:
        col = self.keys.get("行标签")
        return row.label if col is None else lb.part_marker(lb.clean(self.tab.cell(row.index, col)))[0]

    def value_columns(self) -> list[tuple[ValueColumn, Column, str]]:
        out = []
        for vc in self.t.values:
            found, head = self.tab.find(vc.header), "/".join(vc.header)
            if not found and not vc.optional:
                self.problem(None, None, f"找不到数值列“{head}” (value column not found)")
            elif len(found) > 1:
                cols = "、".join(c.label for c in found)
                self.problem(None, None, f"数值列“{head}”匹配多列：{cols} (ambiguous value column)")
            elif found and found[0].growth and not vc.rate:
                col = found[0]
                self.problem(
                    None, col.index + 1, f"“{col.label}”是同比/增速列，不能作为数值导入 (a growth-rate column)"
                )
            elif found:
                out.append((vc, found[0], BASIS[vc.basis] or found[0].basis or "当期"))
        return out

    def row_region(self, row: Row, label: str, skipped: list[str]) -> str | None:
        t, r = self.t, row.index + 1
        col = self.keys.get("地区", self.keys.get("行标签", self.tab.label_column))
        where = None if col is None else col + 1
        if "地区" in self.keys:
            text = self.tab.cell(row.index, self.keys["地区"])
            text = int(text) if isinstance(text, float) and text.is_integer() else text  # 511900.0
        elif t.rows == "region" and (row.role == "total" or lb.is_total(label)):
            if not t.total_region:
                self.problem(r, where, f"“{label}”是合计行，请在模板中指定 total_region (total row without a region)")
            return (self.region_of(t.total_region)[0] or t.total_region) if t.total_region else None
        elif t.rows == "region":
            text = label
        elif t.ref_area:
            return self.region_of(t.ref_area)[0] or t.ref_area  # a constant the registry lacks is kept as written
        else:
            self.problem(r, None, "模板未指定地区（地区列、行标签或 ref_area） (no region in the template)")
            return None
        code, why = self.region_of(text)
        if code is None and t.skip_unknown_regions and "未知地区" in why:
            skipped.append(lb.clean(text))
        elif code is None:
            self.problem(r, where, why)
        return code

    def row_indicator(self, vc: ValueColumn, row: Row, label: str) -> str | None:
        t = self.t
        if vc.indicator or (t.indicator and "指标" not in self.keys and t.rows != "indicator"):
            return self.explicit(vc.indicator or t.indicator)
        if "指标" in self.keys:
            col: int | None = self.keys["指标"]
            text = lb.clean(self.tab.cell(row.index, self.keys["指标"]))
        elif t.rows == "indicator":
            col, text = self.keys.get("行标签", self.tab.label_column), label
        else:
            self.problem(
                row.index + 1, None, "模板未指定指标（指标列、行标签或 indicator） (no indicator in the template)"
            )
            return None
        k = lb.key(text)
        code = self.explicit(self.labels[k]) if k in self.labels else self.by_name.get(k)
        if code is None and not t.skip_unknown_indicators:
            where = None if col is None else col + 1
            self.problem(
                row.index + 1, where, f"未知指标“{text}”：请在模板的 labels 中对应到指标代码 (unknown indicator)"
            )
        return code

    def row_period(self, row: Row) -> lb.PeriodInfo | None:
        """The period in the row's 时期 column; None (after reporting it) when it cannot be read."""
        raw = self.tab.cell(row.index, self.keys["时期"])
        info = lb.period_of_value(raw, self.t.period_freq)
        if info is None:
            self.problem(
                row.index + 1, self.keys["时期"] + 1, f"无法识别的统计期间“{lb.clean(raw)}” (unreadable period)"
            )
        return info

    def emit(self, row: Row, col: Column, vc: ValueColumn, cv: CellValue, indicator: str, region: str, period: str,
             basis: str) -> None:  # fmt: skip
        sheet, t = self.tab.sheet, self.t
        unit = row.unit or cv.unit or col.unit or vc.unit or self.tab.unit or t.unit
        with contextlib.suppress(UnitError):  # kept as written: the validator reports what it cannot convert
            unit = normalize_unit(unit) if unit else ""
        note = ""
        if cv.footnote:
            texts = [self.tab.marks[m] for m in cv.footnote if m in self.tab.marks]
            note = f"注{cv.footnote}：{'；'.join(texts)}" if texts else f"注{cv.footnote}"
        r, c = row.index + 1, col.index + 1
        part_of = location(sheet.file, sheet.name, row.parent + 1, c) if row.parent is not None else ""
        self.index.append(location(sheet.file, sheet.name, r, c))
        self.records.append((indicator, region, period, cv.value, unit, basis, t.obs_status, t.source, note,
                             sheet.file, sheet.name, r, c, row.role, part_of, row.partial))  # fmt: skip
