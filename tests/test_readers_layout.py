"""Layout detection (kaifang.collection.readers.layout) on hand-made statistics-office workbooks — pure.

The builders here (``monthly_report``, ``county_table``) are the layouts the 市商务局 and 市统计局 send
every month; :mod:`tests.test_readers_mapping` maps the same workbooks to observations.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl
import pytest

from kaifang.collection.readers.grid import Sheet, read_workbook
from kaifang.collection.readers.labels import find_period, key, period_of_value
from kaifang.collection.readers.layout import Table, detect
from kaifang.core.periods import Period

# --------------------------------------------------------------------------------------------- builders

#: 进出口 by 当月/累计 × 绝对值/同比±%, 万元 except where the 计量单位 column says otherwise (1–2月 figures)
JAN_FEB = [
    ("进出口总额", "万元", "１，２３４．５", 12.5, "2,468.0", "10.1"),
    ("  其中：出口", "万元", 800, "8.0", "1600①", 7),
    ("        进口", "万元", "434.5", "—", "868", "…"),
    ("实际利用外资", "万美元", "…", "—", 120, "-5.2"),
    ("外贸企业数", "个", " 35 ", "", "35", ""),
]
MARCH = [
    ("进出口总额", "万元", 1100, 3.0, 3568, "7.9"),
    ("  其中：出口", "万元", "700*", 2.1, 2300, "5.5"),
    ("        进口", "万元", 400, "-1.0", "1,268", "1.2"),
    ("实际利用外资", "万美元", 80, "", 200, ""),
    ("外贸企业数", "个", "３８", "", "38", ""),
]


def save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill_report(ws: Any, title: str, rows: Sequence[Sequence[Any]], order: Sequence[int] = (0, 1, 2, 3, 4, 5)) -> None:
    """A 月报: title merged across, a 填报单位/单位 row, a two-row merged header, data, footnotes.

    ``order`` permutes the columns (指标, 计量单位, 当月绝对值, 当月同比, 累计绝对值, 累计同比) so
    that a department that moves a column block can be simulated; groups stay merged pairs.
    """
    ws["A1"] = title
    ws.merge_cells("A1:F1")
    ws["A2"], ws["E2"] = "填报单位：巴中市商务局", "单位：万元"
    heads = [
        ("指标", None),
        ("计量单位", None),
        ("当月", "绝对值"),
        ("当月", "同比±%"),
        ("累计", "绝对值"),
        ("累计", "同比±%"),
    ]
    for pos, src in enumerate(order, start=1):
        top, sub = heads[src]
        if sub is None:
            ws.cell(3, pos, top)
            ws.merge_cells(start_row=3, start_column=pos, end_row=4, end_column=pos)
        else:
            ws.cell(4, pos, sub)
            if sub == "绝对值":  # group label on the first of the pair, merged over both
                ws.cell(3, pos, top)
                ws.merge_cells(start_row=3, start_column=pos, end_row=3, end_column=pos + 1)
    for i, row in enumerate(rows, start=5):
        for pos, src in enumerate(order, start=1):
            ws.cell(i, pos, row[src])
    end = 5 + len(rows)
    ws.cell(end + 1, 1, "注：①含加工贸易。")
    ws.cell(end + 2, 1, "*为快报数。")
    ws.cell(end + 3, 1, "资料来源：巴中海关。")


def monthly_report(order: Sequence[int] = (0, 1, 2, 3, 4, 5), names: Sequence[str] = ("1-2月", "3月")) -> bytes:
    """Two sheets: the combined 1–2月 release and March; titles carry the year, sheet names do not."""
    wb = openpyxl.Workbook()
    fill_report(wb.active, "2024年1-2月巴中市对外经济主要指标", JAN_FEB, order)
    wb.active.title = names[0]
    fill_report(wb.create_sheet(names[1]), "2024年3月巴中市对外经济主要指标", MARCH, order)
    return save(wb)


def county_table(total_last: bool = False) -> bytes:
    """A 统计局 table by county: 单位 in the title area, a 合计 row, 全市 = the five counties."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "社零"
    ws["A1"] = "2024年一季度各县（区）社会消费品零售总额"
    ws["A2"] = "计量单位: 亿元"
    ws.append(["地区", "一季度", "同比增长（%）"])
    counties = [("巴州区", 40.1, 5.2), ("恩阳区", "12.3", 6.0), ("通江县", 20.5, "4.1"), ("南江县", "18.7", 3.9),
                ("平昌县", "２２．４", 4.4)]  # fmt: skip
    total = ("合  计", 114.0, 4.8)
    for row in [*counties, total] if total_last else [total, *counties]:
        ws.append(list(row))
    return save(wb)


