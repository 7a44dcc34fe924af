"""Raw sheets from any supported file (原始表格读取) — pure Python: python-calamine and the stdlib.

:func:`read_workbook` turns an upload into :class:`Sheet` s: the cell grid exactly as laid out
(row ``r`` of ``cells`` is Excel row ``r + 1``; nothing is skipped or trimmed at the top or left) and
the merged ranges. What it reads:

* **xlsx / xlsm / xlsb / ods / xls** through python-calamine (Rust; the fast path). Merged ranges come
  from calamine too (``merged_cell_ranges``, 0.9+), so openpyxl — which needs ``read_only=False`` and
  builds every cell as an object to report merges — is never loaded; for an xlsx where calamine gives
  no ranges the ``<mergeCell>`` elements are read from the sheet XML directly.
* **Formulas**: a formula's cached value is what is read. A formula without a cached value (a file
  written by a program that never calculated it) and an Excel error value (``#DIV/0!``, which calamine
  turns into a blank) would otherwise look like an empty cell (未知); for xlsx/xlsm they are found in
  the sheet XML — only when it contains a formula or an error cell at all — and become an
  :class:`~kaifang.collection.readers.cells.UncachedFormula` or the error text in the cell, plus a
  located :class:`Problem` on the sheet.
* **CSV / TSV / TXT** (:mod:`kaifang.collection.readers.text`): UTF-8 with or without BOM, UTF-16
  with BOM, else GB18030/GBK when the bytes are plausibly Chinese — never a silent mojibake; comma,
  tab or semicolon, whichever splits the lines most consistently. One sheet, named after the file.
  A text table saved as ".xls" (a common export) is read as text, with a warning.

Every failure — truncated or corrupt archives, encrypted workbooks, HTML saved as ".xls" — is a
:class:`ReadError` with the file name, never a bare zipfile or calamine exception.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import python_calamine as calamine

from kaifang.collection.readers import text
from kaifang.collection.readers.cells import UncachedFormula

__all__ = ["Problem", "ReadError", "Sheet", "cell_name", "location", "read_workbook"]

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(ValueError):
    """The file cannot be read at all; the message names the file and, where known, the place."""


def location(file: str, sheet: str, row: int | None = None, column: int | None = None) -> str:
    """``file.xlsx!Sheet1!R12C4`` — 1-based row and column; parts that are unknown are left off."""
    where = f"{file}!{sheet}"
    if row is not None:
        where += f"!R{row}" + (f"C{column}" if column is not None else "")
    return where


def cell_name(row: int, column: int) -> str:
    """Excel A1 name of a 1-based (row, column): (12, 4) → ``D12``."""
    letters = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


@dataclass(frozen=True)
class Problem:
    """A located problem: file, sheet, 1-based row and column (None when not about one cell).

    ``message`` is Chinese with the English in parentheses; ``level`` is ``"error"`` (the value is
    refused), ``"warning"`` (a reviewer must look) or ``"info"``.
    """

    file: str
    sheet: str
    row: int | None
    column: int | None
    message: str
    level: str = "error"

    @property
    def location(self) -> str:
        return location(self.file, self.sheet, self.row, self.column)

    @property
    def column_letter(self) -> str:
        """The Excel column letter (``D``), or ``""`` when the problem is not about one column."""
        return cell_name(1, self.column)[:-1] if self.column else ""

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Sheet:
    """One worksheet: ``cells[r][c]`` (0-based, rectangular, ``""`` for empty) and merged ranges.

    ``merged`` holds inclusive 0-based ``(r0, c0, r1, c1)``; ``problems`` what the reader found
    (formulas without values, error cells); ``file`` the file name used in locations.
    """

    name: str
    cells: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    file: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.cells), (len(self.cells[0]) if self.cells else 0)


def read_workbook(source: str | os.PathLike[str] | bytes | BinaryIO, filename: str | None = None) -> list[Sheet]:
    """Every worksheet of an xlsx/xlsm/xlsb/ods/xls workbook, or the one table of a CSV/TSV.

    ``source`` is a path, the file's bytes or a binary file object; ``filename`` names it in
    messages and decides the type when the content does not (text files). Raises :class:`ReadError`.
    """
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), filename or "upload"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"{name}: 无法打开文件 (cannot open file: {exc.strerror or exc})") from None
    else:
        data, name = source.read(), filename or getattr(source, "name", None) or "upload"
        name = Path(str(name)).name
    if not data.strip():
        raise ReadError(f"{name}: 文件为空 (empty file)")
    suffix = PurePosixPath(name).suffix.lower()
    if data.startswith((_ZIP, _OLE2)):
        return _read_spreadsheet(data, name)
    if data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise ReadError(
            f"{name}: 这是网页(HTML)表格，不是 Excel 文件；请在 Excel 中另存为 .xlsx"
            " (an HTML table saved with a spreadsheet extension: save it as .xlsx)"
        )
    if suffix and suffix not in TEXT_SUFFIXES and suffix not in {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}:
        raise ReadError(f"{name}: 不支持的文件类型 {suffix} (unsupported file type)")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if suffix in {".xlsx", ".xlsm", ".xlsb", ".ods"} or (suffix == ".xls" and b"\x00" in data[:512] and not utf16):
        raise ReadError(f"{name}: 文件已损坏或被截断，不是有效的 {suffix} 文件 (corrupt or truncated {suffix} file)")
    try:
        cells = text.read_rows(data, name)
    except text.UnreadableText as exc:
        raise ReadError(str(exc)) from None
    _rectangular(cells)
    sheet = Sheet(PurePosixPath(name).stem or name, cells, file=name)
    if suffix == ".xls":
        message = "扩展名为 .xls，但内容是文本表格，已按 CSV/TSV 读取 (a text table saved with an .xls extension)"
        sheet.problems.append(Problem(name, sheet.name, None, None, message, "warning"))
    return [sheet]


# ---------------------------------------------------------------------------------------- spreadsheets


def _read_spreadsheet(data: bytes, name: str) -> list[Sheet]:
    if data.startswith(_OLE2) and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k" in data:
        raise ReadError(f"{name}: 文件已加密，请取消密码后再上传 (the workbook is password-protected)")
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        scans = _scan_xlsx(data) if data.startswith(_ZIP) else {}
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets and macro sheets hold no table
            raw = book.get_sheet_by_name(meta.name)
            cells = [list(row) for row in raw.to_python(skip_empty_area=False)]
            ranges = raw.merged_cell_ranges
            sheet = Sheet(meta.name, cells, file=name)
            scan = scans.get(meta.name, _Scan())
            if ranges is not None:
                sheet.merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
            else:
                sheet.merged = scan.merged
            _apply_scan(sheet, scan)
            _rectangular(sheet.cells)
            sheets.append(sheet)
    except ReadError:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        raise ReadError(
            f"{name}: 文件已损坏、被截断或不是表格文件 (corrupt, truncated or not a spreadsheet: {exc})"
        ) from None
    return sheets


@dataclass
class _Scan:
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: list[tuple[int, int, str]] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)


_NS = r"(?:\w+:)?"
_SHEET_ENTRY = re.compile(rb"<" + _NS.encode() + rb"sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_HAS_FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[\s>/]|\bt="e"')
_FORMULA_OR_ERROR_TOKENS = (b"<f>", b"<f ", b"<f/", b"<f\t", b"<f\n", b":f>", b":f ", b":f/", b't="e"')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"')
_REF = re.compile(r"([A-Z]+)(\d+)")


def _rc(ref: str) -> tuple[int, int]:
    """``D12`` → 0-based (11, 3)."""
    m = _REF.fullmatch(ref)
    if m is None:
        raise ValueError(f"bad cell reference {ref!r}")
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def _scan_xlsx(data: bytes) -> dict[str, _Scan]:
    """Per sheet name: merged ranges, formulas without cached values and error cells, from the XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            return {}  # ods or xlsb: calamine's view is all there is
        rels = {}
        for m in _REL.finditer(zf.read("xl/_rels/workbook.xml.rels")):
            attrs = dict(_ATTR.findall(m[0]))
            target = attrs.get(b"Target", b"").decode()
            rels[attrs.get(b"Id", b"").decode()] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out: dict[str, _Scan] = {}
        for m in _SHEET_ENTRY.finditer(zf.read("xl/workbook.xml")):
            attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(m[0])}
            part = rels.get(attrs.get(b"id", b"").decode())
            if part is None or part not in names:
                continue
            sheet_name = _xml_unescape(attrs.get(b"name", b"").decode())
            out[sheet_name] = _scan_sheet(zf.read(part))
    return out


