"""The ledger on the platform (kaifang.projects models, writes, roll-up, pages, CLI): a small hand-counted ledger.

The fixture (measured at 2025-06-30):

    XY-1 深圳 440300 投资协议 2024-01-10 investment   XM-1 signed 2024-01-20: 注册 03-01, 开工 05-01, 投产 2025-03-01
    XY-2 越南 VNM 经贸合作协议 2024-03-01 commerce   XM-2 signed 2024-03-15: 开工 2024-08-01 (注册 skipped)
    XY-3 重庆 500000 框架协议 2024-06-01 drc (no project)
    XM-3 standalone 重庆, commerce, signed 2024-02-01: 注册 04-01, 开工 06-01 retracted (back to 注册), 终止 2025-01-15
    XM-4 standalone 西安, commerce, signed 2024-09-01: nothing since
    funds: XM-1 2024-05 深圳 2000万元, 2024-06 深圳 3000万元 + 成都 500万元 (省内); XM-2 2024-08 越南 1000万元 (境外);
           XM-3 2024-07 重庆 1.5亿元, corrected to 1.2亿元

Hand counts: funnel of the 4 projects 签约 4, 注册 3 (XM-2 implied), 开工 2 (XM-3 retracted), 投产 1, 达产 0; within 12
months 3 eligible (XM-4 not yet), 注册 3, 开工 2, 投产 0; agreements 2 of 3 reach 签约…开工; 落实率 2/3 (XY-3 has no
project); stalled (6 months) XM-2 (10 months since 开工) and XM-4 (9 months since 签约), XM-3 terminated is not;
省外到位资金 2024 = 0.2 + 0.3 + 1.2 = 1.7 亿元 (越南 is 境外, 成都 省内).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kaifang.audit.models import AuditEntry
from kaifang.observations.models import Observation
from kaifang.projects import models as m
from kaifang.projects import writes
from kaifang.projects.records import Stage, Status
from kaifang.projects.rollup import refresh
from kaifang.projects.store import ledger_date, ledger_for
from kaifang.projects.summary import summary
from tests.conftest import access

AS_OF = dt.date(2025, 6, 30)


def at(y: int, mo: int, d: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, mo, d, 12, 0))


def build_small_ledger(ws) -> dict[str, m.Project]:  # type: ignore[no-untyped-def]
    """The hand-counted ledger of the module docstring, rolled up."""
    agreements = {
        code: m.Agreement.objects.create(
            workspace=ws,
            code=code,
            title=title,
            partner_region=region,
            partner_kind=kind,
            kind=k,
            signed_on=on,
            department=dept,
            parties=["巴中市人民政府", "合作方"],
        )
        for code, title, region, kind, k, on, dept in [
            ("XY-1", "深圳投资协议", "440300", "city", "投资协议", dt.date(2024, 1, 10), "investment"),
            ("XY-2", "越南经贸合作协议", "VNM", "country", "经贸合作协议", dt.date(2024, 3, 1), "commerce"),
            ("XY-3", "重庆战略合作框架协议", "500000", "province", "战略合作框架协议", dt.date(2024, 6, 1), "drc"),
        ]
    }
    projects = {}
    for code, region, dept, on, agreement in [
        ("XM-1", "440300", "investment", dt.date(2024, 1, 20), "XY-1"),
        ("XM-2", "VNM", "commerce", dt.date(2024, 3, 15), "XY-2"),
        ("XM-3", "500000", "commerce", dt.date(2024, 2, 1), None),
        ("XM-4", "610100", "commerce", dt.date(2024, 9, 1), None),
    ]:
        projects[code] = m.Project.objects.create(
            workspace=ws, code=code, name=f"项目{code}", investor=f"投资方{code}", origin_region=region,
            sector="装备制造",
            planned_investment=Decimal("5"), department=dept, signed_on=on,
            agreement=agreements[agreement] if agreement else None,
        )  # fmt: skip
    ms = m.MilestoneRecord.objects.create
    ms(project=projects["XM-1"], stage=2, on=dt.date(2024, 3, 1), recorded_at=at(2024, 3, 5), evidence="营业执照")
    ms(project=projects["XM-1"], stage=3, on=dt.date(2024, 5, 1), recorded_at=at(2024, 5, 5), evidence="开工报告")
    ms(project=projects["XM-1"], stage=4, on=dt.date(2025, 3, 1), recorded_at=at(2025, 3, 5), evidence="投产报告")
    ms(project=projects["XM-2"], stage=3, on=dt.date(2024, 8, 1), recorded_at=at(2024, 8, 5), evidence="开工报告")
    ms(project=projects["XM-3"], stage=2, on=dt.date(2024, 4, 1), recorded_at=at(2024, 4, 5), evidence="营业执照")
    ms(project=projects["XM-3"], stage=3, on=dt.date(2024, 6, 1), recorded_at=at(2024, 6, 5), evidence="开工仪式")
    ms(project=projects["XM-3"], stage=3, on=None, retracted=True, recorded_at=at(2024, 7, 5), note="仅举行仪式")
    fr = m.FundsRecord.objects.create
    fr(
        project=projects["XM-1"],
        month="2024-05",
        source_region="440300",
        amount=2000,
        unit="万元",
        recorded_at=at(2024, 6, 1),
    )
    fr(
        project=projects["XM-1"],
        month="2024-06",
        source_region="440300",
        amount=3000,
        unit="万元",
        recorded_at=at(2024, 7, 1),
    )
    fr(
        project=projects["XM-1"],
        month="2024-06",
        source_region="510100",
        amount=500,
        unit="万元",
        recorded_at=at(2024, 7, 1),
    )
    fr(
        project=projects["XM-2"],
        month="2024-08",
        source_region="VNM",
        amount=1000,
        unit="万元",
        recorded_at=at(2024, 9, 1),
    )
    fr(
        project=projects["XM-3"],
        month="2024-07",
        source_region="500000",
        amount=Decimal("1.5"),
        unit="亿元",
        recorded_at=at(2024, 8, 1),
    )
    fr(
        project=projects["XM-3"],
        month="2024-07",
        source_region="500000",
        amount=Decimal("1.2"),
        unit="亿元",
        recorded_at=at(2024, 9, 1),
    )
    xm3 = projects["XM-3"]
    m.StatusChange.objects.create(
        project=xm3, status="终止", on=dt.date(2025, 1, 15), reason="投资方撤回", recorded_at=at(2025, 1, 16)
    )
    xm3.status, xm3.status_reason, xm3.status_on = "终止", "投资方撤回", dt.date(2025, 1, 15)
    xm3.save()
    refresh(ws)
    return projects


@pytest.fixture
def ledger(platform):  # type: ignore[no-untyped-def]
    return build_small_ledger(platform.workspace)


def current(ws, code: str, period: str) -> Observation:  # type: ignore[no-untyped-def]
    return Observation.objects.get(workspace=ws, indicator__code=code, region__code="511900", period=period,
                                   superseded_at__isnull=True)  # fmt: skip


def test_measures_match_the_hand_counts(platform, ledger) -> None:
    out = summary(ledger_for(platform.workspace), 2024, as_of=AS_OF)
    assert out["agreements"] == {
        "signed": 3,
        "cross_border": 1,
        "by_kind": {"战略合作框架协议": 1, "投资协议": 1, "经贸合作协议": 1},
    }
    assert out["projects"] == {"signed": 4, "stalled": 2, "stalled_months": 6}
    funnel = out["funnel"]["projects"]
    assert funnel["overall"] == {
        "eligible": 4,
        "shares": {"签约": 1.0, "注册": 0.75, "开工": 0.5, "投产": 0.25, "达产": 0.0},
    }
    assert funnel["within_12_months"] == {
        "eligible": 3,
        "shares": {"签约": 1.0, "注册": 1.0, "开工": 0.6667, "投产": 0.0, "达产": 0.0},
    }
    assert funnel["within_6_months"]["shares"]["开工"] == 0.5
    assert out["funnel"]["agreements"]["overall"]["shares"] == {
        "签约": 0.6667,
        "注册": 0.6667,
        "开工": 0.6667,
        "投产": 0.3333,
        "达产": 0.0,
    }
    rate = out["implementation_rate"]
    assert rate == {"substantive_stage": "注册", "months": 12, "signed": 3, "eligible": 3, "implemented": 2,
                    "pending": 0, "rate": 0.6667, "to_date": 0.6667}  # fmt: skip
    assert out["funds_in_place"] == {
        "unit": "亿元",
        "total": 1.85,
        "out_of_province": 1.7,
        "foreign": 0.1,
        "in_province": 0.05,
        "contributions": 4,
    }  # fmt: skip  (project, month) pairs
    assert ledger_date(platform.workspace) == dt.date(2025, 3, 1)  # XM-1's 投产 is the latest date the ledger mentions


def test_funds_roll_up_into_observations_with_lineage(platform, ledger) -> None:
    ws = platform.workspace
    values = {
        (o.indicator.code, o.period): o.value
        for o in Observation.objects.filter(workspace=ws).select_related("indicator")
    }
    assert values == {
        ("OUT_PROVINCE_FUNDS", "2024-05"): 0.2,
        ("OUT_PROVINCE_FUNDS", "2024-06"): 0.3,
        ("OUT_PROVINCE_FUNDS", "2024-07"): 1.2,
        ("OUT_PROVINCE_FUNDS", "2024"): 1.7,
        ("PROJECTS_SIGNED", "2024Q1"): 3,
        ("PROJECTS_SIGNED", "2024Q2"): 0,
        ("PROJECTS_SIGNED", "2024Q3"): 1,
        ("PROJECTS_SIGNED", "2024Q4"): 0,
        ("PROJECTS_SIGNED", "2024"): 4,
        ("PROJECTS_STARTED", "2024Q1"): 2,
        ("PROJECTS_STARTED", "2024Q2"): 0,
        ("PROJECTS_STARTED", "2024Q3"): 0,
        ("PROJECTS_STARTED", "2024Q4"): 0,
        ("PROJECTS_STARTED", "2024"): 2,
        ("CROSS_BORDER_AGREEMENTS", "2024Q1"): 1,
        ("CROSS_BORDER_AGREEMENTS", "2024Q2"): 0,
        ("CROSS_BORDER_AGREEMENTS", "2024Q3"): 0,
        ("CROSS_BORDER_AGREEMENTS", "2024Q4"): 0,
        ("CROSS_BORDER_AGREEMENTS", "2024"): 1,
    }  # fmt: skip  — 2025Q1 ends 2025-03-31, after the ledger's date (2025-03-01): not complete, not rolled up
    annual = current(ws, "OUT_PROVINCE_FUNDS", "2024")
    assert annual.source.startswith("项目台账") and annual.unit == "亿元"
    rows = m.RollupLineage.objects.filter(observation_id=annual.pk)
    assert sorted((r.project.code, r.month, r.source_region, r.amount) for r in rows) == [
        ("XM-1", "2024-05", "440300", Decimal("0.2")),
        ("XM-1", "2024-06", "440300", Decimal("0.3")),
        ("XM-3", "2024-07", "500000", Decimal("1.2")),  # the corrected figure, not 1.5
    ]
    started = m.RollupLineage.objects.filter(observation_id=current(ws, "PROJECTS_STARTED", "2024Q1").pk)
    assert sorted(r.project.code for r in started) == ["XM-1", "XM-2"]
    assert refresh(ws).batch_id is None  # nothing changed: no new vintage, no batch
    client = Client()
    client.force_login(platform.users["leader"])
    page = client.get(f"/w/bazhong/projects/lineage/{annual.pk}.json").json()
    assert page["count"] == 3 and page["sum"] == 1.7 and page["observation"]["value"] == 1.7
    # the indicator explorer shows 省外到位资金 and links each rolled-up vintage back to its projects
    explorer = client.get("/w/bazhong/indicators/OUT_PROVINCE_FUNDS.json?freq=年").json()
    [row] = [v for v in explorer["vintages"] if v["time_period"] == "2024"]
    assert row["id"] == annual.pk and row["projects_lineage"] is True and row["obs_value"] == 1.7
    assert (
        f"/w/bazhong/projects/lineage/{annual.pk}/"
        in client.get("/w/bazhong/indicators/OUT_PROVINCE_FUNDS/?freq=年").text
    )


def test_editing_funds_creates_a_new_vintage(platform, ledger) -> None:
    ws, analyst = platform.workspace, platform.users["analyst"]
    before = current(ws, "OUT_PROVINCE_FUNDS", "2024")
    writes.record_funds(ledger["XM-1"], access(analyst, ws), analyst, "2024-06", "深圳", Decimal("4000"), "万元",
                        evidence="银行进账单")  # fmt: skip
    after = current(ws, "OUT_PROVINCE_FUNDS", "2024")
    assert (before.value, after.value) == (1.7, 1.8) and after.pk != before.pk
    before.refresh_from_db()
    assert before.superseded_at == after.submitted_at  # superseded, never overwritten
    assert current(ws, "OUT_PROVINCE_FUNDS", "2024-06").value == 0.4
    assert current(ws, "OUT_PROVINCE_FUNDS", "2024-05").batch_id == before.batch_id  # unchanged cells untouched
    assert m.RollupLineage.objects.filter(observation_id=after.pk).count() == 3
    entry = AuditEntry.objects.filter(object_type="projects.FundsRecord").latest("at")
    assert entry.workspace == ws and entry.actor == analyst and float(entry.after["amount"]) == 4000
    client = Client()
    client.force_login(analyst)
    vintages = client.get("/w/bazhong/indicators/OUT_PROVINCE_FUNDS.json?freq=Y").json()["vintages"]
    cells = [(v["time_period"], v["obs_value"], v["current"]) for v in vintages if v["ref_area"] == "511900"]
    assert ("2024", 1.8, True) in cells and ("2024", 1.7, False) in cells


def test_who_may_record_a_milestone(platform, ledger) -> None:
    client = Client()
    url = f"/w/bazhong/projects/p/{ledger['XM-4'].pk}/milestones/"
    post = {"stage": "2", "on": "2025-05-01", "evidence": "营业执照复印件"}
    for user, code in [("leader", 403), ("evaluator", 403), ("stats", 403), ("dazhou", 404)]:
        client.force_login(platform.users[user])
        assert client.post(url, post).status_code == code, user
    client.force_login(platform.users["commerce"])
    other = client.post(f"/w/bazhong/projects/p/{ledger['XM-1'].pk}/milestones/", post)
    assert other.status_code == 403  # XM-1 is the investment bureau's project
    assert m.MilestoneRecord.objects.filter(project=ledger["XM-4"]).count() == 0
    ok = client.post(url, post)
    assert ok.status_code == 302
    assert list(ledger["XM-4"].milestones.values_list("stage", "on")) == [(2, dt.date(2025, 5, 1))]


def test_refused_milestones_write_nothing(platform, ledger) -> None:
    ws, officer = platform.workspace, platform.users["commerce"]
    acc = access(officer, ws)
    xm2 = ledger["XM-2"]
    n = m.MilestoneRecord.objects.count()
    cases = [
        (Stage.REGISTERED, dt.date(2024, 3, 1), "签约日期"),  # before the signing (2024-03-15)
        (Stage.PRODUCING, dt.date(2024, 7, 1), "早于已记录的开工"),  # before the recorded 开工 (2024-08-01)
        (Stage.REGISTERED, dt.date(2024, 9, 1), "晚于已记录的开工"),
        (Stage.STARTED, timezone.localdate() + dt.timedelta(days=2), "今天之后"),
    ]
    for stage, on, message in cases:
        with pytest.raises(writes.LedgerError, match=message):
            writes.record_milestone(xm2, acc, officer, stage, on, evidence="x")
    with pytest.raises(writes.LedgerError, match="证明材料"):
        writes.record_milestone(xm2, acc, officer, Stage.PRODUCING, dt.date(2025, 1, 1))
    with pytest.raises(writes.LedgerError, match="原因"):
        writes.retract_milestone(xm2, acc, officer, Stage.STARTED, "")
    with pytest.raises(writes.LedgerError, match="没有可撤销"):
        writes.retract_milestone(xm2, acc, officer, Stage.FULL, "误报")
    with pytest.raises(writes.LedgerError, match="原因"):
        writes.change_status(xm2, acc, officer, Status.STALLED, None, " ")
    assert m.MilestoneRecord.objects.count() == n and m.StatusChange.objects.filter(project=xm2).count() == 0
    client = Client()
    client.force_login(officer)
    page = client.post(
        f"/w/bazhong/projects/p/{xm2.pk}/milestones/", {"stage": "4", "on": "2024-07-01", "evidence": "x"}
    )
    assert page.status_code == 400 and "早于已记录的开工日期 2024-08-01" in page.content.decode()


def test_evidence_is_stored_by_hash_and_served_to_members(platform, ledger, settings) -> None:
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(platform.users["commerce"])
    content = "营业执照（扫描件）".encode()
    upload = SimpleUploadedFile("营业执照.pdf", content, content_type="application/pdf")
    r = client.post(f"/w/bazhong/projects/p/{ledger['XM-4'].pk}/milestones/",
                    {"stage": "2", "on": "2025-04-20", "evidence_file": upload})  # fmt: skip
    assert r.status_code == 302
    record = ledger["XM-4"].milestones.get()
    sha = hashlib.sha256(content).hexdigest()
    assert record.evidence_file.sha256 == sha and record.evidence_file.size == len(content)
    assert (settings.DATA_DIR / "uploads" / sha[:2] / sha).read_bytes() == content
    got = client.get(f"/w/bazhong/projects/evidence/{record.evidence_file.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == content
    client.force_login(platform.users["dazhou"])
    assert client.get(f"/w/bazhong/projects/evidence/{record.evidence_file.pk}/").status_code == 404
    with pytest.raises(writes.LedgerError, match="MB"):
        writes.keep_evidence(platform.workspace, None, "big.pdf", b"x" * (writes.MAX_EVIDENCE + 1))


def test_pages_and_json_twins(platform, ledger) -> None:
    client = Client()
    client.force_login(platform.users["leader"])
    q = "?as_of=2025-06-30"
    home = client.get(f"/w/bazhong/projects/summary.json{q}&year=2024").json()
    assert home["agreements"]["signed"] == 3 and home["implementation_rate"]["rate"] == 0.6667
    assert home["stalled_by_department"] == [{"department": "commerce", "name": "市商务局", "count": 2}]
    stalled = client.get(f"/w/bazhong/projects/stalled.json{q}").json()
    assert [(p["id"], p["stage"], p["months_without"]) for p in stalled["departments"][0]["projects"]] == [
        ("XM-2", "开工", 10), ("XM-4", "签约", 9)]  # fmt: skip
    funnel = client.get(f"/w/bazhong/projects/funnel.json{q}&year=2024").json()
    assert funnel["chart"][0]["reached"] == [4, 3, 2, 1, 0] and funnel["chart"][2]["eligible"] == 3
    by_dept = client.get(f"/w/bazhong/projects/funnel.json{q}&by=department").json()
    assert {g["key"]: g["eligible_overall"] for g in by_dept["groups"]} == {"commerce": 3, "investment": 1}
    listing = client.get(f"/w/bazhong/projects/ledger.json{q}&q=重庆").json()
    assert [p["id"] for p in listing["projects"]] == ["XM-3"] and listing["projects"][0]["stage"] == "注册"
    assert client.get(f"/w/bazhong/projects/ledger.json{q}&stalled=1").json()["total"] == 2
    regions = client.get(f"/w/bazhong/projects/regions.json{q}&year=2024").json()
    assert {r["code"]: r["funds"] for r in regions["regions"] if r["funds"]} == {
        "500000": 1.2, "440300": 0.5, "VNM": 0.1, "510100": 0.05}  # fmt: skip
    agreements = client.get(f"/w/bazhong/projects/agreements.json{q}").json()
    assert {a["id"]: a["state"] for a in agreements["agreements"]} == {"XY-1": "implemented", "XY-2": "implemented",
                                                                     "XY-3": "not"}  # fmt: skip
    xm3 = client.get(f"/w/bazhong/projects/p/{ledger['XM-3'].pk}.json").json()
    assert [s["recorded"] for s in xm3["stages"]] == ["2024-02-01", "2024-04-01", None, None, None]
    assert [r["in_force"] for r in xm3["milestones"]] == [True, False, False]  # 开工 superseded by its retraction
    funds = client.get("/w/bazhong/projects/funds.json?year=2024").json()
    assert funds["totals"] == {"out_of_province": 1.7, "foreign": 0.1, "in_province": 0.05, "all": 1.85}
    for url in ["", "ledger/", "funnel/", "regions/", "stalled/", "funds/", "agreements/",
                f"p/{ledger['XM-1'].pk}/", f"agreements/{ledger['XM-1'].agreement_id}/"]:  # fmt: skip
        page = client.get(f"/w/bazhong/projects/{url}{q}")
        assert page.status_code == 200, url
        assert "milestone-form" not in page.content.decode()  # a viewer sees no forms
    rows = client.get(f"/w/bazhong/projects/ledger/{q}&status=终止", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and 'data-project="XM-3"' in rows and 'data-project="XM-1"' not in rows  # htmx rows
    client.force_login(platform.users["commerce"])
    mine = client.get(f"/w/bazhong/projects/stalled/{q}").content.decode()
    assert 'class="card dept mine" data-department="commerce"' in mine  # flagged to the officer's department
    client.force_login(platform.users["dazhou"])
    assert client.get("/w/bazhong/projects/summary.json").status_code == 404
    assert client.get(f"/w/dazhou/projects/p/{ledger['XM-1'].pk}/").status_code == 404  # another workspace's project
    for url in ["", "ledger/", "funnel/?unit=agreements&by=kind", "regions/", "stalled/", "funds/", "agreements/"]:
        assert client.get(f"/w/dazhou/projects/{url}").status_code == 200, url  # an empty ledger
    assert client.get("/w/dazhou/projects/summary.json").json()["agreements"]["signed"] == 0


def test_new_agreement_and_project_forms(platform, ledger) -> None:
    client = Client()
    client.force_login(platform.users["commerce"])
    r = client.post("/w/bazhong/projects/agreements/new/", {
        "code": "XY-9", "title": "巴中—新加坡经贸合作协议", "parties": "巴中市人民政府、新加坡某商会",
        "partner": "新加坡",
        "kind": "经贸合作协议", "signed_on": "2025-05-20", "department": "commerce"})  # fmt: skip
    assert r.status_code == 302
    made = m.Agreement.objects.get(code="XY-9")
    assert (made.partner_region, made.partner_kind, made.parties) == (
        "SGP",
        "country",
        ["巴中市人民政府", "新加坡某商会"],
    )
    refused = client.post("/w/bazhong/projects/agreements/new/", {
        "code": "XY-10", "title": "x", "parties": "a", "partner": "重庆", "kind": "投资协议", "signed_on": "2025-05-20",
        "department": "investment"})  # fmt: skip
    assert refused.status_code == 400 and not m.Agreement.objects.filter(code="XY-10").exists()  # not its department
    r = client.post("/w/bazhong/projects/p/new/", {
        "code": "XM-9", "name": "冷链物流园", "investor": "某物流公司", "origin": "广东深圳", "sector": "现代物流",
        "planned_investment": "3.5", "department": "commerce", "signed_on": "2025-06-01",
        "agreement": "XY-9"})  # fmt: skip
    assert r.status_code == 302 and m.Project.objects.get(code="XM-9").agreement == made
    unknown = client.post("/w/bazhong/projects/p/new/", {
        "code": "XM-10", "name": "x", "investor": "x", "origin": "火星", "sector": "x", "planned_investment": "1",
        "department": "commerce", "signed_on": "2025-06-01"})  # fmt: skip
    assert unknown.status_code == 400 and not m.Project.objects.filter(code="XM-10").exists()
    client.force_login(platform.users["leader"])
    assert client.get("/w/bazhong/projects/p/new/").status_code == 403


def test_summary_command(platform, ledger) -> None:
    out = StringIO()
    call_command("projects", "summary", "--workspace", "bazhong", "--year", "2024", "--as-of", "2025-06-30",
                 "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["agreements"]["cross_border"] == 1 and data["funds_in_place"]["out_of_province"] == 1.7
    assert data["implementation_rate"]["rate"] == 0.6667
    text = StringIO()
    call_command(
        "projects", "summary", "--workspace", "bazhong", "--year", "2024", "--as-of", "2025-06-30", stdout=text
    )
    assert "签约协议 3 项，其中跨境 1 项" in text.getvalue() and "落实率（12个月内注册）：66.7%（2/3" in text.getvalue()


def test_the_demo_reset_still_deletes_a_workspace_with_a_ledger(platform, ledger) -> None:
    from kaifang.demo.load import reset

    analyst = platform.users["analyst"]
    doc = writes.keep_evidence(platform.workspace, analyst, "营业执照.pdf", b"%PDF")
    writes.record_milestone(ledger["XM-4"], access(analyst, platform.workspace), analyst, Stage.REGISTERED,
                            dt.date(2025, 5, 1), evidence_file=doc)  # fmt: skip
    reset()  # deletes the workspaces' observations, then the workspaces (agreements, projects, records cascade)
    assert not m.Project.objects.exists() and not m.RollupLineage.objects.exists()
    assert not m.EvidenceFile.objects.exists() and not m.Agreement.objects.exists()


def test_the_rollup_cells_are_pure() -> None:
    from tests.conftest import assert_pure

    assert_pure("kaifang.projects.indicators")
