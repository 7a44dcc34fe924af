"""Browser test of 月度调度: upload a messy workbook, see the problem cell highlighted in the sheet,
upload the corrected one, submit, approve as reviewer, and find the new vintage in the explorer."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook

from kaifang.collection.models import MappingTemplate, Submission
from tests.test_readers_layout import county_table
from tests.test_readers_mapping import COUNTIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login(browser, live_server, user):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "pw-" + user)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/")
    return page


def upload(page, path, template_name):
    page.click("text=数据报送")
    page.set_input_files("input[type=file]", str(path))
    page.select_option("select[name=template]", label=template_name)
    page.click("text=上传并校验")
    page.wait_for_selector("#staged")


def test_messy_workbook_to_vintage(platform, live_server, browser, tmp_path):
    MappingTemplate.objects.create(workspace=platform.workspace, name=COUNTIES.name, spec=COUNTIES.to_dict())
    wb = load_workbook(io.BytesIO(county_table()))
    wb.active["B6"] = "十二点三"  # 恩阳区: a number written in words
    messy = tmp_path / "社零一季度.xlsx"
    wb.save(messy)
    wb.active["B6"] = 12.3
    fixed = tmp_path / "社零一季度（修正）.xlsx"
    wb.save(fixed)

    officer = login(browser, live_server, "stats")
    upload(officer, messy, COUNTIES.name)
    bad = officer.locator(".sheet-grid td.bad")
    assert bad.count() == 1 and bad.inner_text() == "十二点三"
    assert "R6C2" in officer.locator("#errors").inner_text()
    assert officer.locator("text=提交审核").count() == 0

    upload(officer, fixed, COUNTIES.name)
    assert officer.locator("#errors").count() == 0 and officer.locator(".sheet-grid td.bad").count() == 0
    officer.click("text=提交审核")
    officer.wait_for_selector(".state.submitted")
    url = officer.url

    reviewer = login(browser, live_server, "analyst")
    reviewer.goto(url)
    reviewer.fill("input[name=comment]", "与县区报表核对一致")
    reviewer.click("button[value=approve]")
    reviewer.wait_for_selector(".state.approved")

    reviewer.goto(f"{live_server.url}/w/bazhong/indicators/RETAIL_SALES/?freq=Q")
    reviewer.wait_for_selector("#series-chart canvas")
    rows = reviewer.locator("#vintages tbody tr").all_inner_texts()
    assert any("恩阳区" in r and "2024Q1" in r and "12.30" in r and "stats" in r for r in rows), rows
    reviewer.screenshot(
        path=os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp") + "/kaifang-collection.png", full_page=True
    )
    first = Submission.objects.order_by("pk").first()  # the messy upload, kept as evidence
    officer.goto(f"{live_server.url}/w/bazhong/collection/{first.pk}/")
    officer.screenshot(path=os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp") + "/kaifang-messy.png", full_page=True)
