"""Browser test: the adaptability matrix a leader reads, then an analyst relaxes one of 苏州工业园区's conditions,
re-assesses, and the gauge moves to the hand-computed readiness; the earlier assessment keeps its own figures.

Hand figures (fixture below): 外贸依存度 = 10.9 / 870.51 × 100 = 1.25215 %, 实际利用外资 700 万美元. The policy-industry
match of 苏州工业园区 has 外贸依存度 ≥ 30 (weight 2) and 实际利用外资 ≥ 50,000 (weight 1):
readiness = 100 · (2 · 1.25215/30 + 700/50,000) / 3 = 3.249; with 外贸依存度 ≥ 1 (met) it is 100 · (2 + 0.014) / 3
= 67.133."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from kaifang.adaptability.demo_load import load_demo
from kaifang.adaptability.models import Assessment
from kaifang.observations import ingest
from tests.conftest import access, chart_option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def test_matrix_edit_and_reassess(platform, live_server, page) -> None:  # type: ignore[no-untyped-def]
    rows = [("GDP", "2024", 870.51), ("TRADE_TOTAL", "2024", 10.9), ("FDI_ACTUAL", "2024", 700.0)]
    analyst = platform.users["analyst"]
    ingest.submit(
        platform.workspace,
        [{"indicator": c, "ref_area": "511900", "time_period": p, "obs_value": v} for c, p, v in rows],
        access=access(analyst, platform.workspace),
        user=analyst,
        submitted_at=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
    )
    load_demo(platform.workspace, analyst)
    shots = os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp")
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(f"{live_server.url}/w/bazhong/adaptability/matrix/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "pw-analyst")
    page.click("button[type=submit]")
    page.wait_for_url("**/adaptability/matrix/")
    heat = chart_option(page, "adaptability-heat")
    models = heat["yAxis"][0]["data"]
    assert len(models) == 9 and models[0] == "苏州工业园区"
    assert heat["xAxis"][0]["data"][:3] == ["政策供给与产业基础", "改革力度与现实条件", "战略定位与区域禀赋"]
    cell = next(v for v in heat["series"][0]["data"] if v[0] == 0 and v[1] == 0)
    assert cell[2] == pytest.approx(3.2, abs=0.05)
    page.screenshot(path=f"{shots}/kaifang-adaptability-matrix.png", full_page=True)
    first = Assessment.objects.filter(model__key="suzhou_sip").latest("id")

    page.goto(f"{live_server.url}/w/bazhong/adaptability/models/suzhou_sip/")
    row = page.locator("tr", has_text="外贸依存度").first
    row.locator("input[name=needed]").fill("1")
    row.locator("form.cond-form button").first.click()
    page.wait_for_url("**/models/suzhou_sip/")
    page.goto(f"{live_server.url}/w/bazhong/adaptability/models/suzhou_sip/report/")
    page.click("form.act button")
    page.wait_for_url("**/suzhou_sip/report/**")
    gauges = chart_option(page, "adaptability-gauges")
    assert gauges["series"][0]["data"][0]["value"] == pytest.approx(67.1)
    page.screenshot(path=f"{shots}/kaifang-adaptability-report.png", full_page=True)
    first.refresh_from_db()
    assert first.result["readiness"]["policy_industry"] == pytest.approx(3.2492, abs=1e-3)  # kept as computed
