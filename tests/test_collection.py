"""月度调度: long CSV exchange, upload → submit → review → vintages, the board, CLI and idempotent API."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest
from django.test import Client

from kaifang.audit.models import AuditEntry
from kaifang.collection import workflow
from kaifang.collection.board import board, due_date
from kaifang.collection.longcsv import LongFormatError, read_long_csv, write_long
from kaifang.collection.models import ReportingDuty, State, Submission
from kaifang.observations.models import Observation
from tests.conftest import access

GOOD = (
    "指标代码,地区代码,时期,数值,单位,口径\n"
    "FDI_ACTUAL,511900,2025-09,60,万美元,当月\n"
    "FDI_ACTUAL,巴中市,2025-10,0.007,亿美元,当月\n"
)
BAD = GOOD + "FDI_ACTUAL,511900,2025-13,1,万美元,当月\nGDP,511900,2025,870,亿元,\n"


def test_long_csv_reads_chinese_headers_in_gbk_and_labels_rows_by_line():
    df = read_long_csv(GOOD.encode("gbk"), "fdi.csv")
    assert list(df.index) == ["fdi.csv!R2", "fdi.csv!R3"]
    assert df.loc["fdi.csv!R3", ["indicator", "ref_area", "time_period", "obs_value", "unit", "basis"]].tolist() == [
        "FDI_ACTUAL",
        "巴中市",
        "2025-10",
        "0.007",
        "亿美元",
        "当月",
    ]
    assert read_long_csv(("\ufeff" + GOOD).encode("utf-8"), "x.csv").shape == (2, 9)


def test_long_csv_without_required_columns_is_refused_at_the_header():
    with pytest.raises(LongFormatError, match=r"x.csv!R1: 表头缺少必需列 ref_area"):
        read_long_csv(b"indicator,time_period,obs_value\nGDP,2024,1\n", "x.csv")
    with pytest.raises(LongFormatError, match="无法识别文件编码"):
        read_long_csv(b"indicator,ref_area\n\xff\xfe\xfa\xfb", "x.csv")


def test_sdmx_csv_export_has_the_dataflow_and_sdmx_names():
    df = pd.DataFrame(
        [
            {
                "indicator": "GDP",
                "ref_area": "511900",
                "time_period": "2024",
                "basis": "P",
                "obs_value": 870.51,
                "unit": "亿元",
                "obs_status": "F",
                "source": "年鉴",
                "note": "",
            }
        ]
    )
    lines = write_long(df, "sdmx-csv").decode().splitlines()
    assert lines[0] == "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,BASIS,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,SOURCE,COMMENT"
    assert lines[1] == "KAIFANG:OBSERVATIONS(1.0),GDP,511900,2024,P,870.51,亿元,A,年鉴,"


def _upload(p, who, text, name="fdi.csv"):
    return workflow.upload(p.workspace, access(p.users[who], p.workspace), p.users[who], name, text.encode())


def test_bad_rows_are_located_and_block_submission(platform):
    sub = _upload(platform, "commerce", BAD)
    where = {(e["row"], e["column"]) for e in sub.errors}
    assert where == {("fdi.csv!R4", "time_period"), ("fdi.csv!R5", "indicator")}  # GDP is the stats bureau's
    assert sub.rows == 2
    with pytest.raises(workflow.WorkflowError, match="2 处错误"):
        workflow.submit(sub, access(platform.users["commerce"], platform.workspace), platform.users["commerce"])
    assert Observation.objects.count() == 0


def test_upload_submit_approve_writes_vintages_and_audits_every_step(platform):
    p, officer, reviewer = platform, platform.users["commerce"], platform.users["analyst"]
    sub = _upload(p, "commerce", GOOD)
    assert (sub.errors, sub.rows, sub.period, sub.state) == ([], 2, "2025-10", State.UPLOADED)
    assert Observation.objects.count() == 0  # nothing before review
    workflow.submit(sub, access(officer, p.workspace), officer)
    with pytest.raises(workflow.WorkflowError, match="四眼原则"):
        workflow.review(sub, access(p.users["admin"], p.workspace), officer, approve=True)
    with pytest.raises(workflow.WorkflowError, match="审核"):
        workflow.review(sub, access(officer, p.workspace), officer, approve=True)
    done = workflow.review(sub, access(reviewer, p.workspace), reviewer, approve=True, comment="核对无误")
    assert done.state == State.APPROVED and done.batch is not None
    oct_ = Observation.objects.get(period="2025-10")
    assert (oct_.value, oct_.original_value, oct_.original_unit, oct_.batch_id) == (
        70.0,
        0.007,
        "亿美元",
        done.batch_id,
    )
    steps = AuditEntry.objects.filter(object_type="collection.Submission").order_by("id")
    assert [e.action for e in steps] == ["create", "update", "update"]
    assert steps.last().after["state"] == "approved" and steps.last().actor == reviewer


def test_the_same_file_again_changes_nothing(platform):
    first = _upload(platform, "commerce", GOOD)
    again = _upload(platform, "commerce", GOOD)
    assert again.pk == first.pk and Submission.objects.count() == 1


def test_rejection_needs_a_comment_and_allows_a_corrected_upload(platform):
    p = platform
    sub = _upload(p, "commerce", GOOD)
    workflow.submit(sub, access(p.users["commerce"], p.workspace), p.users["commerce"])
    reviewer = access(p.users["analyst"], p.workspace)
    with pytest.raises(workflow.WorkflowError, match="审核意见"):
        workflow.review(sub, reviewer, p.users["analyst"], approve=False)
    workflow.review(sub, reviewer, p.users["analyst"], approve=False, comment="10月数据待核实")
    assert Submission.objects.get().state == State.REJECTED and Observation.objects.count() == 0


def test_board_shows_who_reported_who_is_late_and_what_is_missing(platform):
    from kaifang.accounts.models import Department

    p = platform
    ReportingDuty.objects.create(workspace=p.workspace, department=Department.objects.get(code="commerce"), due_day=10)
    ReportingDuty.objects.create(workspace=p.workspace, department=Department.objects.get(code="stats"), due_day=15)
    assert due_date("2025-10", 10) == dt.date(2025, 11, 10) and due_date("2025-12", 31) == dt.date(2026, 1, 31)
    sub = _upload(p, "commerce", GOOD)
    workflow.submit(sub, access(p.users["commerce"], p.workspace), p.users["commerce"])
    workflow.review(sub, access(p.users["analyst"], p.workspace), p.users["analyst"], approve=True)
    rows = {r["department"]: r for r in board(p.workspace, "2025-10", today=dt.date(2025, 11, 20))["departments"]}
    missing = {k: [m["code"] for m in r["missing"]] for k, r in rows.items()}
    assert rows["commerce"]["status"] == "approved" and "FDI_ACTUAL" not in missing["commerce"]
    assert rows["commerce"]["late"] is True  # submitted today (2026), due 2025-11-10
    assert rows["stats"]["status"] == "missing" and rows["stats"]["late"] is True
    assert "INDUSTRY_VA_ABOVE_SCALE" in missing["stats"]


def test_idempotency_key_replays_the_first_answer(platform):
    c = Client()
    c.login(username="commerce", password="pw-commerce")
    rows = [{"indicator": "FDI_ACTUAL", "ref_area": "511900", "time_period": "2025-10", "obs_value": 70}]
    url = "/api/workspaces/bazhong/observations"
    first = c.post(url, json.dumps(rows), content_type="application/json", headers={"Idempotency-Key": "k-1"})
    again = c.post(url, json.dumps(rows), content_type="application/json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Observation.objects.count() == 1
    other = [{**rows[0], "obs_value": 71}]
    clash = c.post(url, json.dumps(other), content_type="application/json", headers={"Idempotency-Key": "k-1"})
    assert clash.status_code == 409 and Observation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_cli_import_is_all_or_nothing_and_export_round_trips(platform, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="gbk")
    with pytest.raises(CommandError, match="1 处错误"):  # the admin may write GDP; 2025-13 is no month
        call_command("import", str(bad), workspace="bazhong", user="admin")
    assert Observation.objects.count() == 0
    with pytest.raises(CommandError, match="只供管理员和分析员"):  # officers report through the web review
        call_command("import", str(good), workspace="bazhong", user="commerce")
    call_command("import", str(good), workspace="bazhong", user="analyst", dry_run=True)
    assert Observation.objects.count() == 0
    call_command("import", str(good), workspace="bazhong", user="analyst")
    assert sorted(Observation.objects.values_list("value", flat=True)) == [60.0, 70.0]
    out = tmp_path / "out.csv"
    call_command("export", workspace="bazhong", format="csv", output=str(out), indicator=["FDI_ACTUAL"])
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert back[["time_period", "obs_value", "unit"]].values.tolist() == [
        ["2025-09", 60.0, "万美元"],
        ["2025-10", 70.0, "万美元"],
    ]


def test_import_command_runs_as_a_console_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kaifang", "import", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--dry-run" in done.stdout


def test_a_generated_form_filled_in_and_uploaded_needs_no_template(platform, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    out = tmp_path / "form.xlsx"
    call_command("template", "xlsx", "commerce", workspace="bazhong", period="2025-10", output=str(out))
    wb = load_workbook(out)
    ws = wb.active
    assert ws["A3"].value == "指标代码" and ws["G3"].value == "数值"
    codes = {row[0].value for row in ws.iter_rows(min_row=4)}
    assert {"FDI_ACTUAL", "CHINA_EUROPE_TRAINS"} <= codes and "TRADE_DEPENDENCE" not in codes  # derived: no
    for row in ws.iter_rows(min_row=4):
        if row[0].value == "FDI_ACTUAL" and row[2].value == "511900":
            row[6].value = 70  # the officer types one figure and leaves the rest blank (未报)
    wb.save(out)
    sub = workflow.upload(
        platform.workspace,
        access(platform.users["commerce"], platform.workspace),
        platform.users["commerce"],
        "form.xlsx",
        out.read_bytes(),
    )
    assert sub.errors == []
    assert [(r["indicator"], r["ref_area"], r["time_period"], r["obs_value"]) for r in sub.staged] == [
        ("FDI_ACTUAL", "511900", "2025-10", 70)
    ]
    assert sub.staged[0]["row"] == "form.xlsx!2025-10报送表!R" + str(
        next(r[0].row for r in ws.iter_rows(min_row=4) if r[0].value == "FDI_ACTUAL" and r[2].value == "511900")
    )


def test_unit_like_columns_the_reader_does_not_know_are_refused():
    with pytest.raises(LongFormatError, match="无法识别的列「数值（万元）」"):
        read_long_csv("指标代码,地区代码,时期,数值（万元）\nGDP,511900,2024,1\n".encode(), "x.csv")


def test_upload_period_is_canonical_and_checked(platform):
    p = platform
    officer = access(p.users["commerce"], p.workspace)
    sub = workflow.upload(p.workspace, officer, p.users["commerce"], "a.csv", GOOD.encode(), period="2025年9月")
    assert sub.period == "2025-09"
    with pytest.raises(workflow.WorkflowError, match="报送月份"):
        workflow.upload(p.workspace, officer, p.users["commerce"], "b.csv", b"x", period="2025")


def test_a_mapping_template_is_saved_from_yaml_and_refused_with_reasons(platform, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from kaifang.collection.models import MappingTemplate

    good = tmp_path / "t.yaml"
    good.write_text("name: 社零分县\nrows: region\nwithin: '511900'\nvalues:\n- header: [一季度]\n"
                    "  indicator: RETAIL_SALES\n", encoding="utf-8")  # fmt: skip
    call_command("template", "save", str(good), "--workspace", "bazhong", "--department", "stats")
    saved = MappingTemplate.objects.get(name="社零分县")
    assert saved.spec["rows"] == "region" and saved.department.code == "stats"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nvalues: []\nsheeet: 月\n", encoding="utf-8")
    with pytest.raises(CommandError, match="sheeet"):
        call_command("template", "save", str(bad), "--workspace", "bazhong")
