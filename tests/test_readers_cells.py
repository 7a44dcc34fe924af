"""Cell values and raw reading (kaifang.collection.readers.cells, .grid) — pure, no Django, no database.

Workbooks are built here with openpyxl; an xlsx with cached formula values (which openpyxl never
writes) is made by editing the sheet XML of one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifang.collection.readers.cells import Kind, UncachedFormula, number, parse_cell
from kaifang.collection.readers.grid import ReadError, Sheet, cell_name, location, read_workbook
from tests.conftest import assert_pure

# ------------------------------------------------------------------------------------------------ cells


@pytest.mark.parametrize(
    ("raw", "value", "footnote", "unit"),
    [
        (1234.5, 1234.5, "", ""),
        (7, 7.0, "", ""),
        ("1,234.5", 1234.5, "", ""),
        ("１２３．５", 123.5, "", ""),  # full-width digits and point
        ("１，２３４", 1234.0, "", ""),  # full-width thousands separator
        ("－12", -12.0, "", ""),  # full-width minus
        ("−3.5", -3.5, "", ""),  # U+2212 minus sign
        ("—12", -12.0, "", ""),  # a dash right before digits is a minus
        ("(12.3)", -12.3, "", ""),  # accounting negative
        ("（１２．３）", -12.3, "", ""),
        (" 35 ", 35.0, "", ""),  # number stored as text with spaces
        ("1 234 567", 1234567.0, "", ""),
        ("+5", 5.0, "", ""),
        ("1.5E+3", 1500.0, "", ""),
        ("123.4①", 123.4, "①", ""),
        ("56*", 56.0, "*", ""),
        ("78a", 78.0, "a", ""),
        ("9.1²", 9.1, "²", ""),  # a superscript is a marker, never the digit NFKC would make of it
        ("123.4*①", 123.4, "*①", ""),
        ("12.5%", 12.5, "", "%"),
        ("１２．５％", 12.5, "", "%"),
        ("3‰", 3.0, "", "‰"),
        ("12.3%①", 12.3, "①", "%"),
        ("0.5万元", 0.5, "", "万元"),
    ],
)
def test_numbers_as_statistics_offices_write_them(raw: object, value: float, footnote: str, unit: str) -> None:
    cv = parse_cell(raw)
    assert (cv.kind, cv.value, cv.footnote, cv.unit) == (Kind.NUMBER, value, footnote, unit)
    assert cv.is_number and not cv.is_missing and cv.raw == raw


@pytest.mark.parametrize(
    ("raw", "kind", "meaning"),
    [
        ("—", Kind.NOT_APPLICABLE, "无此项 (not applicable)"),
        ("-", Kind.NOT_APPLICABLE, "无此项 (not applicable)"),
        ("－", Kind.NOT_APPLICABLE, "无此项 (not applicable)"),
        ("——", Kind.NOT_APPLICABLE, "无此项 (not applicable)"),
        ("…", Kind.BELOW_UNIT, "数值小于单位 (below the unit shown)"),
        ("……", Kind.BELOW_UNIT, "数值小于单位 (below the unit shown)"),
        ("...", Kind.BELOW_UNIT, "数值小于单位 (below the unit shown)"),
        ("", Kind.BLANK, "未知 (unknown)"),
        ("　", Kind.BLANK, "未知 (unknown)"),  # a full-width space
        (None, Kind.BLANK, "未知 (unknown)"),
        (float("nan"), Kind.BLANK, "未知 (unknown)"),
    ],
)
def test_missing_markers_keep_their_meaning(raw: object, kind: Kind, meaning: str) -> None:
    cv = parse_cell(raw)
    assert (cv.kind, cv.value, cv.meaning) == (kind, None, meaning)
    assert cv.is_missing


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("约100", Kind.TEXT),
        ("1,23", Kind.TEXT),  # not a thousands grouping: refused rather than read as 123 or 1.23
        ("12 34", Kind.TEXT),
        ("abc", Kind.TEXT),
        ("2024年", Kind.TEXT),
        ("1e400", Kind.TEXT),  # overflows to infinity
        (float("inf"), Kind.TEXT),
        (True, Kind.TEXT),
        (dt.date(2024, 3, 1), Kind.TEXT),
        ("12亿美金", Kind.TEXT),  # an unknown unit word is not silently dropped
        ("#DIV/0!", Kind.ERROR),
        ("#N/A", Kind.ERROR),
        (UncachedFormula("B5+C5"), Kind.ERROR),
    ],
)
def test_what_is_not_a_number(raw: object, kind: Kind) -> None:
    cv = parse_cell(raw)
    assert (cv.kind, cv.value) == (kind, None)
    assert not cv.is_missing and number(raw) is None


def test_locations() -> None:
    assert cell_name(12, 4) == "D12" and cell_name(1, 27) == "AA1" and cell_name(3, 702) == "ZZ3"
    assert location("m.xlsx", "Sheet1", 12, 4) == "m.xlsx!Sheet1!R12C4"
    assert location("m.xlsx", "Sheet1", 12) == "m.xlsx!Sheet1!R12"
    assert location("m.xlsx", "Sheet1") == "m.xlsx!Sheet1"


# ---------------------------------------------------------------------------------------------- CSV/TSV

TABLE = '地区,当月,累计\n巴中市,"1,234.5",２４６８\n通江县,—,…\n'
ROWS = [["地区", "当月", "累计"], ["巴中市", "1,234.5", "２４６８"], ["通江县", "—", "…"]]


@pytest.mark.parametrize(
    "encoded",
    [
        TABLE.encode("utf-8"),
        b"\xef\xbb\xbf" + TABLE.encode("utf-8"),  # Excel's "CSV UTF-8" adds a BOM
        TABLE.encode("gbk"),  # Excel's plain "CSV" on a Chinese Windows
        TABLE.encode("gb18030"),
        TABLE.encode("utf-16"),  # "Unicode 文本": UTF-16 with BOM
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16"],
)
def test_csv_encodings(encoded: bytes) -> None:
    [sheet] = read_workbook(encoded, filename="报表.csv")
    assert (sheet.name, sheet.file, sheet.cells, sheet.merged) == ("报表", "报表.csv", ROWS, [])


@pytest.mark.parametrize("delimiter", ["\t", ";", ","])
def test_delimiter_sniffing(delimiter: str) -> None:
    text = "\n".join(delimiter.join(row) for row in [["指标", "1-2月", "3月"], ["出口", "1,200", "800"]])
    if delimiter == ",":
        text = text.replace("1,200", '"1,200"')
    [sheet] = read_workbook(text.encode("utf-8"), filename="t.txt")
    assert sheet.cells == [["指标", "1-2月", "3月"], ["出口", "1,200", "800"]]


def test_text_saved_as_xls_is_read_with_a_warning() -> None:
    for data in ("指标\t值\n出口\t5\n".encode("gbk"), "指标\t值\n出口\t5\n".encode("utf-16")):
        [sheet] = read_workbook(data, filename="导出.xls")
        assert sheet.cells == [["指标", "值"], ["出口", "5"]]
        assert [(p.level, p.location) for p in sheet.problems] == [("warning", "导出.xls!导出")]


def test_ragged_csv_is_made_rectangular() -> None:
    [sheet] = read_workbook("标题\na,b,c\n1,2\n".encode(), filename="r.csv")
    assert sheet.cells == [["标题", "", ""], ["a", "b", "c"], ["1", "2", ""]]


def test_undecodable_bytes_name_the_file_and_offset() -> None:
    # UTF-8: 指标,值⏎ is 6 + 1 + 3 + 1 = 11 bytes, 出口,1⏎ 9 more, so the bad 0xFF is byte 20; as
    # GB18030 the UTF-8 text itself already fails at byte 9 (值 = E5 80 BC: BC then a newline)
    data = "指标,值\n出口,1\n".encode() + b"\xff\xfe\xfa,2\n"
    with pytest.raises(ReadError) as err:
        read_workbook(data, filename="bad.csv")
    assert str(err.value) == (
        "bad.csv: 无法识别文件编码，第20字节处不是 UTF-8，第9字节处不是 GB18030/GBK"
        " (cannot decode: not UTF-8 at byte 20, not GB18030/GBK at byte 9)"
    )


def test_latin1_is_refused_not_read_as_mojibake() -> None:
    data = "Région;Valeur\nCôte-d'Or;12\nAinée;3\nRhône;4\n".encode("latin-1")
    data.decode("gb18030")  # it *would* decode as GB18030 — into nonsense characters
    with pytest.raises(ReadError, match=r"latin\.csv: .*乱码.*mojibake"):
        read_workbook(data, filename="latin.csv")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "e.csv", r"e\.csv: 文件为空"),
        (b"  \n ", "e.csv", r"e\.csv: 文件为空"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "x.xls", r"x\.xls: 这是网页\(HTML\)表格"),
        (b"\x00\x01\x02 binary", "b.csv", r"b\.csv: .*NUL"),
        (b"random bytes", "r.xlsx", r"r\.xlsx: 文件已损坏或被截断"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", r"old\.xls: 文件已损坏、被截断"),
        (b"data", "x.pdf", r"x\.pdf: 不支持的文件类型"),
    ],
)
def test_unreadable_files_raise_read_error(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_workbook(data, filename=filename)


def test_missing_path() -> None:
    with pytest.raises(ReadError, match=r"nope\.xlsx: 无法打开文件"):
        read_workbook("/nonexistent/nope.xlsx")


# ----------------------------------------------------------------------------------------------- xlsx


def _xlsx(build: object) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)  # type: ignore[operator]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _two_sheets(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    ws.title = "2024年1-2月"
    ws["B3"] = "当月"
    ws.merge_cells("B3:C3")
    ws["B4"], ws["C4"] = "绝对值", "同比±%"
    ws["A5"], ws["B5"], ws["C5"] = "出口", 12.5, "１２３"
    wb.create_sheet("空表")


def test_xlsx_grid_keeps_positions_and_merges() -> None:
    sheets = read_workbook(_xlsx(_two_sheets), filename="m.xlsx")
    assert [s.name for s in sheets] == ["2024年1-2月", "空表"]
    first = sheets[0]
    # nothing trimmed: row 0 is Excel row 1 even though the table starts at B3
    assert first.shape == (5, 3)
    assert first.cells[2] == ["", "当月", ""] and first.cells[4] == ["出口", 12.5, "１２３"]
    assert first.merged == [(2, 1, 2, 2)]
    assert (sheets[1].cells, sheets[1].problems) == ([], [])


def test_xlsx_from_path_and_file_object(tmp_path: Path) -> None:
    path = tmp_path / "表.xlsx"
    path.write_bytes(_xlsx(_two_sheets))
    assert read_workbook(path)[0].file == "表.xlsx"
    with path.open("rb") as fh:
        assert read_workbook(fh)[0].cells == read_workbook(path)[0].cells


def _with_formulas(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    ws.title = "数据"
    ws["A1"], ws["B1"], ws["C1"] = "出口", 1, 2
    ws["D1"] = "=B1+C1"  # openpyxl writes no cached value
    ws["A2"], ws["B2"] = "进口", 3
    ws["C2"] = "=B2*2"
    ws["D2"] = "=1/0"


def test_formula_without_cached_value_is_a_located_problem() -> None:
    [sheet] = read_workbook(_xlsx(_with_formulas), filename="f.xlsx")
    # calamine alone would drop these cells (they have no value); the reader puts them back
    assert sheet.cells[0][3] == UncachedFormula("B1+C1") and sheet.cells[1][2] == UncachedFormula("B2*2")
    assert [(p.location, p.level) for p in sheet.problems] == [
        ("f.xlsx!数据!R1C4", "error"), ("f.xlsx!数据!R2C3", "error"), ("f.xlsx!数据!R2C4", "error"),
    ]  # fmt: skip
    assert str(sheet.problems[0]) == (
        "f.xlsx!数据!R1C4: 单元格 D1 的公式 =B1+C1 没有计算结果，请在 Excel 中重新计算并保存"
        " (formula without a cached value: recalculate and save in Excel)"
    )


def _edit_sheet_xml(data: bytes, edit: object) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)  # type: ignore[operator]
            dst.writestr(info, content)
    return out.getvalue()


def test_cached_formula_values_are_read_and_error_cells_reported() -> None:
    def cache(xml: bytes) -> bytes:  # what Excel saves: the formula and its last result
        # openpyxl writes an empty <v /> (or <v></v> when lxml is installed): normalise it first
        xml = re.sub(rb"<v\s*/>|<v></v>", b"<v />", xml)
        xml = xml.replace(b'<c r="D1"><f>B1+C1</f><v /></c>', b'<c r="D1"><f>B1+C1</f><v>3</v></c>')
        xml = xml.replace(b'<c r="C2"><f>B2*2</f><v /></c>', b'<c r="C2"><f>B2*2</f><v>6</v></c>')
        return xml.replace(b'<c r="D2"><f>1/0</f><v /></c>', b'<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')

    data = _edit_sheet_xml(_xlsx(_with_formulas), cache)
    [sheet] = read_workbook(data, filename="f.xlsx")
    assert sheet.cells == [["出口", 1.0, 2.0, 3.0], ["进口", 3.0, 6.0, "#DIV/0!"]]
    assert [str(p) for p in sheet.problems] == [
        "f.xlsx!数据!R2C4: 单元格 D2 是 Excel 错误值 #DIV/0! (Excel error value)"
    ]
    assert parse_cell(sheet.cells[1][3]).kind is Kind.ERROR


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.99])
def test_truncated_xlsx_names_the_file(keep: float) -> None:
    data = _xlsx(_two_sheets)
    with pytest.raises(ReadError, match=r"^cut\.xlsx: 文件已损坏、被截断或不是表格文件"):
        read_workbook(data[: int(len(data) * keep)], filename="cut.xlsx")


def test_corrupt_member_inside_a_valid_zip() -> None:
    data = _edit_sheet_xml(_xlsx(_two_sheets), lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ReadError, match=r"^bad\.xlsx: "):
        read_workbook(data, filename="bad.xlsx")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_parse_cell_never_raises(text: str) -> None:
    cv = parse_cell(text)
    assert cv.kind in Kind and (cv.value is None) != (cv.kind is Kind.NUMBER)


VALID = _xlsx(_two_sheets)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=20),
    st.integers(1, len(VALID)),
    st.sampled_from(["d.xlsx", "d.csv", "d.xls"]),
)
def test_damaged_files_are_read_or_refused_by_name(flips: list[tuple[int, int]], keep: int, name: str) -> None:
    data = bytearray(VALID)
    for at, byte in flips:
        data[at] = byte
    try:
        sheets = read_workbook(bytes(data[:keep]), filename=name)
    except ReadError as exc:
        assert str(exc).startswith(f"{name}: ")
    else:
        assert all(len({len(row) for row in s.cells}) <= 1 for s in sheets)  # rectangular grids


def test_sheet_is_plain_data() -> None:
    sheet = Sheet("S", [["a", 1]], [(0, 0, 0, 1)], file="f.csv")
    assert sheet.shape == (1, 2) and sheet.problems == []


def test_readers_import_no_django() -> None:
    assert_pure(
        "kaifang.collection.readers.cells",
        "kaifang.collection.readers.grid",
        "kaifang.collection.readers.labels",
        "kaifang.collection.readers.layout",
        "kaifang.collection.readers.mapping",
    )