def one_sheet(rows: Sequence[Sequence[Any]], merges: Sequence[str] = (), name: str = "Sheet1") -> Sheet:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    [sheet] = read_workbook(save(wb), filename="t.xlsx")
    return sheet


def roles(table: Table) -> list[tuple[int, str, str, int | None, bool]]:
    """(Excel row, label, role, parent Excel row, partial) per data row."""
    return [(r.index + 1, r.label, r.role, None if r.parent is None else r.parent + 1, r.partial) for r in table.rows]


# ------------------------------------------------------------------------------------------------ tests


def test_monthly_report_layout() -> None:
    first, second = read_workbook(monthly_report(), filename="商务局.xlsx")
    table = detect(first)
    assert table.title == ["2024年1-2月巴中市对外经济主要指标", "填报单位:巴中市商务局 单位:万元"]
    assert table.unit == "万元"  # the 单位 cell, not the 填报单位 (reporting office) next to it
    assert table.header_rows == [2, 3]
    assert [(c.path, c.kind, c.unit, c.growth, c.basis) for c in table.columns] == [
        (("指标",), "stub", None, False, None),
        (("计量单位",), "unit", None, False, None),
        (("当月", "绝对值"), "value", None, False, "当期"),
        (("当月", "同比±%"), "value", "%", True, "当期"),
        (("累计", "绝对值"), "value", None, False, "累计"),
        (("累计", "同比±%"), "value", "%", True, "累计"),
    ]
    assert (table.stub, table.label_column, table.unit_column) == ([0], 0, 1)
    assert roles(table) == [
        (5, "进出口总额", "item", None, False),
        (6, "出口", "part", 5, True),  # 其中 items are parts of the row above, never a full breakdown
        (7, "进口", "part", 5, True),  # indented like 出口: still in the 其中 group
        (8, "实际利用外资", "item", None, False),
        (9, "外贸企业数", "item", None, False),
    ]
    assert [r.unit for r in table.rows] == ["万元", "万元", "万元", "万美元", "个"]
    assert table.footnotes == ["注:①含加工贸易。", "*为快报数。", "资料来源:巴中海关。"]
    assert table.marks == {"①": "含加工贸易。", "*": "为快报数。"}
    # 1–2月合并发布: 当月 is the combined period, 累计 the year to date at February
    assert table.period is not None and table.period.source == "title"
    assert (str(table.period.current), str(table.period.ytd)) == ("2024-01/02", "2024-02")
    march = detect(second).period
    assert march is not None and (str(march.current), str(march.ytd)) == ("2024-03", "2024-03")
    assert [c.label for c in table.find(["累计", "绝对值"])] == ["累计 / 绝对值"]
    assert [c.index for c in table.find(["绝对值"])] == [2, 4] and table.find(["本月"]) == []


def test_region_table_total_first_and_last() -> None:
    for total_last, total_row, parts in ((False, 4, [5, 6, 7, 8, 9]), (True, 9, [4, 5, 6, 7, 8])):
        table = detect(read_workbook(county_table(total_last), filename="社零.xlsx")[0])
        assert table.unit == "亿元" and [c.path for c in table.columns] == [("地区",), ("一季度",), ("同比增长(%)",)]
        assert table.period is not None and str(table.period.current) == "2024Q1"
        by_row = {r.index + 1: r for r in table.rows}
        assert by_row[total_row].role == "total" and by_row[total_row].label == "合计"
        # the counties are a complete breakdown of the 合计 (checked, never added, by plausibility)
        assert [(n, by_row[n].role, by_row[n].parent, by_row[n].partial) for n in parts] == [
            (n, "part", total_row - 1, False) for n in parts
        ]


