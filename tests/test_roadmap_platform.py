"""The roadmap on the platform (S3): 月度调度 reports with evidence, lights from reports and observations, target
revisions that never rewrite an assessment, the dispatch board, the annual score of a small department set by
hand, reminders, the 容错 registry, access rules and the pages' JSON twins."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from kaifang.accounts.models import Department
from kaifang.audit.models import AuditEntry
from kaifang.collection.workflow import stored_file
from kaifang.roadmap import registry, workflow
from kaifang.roadmap.assess import assess_all, assessment_at, finalise
from kaifang.roadmap.board import board, report_counts
from kaifang.roadmap.models import EvidenceFile, Kpi, KpiValue, Policy, ProgressReport, Task
from kaifang.roadmap.reminders import reminders
from kaifang.roadmap.scores import annual, xlsx
from kaifang.roadmap.workflow import RoadmapError
from tests.conftest import access

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def make_task(ws, title: str, lead: str, start: str = "2025-01", end: str = "2025-12") -> Task:  # type: ignore[no-untyped-def]
    policy = Policy.objects.filter(workspace=ws).first() or Policy.objects.create(
        workspace=ws, title="测试政策", doc_number="巴府发〔2025〕1号"
    )
    return Task.objects.create(
        workspace=ws,
        policy=policy,
        title=title,
        lead_department=Department.objects.get(code=lead),
        start_month=start,
        end_month=end,
    )


def make_kpi(task: Task, user, name: str, target: float, *, baseline: float = 0.0, weight: float = 1.0, **kw) -> Kpi:  # type: ignore[no-untyped-def]
    milestones = kw.pop("milestones", None)
    deadline = kw.pop("deadline", "2025-12")
    kpi = Kpi.objects.create(
        workspace=task.workspace,
        task=task,
        name=name,
        baseline=baseline,
        baseline_period=kw.pop("baseline_period", "2024-12"),
        weight=weight,
        lead_department=task.lead_department,
        **kw,
    )
    workflow.set_original_target(kpi, user, value=target, deadline=deadline, milestones=milestones)
    return kpi


def file(task: Task, who, platform, month: str, values: dict, day: str | None = None, **kw) -> ProgressReport:  # type: ignore[no-untyped-def]
    """File ``month``'s report as ``who`` on ``day`` (default: the 5th of the next month, on time)."""
    nxt = dt.date.fromisoformat(f"{month}-01") + dt.timedelta(days=32)
    day = day or f"{nxt:%Y-%m}-05"
    return workflow.file_report(
        task,
        access(platform.users[who], platform.workspace),
        platform.users[who],
        month=month,
        narrative=kw.pop("narrative", f"{month} 进展"),
        values={k.pk: str(v) for k, v in values.items()},
        today=dt.date.fromisoformat(day),
        filed_at=at(day),
        **kw,
    )


@pytest.fixture
def rm(platform):  # type: ignore[no-untyped-def]
    """商务局's task with a linear KPI: 0 → 12 over 2025 (one per month)."""
    task = make_task(platform.workspace, "推动RCEP规则落地", "commerce")
    kpi = make_kpi(task, platform.users["analyst"], "自主声明备案企业数", 12.0)
    return task, kpi


def light(ws, month: str, kpi: Kpi) -> dict:  # type: ignore[no-untyped-def]
    return next(r for r in assess_all(ws, month)["kpis"] if r["kpi"] == kpi.pk)


# --------------------------------------------------------------------------- 月度调度 reports


def test_officer_files_a_report_with_evidence(platform, rm):  # type: ignore[no-untyped-def]
    task, kpi = rm
    content = "佐证：备案企业名单".encode()
    r = file(task, "commerce", platform, "2025-03", {kpi: 3}, files=[("名单.txt", content)])
    assert r.department.code == "commerce" and r.filed_by.username == "commerce"
    assert KpiValue.objects.get(report=r, kpi=kpi).value == 3.0
    e = EvidenceFile.objects.get(report=r)
    digest = hashlib.sha256(content).hexdigest()
    assert (e.filename, e.sha256, e.size) == ("名单.txt", digest, len(content))
    assert stored_file(digest).read_bytes() == content  # content-addressed under DATA_DIR/uploads
    kinds = set(AuditEntry.objects.filter(workspace=platform.workspace).values_list("object_type", flat=True))
    assert {"roadmap.ProgressReport", "roadmap.KpiValue", "roadmap.EvidenceFile"} <= kinds


