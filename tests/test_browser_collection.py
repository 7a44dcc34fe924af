"""Browser test of 月度调度: upload a bad file, see the problems, fix, submit, approve, find the vintage."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HEADER = "指标代码,地区代码,时期,数值,单位,口径\n"
BAD = HEADER + "FDI_ACTUAL,511900,2025-10,0.007,亿美元,当月\nFDI_ACTUAL,511900,2025年13月,5,万美元,当月\n"
GOOD = HEADER + "FDI_ACTUAL,511900,2025-10,0.007,亿美元,当月\nFDI_ACTUAL,511900,2025-11,65,万美元,当月\n"


def login(browser, live_server, user):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "pw-" + user)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/bazhong/")
    return page


def test_upload_fix_submit_approve_and_see_the_vintage(platform, live_server, browser, tmp_path):
    bad, good = tmp_path / "商务局10月.csv", tmp_path / "商务局10月（修正）.csv"
    bad.write_text(BAD, encoding="gbk")
    good.write_text(GOOD, encoding="utf-8-sig")

    officer = login(browser, live_server, "commerce")
    officer.click("text=数据报送")
    officer.set_input_files("input[type=file]", str(bad))
    officer.click("text=上传并校验")
    officer.wait_for_selector("#errors")
    error = officer.locator("#errors tr.bad").first
    assert "R3" in error.inner_text() and "2025年13月" in error.inner_text()
    assert officer.locator("text=提交审核").count() == 0  # errors block submission

    officer.click("text=数据报送")
    officer.set_input_files("input[type=file]", str(good))
    officer.click("text=上传并校验")
    officer.wait_for_selector("#staged")
    assert officer.locator("#errors").count() == 0
    officer.click("text=提交审核")
    officer.wait_for_selector(".state.submitted")
    url = officer.url

    reviewer = login(browser, live_server, "analyst")
    reviewer.goto(url)
    reviewer.fill("input[name=comment]", "与海关数据核对一致")
    reviewer.click("button[value=approve]")
    reviewer.wait_for_selector(".state.approved")

    reviewer.goto(f"{live_server.url}/w/bazhong/indicators/FDI_ACTUAL/?freq=M&regions=511900")
    reviewer.wait_for_selector("#series-chart canvas")
    rows = reviewer.locator("#vintages tbody tr").all_inner_texts()
    assert any("2025-10" in r and "70" in r and "commerce" in r for r in rows)  # in the uploader's name
    reviewer.screenshot(
        path=os.environ.get("KAIFANG_SCREENSHOT_DIR", "/tmp") + "/kaifang-collection.png", full_page=True
    )
