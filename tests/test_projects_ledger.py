"""Reading a 招商项目台账 workbook (kaifang.projects.ledger, ledger_cells) — pure; workbooks built with openpyxl.

Run: .venv/bin/pytest tests/test_projects_ledger.py -q -p no:django
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from kaifang.projects import funnel
from kaifang.projects.ledger import read_ledger
from kaifang.projects.ledger_cells import CellError, department_code, parse_amount, parse_date, parse_status
from kaifang.projects.records import Ledger, Stage, Status
from kaifang.projects.stages import stage_at
from tests.conftest import assert_pure

HEADER = [
    "序号",
    "项目名称",
    "投资方",
    "投资方所在地",
    "行业",
    "计划总投资（亿元）",
    "签约时间",
    "注册时间",
    "开工时间",
    "投产时间",
    "达产时间",
    "累计到位资金（万元）",
    "责任单位",
    "项目状态",
    "备注",
]
ROWS = [
    # 序号, 名称, 投资方, 所在地, 行业, 计划总投资, 签约, 注册, 开工, 投产, 达产, 累计到位(万元), 责任单位, 状态, 备注
    [1, "富硒茶精深加工", "浙江某茶业有限公司", "浙江杭州", "农产品精深加工", "12.5", datetime(2024, 1, 10),
     "2024.3.15", "2024年5月20日", "—", "", "１，２００", "市投促局", "推进中", ""],
    [2, "智能终端产业园", "深圳某科技有限公司", "广东省深圳市", "电子信息", "３０", "2024-02-01",
     "", "２０２４年６月１日", "", "", 35000, "恩阳区", "推进中", "注册在开工后补办"],
    [3, "康养旅游综合体", "越南某旅游集团", "越南", "文化旅游", 8, "2024/4/8",
     "未注册", "", "", "", "—", "市文广旅局", "终止", "投资方撤回"],
]  # fmt: skip


def save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger_book(
    rows: Sequence[Sequence[Any]] = ROWS,
    header: Sequence[str] = HEADER,
    order: Sequence[int] | None = None,
    title: str = "2024年1-6月巴中市招商引资项目台账",
    unit_row: str | None = "单位：亿元",
) -> bytes:
    """Title merged across, a 单位 row, the header, the rows, a 合计 row and a 填报人 footnote; ``order``
    permutes the columns (a department that moves them)."""
    order = list(order or range(len(header)))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(order))
    if unit_row:
        ws.cell(2, len(order), unit_row)
    for j, i in enumerate(order, start=1):
        ws.cell(3, j, header[i])
        for r, row in enumerate(rows, start=4):
            ws.cell(r, j, row[i])
    total = len(rows) + 4
    ws.cell(total, order.index(0) + 1, "合计")
    ws.cell(total, order.index(5) + 1, 50.5)
    ws.cell(total + 2, 1, "填报人：张三    审核人：李四")
    return save(wb)


def test_modules_are_pure() -> None:
    assert_pure("kaifang.projects.ledger", "kaifang.projects.ledger_cells")


def test_cells_as_departments_write_them() -> None:
    assert parse_date("２０２４年３月１５日") == (date(2024, 3, 15), "")
    assert parse_date(45366) == (date(2024, 3, 15), "")  # an Excel serial without a date format
    assert parse_date("2024.3")[0] == date(2024, 3, 1) and "只有年月" in parse_date("2024.3")[1]
    assert parse_date("未开工") == (None, "")
    with pytest.raises(CellError, match="数值"):
        parse_date(2024.1)  # 2024.10 typed in a number cell: October or January?
    with pytest.raises(CellError, match="不存在"):
        parse_date("2024.2.30")
    assert parse_amount("１，２００", "万元") == Decimal("0.12")  # 1 200 万元 = 0.12 亿元
    assert parse_amount("5亿元", "万元") == Decimal("5.0")  # the cell's own unit wins
    with pytest.raises(CellError, match="没有单位"):
        parse_amount("5", None)
    assert parse_status("缓建") is Status.STALLED and parse_status("") is Status.ADVANCING
    assert department_code("市投促局、恩阳区") == "investment"  # the lead unit
    assert department_code("平昌县人民政府") == "511923"
    with pytest.raises(CellError, match="责任单位"):
        department_code("某某办公室")


def test_a_ledger_becomes_projects_milestones_and_funds() -> None:
    result = read_ledger(ledger_book(), "台账.xlsx")
    assert result.ok and result.month == "2024-06"  # 2024年1-6月
    assert result.problems == ()
    p1, p2, p3 = result.projects
    assert (p1.id, p1.origin_region, p1.sector, p1.department) == (
        "富硒茶精深加工",
        "330100",
        "农产品精深加工",
        "investment",
    )
    assert p1.planned_investment == Decimal("12.5") and p1.signed_on == date(2024, 1, 10)
    assert [(m.stage, m.on) for m in p1.milestones] == [
        (Stage.REGISTERED, date(2024, 3, 15)),
        (Stage.STARTED, date(2024, 5, 20)),
    ]
    assert p1.milestones[0].evidence == "招商项目台账 台账.xlsx!项目台账!R4C8"  # the cell it came from
    assert p1.milestones[0].recorded_at == datetime(2024, 6, 30, 23, 59, 59)  # the end of the ledger's month
    assert (p2.origin_region, p2.planned_investment, p2.department) == ("440300", Decimal("30"), "511903")
    assert stage_at(p2, date(2024, 6, 1)) is Stage.STARTED  # 注册 skipped, implied
    assert (p3.origin_region, p3.status, p3.status_reason, p3.milestones) == (
        "VNM",
        Status.TERMINATED,
        "投资方撤回",
        (),
    )
    funds = {f.project_id: f.amount for f in result.cumulative_funds}
    assert funds == {"富硒茶精深加工": Decimal("0.12"), "智能终端产业园": Decimal("3.5")}  # 1 200 and 35 000 万元
    assert {f.month for f in result.cumulative_funds} == {"2024-06"}
    table = funnel.project_funnel(Ledger((), result.projects), date(2024, 6, 30), windows=(None,))
    assert table["reached"].tolist() == [3, 2, 2, 0, 0]  # 签约 3; 注册 P1 + P2 (implied); 开工 P1 P2


def test_warnings_do_not_stop_the_import() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][3] = "广东佛山"  # 佛山 is not in the region lists: 广东省, with a warning        → R5C4
    rows[0][7] = "2024.3"  # 注册 with year and month only: 2024-03-01, with a warning      → R4C8
    rows[2][14] = ""  # 终止 without a reason                                               → R6C14
    result = read_ledger(ledger_book(rows), "台账.xlsx")
    assert result.ok and len(result.projects) == 3
    assert [(p.location, p.level) for p in result.problems] == [
        ("台账.xlsx!项目台账!R4C8", "warning"),
        ("台账.xlsx!项目台账!R5C4", "warning"),
        ("台账.xlsx!项目台账!R6C14", "warning"),
    ]
    assert result.projects[1].origin_region == "440000"
    assert result.projects[0].milestones[0].on == date(2024, 3, 1)


def test_reordered_columns_read_the_same() -> None:
    plain = read_ledger(ledger_book(), "台账.xlsx")
    moved = read_ledger(ledger_book(order=[14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]), "台账.xlsx")
    assert moved.ok
    strip = [(p.id, p.origin_region, p.planned_investment, p.signed_on, p.status) for p in plain.projects]
    assert strip == [(p.id, p.origin_region, p.planned_investment, p.signed_on, p.status) for p in moved.projects]
    assert [[(m.stage, m.on) for m in p.milestones] for p in plain.projects] == [
        [(m.stage, m.on) for m in p.milestones] for p in moved.projects
    ]
    assert plain.cumulative_funds == moved.cumulative_funds


def test_reading_is_idempotent() -> None:
    data = ledger_book()
    assert read_ledger(data, "台账.xlsx") == read_ledger(data, "台账.xlsx")


def test_two_row_header_and_merged_department() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "2024年巴中市招商引资项目台账"
    ws.merge_cells("A1:I1")
    top = ["序号", "项目名称", "投资方", "投资方所在地", "行业", "计划总投资（亿元）", "项目进度", None, "责任单位"]
    sub = [None, None, None, None, None, None, "签约时间", "开工时间", None]
    for c, (a, b) in enumerate(zip(top, sub, strict=True), start=1):
        ws.cell(2, c, a)
        ws.cell(3, c, b)
    for c in (1, 2, 3, 4, 5, 6, 9):
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    ws.merge_cells("G2:H2")
    ws["A4"] = "一、物流项目"
    ws.merge_cells("A4:I4")  # a section row merged across the table
    ws.append([1, "一期", "重庆某公司", "重庆", "现代物流", 2, "2024.3.1", "2024.9.1", "市发改委"])
    ws.append([2, "二期", "重庆某公司", "重庆", "现代物流", 3, "2024.4.1", "", None])
    ws.merge_cells("I5:I6")  # one 责任单位 for both rows
    result = read_ledger(save(wb), "two.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    assert result.month == "2024-12"  # an annual ledger: its month is December
    assert [(p.id, p.department, p.origin_region) for p in result.projects] == [
        ("一期", "drc", "500000"),
        ("二期", "drc", "500000"),
    ]
    assert [(m.stage, m.on) for m in result.projects[0].milestones] == [(Stage.STARTED, date(2024, 9, 1))]


def test_errors_are_located_and_nothing_is_imported() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][8] = "2024.1.5"  # 开工 before 签约 2024-02-01                     → R5C9
    rows[2][6] = "去年春天"  # unreadable date                                  → R6C7
    rows.append([4, "富硒茶精深加工", "浙江某茶业有限公司", "浙江", "农产品精深加工", 1, "2024.6.1",
                 "", "", "", "", "", "市投促局", "", ""])  # fmt: skip  # duplicate of row 4  → R7C2
    rows.append([5, "火星基地", "某公司", "火星", "其他", 1, "2024.6.1",
                 "", "", "", "", "", "市投促局", "", ""])  # fmt: skip  # unknown region      → R8C4
    result = read_ledger(ledger_book(rows), "台账.xlsx")
    assert not result.ok and result.projects == () and result.cumulative_funds == ()
    errors = {p.location: p.message for p in result.errors}
    assert set(errors) == {
        "台账.xlsx!项目台账!R5C9",
        "台账.xlsx!项目台账!R6C7",
        "台账.xlsx!项目台账!R7C2",
        "台账.xlsx!项目台账!R8C4",
    }
    assert "未知地区" in errors["台账.xlsx!项目台账!R8C4"]
    assert "早于签约时间" in errors["台账.xlsx!项目台账!R5C9"] and "out of order" in errors["台账.xlsx!项目台账!R5C9"]
    assert "无法识别的日期" in errors["台账.xlsx!项目台账!R6C7"]
    assert "项目重复，与第4行相同" in errors["台账.xlsx!项目台账!R7C2"]


def test_missing_columns_units_and_headers() -> None:
    no_department = [h if h != "责任单位" else "联系人" for h in HEADER]
    result = read_ledger(ledger_book(header=no_department), "台账.xlsx")
    assert [str(p) for p in result.errors] == ["台账.xlsx!项目台账!R3: 缺少必填列“责任单位” (required column missing)"]
    no_unit = [h.replace("（亿元）", "") for h in HEADER]
    result = read_ledger(ledger_book(header=no_unit, unit_row=None), "台账.xlsx")
    assert not result.ok and {p.column for p in result.errors} == {6}  # 计划总投资 has no unit anywhere
    assert read_ledger(ledger_book(header=no_unit), "台账.xlsx").projects[0].planned_investment == Decimal("12.5")
    wb = openpyxl.Workbook()
    wb.active.append(["说明", "本表无数据"])
    assert "没有找到招商项目台账表头" in read_ledger(save(wb), "x.xlsx").errors[0].message
    assert "文件为空" in read_ledger(b"", "empty.xlsx").errors[0].message