@pytest.mark.parametrize(
    ("who", "values", "files", "message"),
    [
        ("stats", {"kpi": "3"}, [], "牵头部门"),  # another department's officer
        ("leader", {"kpi": "3"}, [], "牵头部门"),  # a viewer
        ("commerce", {"kpi": "三"}, [], "完成值「自主声明备案企业数」：不是数字"),
        ("commerce", {"kpi": "3"}, [("big.bin", b"x" * (workflow.MAX_EVIDENCE_BYTES + 1))], "超过 20 MB"),
        ("commerce", {"kpi": "3"}, [("empty.txt", b"")], "文件为空"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(platform, rm, who, values, files, message):  # type: ignore[no-untyped-def]
    task, kpi = rm
    with pytest.raises(RoadmapError, match=message):
        workflow.file_report(
            task,
            access(platform.users[who], platform.workspace),
            platform.users[who],
            month="2025-03",
            narrative="进展",
            values={kpi.pk: values["kpi"]},
            files=files,
            today=dt.date(2025, 4, 5),
        )
    assert not ProgressReport.objects.exists() and not EvidenceFile.objects.exists()


def test_month_outside_the_task_or_in_the_future_is_refused(platform, rm):  # type: ignore[no-untyped-def]
    task, kpi = rm
    with pytest.raises(RoadmapError, match="不在任务期限"):
        file(task, "commerce", platform, "2026-01", {kpi: 1}, day="2026-02-05")
    with pytest.raises(RoadmapError, match="尚未到来"):
        file(task, "commerce", platform, "2025-06", {kpi: 1}, day="2025-05-20")


# --------------------------------------------------------------------------- lights from the reports


def test_lights_follow_the_schedule_and_two_missed_reports(platform, rm):  # type: ignore[no-untyped-def]
    task, kpi = rm
    ws = platform.workspace
    for m, v in [("2025-01", 1), ("2025-02", 2), ("2025-03", 2.4)]:
        file(task, "commerce", platform, m, {kpi: v})
    # 2025-03: expected 3 → f = 0.25; latest 2.4 → f = 0.2; gap (0.25 − 0.2)·100 = 5 → green
    r = light(ws, "2025-03", kpi)
    assert (r["expected"], r["latest_value"], r["gap_pts"], r["light"]) == (3.0, 2.4, 5.0, "green")
    # 2025-04: no April report yet, latest is March's 2.4; expected 4 → gap (4/12 − 0.2)·100 = 13.33 → yellow
    r = light(ws, "2025-04", kpi)
    assert r["gap_pts"] == pytest.approx(40 / 3) and r["light"] == "yellow"
    # 2025-05: April and May both missing → red whatever the gap
    r = light(ws, "2025-05", kpi)
    assert (r["light"], r["reason"]) == ("red", "missed_reports")
    file(task, "commerce", platform, "2025-05", {kpi: 5}, day="2025-06-12")  # filed (late): the light changes
    r = light(ws, "2025-05", kpi)
    assert (r["light"], r["gap_pts"]) == ("green", 0.0)


def test_a_rejected_report_no_longer_counts(platform, rm):  # type: ignore[no-untyped-def]
    task, kpi = rm
    r = file(task, "commerce", platform, "2025-01", {kpi: 1})
    officer, an = platform.users["commerce"], platform.users["analyst"]
    with pytest.raises(RoadmapError, match="只有管理员或分析员"):
        workflow.reject_report(r, access(officer, platform.workspace), officer, "x")
    own = file(task, "analyst", platform, "2025-02", {kpi: 2})
    with pytest.raises(RoadmapError, match="四眼原则"):
        workflow.reject_report(own, access(an, platform.workspace), an, "x")
    with pytest.raises(RoadmapError, match="退回意见"):
        workflow.reject_report(r, access(an, platform.workspace), an, "  ")
    workflow.reject_report(r, access(an, platform.workspace), an, "佐证不足")
    assert light(platform.workspace, "2025-01", kpi)["light"] == "grey"  # nothing in force for January


def test_catalog_kpi_reads_the_observations_at_its_frequency(platform):  # type: ignore[no-untyped-def]
    from kaifang.accounts.access import Access
    from kaifang.accounts.models import Role
    from kaifang.catalog.models import Indicator
    from kaifang.observations import ingest

    ws = platform.workspace
    rows = [
        {"indicator": c, "ref_area": "511900", "time_period": q, "obs_value": v, "unit": "万元"}
        for q, e, p in [("2025Q1", 1000.0, 420.0), ("2025Q2", 1200.0, 540.0)]
        for c, v in (("RCEP_GI_EXPORT", e), ("RCEP_GI_PREF_EXPORT", p))
    ]
    ingest.submit(ws, rows, access=Access(ws, Role.ANALYST, None), user=platform.users["analyst"])
    task = make_task(ws, "RCEP", "customs", end="2027-12")
    kpi = make_kpi(
        task,
        platform.users["analyst"],
        "利用率",
        60.0,
        baseline=38.0,
        deadline="2027-12",
        indicator=Indicator.objects.get(code="RCEP_GI_UTILIZATION"),
        frequency="季",
    )
    # derived from its formula: 2025Q2 = 540 / 1200 · 100 = 45 (a quarter stands for its last month, 2025-06)
    r = light(ws, "2025-07", kpi)
    assert (r["latest_period"], r["latest_value"]) == ("2025-06", pytest.approx(45.0))
    # expected at 2025-07: 38 + 22 · 7/36 → f = 7/36; latest f = 7/22; gap = (7/36 − 7/22)·100 < 0 → green (ahead)
    assert r["gap_pts"] == pytest.approx((7 / 36 - 7 / 22) * 100) and r["light"] == "green"
    # a quarterly KPI's "two missed reports" span two quarters (6 months): 2025-12 still sees June's value
    assert light(ws, "2025-11", kpi)["reason"] == "gap"
    assert light(ws, "2025-12", kpi)["reason"] == "missed_reports"


# --------------------------------------------------------------------------- 动态优化调整


def test_revision_keeps_old_assessments(platform, rm):  # type: ignore[no-untyped-def]
    """An assessment made before a target revision still shows the old target and light afterwards."""
    task, kpi = rm
    ws, an, admin = platform.workspace, platform.users["analyst"], platform.users["admin"]
    for m, v in [("2025-05", 4.0), ("2025-06", 4.2)]:
        file(task, "commerce", platform, m, {kpi: v})
    # June, target 12 by 2025-12: expected 6 (f 0.5), latest 4.2 (f 0.35) → gap 15 → yellow
    before = finalise(ws, "2025-06", an, "2025Q2")
    row = before.rows.get(kpi=kpi)
    assert (row.target_value, row.gap_pts, row.light) == (12.0, 15.0, "yellow")

    with pytest.raises(RoadmapError, match="已过去"):  # a revision cannot reach back into assessed months
        workflow.request_revision(
            kpi,
            access(an, ws),
            an,
            value="8",
            deadline="2025-12",
            effective_from="2025-06",
            reason="x",
            today=dt.date(2025, 7, 3),
        )
    t = workflow.request_revision(
        kpi,
        access(an, ws),
        an,
        value="8",
        deadline="2025-12",
        effective_from="2025-07",
        reason="外部需求下降，目标下调",
        today=dt.date(2025, 7, 3),
    )
    assert light(ws, "2025-07", kpi)["target"] == 12.0  # pending: the old target is still in force
    with pytest.raises(RoadmapError, match="四眼原则"):
        workflow.decide_revision(t, access(an, ws), an, approve=True)
    workflow.decide_revision(t, access(admin, ws), admin, approve=True, comment="同意")

    row.refresh_from_db()  # the stored assessment is untouched
    assert (row.target_value, row.gap_pts, row.light) == (12.0, 15.0, "yellow")
    shown = {r["kpi"]: r for r in assessment_at(ws, "2025-06")["kpis"]}[kpi.pk]
    assert (shown["target"], shown["light"]) == (12.0, "yellow")
    live = light(ws, "2025-06", kpi)  # re-assessing June uses the target in force in June
    assert (live["target"], live["gap_pts"], live["light"]) == (12.0, 15.0, "yellow")
    # July under the new target 8: expected 4.2 + ... linear 0 → 8 over 12 months: 8·7/12; f = 7/12; latest 4.2/8
    july = light(ws, "2025-07", kpi)
    assert july["target"] == 8.0 and july["gap_pts"] == pytest.approx((7 / 12 - 4.2 / 8) * 100)
    assert kpi.targets.count() == 2  # history kept: the original row is unchanged
    assert kpi.targets.get(is_original=True).value == 12.0


def test_a_revision_on_the_wrong_side_of_the_baseline_is_refused(platform, rm):  # type: ignore[no-untyped-def]
    _, kpi = rm
    officer, stats = platform.users["commerce"], platform.users["stats"]  # the lead department may ask, others not
    with pytest.raises(RoadmapError, match="方向与目标不一致"):
        workflow.request_revision(
            kpi,
            access(officer, platform.workspace),
            officer,
            value="-5",
            deadline="2025-12",
            effective_from="2025-07",
            reason="x",
            today=dt.date(2025, 7, 1),
        )
    with pytest.raises(RoadmapError, match="牵头部门"):
        workflow.request_revision(
            kpi,
            access(stats, platform.workspace),
            stats,
            value="5",
            deadline="2025-12",
            effective_from="2025-07",
            reason="x",
            today=dt.date(2025, 7, 1),
        )
    assert kpi.targets.count() == 1


# --------------------------------------------------------------------------- board and annual score


def test_dispatch_board_statuses(platform, rm):  # type: ignore[no-untyped-def]
    task, kpi = rm
    other = make_task(platform.workspace, "统计监测", "stats")
    file(task, "commerce", platform, "2025-03", {kpi: 3})  # on time (April 5th)
    file(other, "stats", platform, "2025-02", {}, day="2025-03-14")  # late (due March 10th)
    b = board(platform.workspace, "2025-03", 10, today=dt.date(2025, 4, 20))
    rows = {d["department"]: d for d in b["departments"]}
    assert (rows["commerce"]["reported"], rows["stats"]["overdue"]) == (1, 1)
    assert b["due"] == "2025-04-10" and (b["reported"], b["overdue_now"]) == (1, 1)
    overdue = {(it["department"], it["month"]) for it in b["overdue"]}
    assert ("stats", "2025-01") in overdue and ("stats", "2025-02") not in overdue  # February was filed late
    assert ("commerce", "2025-01") in overdue and ("stats", "2025-03") in overdue
    assert board(platform.workspace, "2025-03", 10, today=dt.date(2025, 4, 8))["pending"] == 1  # not due yet


def test_annual_score_of_two_departments_by_hand(platform):  # type: ignore[no-untyped-def]
    """商务局 leads two KPIs (weights 2 and 1), 统计局 one; reports Jan–Mar 2025, reference date 2025-04-20."""
    ws, an = platform.workspace, platform.users["analyst"]
    t1 = make_task(ws, "商务任务", "commerce", end="2025-03")
    t2 = make_task(ws, "统计任务", "stats", end="2025-03")
    a = make_kpi(t1, an, "A", 12.0, weight=2.0)  # 0 → 12 over 2025
    b = make_kpi(t1, an, "B", 6.0, weight=1.0, baseline=10.0, deadline="2025-06", direction=-1)  # falls 10 → 6
    c = make_kpi(t2, an, "C", 100.0)
    file(t1, "commerce", platform, "2025-01", {a: 1, b: 9})
    file(t1, "commerce", platform, "2025-02", {a: 2, b: 8}, day="2025-03-12")  # late
    file(t1, "commerce", platform, "2025-03", {a: 3.6, b: 7})
    r = file(t2, "stats", platform, "2025-01", {c: 10})
    workflow.reject_report(r, access(an, ws), an, "数据错误")
    file(t2, "stats", platform, "2025-01", {c: 8}, day="2025-02-08")  # filed again, in time
    file(t2, "stats", platform, "2025-03", {c: 30})  # February never filed
    sheet = annual(ws, 2025, today=dt.date(2025, 4, 20))
    assert sheet["month"] == "2025-03"  # the last complete month
    d = {r["department"]: r for r in sheet["departments"]}
    # 商务局: A f = 3.6/12 = 0.3 → 30 points (w 2); B f = (7 − 10)/(6 − 10) = 0.75 → 75 (w 1)
    #   achievement (2·30 + 75)/3 = 45; timeliness 2/3 (February late); quality 3/3
    #   total 0.7·45 + 0.15·66.667 + 0.15·100 = 31.5 + 10 + 15 = 56.5
    assert d["commerce"]["achievement"] == pytest.approx(45.0)
    assert (d["commerce"]["due"], d["commerce"]["on_time"]) == (3, 2)
    assert d["commerce"]["total"] == pytest.approx(56.5)
    # 统计局: C f = 30/100 → 30; timeliness 2/3 (January re-filed in time, February missing, March on time)
    assert (d["stats"]["due"], d["stats"]["on_time"], d["stats"]["submitted"], d["stats"]["rejected"]) == (3, 2, 3, 1)
    #   quality (3 − 1)/3; total 0.7·30 + 0.15·66.667 + 0.15·66.667 = 21 + 10 + 10 = 41
    assert d["stats"]["quality"] == pytest.approx(200 / 3) and d["stats"]["total"] == pytest.approx(41.0)
    assert (d["commerce"]["rank"], d["stats"]["rank"]) == (1, 2)
    counts, _ = report_counts(ws, 2025, 10, dt.date(2025, 4, 20))
    assert counts.set_index("department").loc["stats", "submitted"] == 3

    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(xlsx(sheet, "巴中市")))
    assert wb.sheetnames == ["部门得分", "指标得分", "报送明细", "参数与公式"]
    first = [c.value for c in wb["部门得分"][3]]
    assert first[:3] == [1, "commerce", "市商务局"] and first[15] == pytest.approx(56.5)
    assert "0.7×45.0000（指标完成）" in first[16]
    assert len(list(wb["报送明细"].iter_rows(min_row=2))) == 6


# --------------------------------------------------------------------------- reminders and the registry


def test_validity_reminders(platform):  # type: ignore[no-untyped-def]
    ws = platform.workspace
    p = Policy.objects.create(workspace=ws, title="有效期将届满", valid_until=dt.date(2026, 1, 31))
    q = Policy.objects.create(
        workspace=ws, title="过渡期", transition_start=dt.date(2025, 12, 1), transition_end=dt.date(2026, 6, 30)
    )
    Policy.objects.create(workspace=ws, title="远期", valid_until=dt.date(2030, 1, 1))
    found = reminders(ws, 90, today=dt.date(2025, 11, 15))
    assert [(r["policy"], r["kind"], r["days"]) for r in found] == [
        (q.pk, "transition_opening", 16),
        (p.pk, "expiring", 77),
    ]
    found = reminders(ws, 90, today=dt.date(2026, 4, 10))
    assert [(r["policy"], r["kind"]) for r in found] == [(p.pk, "expired"), (q.pk, "transition_closing")]


def test_registry_files_logs_and_closes(platform):  # type: ignore[no-untyped-def]
    ws, an = platform.workspace, platform.users["analyst"]
    form = {
        "title": "保税研发试点",
        "department": "commerce",
        "scope": "经开区",
        "legal_basis_gap": "缺少依据",
        "risk": "料件流失",
        "risk_level": "high",
        "supervisor": "市商务局",
        "filed_on": "2025-06-10",
    }
    with pytest.raises(RoadmapError, match="法律依据缺口"):
        registry.file_measure(ws, access(an, ws), an, {**form, "legal_basis_gap": " "})
    m = registry.file_measure(ws, access(an, ws), an, form)
    officer = platform.users["commerce"]
    registry.add_entry(m, access(officer, ws), officer, on="2025-07-01", kind="check", note="抽查3家")
    m.refresh_from_db()
    assert m.status == "running"
    with pytest.raises(RoadmapError, match="实施部门"):
        registry.add_entry(
            m, access(platform.users["stats"], ws), platform.users["stats"], on="2025-07-01", kind="check", note="x"
        )
    with pytest.raises(RoadmapError, match="早于备案日期"):
        registry.add_entry(m, access(an, ws), an, on="2025-01-01", kind="check", note="x")
    registry.record_outcome(m, access(an, ws), an, outcome="promoted", note="复制推广", closed_on="2025-12-31")
    m.refresh_from_db()
    assert (m.status, m.outcome, m.log.count()) == ("closed", "promoted", 1)
    with pytest.raises(RoadmapError, match="已结束"):
        registry.add_entry(m, access(an, ws), an, on="2026-01-05", kind="check", note="x")


# --------------------------------------------------------------------------- pages, twins and access


def test_pages_json_twins_and_access(client, platform, rm):  # type: ignore[no-untyped-def]
    task, kpi = rm
    file(task, "commerce", platform, "2025-01", {kpi: 1})
    client.force_login(platform.users["leader"])
    tree = client.get("/w/bazhong/roadmap/tree.json?month=2025-01").json()
    k = tree["policies"][0]["tasks"][0]["kpis"][0]
    assert (k["name"], k["latest_value"], k["light"]) == ("自主声明备案企业数", 1.0, "green")
    detail = client.get(f"/w/bazhong/roadmap/kpis/{kpi.pk}.json?month=2025-01").json()
    assert detail["chart"]["schedule"][:2] == [0.0, 1.0] and detail["values"][0]["report"] > 0
    for url in [
        "",
        "board/",
        "quarterly/?quarter=2025Q1",
        "annual/?year=2025",
        "revisions/",
        "policies/",
        "registry/",
        f"tasks/{task.pk}/",
        f"kpis/{kpi.pk}/",
    ]:
        assert client.get(f"/w/bazhong/roadmap/{url}").status_code == 200, url
    assert client.get("/w/bazhong/roadmap/annual/bundle.zip?year=2025").status_code == 403  # viewers do not
    assert client.get("/w/bazhong/roadmap/board.json?month=2025-13").status_code == 400
    resp = client.post(f"/w/bazhong/roadmap/tasks/{task.pk}/report/", {"month": "2025-02", "narrative": "x"})
    assert resp.status_code == 302 and ProgressReport.objects.count() == 1  # a viewer cannot file
    client.force_login(platform.users["dazhou"])
    assert client.get("/w/bazhong/roadmap/tree.json").status_code == 404  # a foreign workspace does not exist
    client.force_login(platform.users["evaluator"])
    got = client.get("/w/bazhong/roadmap/annual/bundle.zip?year=2025")
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"


def test_edit_pages_create_a_kpi_with_its_target(client, platform, rm):  # type: ignore[no-untyped-def]
    task, _ = rm
    client.force_login(platform.users["commerce"])
    assert client.get("/w/bazhong/roadmap/edit/kpi/").status_code == 403
    client.force_login(platform.users["analyst"])
    data = {
        "task": task.pk,
        "name": "新指标",
        "unit": "家",
        "frequency": "月",
        "basis": "P",
        "direction": 1,
        "baseline": 5,
        "baseline_period": "2024-12",
        "weight": 1,
        "lead_department": task.lead_department_id,
        "position": 0,
        "target_value": 2,
        "target_deadline": "2025-12",
    }
    resp = client.post("/w/bazhong/roadmap/edit/kpi/", data)
    assert resp.status_code == 200 and "方向与目标不一致" in resp.content.decode()  # target below a rising baseline
    assert not Kpi.objects.filter(name="新指标").exists()
    resp = client.post("/w/bazhong/roadmap/edit/kpi/", {**data, "target_value": 9, "milestones": "2025-06:7"})
    made = Kpi.objects.get(name="新指标")
    assert resp.status_code == 302 and made.targets.get().milestones == [["2025-06", 7.0]]
