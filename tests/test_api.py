"""The REST API and the pages' JSON twins: permissions, isolation between workspaces, same numbers."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaifang.audit.models import AuditEntry
from kaifang.observations.models import Observation

URL = "/api/workspaces/bazhong/observations"
GDP = {"indicator": "GDP", "ref_area": "511900", "time_period": "2024", "obs_value": 870.51, "unit": "亿元"}
FDI = {"indicator": "FDI_ACTUAL", "ref_area": "511900", "time_period": "2024", "obs_value": 0.07, "unit": "亿美元"}


def client_for(platform, name):
    c = Client()
    assert c.login(username=name, password="pw-" + name)
    return c


def post(c, rows, url=URL):
    return c.post(url, data=json.dumps(rows), content_type="application/json")


def test_officer_submits_own_indicator(platform):
    r = post(client_for(platform, "commerce"), [FDI])
    assert r.status_code == 201, r.content
    assert r.json()["created"] == 1
    assert Observation.objects.get().value == pytest.approx(700.0)  # 0.07亿美元 = 700万美元
    assert AuditEntry.objects.filter(object_type="observations.ImportBatch").count() == 1


def test_officer_gets_403_for_another_departments_indicator(platform):
    r = post(client_for(platform, "commerce"), [GDP])
    assert r.status_code == 403
    assert r.json()["problems"][0]["column"] == "indicator"
    assert Observation.objects.count() == 0


def test_viewer_cannot_write_at_all(platform):
    r = post(client_for(platform, "leader"), [FDI])
    assert r.status_code == 403
    assert Observation.objects.count() == 0


def test_bad_rows_get_400_with_locations(platform):
    r = post(client_for(platform, "admin"), [GDP, {**GDP, "time_period": "2024年13月"}])
    assert r.status_code == 400
    assert r.json()["problems"] == [{"row": 2, "column": "time_period", "message": r.json()["problems"][0]["message"]}]
    assert "2024年13月" in r.json()["problems"][0]["message"]


def test_anonymous_requests_are_refused(platform):
    assert Client().get(URL).status_code == 401
    assert Client().get("/w/bazhong/").status_code == 302  # to the login page


def test_a_user_of_one_workspace_cannot_read_another(platform):
    post(client_for(platform, "admin"), [GDP])
    other = client_for(platform, "dazhou")
    assert other.get(URL).status_code == 404
    assert other.get("/w/bazhong/").status_code == 404
    assert other.get("/w/bazhong/indicators/GDP.json").status_code == 404
    assert other.get("/w/dazhou/indicators/GDP.json").json()["series"][0]["data"] == []
    assert [w["code"] for w in other.get("/api/workspaces").json()] == ["dazhou"]


def test_json_twin_and_api_return_the_same_numbers(platform):
    c = client_for(platform, "admin")
    post(
        c, [GDP, {**GDP, "time_period": "2023", "obs_value": 823.0}, {**GDP, "ref_area": "511700", "obs_value": 2831.6}]
    )
    twin = c.get("/w/bazhong/indicators/GDP.json").json()
    api = c.get("/api/workspaces/bazhong/indicators/GDP").json()
    assert twin == api
    assert twin["periods"] == ["2023", "2024"]
    assert twin["series"][0]["data"] == [823.0, 870.51]
    assert twin["growth"]["rows"][-1]["yoy"] == pytest.approx((870.51 / 823.0 - 1) * 100)
    assert [r["ref_area"] for r in twin["peers"]["rows"]] == ["511700", "511900"]
    page = c.get("/w/bazhong/indicators/GDP/")
    assert page.status_code == 200 and "870.51" in page.content.decode()


def test_audit_log_is_for_administrators(platform):
    post(client_for(platform, "admin"), [GDP])
    assert client_for(platform, "analyst").get("/w/bazhong/audit.json").status_code == 403
    entries = client_for(platform, "admin").get("/w/bazhong/audit.json").json()["entries"]
    assert entries[0]["actor"] == "admin" and entries[0]["after"]["cells"][0]["obs_value"] == 870.51


def test_openapi_documents_every_route(platform):
    schema = client_for(platform, "admin").get("/api/openapi.json").json()
    assert {
        "/api/workspaces/{ws}/observations",
        "/api/workspaces/{ws}/indicators/{code}",
        "/api/workspaces/{ws}/cockpit",
    } <= set(schema["paths"])
    assert client_for(platform, "admin").get("/api/docs").status_code == 200


def test_reads_answer_400_for_a_malformed_as_of_or_basis_and_keep_chinese_unescaped(platform):
    c = client_for(platform, "leader")
    assert c.get(URL, {"as_of": "去年"}).status_code == 400
    assert c.get(URL, {"basis": "当月"}).status_code == 400
    assert c.get("/w/bazhong/indicators/GDP/", {"as_of": "2024-13-45"}).status_code == 400
    body = c.get("/api/workspaces/bazhong/indicators/GDP").content.decode()
    assert "亿元" in body and "\\u4ebf" not in body


def test_as_of_a_date_means_the_end_of_that_day(platform):
    import datetime as dt

    from kaifang.cockpit.views import parse_as_of

    end = parse_as_of("2025-06-30")
    assert end is not None and end.date() == dt.date(2025, 6, 30) and (end.hour, end.minute) == (23, 59)
