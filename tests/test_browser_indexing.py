"""Browser test: the index pages in headless Chromium — the Sichuan map, the ranking, a region's radar."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from kaifang.indexing.builds import run_build
from tests.conftest import chart_option
from tests.test_indexing_platform import index  # noqa: F401 - the fixture: 3 cities, FDI and clearance time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def test_ranking_map_and_region_radar(platform, index, live_server, page):  # noqa: F811
    run_build(index, as_of=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
    page.goto(f"{live_server.url}/w/bazhong/index/")
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "pw-leader")
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/index/test/")
    mapped = chart_option(page, "index-map")  # the map is drawn once the Sichuan GeoJSON has loaded and decoded
    scored = {d["name"]: d["value"] for d in mapped["series"][0]["data"] if "value" in d}
    assert scored == {"巴中市": 25, "达州市": 75, "广元市": 50}
    assert len(mapped["series"][0]["data"]) == 21  # ECharts adds the map's other 18 prefectures, unscored
    assert page.locator("#index-map canvas").count() == 1
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() == 3 and "达州市" in rows.nth(0).inner_text() and "home" in rows.nth(2).get_attribute("class")
    shots = os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp")
    page.screenshot(path=f"{shots}/kaifang-index-ranking.png", full_page=True)
    page.click("table.ranking a:has-text('巴中市')")
    page.wait_for_url("**/units/511900/")
    radar = chart_option(page, "profile-radar")
    assert radar["series"][0]["data"][0]["name"] == "巴中市"
    assert radar["series"][0]["data"][0]["value"] == [0, 100]  # FDI and clearance time, normalised
    history = chart_option(page, "profile-history")
    assert history["series"][0]["data"] == [25]