def _scan_sheet(xml: bytes) -> _Scan:
    merged = _MERGE.findall(xml) if b"mergeCell" in xml else []
    scan = _Scan(merged=[(*_rc(a.decode()), *_rc(b.decode())) for a, b in merged])
    # plain substring tests first (memchr-fast on a large sheet); the regex only confirms a hit
    if not any(token in xml for token in _FORMULA_OR_ERROR_TOKENS) or not _HAS_FORMULA_OR_ERROR.search(xml):
        return scan  # the common case: nothing to look at cell by cell
    for m in _CELL.finditer(xml):
        attrs, body = dict(_ATTR.findall(m[1])), m[2] or b""
        ref = attrs.get(b"r")
        if ref is None:
            continue
        r, c = _rc(ref.decode())
        value = _VALUE.search(body)
        if attrs.get(b"t") == b"e":
            scan.errors.append((r, c, value[1].decode() if value else "#ERROR"))
            continue
        formula = _FORMULA.search(body)
        if formula is not None and value is None and attrs.get(b"t") != b"str":  # t="str" + <v/>: cached ""
            scan.uncached.append((r, c, _xml_unescape((formula[1] or b"").decode())))
    return scan


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _apply_scan(sheet: Sheet, scan: _Scan) -> None:
    for r, c, formula in scan.uncached:
        _put(sheet.cells, r, c, UncachedFormula(formula))
        sheet.problems.append(
            Problem(
                sheet.file,
                sheet.name,
                r + 1,
                c + 1,
                f"单元格 {cell_name(r + 1, c + 1)} 的公式 ={formula} 没有计算结果，请在 Excel 中重新计算并保存"
                " (formula without a cached value: recalculate and save in Excel)",
            )
        )
    for r, c, error in scan.errors:
        _put(sheet.cells, r, c, error)
        sheet.problems.append(
            Problem(
                sheet.file,
                sheet.name,
                r + 1,
                c + 1,
                f"单元格 {cell_name(r + 1, c + 1)} 是 Excel 错误值 {error} (Excel error value)",
            )
        )


def _put(cells: list[list[Any]], r: int, c: int, value: Any) -> None:
    while len(cells) <= r:
        cells.append([])
    row = cells[r]
    if len(row) <= c:
        row.extend([""] * (c + 1 - len(row)))
    row[c] = value


def _rectangular(cells: list[list[Any]]) -> None:
    width = max((len(row) for row in cells), default=0)
    for row in cells:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