def test_indentation_hash_items_and_bare_qizhong() -> None:
    sheet = one_sheet([
        ["指标", "数值"],
        ["地区生产总值", 870.51],
        ["  第一产业", 150.2],  # indented: a complete part of 地区生产总值
        ["  第二产业", 220.3],
        ["    #工业", 160.0],  # '#' marks a 其中 item of the row above (国家统计局 convention)
        ["  第三产业", 500.01],
        ["进出口总额", 10.9],
        ["其中：", None],  # a bare 其中 row: the rows after it, up to a blank row, are 其中 items
        ["出口", 8.1],
        ["进口", 2.8],
        [None, None],
        ["实际利用外资", 700],
    ])  # fmt: skip
    assert roles(detect(sheet)) == [
        (2, "地区生产总值", "item", None, False),
        (3, "第一产业", "part", 2, False),
        (4, "第二产业", "part", 2, False),
        (5, "工业", "part", 4, True),
        (6, "第三产业", "part", 2, False),
        (7, "进出口总额", "item", None, False),
        (9, "出口", "part", 7, True),
        (10, "进口", "part", 7, True),
        (12, "实际利用外资", "item", None, False),
    ]


def test_flush_qizhong_closes_at_the_next_flush_row() -> None:
    sheet = one_sheet([["指标", "值"], ["进出口总额", 10.9], ["其中：出口", 8.1], ["实际利用外资", 700]])
    assert roles(detect(sheet)) == [
        (2, "进出口总额", "item", None, False),
        (3, "出口", "part", 2, True),
        (4, "实际利用外资", "item", None, False),
    ]


def test_unmerged_group_labels_are_carried_right() -> None:
    # as a CSV export writes it: the group label only above the first of its columns
    [sheet] = read_workbook(
        "巴中市 2024年3月 规模以上工业\n指标,本月,,1-3月累计,\n,绝对值,增长%,绝对值,增长%\n"
        "增加值,12.5,6.1,35.2,5.8\n".encode(),
        filename="工业.csv",
    )
    table = detect(sheet)
    assert [c.path for c in table.columns] == [
        ("指标",), ("本月", "绝对值"), ("本月", "增长%"), ("1-3月累计", "绝对值"), ("1-3月累计", "增长%"),
    ]  # fmt: skip
    assert [c.basis for c in table.columns[1:]] == ["当期", "当期", "累计", "累计"]
    # the header names a month range without a year: the year comes from the title
    assert table.columns[3].period is not None and str(table.columns[3].period.ytd) == "2024-03"


def test_column_number_row_index_column_and_units_in_headers() -> None:
    sheet = one_sheet([
        ["2024年巴中市开放型经济（单位：万美元）", None, None, None],
        ["序号", "指标", "出口额（万元）", "实际利用外资"],
        [None, "甲", 1, 2],  # 栏次 row of a 统计报表
        [1, "一般贸易", 1200, 30],
        [2, "加工贸易", 300, 5],
    ], merges=["A1:D1"])  # fmt: skip
    table = detect(sheet)
    assert [(c.path, c.kind, c.unit) for c in table.columns] == [
        (("序号",), "index", None),
        (("指标",), "stub", None),
        (("出口额(万元)",), "value", "万元"),  # labels are NFKC-folded: （） → ()
        (("实际利用外资",), "value", None),
    ]
    assert table.unit == "万美元" and [r.label for r in table.rows] == ["一般贸易", "加工贸易"]
    assert table.period is not None and str(table.period.current) == "2024" and table.period.ytd is None


def test_year_headers_are_not_data_and_give_column_periods() -> None:
    sheet = one_sheet([["单位：亿元", None, None], ["指标", 2023, 2024], ["地区生产总值", 766.99, 870.51]])
    table = detect(sheet)
    assert table.header_rows == [1] and [r.label for r in table.rows] == ["地区生产总值"]
    assert [str(c.period.current) if c.period else None for c in table.columns] == [None, "2023", "2024"]


def test_a_year_mentioned_in_a_header_is_not_its_period() -> None:
    sheet = one_sheet(
        [["2024年巴中市经济"], ["指标", "地区生产总值（按2015年不变价计算）", "2023年同期"], ["GDP", 800, 760]]
    )
    table = detect(sheet)
    assert [str(c.period.current) if c.period else None for c in table.columns] == [None, None, "2023"]


