"""Browser test: headless Chromium (Debian's /usr/bin/chromium) drives the real cockpit pages."""

from __future__ import annotations

import os

import pytest

from kaifang.observations import ingest
from tests.conftest import access

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

GDP = {"511900": 870.51, "511902": 301.2, "511903": 101.4, "511921": 170.3, "511922": 146.8, "511923": 150.8}


@pytest.fixture
def with_gdp(platform):
    rows = []
    for code, v2024 in GDP.items():
        rows += [
            {"indicator": "GDP", "ref_area": code, "time_period": "2023", "obs_value": round(v2024 / 1.05, 2)},
            {"indicator": "GDP", "ref_area": code, "time_period": "2024", "obs_value": v2024},
        ]
    rows.append({"indicator": "GDP", "ref_area": "511700", "time_period": "2024", "obs_value": 2831.6})
    ingest.submit(
        platform.workspace,
        rows,
        access=access(platform.users["stats"], platform.workspace),
        user=platform.users["stats"],
    )
    return platform


def test_login_cockpit_indicator_chart_and_json_twin(with_gdp, live_server, page):
    page.goto(f"{live_server.url}/w/bazhong/")
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "pw-leader")
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/")
    assert "驾驶舱总览" in page.content()
    page.click("text=指标浏览")
    page.fill("input[name=q]", "地区生产总值")
    page.wait_for_selector("#rows a:has-text('地区生产总值')")
    page.click("#rows a:has-text('地区生产总值')")
    page.wait_for_selector("#series-chart canvas")
    option = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('series-chart')).getOption()")
    assert len(option["series"]) == 6  # 巴中市 and its five districts/counties
    assert option["xAxis"][0]["data"] == ["2023", "2024"]
    chart = {s["name"]: s["data"] for s in option["series"]}
    assert chart["巴中市"][1] == 870.51
    twin = page.request.get(live_server.url + page.locator("#json-twin").get_attribute("href")).json()
    assert {s["name"]: s["data"] for s in twin["series"]} == chart
    assert page.locator("#peer-chart canvas").count() == 1
    page.screenshot(path=os.environ.get("KAIFANG_SCREENSHOT", "/tmp/kaifang-indicator.png"), full_page=True)
