"""The adaptability assessment on the platform: the library loaded into a workspace, values read from stored
vintages (latest year, derived indicators), stored assessments with their snapshot, the pages, their JSON twins,
access rules, audited edits and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaifang.adaptability.demo_load import load_demo
from kaifang.adaptability.models import Assessment, PolicyModel, Prerequisite
from kaifang.adaptability.store import latest_values, run_assessment
from kaifang.audit.models import AuditEntry
from kaifang.observations import ingest
from tests.conftest import access

UTC = dt.UTC


def put(platform, rows: list[tuple[str, str, str, float]], when: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    ingest.submit(
        platform.workspace,
        [{"indicator": c, "ref_area": r, "time_period": p, "obs_value": v} for c, r, p, v in rows],
        access=access(platform.users["analyst"], platform.workspace),
        user=platform.users["analyst"],
        submitted_at=when,
    )


@pytest.fixture
def loaded(platform):  # type: ignore[no-untyped-def]
    t = dt.datetime(2025, 9, 1, tzinfo=UTC)
    put(
        platform,
        [
            ("GDP", "511900", "2023", 820.0),
            ("GDP", "511900", "2024", 870.51),
            ("TRADE_TOTAL", "511900", "2023", 9.0),
            ("TRADE_TOTAL", "511900", "2024", 10.9),  # → 外贸依存度 2024 = 10.9 / 870.51 × 100 = 1.2521 %
            ("FDI_ACTUAL", "511900", "2024", 700.0),
            ("FOREIGN_TRADE_FIRMS", "511900", "2022", 250.0),  # the latest year of this one is 2022
            ("BUSINESS_ENV_SCORE", "511900", "2024", 85.0),  # met (≥ 85)
            ("CUSTOMS_CLEARANCE_TIME", "511900", "2024", 30.0),
            ("LAND_AREA", "511900", "2024", 12293.0),
            ("INDUSTRY_VA_ABOVE_SCALE", "511900", "2024", 156.69),  # 18 % of GDP
        ],
        t,
    )
    stats = load_demo(platform.workspace, platform.users["analyst"])
    return platform, stats


def report_url(key: str, fmt: str = "") -> str:
    return reverse(f"adaptability:report{fmt}", kwargs={"ws": "bazhong", "key": key})


def test_latest_values_take_the_latest_year_per_indicator_with_vintage(loaded):
    platform, _ = loaded
    codes = ["TRADE_TOTAL", "FOREIGN_TRADE_FIRMS", "TRADE_DEPENDENCE", "RD_INTENSITY"]
    v = latest_values(platform.workspace, "511900", codes)
    assert v["TRADE_TOTAL"]["value"] == 10.9 and v["TRADE_TOTAL"]["year"] == "2024"
    assert v["FOREIGN_TRADE_FIRMS"]["year"] == "2022"
    assert v["TRADE_DEPENDENCE"]["value"] == pytest.approx(10.9 / 870.51 * 100)
    assert v["TRADE_DEPENDENCE"]["year"] == "2024" and len(v["TRADE_DEPENDENCE"]["observations"]) == 2
    assert v["TRADE_DEPENDENCE"]["submitted_at"].startswith("2025-09-01")
    assert "RD_INTENSITY" not in v  # no data


def test_demo_loads_nine_models_and_assesses_each(loaded):
    platform, stats = loaded
    assert stats["models"] == 9 and stats["assessed"] == 9
    assert load_demo(platform.workspace, platform.users["analyst"])["assessed"] == 0  # idempotent
    sip = PolicyModel.objects.get(workspace=platform.workspace, key="suzhou_sip")
    a = sip.assessments.get()
    r = a.result["readiness"]
    # policy: 外贸依存度 (w2) 1.2521/30, 实际利用外资 (w1) 700/50000 → (2·0.041737 + 0.014) / 3
    assert r["policy_industry"] == pytest.approx(100 * (2 * (10.9 / 870.51 * 100) / 30 + 700 / 50000) / 3)
    # reform: firms 250/1000, score met, clearance 24/30 → (0.25 + 1 + 0.8) / 3
    assert r["reform_conditions"] == pytest.approx(100 * (0.25 + 1 + 0.8) / 3)
    # positioning: 地均GDP (870.51/12293)/1, 工业占比 (156.69/870.51·100)/30 → mean
    assert r["positioning_endowment"] == pytest.approx(100 * ((870.51 / 12293) / 1 + 156.69 / 870.51 * 100 / 30) / 2)
    assert a.band == "unsuitable" and a.as_of_year == "2024"
    assert a.snapshot["values"]["FOREIGN_TRADE_FIRMS"]["year"] == "2022"
    assert a.overall == pytest.approx(sum(r.values()) / 3)
    assert [n["place"] for n in a.result["nearest"]][:1]  # reference places compared
    # the cockpit's card names the readiest model and counts the bands
    from kaifang.adaptability.pages import headline

    card = headline(platform.workspace)
    overall = {m.key: m.assessments.get().overall for m in PolicyModel.objects.filter(workspace=platform.workspace)}
    assert card is not None and card["models"] == 9
    assert card["best"]["key"] == max(overall, key=lambda k: overall[k])
    assert card["best"]["overall"] == pytest.approx(max(overall.values()))


def test_viewer_reads_but_cannot_edit_other_workspace_is_404(loaded, client):
    platform, _ = loaded
    p = Prerequisite.objects.filter(model__key="suzhou_sip", model__workspace=platform.workspace).first()
    client.force_login(platform.users["leader"])
    for url in [
        reverse("adaptability:library", kwargs={"ws": "bazhong"}),
        reverse("adaptability:matrix", kwargs={"ws": "bazhong"}),
        reverse("adaptability:model", kwargs={"ws": "bazhong", "key": "ruhr"}),
        report_url("ruhr"),
    ]:
        assert client.get(url).status_code == 200, url
    edit = reverse("adaptability:prerequisite-edit", kwargs={"ws": "bazhong", "pk": p.pk})
    assert client.post(edit, {"op": ">=", "needed": "1", "weight": "1"}).status_code == 403
    assert client.post(reverse("adaptability:assess", kwargs={"ws": "bazhong", "key": "ruhr"})).status_code == 403
    p.refresh_from_db()
    assert p.needed != 1
    client.force_login(platform.users["dazhou"])  # administrator of another workspace
    assert client.get(reverse("adaptability:library", kwargs={"ws": "bazhong"})).status_code == 404
    assert client.post(edit, {"op": ">=", "needed": "1", "weight": "1"}).status_code == 404
    # and its own workspace's edit route cannot reach bazhong's prerequisite
    other_edit = reverse("adaptability:prerequisite-edit", kwargs={"ws": "dazhou", "pk": p.pk})
    assert client.post(other_edit, {"op": ">=", "needed": "1", "weight": "1"}).status_code == 404


def test_an_edit_is_audited_versioned_and_old_assessments_keep_their_snapshot(loaded, client):
    platform, _ = loaded
    sip = PolicyModel.objects.get(workspace=platform.workspace, key="suzhou_sip")
    old = sip.assessments.get()
    old_result = json.dumps(old.result, sort_keys=True)
    p = sip.prerequisites.get(indicator__code="TRADE_DEPENDENCE")
    client.force_login(platform.users["analyst"])
    url = reverse("adaptability:prerequisite-edit", kwargs={"ws": "bazhong", "pk": p.pk})
    resp = client.post(url, {"op": ">=", "needed": "2.5", "weight": "2", "rationale": p.rationale})
    assert resp.status_code == 302
    p.refresh_from_db()
    sip.refresh_from_db()
    assert p.needed == 2.5 and sip.version == 2
    entry = AuditEntry.objects.filter(object_type="adaptability.Prerequisite", object_id=str(p.pk)).latest("id")
    assert entry.action == "update" and entry.before["needed"] == 30.0 and entry.after["needed"] == 2.5
    assert entry.workspace == platform.workspace and entry.actor == platform.users["analyst"]
    assert AuditEntry.objects.filter(object_type="adaptability.PolicyModel", action="update").exists()
    # the old assessment is unchanged and says it is stale
    old.refresh_from_db()
    assert json.dumps(old.result, sort_keys=True) == old_result
    assert next(c for c in old.snapshot["conditions"] if c["indicator"] == "TRADE_DEPENDENCE")["needed"] == 30
    stale = client.get(report_url("suzhou_sip", "-json") + f"?assessment={old.pk}").json()["assessment"]
    assert stale["stale"] is True and stale["model_version"] == 1 and stale["current_version"] == 2
    # a new assessment uses the new condition: 1.2521 ≥ 2.5? no → credit 0.5008
    resp = client.post(reverse("adaptability:assess", kwargs={"ws": "bazhong", "key": "suzhou_sip"}))
    assert resp.status_code == 302
    new = sip.assessments.order_by("-id").first()
    assert new.pk != old.pk and new.model_version == 2
    cond = next(c for c in new.result["conditions"] if c["indicator"] == "TRADE_DEPENDENCE")
    assert cond["credit"] == pytest.approx((10.9 / 870.51 * 100) / 2.5)
    # retire and restore: nothing deleted
    retire = reverse("adaptability:prerequisite-retire", kwargs={"ws": "bazhong", "pk": p.pk})
    client.post(retire)
    p.refresh_from_db()
    assert p.retired and Prerequisite.objects.filter(pk=p.pk).exists()
    sip.refresh_from_db()
    assert sip.version == 3
    assert run_assessment(platform.workspace, sip).result["readiness"]["policy_industry"] == pytest.approx(
        100 * 700 / 50000
    )


def test_add_refuses_bad_input_and_adds_good(loaded, client):
    platform, _ = loaded
    client.force_login(platform.users["admin"])
    url = reverse("adaptability:prerequisite-add", kwargs={"ws": "bazhong", "key": "ruhr"})
    n = Prerequisite.objects.filter(model__key="ruhr", model__workspace=platform.workspace).count()
    client.post(url, {"match": "reform_conditions", "indicator": "NOPE", "op": ">=", "needed": "1"})
    client.post(url, {"match": "reform_conditions", "indicator": "GEP", "op": ">", "needed": "1"})
    client.post(url, {"match": "reform_conditions", "indicator": "GEP", "op": ">=", "needed": "abc"})
    assert Prerequisite.objects.filter(model__key="ruhr", model__workspace=platform.workspace).count() == n
    client.post(url, {"match": "reform_conditions", "indicator": "GEP", "op": ">=", "needed": "3000", "weight": "1"})
    assert Prerequisite.objects.filter(model__key="ruhr", indicator__code="GEP").count() == 1


def test_json_twins_match_the_pages(loaded, client):
    platform, _ = loaded
    client.force_login(platform.users["leader"])
    data = client.get(report_url("suzhou_sip", "-json")).json()
    page = client.get(report_url("suzhou_sip"))
    assert page.context["data"] == data
    a = data["assessment"]
    html = page.content.decode()
    assert f"{a['overall']:.1f}" in html and a["verdict"] in html
    for g in a["gaps"]:
        assert g["name"] in html
    m = client.get(reverse("adaptability:matrix-json", kwargs={"ws": "bazhong"})).json()
    mp = client.get(reverse("adaptability:matrix", kwargs={"ws": "bazhong"}))
    assert mp.context["data"] == m and len(m["rows"]) == 9
    sip = next(r for r in m["rows"] if r["key"] == "suzhou_sip")
    assert sip["overall"] == pytest.approx(a["overall"])
    assert sip["readiness"]["policy_industry"] == pytest.approx(a["readiness"][0]["readiness"])
    lib = client.get(reverse("adaptability:library-json", kwargs={"ws": "bazhong"})).json()
    assert client.get(reverse("adaptability:library", kwargs={"ws": "bazhong"})).context["data"] == lib
    assert [len(g["items"]) for g in lib["models"][0]["groups"]] == [2, 3, 2]
    md = client.get(reverse("adaptability:model-json", kwargs={"ws": "bazhong", "key": "qingbaijiang"})).json()
    assert [r["region"] for r in md["references"]] == ["510100", "500000", "610100"]


def test_cli_load_and_assess(loaded, capsys):
    platform, _ = loaded
    call_command("adaptability", "load", "--workspace", "bazhong")
    assert "新增模式 0 个" in capsys.readouterr().out
    call_command("adaptability", "assess", "--workspace", "bazhong", "--model", "suzhou_sip", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert out[0]["model"] == "suzhou_sip" and out[0]["verdict"] == "不宜照搬"
    assert Assessment.objects.filter(model__key="suzhou_sip", workspace=platform.workspace).count() == 2
    call_command("adaptability", "assess", "--workspace", "bazhong")
    text = capsys.readouterr().out
    assert "苏州工业园区" in text and "特拉维夫创新社区" in text


def test_rest_api_matches_the_twins_and_assesses(loaded, client):
    platform, _ = loaded
    base = "/api/workspaces/bazhong/adaptability"
    client.force_login(platform.users["leader"])
    assert (
        client.get(f"{base}/matrix").json()
        == client.get(reverse("adaptability:matrix-json", kwargs={"ws": "bazhong"})).json()
    )
    assert client.get(f"{base}/models/suzhou_sip/report").json() == client.get(report_url("suzhou_sip", "-json")).json()
    assert len(client.get(base).json()["models"]) == 9
    assert client.post(f"{base}/models/suzhou_sip/assess").status_code == 403  # a viewer reads only
    client.force_login(platform.users["analyst"])
    before = Assessment.objects.filter(model__key="suzhou_sip").count()
    answer = client.post(f"{base}/models/suzhou_sip/assess")
    assert answer.status_code == 201 and Assessment.objects.filter(model__key="suzhou_sip").count() == before + 1
    assert answer.json()["assessment"]["overall"] == pytest.approx(
        Assessment.objects.filter(model__key="suzhou_sip").latest("id").overall
    )
    client.force_login(platform.users["dazhou"])
    assert client.get(f"{base}/matrix").status_code == 404
