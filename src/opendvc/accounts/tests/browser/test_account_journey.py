"""A citizen registers, verifies their phone, creates an API token and logs out — in real Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from opendvc.accounts.models import AccessToken, User

pytestmark = pytest.mark.browser

AxeCheck = Callable[..., list[dict[str, Any]]]


def fill_registration(page: Page, *, personal_id: str, birth_year: str) -> None:
    page.get_by_label("Họ, chữ đệm và tên").fill("Lê Thị Hồng Nhung")
    page.get_by_label("Số định danh cá nhân").fill(personal_id)
    page.get_by_label("Ngày", exact=True).fill("27")
    page.get_by_label("Tháng", exact=True).fill("3")
    page.get_by_label("Năm", exact=True).fill(birth_year)
    page.locator("label", has_text=re.compile("^Nữ$")).click()
    page.get_by_label("Số điện thoại di động").fill("0912345678")
    page.get_by_label("Mật khẩu", exact=True).fill("Hoa-sen-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Hoa-sen-2026!")


def test_register_verify_token_logout(
    page: Page,
    transactional_db: None,
    axe_violations: AxeCheck,
    sms_messages: Callable[[], list[dict[str, Any]]],
) -> None:
    page.goto("/accounts/register/")
    assert axe_violations(page) == []

    fill_registration(page, personal_id="079190004321", birth_year="1991")
    page.get_by_role("button", name="Đăng ký").click()

    summary = page.locator(".odvc-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("sinh năm 1990")
    expect(page.get_by_label("Họ, chữ đệm và tên")).to_have_value("Lê Thị Hồng Nhung")
    expect(page).to_have_title(re.compile("^Lỗi:"))
    assert axe_violations(page) == []
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Số định danh cá nhân")).to_be_focused()
    assert not User.objects.exists()

    page.get_by_label("Năm", exact=True).fill("1990")
    page.get_by_label("Mật khẩu", exact=True).fill("Hoa-sen-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Hoa-sen-2026!")
    page.get_by_role("button", name="Đăng ký").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực số điện thoại")
    assert axe_violations(page) == []
    code = re.search(r"\b(\d{6})\b", sms_messages()[-1]["body"])
    assert code
    page.get_by_label("Mã xác thực").fill(code.group(1))
    page.get_by_role("button", name="Xác thực").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản của tôi")
    expect(page.get_by_text("Đã xác thực số điện thoại.")).to_be_visible()
    page.get_by_label("Tên mã truy cập").fill("Phần mềm kế toán")
    page.get_by_label("Thời hạn").select_option("90")
    page.get_by_role("button", name="Tạo mã").click()

    secret = page.get_by_label("Mã truy cập").input_value()
    assert re.fullmatch(r"odvc_[0-9a-f]{8}_\S+", secret)
    assert AccessToken.objects.get().prefix in secret
    assert axe_violations(page) == []

    page.get_by_role("link", name="Về trang tài khoản").click()
    assert secret not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_login_page_on_a_phone(
    browser: Any, live_server: Any, transactional_db: None, axe_violations: AxeCheck
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto("/accounts/login/?next=/accounts/me/")
    page.get_by_label("Tên đăng nhập").fill("079090001234")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".odvc-error-summary")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    assert axe_violations(page) == []
    context.close()
