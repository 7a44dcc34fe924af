"""A statistics-office workbook through a saved mapping template: upload → approve → vintages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kaifang.collection import workflow
from kaifang.collection.models import MappingTemplate, State, Submission
from kaifang.observations.models import Observation
from tests.conftest import access
from tests.test_readers_layout import county_table, monthly_report
from tests.test_readers_mapping import COMMERCE, COUNTIES


@pytest.fixture
def template(platform):
    spec = COMMERCE.to_dict()
    spec["labels"] = {**spec["labels"], "外贸企业数": "FOREIGN_TRADE_FIRMS"}  # the catalog says 外贸备案企业数
    return MappingTemplate.objects.create(workspace=platform.workspace, name=COMMERCE.name, spec=spec)


def edited(change, data: bytes | None = None) -> bytes:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(data or monthly_report()))
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def without_firm_rows(wb) -> None:  # type: ignore[no-untyped-def]
    for ws in wb.worksheets:
        ws.delete_rows(9)  # the officer drops the 外贸企业数 line, which is not a monthly figure here


def test_a_two_sheet_report_maps_validates_and_lands_as_vintages(platform, template):
    p, analyst, admin = platform, platform.users["analyst"], platform.users["admin"]
    first = workflow.upload(p.workspace, access(analyst, p.workspace), analyst, "商务局.xlsx", monthly_report(),
                            template=template)  # fmt: skip
    # 外贸企业数 is counted in 个 (the catalog: 家) and is a quarterly indicator: located, refused
    assert {(e["row"], e["column"]) for e in first.errors} == {
        (f"商务局.xlsx!{s}!R9{c}", col)
        for s in ("1-2月", "3月")
        for c in ("C3", "C5")
        for col in ("unit", "time_period")
    }
    assert first.rows == 15

    sub = workflow.upload(p.workspace, access(analyst, p.workspace), analyst, "商务局（修正）.xlsx",
                          edited(without_firm_rows), template=template)  # fmt: skip
    assert sub.errors == [] and sub.rows == 15
    assert not [w for w in sub.warnings if w["kind"] == "sum"]  # 出口 + 进口 = 进出口 in both sheets
    by = {(r["indicator"], r["time_period"], r["basis"]): r for r in sub.staged}
    assert (by[("TRADE_TOTAL", "2024-01/02", "P")]["obs_value"], by[("TRADE_TOTAL", "2024-01/02", "P")]["unit"]) == (
        1234.5,
        "万元",
    )  # as written
    assert by[("FDI_ACTUAL", "2024-02", "YTD")]["obs_value"] == 120.0
    assert by[("TRADE_TOTAL", "2024-01/02", "P")]["row"] == "商务局（修正）.xlsx!1-2月!R5C3"
    workflow.submit(sub, access(analyst, p.workspace), analyst)
    workflow.review(sub, access(admin, p.workspace), admin, approve=True)
    assert Submission.objects.get(pk=sub.pk).state == State.APPROVED
    jan_feb = Observation.objects.get(indicator__code="TRADE_TOTAL", period="2024-01/02", basis="P")
    assert jan_feb.value == pytest.approx(0.12345)  # 1234.5 万元 = 0.12345 亿元
    assert (jan_feb.original_value, jan_feb.original_unit) == (1234.5, "万元")
    ytd = Observation.objects.get(indicator__code="TRADE_TOTAL", period="2024-03", basis="YTD")
    assert ytd.value == pytest.approx(0.3568)
    assert Observation.objects.count() == 15


def test_a_total_that_does_not_add_up_is_a_warning_not_an_error(platform):
    """全市 = its five counties (a complete partition); 其中 items, as in the report above, are not checked."""
    counties = MappingTemplate.objects.create(workspace=platform.workspace, name=COUNTIES.name,
                                              spec=COUNTIES.to_dict())  # fmt: skip

    def change(wb) -> None:  # type: ignore[no-untyped-def]
        wb.active["B5"] = 41.1  # 巴州区 one 亿元 too many: 115.0 ≠ 114.0

    stats = platform.users["stats"]
    data = edited(change, county_table())
    sub = workflow.upload(platform.workspace, access(stats, platform.workspace), stats, "社零.xlsx", data,
                          template=counties)  # fmt: skip
    assert sub.errors == [] and sub.rows == 6
    [warning] = [w for w in sub.warnings if w["kind"] == "sum"]
    assert warning["row"] == "社零.xlsx!社零!R4C2"  # the 合计 cell
    assert "114" in warning["message"] and "115" in warning["message"]


def test_warnings_must_be_accepted_before_approval(platform):
    counties = MappingTemplate.objects.create(workspace=platform.workspace, name=COUNTIES.name,
                                              spec=COUNTIES.to_dict())  # fmt: skip
    stats, analyst = platform.users["stats"], platform.users["analyst"]
    data = edited(lambda wb: wb.active.__setitem__("B5", 41.1), county_table())
    sub = workflow.upload(platform.workspace, access(stats, platform.workspace), stats, "社零.xlsx", data,
                          template=counties)  # fmt: skip
    workflow.submit(sub, access(stats, platform.workspace), stats)
    reviewer = access(analyst, platform.workspace)
    with pytest.raises(workflow.WorkflowError, match="1 条警告"):
        workflow.review(sub, reviewer, analyst, approve=True)
    assert Observation.objects.count() == 0
    workflow.review(sub, reviewer, analyst, approve=True, accept_warnings=True, comment="县区数据已核实")
    assert Observation.objects.count() == 6
