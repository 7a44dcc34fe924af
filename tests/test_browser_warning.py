"""Browser test: the warning pages in headless Chromium — the board's heat map, an alert acknowledged through
its page (the timeline grows), the index with its bands and stacked attribution, and the back-test's ROC curve."""

from __future__ import annotations

import os

import pytest

from kaifang.warning.demo_load import load_demo
from kaifang.warning.models import Alert
from tests.conftest import chart_option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def test_board_alert_index_and_backtest(platform, live_server, page) -> None:  # type: ignore[no-untyped-def]
    load_demo(platform.workspace, platform.users["analyst"])
    shots = os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp")
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(f"{live_server.url}/w/bazhong/warning/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "pw-analyst")
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/warning/")
    heat = chart_option(page, "warning-heat")
    rows = heat["yAxis"][0]["data"]
    assert rows[:3] == ["全市", "食品饮料", "生物医药"] and "银耳（通江银耳）" in rows
    assert len(heat["xAxis"][0]["data"]) == 36 and heat["xAxis"][0]["data"][-1] == "2026-10"
    values = heat["series"][0]["data"]
    assert {v[2] for v in values} == {0, 1, 2, 3}
    assert page.locator("table.board .lv-red").count() >= 2
    page.screenshot(path=f"{shots}/kaifang-warning-board.png", full_page=True)

    raised = Alert.objects.filter(workspace=platform.workspace, state="raised", industry__code="food").first()
    assert raised is not None
    page.goto(f"{live_server.url}/w/bazhong/warning/alerts/{raised.pk}/")
    series = chart_option(page, "warning-alert-series")
    assert len(series["series"][0]["markLine"]["data"]) == 3  # 蓝, 黄, 红 thresholds
    before = page.locator("ol.timeline li").count()
    page.fill("form.act:has(input[value=acknowledge]) input[name=note]", "已电话核实")
    page.click("form.act:has(input[value=acknowledge]) button")
    page.wait_for_url(f"**/alerts/{raised.pk}/")
    assert page.locator("ol.timeline li").count() == before + 1
    assert "已电话核实" in page.locator("ol.timeline li").last.inner_text()
    assert Alert.objects.get(pk=raised.pk).state == "acknowledged"

    page.goto(f"{live_server.url}/w/bazhong/warning/index/")
    line = chart_option(page, "warning-index")
    assert len(line["series"][0]["markArea"]["data"]) == 3
    stack = chart_option(page, "warning-attribution")
    bars = [s for s in stack["series"] if s["type"] == "bar"]
    assert len(bars) == 6 and all(s["stack"] == "c" for s in bars)
    page.screenshot(path=f"{shots}/kaifang-warning-index.png", full_page=True)

    page.goto(f"{live_server.url}/w/bazhong/warning/backtest/")
    roc = chart_option(page, "warning-backtest-roc")
    assert len(roc["series"][2]["data"]) == 3  # the calibrated 蓝, 黄, 红 on the ROC curve
    assert page.locator("table.metric tbody tr").count() == 3
