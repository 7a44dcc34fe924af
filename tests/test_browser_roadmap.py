"""Browser test of the roadmap: a department officer files the monthly report with an evidence file and the KPI's
light turns from red (two missed reports) to green on the roadmap tree; the third-party evaluator downloads the
evidence bundle, and its script recomputes the scores exactly."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile

import pytest

from kaifang.roadmap import workflow
from tests.conftest import access
from tests.test_roadmap_platform import at, make_kpi, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp")


def login(browser, live_server, user):  # type: ignore[no-untyped-def]
    page = browser.new_context(accept_downloads=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "pw-" + user)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/")
    return page


def test_officer_report_turns_the_light_and_evaluator_recomputes(platform, live_server, browser, tmp_path):  # type: ignore[no-untyped-def]
    ws, officer_user = platform.workspace, platform.users["commerce"]
    task = make_task(ws, "推动RCEP规则全域落地", "commerce", start="2026-01", end="2026-12")
    kpi = make_kpi(
        task, platform.users["analyst"], "自主声明备案企业数", 12.0, baseline_period="2025-12", deadline="2026-12"
    )
    for m in range(1, 9):  # January to August on schedule (1 a month); September and October not reported
        day = dt.date(2026, m + 1, 5)
        workflow.file_report(
            task,
            access(officer_user, ws),
            officer_user,
            month=f"2026-{m:02d}",
            narrative="按计划推进",
            values={kpi.pk: str(m)},
            today=day,
            filed_at=at(day.isoformat()),
        )

    page = login(browser, live_server, "commerce")
    page.goto(f"{live_server.url}/w/bazhong/roadmap/?month=2026-10")
    light = page.locator(f"tr[data-kpi='{kpi.pk}'] .light")
    assert light.get_attribute("data-light") == "red" and light.inner_text().strip() == "红"
    page.click(f"a:has-text('{task.title}')")
    page.wait_for_selector("#report-form")
    assert page.input_value("#month") == "2026-10"
    page.fill("#narrative", "10月新增备案企业2家，累计10家。")
    page.fill(f"#kpi-{kpi.pk}", "10")
    evidence = tmp_path / "10月备案名单.txt"
    evidence.write_text("备案企业名单（示例）：A公司、B公司", encoding="utf-8")
    page.set_input_files("#evidence", str(evidence))
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/roadmap/?month=2026-10")
    assert "已报送 2026-10 月度进展" in page.locator(".notice.success").inner_text()
    light = page.locator(f"tr[data-kpi='{kpi.pk}'] .light")
    assert light.get_attribute("data-light") == "green" and light.inner_text().strip() == "绿"
    row = page.locator(f"tr[data-kpi='{kpi.pk}']").inner_text()
    assert "10" in row and "2026-10" in row
    page.screenshot(path=f"{SHOTS}/kaifang-roadmap-tree.png", full_page=True)

    evaluator = login(browser, live_server, "evaluator")
    evaluator.goto(f"{live_server.url}/w/bazhong/roadmap/annual/?year=2026")
    assert evaluator.locator("#ranking tbody tr").first.inner_text().startswith("1")
    evaluator.screenshot(path=f"{SHOTS}/kaifang-roadmap-annual.png", full_page=True)
    with evaluator.expect_download() as info:
        evaluator.click("#bundle")
    bundle = tmp_path / "bundle.zip"
    info.value.save_as(bundle)
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)
    files = list((folder / "evidence").rglob("*.txt"))
    assert (
        len(files) == 1
        and hashlib.sha256(files[0].read_bytes()).digest() == hashlib.sha256(evidence.read_bytes()).digest()
    )
    run = subprocess.run([sys.executable, "recompute.py"], cwd=folder, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "全部一致：1 个指标、1 个部门" in run.stdout
