"""Browser test of the ledger (issue 6): an officer records a milestone with evidence on a stalled project; the
funnel chart and the stalled list update. The ledger is the hand-counted one of tests/test_projects_platform.py,
measured at 2025-06-30: XM-4 (市商务局, signed 2024-09-01, nothing since) is stalled with XM-2; recording its
开工 on 2025-06-10 moves 注册 (implied) from 3 to 4 of 4 and 开工 from 2 to 3 of 4, and leaves XM-2 alone."""

from __future__ import annotations

import os

import pytest

from kaifang.projects import models as m
from tests.conftest import chart_option
from tests.test_projects_platform import build_small_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

AS_OF = "as_of=2025-06-30"


def funnel_and_stalled(page, base: str) -> tuple[list, list, list]:  # type: ignore[no-untyped-def,type-arg]
    page.goto(f"{base}/funnel/?year=2024&{AS_OF}")
    overall = chart_option(page, "funnel-chart")["series"][0]["data"]
    page.goto(f"{base}/stalled/?{AS_OF}")
    bars = chart_option(page, "stalled-bars")["series"][0]["data"]
    listed = page.locator("section.dept tbody tr").evaluate_all("rows => rows.map(r => r.dataset.project)")
    return overall, bars, listed


def test_record_a_milestone_with_evidence_and_see_the_funnel_and_stalled_list_update(
    platform, live_server, page, tmp_path
):  # type: ignore[no-untyped-def]
    projects = build_small_ledger(platform.workspace)
    xm4 = projects["XM-4"]
    base = f"{live_server.url}/w/bazhong/projects"
    page.goto(f"{base}/")
    page.fill("input[name=username]", "commerce")
    page.fill("input[name=password]", "pw-commerce")
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/projects/")

    overall, bars, listed = funnel_and_stalled(page, base)
    assert overall == [100, 75, 50, 25, 0]  # 签约 4, 注册 3, 开工 2, 投产 1, 达产 0 of 4
    assert bars == [2] and listed == ["XM-2", "XM-4"]

    page.goto(f"{base}/p/{xm4.pk}/?{AS_OF}")
    assert page.locator("#stalled-flag").is_visible()
    evidence = tmp_path / "开工报告.pdf"
    evidence.write_bytes("%PDF-1.4 开工报告（扫描件）".encode())
    page.select_option("#milestone-form select[name=stage]", "3")  # 开工
    page.fill("#milestone-form input[name=on]", "2025-06-10")
    page.set_input_files("#milestone-form input[name=evidence_file]", str(evidence))
    page.fill("#milestone-form input[name=note]", "现场核实")
    page.click("#milestone-form button[type=submit]")
    page.wait_for_url(f"**/p/{xm4.pk}/")
    assert "已记录开工：2025-06-10" in page.locator("p.notice.success").inner_text()
    assert "2025-06-10 开工" in page.locator("#project-timeline").inner_text()
    link = page.locator("#milestone-records a", has_text="开工报告.pdf")
    assert link.count() == 1
    record = m.MilestoneRecord.objects.get(project=xm4)
    assert (record.stage, str(record.on), record.recorded_by.username) == (3, "2025-06-10", "commerce")
    assert record.evidence_file is not None and record.evidence_file.size == evidence.stat().st_size
    shots = os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp")
    page.screenshot(path=f"{shots}/kaifang-projects-project.png", full_page=True)

    overall, bars, listed = funnel_and_stalled(page, base)
    assert overall == [100, 100, 75, 25, 0]  # XM-4 started: 注册 implied, 4 of 4; 开工 3 of 4
    assert bars == [1] and listed == ["XM-2"]
    page.screenshot(path=f"{shots}/kaifang-projects-stalled.png", full_page=True)