def test_extra_rows_between_header_and_data() -> None:
    # the NY Fed export: a two-column header, then banner rows, then the series
    sheet = one_sheet([
        ["Date", "GSCPI", None, None],
        [None, None, None, "NEW YORK FED ECONOMIC RESEARCH"],
        [None, None, None, None],
        [None, None, None, "https://www.newyorkfed.org/research"],
        ["31-Jan-1998", -1.09, None, None],
        ["28-Feb-1998", -0.44, None, None],
    ])  # fmt: skip
    table = detect(sheet)
    assert table.header_rows == [0] and [r.index for r in table.rows] == [4, 5]
    assert [c.path for c in table.columns[:2]] == [("Date",), ("GSCPI",)]


def test_period_from_sheet_name_and_conflicts() -> None:
    sheet = one_sheet([["2024年巴中市外贸"], ["指标", "当月"], ["出口", 1]], name="3月")
    period = detect(sheet).period
    assert period is not None and period.source == "sheet" and str(period.current) == "2024-03"

    sheet = one_sheet([["2024年4月巴中市外贸"], ["指标", "当月"], ["出口", 1]], name="2024年3月")
    table = detect(sheet)
    assert table.period is not None and str(table.period.current) == "2024-04"  # the title wins …
    assert [(p.level, p.message) for p in table.problems] == [  # … and the stale sheet name is flagged
        ("warning", "标题的统计期间“2024年4月”与工作表名称“2024年3月”不一致，按标题处理"
                    " (the period in the title differs from the sheet name; the title is used)"),
    ]  # fmt: skip


def test_unknown_unit_in_the_unit_row_is_a_warning() -> None:
    table = detect(one_sheet([["单位：万担"], ["指标", "值"], ["茶叶", 3]]))
    assert table.unit is None
    assert [str(p) for p in table.problems] == [
        "t.xlsx!Sheet1!R1C1: 无法识别的计量单位“万担” (unknown unit in the 单位 row)"
    ]


def test_text_only_table() -> None:
    table = detect(one_sheet([["指标代码", "单位", "基础指标"], ["A1", "%", "出生率"], ["E8", "美元/人", "人均出口"]]))
    assert table.header_rows == [0] and len(table.rows) == 2
    assert [c.index for c in table.find(["指标代码"])] == [0]


@pytest.mark.parametrize(
    ("text", "current", "ytd"),
    [
        ("2024年1-2月", "2024-01/02", "2024-02"),
        ("２０２４年１－２月", "2024-01/02", "2024-02"),
        ("2024年1—5月", "2024-05", "2024-05"),
        ("2024年3月份", "2024-03", "2024-03"),
        ("2024年一季度", "2024Q1", "2024Q1"),
        ("2024年第2季度", "2024Q2", "2024Q2"),
        ("2024年前三季度", "2024Q3", "2024Q3"),
        ("2024年1-3季度", "2024Q3", "2024Q3"),
        ("2024年上半年", "2024Q2", "2024Q2"),
        ("2024年", "2024", None),
        ("表3 511900 2024年度", "2024", None),  # other digits are not a year
    ],
)
def test_find_period(text: str, current: str, ytd: str | None) -> None:
    info = find_period(text)
    assert info is not None and str(info.current) == current
    assert (str(info.ytd) if info.ytd else None) == ytd


def test_periods_in_key_cells() -> None:
    assert period_of_value(2004.0).current == Period.annual(2004)  # type: ignore[union-attr]
    assert period_of_value("31-Jan-1998").current == Period.monthly(1998, 1)  # type: ignore[union-attr]
    assert period_of_value("2024-03").current == Period.monthly(2024, 3)  # type: ignore[union-attr]
    assert period_of_value("2024年1-5月").ytd == Period.monthly(2024, 5)  # type: ignore[union-attr]
    assert period_of_value("有误") is None and period_of_value(12.5) is None
    assert find_period("前三季度") is None and str(find_period("前三季度", default_year=2024).ytd) == "2024Q3"  # type: ignore[union-attr]


def test_label_keys() -> None:
    assert key("  其中：出口额（万美元）①") == "出口额"
    assert key("外商实际投资额_全市_万美元") == key("外商实际投资额_全市")
    assert key("合  计") == "合计" and key("进出口总额（海关口径）") == "进出口总额(海关口径)"
