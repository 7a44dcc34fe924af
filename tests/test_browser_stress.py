"""Browser test: an analyst builds a scenario with the form, runs it on the regional table (the job is worked as the
worker would), watches it finish and reads the result's charts; then compares it with a library run."""

from __future__ import annotations

import os

import pytest

from kaifang.jobs.models import Job
from kaifang.jobs.runner import claim, run
from kaifang.stress.demo_load import load_demo
from kaifang.stress.models import IOTableRecord, StressRun
from tests.conftest import chart_option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def test_build_run_read_and_compare(platform, live_server, page) -> None:  # type: ignore[no-untyped-def]
    load_demo(platform.workspace, platform.users["analyst"])
    shots = os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp")
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(f"{live_server.url}/w/bazhong/stress/scenarios/new/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "pw-analyst")
    page.click("button[type=submit]")
    page.wait_for_url("**/stress/scenarios/new/")
    page.fill("input[name=key]", "food_plant")
    page.fill("input[name=name_zh]", "食品企业停产一个月")
    page.select_option("select[name=kind]", "custom")
    page.fill("input[name=size]", "0.3")
    page.fill("input[name=start]", "10")
    page.fill("input[name=duration]", "30")
    page.fill("input[name=horizon_days]", "180")
    page.check("input[name=sectors][value='06']")
    page.click("form.builder button")
    page.wait_for_url("**/stress/scenarios/*/")
    assert "食品企业停产一个月" in page.locator("h1").inner_text()
    assert "06" in page.locator("#stress-shocks").inner_text()

    regional = IOTableRecord.objects.get(workspace=platform.workspace, kind="regional")
    page.select_option("select[name=table]", str(regional.pk))
    page.click("#run-button")
    page.wait_for_url("**/stress/runs/*/")
    assert page.locator("#job-progress").count() == 1  # queued: the progress bar polls the job
    job = claim()
    assert job is not None and job.kind == "stress.run"
    run(job)
    assert Job.objects.get(pk=job.pk).state == "done"
    page.reload()
    ours = StressRun.objects.get(scenario__key="food_plant")
    bars = chart_option(page, "stress-sector-bars")
    assert bars["yAxis"][0]["data"][-1].startswith("06 ")  # the hardest-hit sector is the one shut, drawn on top
    daily = chart_option(page, "stress-daily")
    assert len(daily["xAxis"][0]["data"]) == 180
    assert min(daily["series"][0]["data"]) < 100.0
    loss = page.locator("[data-kpi=production_loss]").inner_text()
    assert f"{ours.totals['production_loss'] / 1e4:.2f}" in loss.replace(",", "")
    page.screenshot(path=f"{shots}/kaifang-stress-run.png", full_page=True)

    other = StressRun.objects.get(scenario__key="tariff_us")
    page.goto(f"{live_server.url}/w/bazhong/stress/")
    page.check(f"input[name=pick][value='{ours.pk}']")
    page.check(f"input[name=pick][value='{other.pk}']")
    page.click("#compare-button")
    page.wait_for_url("**/stress/compare/**")
    compare = chart_option(page, "stress-compare-bars")
    assert len(compare["series"]) == 2
    assert page.locator("#stress-compare-totals tbody tr").count() >= 5
    page.screenshot(path=f"{shots}/kaifang-stress-compare.png", full_page=True)
