"""Blank submission workbooks generated from the catalog, and reading them (or any long sheet) back.

A department's form (报送表) lists its indicators × the regions it reports for, one row each, with
the period and basis filled in and 数值 left blank; the officer types the figures and uploads the
file unchanged. Because the form is the long layout with Chinese headers, it needs no mapping
template. Rows whose 数值 is left blank are simply not reported (空白 = 未报), not errors.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kaifang.collection.longcsv import HEADER_ALIASES, LONG_COLUMNS, LongFormatError, check_header, looks_long
from kaifang.collection.readers.grid import ReadError, read_workbook

FORM_HEADER = ["指标代码", "指标名称", "地区代码", "地区", "时期", "口径", "数值", "单位", "状态", "备注"]


def blank_form(
    title: str,
    indicators: Sequence[tuple[str, str, str]],
    regions: Sequence[tuple[str, str]],
    period: str,
) -> bytes:
    """An xlsx form: a title row, a note row, then the long-layout header and one row per cell.

    ``indicators`` are (code, name, unit), ``regions`` (code, name).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = f"{period}报送表"
    ws.append([title])
    ws.append(
        [f"报送期：{period}；数值请按“单位”列填写，当月值填“当月”，累计值另起一行并将口径改为“累计”；空白表示未报。"]
    )
    ws.append(FORM_HEADER)
    for code, name, unit in indicators:
        for rcode, rname in regions:
            ws.append([code, name, rcode, rname, period, "当月", None, unit, "初步", None])
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].font = Font(color="666666")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F3F7")
    for row in ws.iter_rows(min_row=4, min_col=7, max_col=7):
        row[0].fill = PatternFill("solid", fgColor="FFF8E1")
    basis = DataValidation(type="list", formula1='"当月,累计"', allow_blank=False)
    status = DataValidation(type="list", formula1='"初步,修订,正式"', allow_blank=True)
    ws.add_data_validation(basis)
    ws.add_data_validation(status)
    if ws.max_row >= 4:
        basis.add(f"F4:F{ws.max_row}")
        status.add(f"I4:I{ws.max_row}")
    for col, width in zip("ABCDEFGHIJ", [26, 30, 10, 12, 10, 8, 14, 10, 8, 20], strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    ws["A2"].alignment = Alignment(wrap_text=False)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(column: str, value: object) -> object:
    """Excel's own types back to what a statistician meant: 511900.0 → "511900", a date → its month."""
    if value == "":
        return None
    if isinstance(value, bool):  # TRUE in 数值 is no figure (pandas would read it as 1)
        return "TRUE" if value else "FALSE"
    if column == "time_period" and isinstance(value, float) and repr(value).endswith(".1"):
        # Excel keeps 2025.10 as the number 2025.1: October or January? Refused, never guessed.
        return f"{value!r}（数字格式，无法区分1月与10月，请把时期写成文本）"
    if column == "time_period" and hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year}-{value.month:02d}"  # a period cell Excel turned into a date
    if column != "obs_value" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def read_long_sheet(content: bytes, filename: str) -> pd.DataFrame:
    """The first sheet whose header row (within its first 20 rows) is the long layout.

    Rows are labelled ``file!sheet!R<row>``; rows with a blank 数值 are left out (not reported).
    """
    try:  # the readers' grid: cached formula results, and a marker for formulas/error cells without one
        sheets = read_workbook(content, filename=filename)
    except ReadError as exc:
        raise LongFormatError(str(exc)) from None
    for sheet in sheets:
        sheet_name, rows = sheet.name, sheet.cells
        for top, header in enumerate(rows[:20]):
            cells = ["" if c is None else str(c).strip() for c in header]
            if not looks_long(cells):
                continue
            names = [HEADER_ALIASES.get(c.lower(), HEADER_ALIASES.get(c, "")) for c in cells]
            check_header(cells, names, f"{filename}!{sheet_name}!R{top + 1}")
            keep = [(i, n) for i, n in enumerate(names) if n]
            records, labels = [], []
            for r, row in enumerate(rows[top + 1 :], start=top + 2):
                record = {n: (row[i] if i < len(row) else "") for i, n in keep}
                if record.get("obs_value") in ("", None):
                    continue
                records.append({k: _cell(k, v) for k, v in record.items()})
                labels.append(f"{filename}!{sheet_name}!R{r}")
            df = pd.DataFrame(records, index=labels, dtype=object)
            return df.reindex(columns=LONG_COLUMNS)
    raise LongFormatError(
        f"{filename}: 没有找到长格式表头（指标代码、地区代码、时期、数值），Excel 报表请选择映射模板"
        f" (no long-format header; choose a mapping template for report layouts)"
    )
