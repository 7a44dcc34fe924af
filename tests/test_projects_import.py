"""Importing a 招商项目台账 into the platform (kaifang.projects.importer, ``kaifang projects import``):
all or nothing, located errors, idempotent, cumulative funds turned into monthly flows, rolled up.

The workbook is the one of tests/test_projects_ledger.py (2024年1-6月, three projects):
富硒茶 (浙江杭州 330100, 市投促局, 注册 2024-03-15, 开工 2024-05-20, 累计 1 200 万元), 智能终端 (深圳 440300, 恩阳区,
开工 2024-06-01, 累计 35 000 万元), 康养 (越南, 市文广旅局, 终止 “投资方撤回”, nothing in place).
"""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from kaifang.audit.models import AuditEntry
from kaifang.observations.models import Observation
from kaifang.projects import models as m
from kaifang.projects.importer import import_ledger
from tests.conftest import access
from tests.test_projects_ledger import HEADER, ROWS, ledger_book


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def run(*args: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("projects", "import", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def funds(ws, period: str) -> float | None:  # type: ignore[no-untyped-def]
    found = Observation.objects.filter(workspace=ws, indicator__code="OUT_PROVINCE_FUNDS", period=period,
                                       superseded_at__isnull=True).first()  # fmt: skip
    return found.value if found else None


def counts() -> tuple[int, ...]:
    return tuple(k.objects.count() for k in (m.Project, m.MilestoneRecord, m.FundsRecord, m.StatusChange, m.LedgerFile))


def test_import_then_reimport_changes_nothing(platform, tmp_path) -> None:
    path = write(tmp_path, "台账2024上半年.xlsx", ledger_book())
    report = run(path, "--workspace", "bazhong", "--user", "analyst")
    assert report["ok"] and report["month"] == "2024-06"
    assert sorted(report["created"]) == sorted(["康养旅游综合体", "富硒茶精深加工", "智能终端产业园"])
    assert (report["milestones"], report["funds"], report["status_changes"]) == (3, 2, 1)
    p1 = m.Project.objects.get(code="富硒茶精深加工")
    assert [(r.stage, str(r.on), r.evidence) for r in p1.milestones.order_by("stage")] == [
        (2, "2024-03-15", "招商项目台账 台账2024上半年.xlsx!项目台账!R4C8"),
        (3, "2024-05-20", "招商项目台账 台账2024上半年.xlsx!项目台账!R4C9"),
    ]
    assert [(f.month, f.source_region, float(f.amount)) for f in p1.funds.all()] == [("2024-06", "330100", 0.12)]
    terminated = m.Project.objects.get(code="康养旅游综合体")
    assert (terminated.status, terminated.status_reason, str(terminated.status_on)) == (
        "终止",
        "投资方撤回",
        "2024-06-30",
    )
    ws = platform.workspace
    assert funds(ws, "2024-06") == 3.62  # 0.12 (杭州) + 3.5 (深圳); 越南 would be 境外
    assert funds(ws, "2024") is None  # the ledger is current to 2024-06-30: the year is not complete
    entry = AuditEntry.objects.get(object_type="projects.LedgerFile")
    assert entry.action == "import" and entry.workspace == ws and entry.after["milestones"] == 3
    before, audits = counts(), AuditEntry.objects.count()
    again = run(path, "--workspace", "bazhong", "--user", "analyst")
    assert again["already"] and again["ok"]
    assert counts() == before and AuditEntry.objects.count() == audits  # the same bytes: nothing at all


def test_the_next_month_becomes_flows_and_new_milestones(platform, tmp_path) -> None:
    ws = platform.workspace
    run(write(tmp_path, "a.xlsx", ledger_book()), "--workspace", "bazhong", "--user", "analyst")
    rows = [list(r) for r in ROWS]
    rows[0][9] = "2024-09-01"  # 富硒茶 投产
    rows[0][11] = 2000  # 累计 2 000 万元 (was 1 200)
    report = run(write(tmp_path, "b.xlsx", ledger_book(rows, title="2024年1-9月巴中市招商引资项目台账")),
                 "--workspace", "bazhong", "--user", "analyst")  # fmt: skip
    assert report["ok"] and report["month"] == "2024-09" and report["created"] == []
    assert (report["milestones"], report["funds"], report["status_changes"], report["unchanged"]) == (1, 1, 0, 3)
    p1 = m.Project.objects.get(code="富硒茶精深加工")
    assert sorted((f.month, float(f.amount)) for f in p1.funds.all()) == [("2024-06", 0.12), ("2024-09", 0.08)]
    assert funds(ws, "2024-09") == 0.08 and funds(ws, "2024-06") == 3.62
    rows[0][11] = 1000  # the cumulative amount falls below what is recorded
    rows[1][3] = "火星"  # and an unknown region
    before = counts()
    with pytest.raises(CommandError, match="未写入"):
        run(write(tmp_path, "c.xlsx", ledger_book(rows, title="2024年1-10月巴中市招商引资项目台账")),
            "--workspace", "bazhong", "--user", "analyst")  # fmt: skip
    assert counts() == before
    rows[1][3] = "广东省深圳市"
    report = import_ledger(ws, ledger_book(rows, title="2024年1-10月巴中市招商引资项目台账"), "c.xlsx",
                           platform.users["analyst"], access(platform.users["analyst"], ws))  # fmt: skip
    assert not report.ok and counts() == before
    assert report.errors == [
        {
            "location": "c.xlsx!项目台账!R4",
            "message": "累计到位资金 0.1000 亿元小于平台已记录的"
            " 2024-10 之前到位资金合计 0.2000 亿元 (cumulative funds below what is already recorded)",
        }
    ]


def test_located_errors_write_nothing(platform, tmp_path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][3] = "火星"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("projects", "import", write(tmp_path, "bad.xlsx", ledger_book(rows)), "--workspace", "bazhong",
                     "--user", "analyst", stderr=out, stdout=StringIO())  # fmt: skip
    assert "错误 bad.xlsx!项目台账!R5C4" in out.getvalue()
    assert counts() == (0, 0, 0, 0, 0) and not Observation.objects.exists()
    header = [*HEADER, "所属协议"]
    with_agreement = [[*r, "XY-404" if i == 0 else ""] for i, r in enumerate(ROWS)]
    report = import_ledger(platform.workspace, ledger_book(with_agreement, header), "x.xlsx", platform.users["analyst"],
                           access(platform.users["analyst"], platform.workspace))  # fmt: skip
    assert report.errors == [
        {"location": "x.xlsx!项目台账!R4", "message": "所属协议 XY-404 不存在 (unknown agreement)"}
    ]
    assert counts() == (0, 0, 0, 0, 0)


def test_dry_run_and_roles(platform, tmp_path) -> None:
    path = write(tmp_path, "a.xlsx", ledger_book())
    report = run(path, "--workspace", "bazhong", "--user", "analyst", "--dry-run")
    assert report["ok"] and report["dry_run"] and len(report["created"]) == 3 and report["milestones"] == 3
    assert counts() == (0, 0, 0, 0, 0) and not AuditEntry.objects.filter(object_type__startswith="projects").exists()
    with pytest.raises(CommandError, match="不是工作区"):
        run(path, "--workspace", "bazhong", "--user", "dazhou")
    officer = platform.users["commerce"]
    report = import_ledger(platform.workspace, ledger_book(), "a.xlsx", officer, access(officer, platform.workspace))
    assert len(report.errors) == 3 and all("不是本部门" in e["message"] for e in report.errors)
    leader = platform.users["leader"]
    assert not import_ledger(platform.workspace, ledger_book(), "a.xlsx", leader, access(leader, platform.workspace)).ok
    assert counts() == (0, 0, 0, 0, 0)


def test_import_page(platform) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(platform.users["analyst"])
    upload = SimpleUploadedFile("台账.xlsx", ledger_book())
    page = client.post("/w/bazhong/projects/import/", {"file": upload})
    assert page.status_code == 200 and "新增项目 3 个" in page.content.decode()
    assert m.LedgerFile.objects.get().imported_by == platform.users["analyst"]
    client.force_login(platform.users["leader"])
    assert client.post("/w/bazhong/projects/import/", {"file": SimpleUploadedFile("x.xlsx", b"x")}).status_code == 403


def test_stamps_never_after_now(platform, tmp_path) -> None:
    """A ledger of the current month is stamped now, not at the month's (future) end."""
    from django.utils import timezone

    today = timezone.localdate()
    rows = [list(r) for r in ROWS]
    title = f"{today.year}年{today.month}月巴中市招商引资项目台账"
    report = run(write(tmp_path, "now.xlsx", ledger_book(rows, title=title)),
                 "--workspace", "bazhong", "--user", "analyst")  # fmt: skip
    assert report["ok"]
    latest = m.MilestoneRecord.objects.order_by("-recorded_at").first()
    assert latest is not None and latest.recorded_at <= timezone.now()
    assert isinstance(latest.recorded_at, datetime)
