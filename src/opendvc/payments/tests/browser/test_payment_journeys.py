"""Paying in real Chromium: a dossier fee through the sandbox gateway's bank page, with the receipt
downloaded; a traffic fine by VietQR, settled when the accountant uploads the bank statement line.
The gateway is the reference peer over HTTP and calls the live portal back. Key pages are checked
with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from opendvc.accounts.tests.mfa import totp_code, totp_device_for_tests
from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.dossiers.tests.factories import AgencyFactory, dossier_in_state, make_world, officer_with
from opendvc.payments.models import OrderStatus, PaymentOrder

pytestmark = pytest.mark.browser

PASSWORD = "Hoa-sen-2026!"
AxeCheck = Callable[..., list[dict[str, Any]]]


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()


def test_citizen_pays_a_dossier_fee_on_the_sandbox_page_and_downloads_the_receipt(
    page: Page,
    live_server: Any,
    reference_service: Any,
    transactional_db: None,
    settings: Any,
    axe_violations: AxeCheck,
) -> None:
    settings.OPENDVC_PAYMENT_GATEWAY_URL = reference_service("payment_gateway")
    world = make_world()
    world.citizen.set_password(PASSWORD)
    world.citizen.save()
    dossier: Dossier = dossier_in_state(world, status=6, step="appraise", fee_amount=8000)
    _log_in(page, world.citizen.username)
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    page.get_by_role("link", name="Nộp phí, lệ phí trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp phí, lệ phí")
    assert axe_violations(page) == []
    page.get_by_text("Cổng thanh toán thử nghiệm (bản trình diễn)").click()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("link", name="Đến trang thanh toán").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ngân hàng mẫu — xác nhận thanh toán")
    expect(page.get_by_text("8.000 đ")).to_be_visible()
    # The reference bank page is checked like ours, down to minor findings, and works by keyboard alone.
    assert axe_violations(page, impact="minor") == []
    page.get_by_label("Thanh toán thành công").focus()
    expect(page.get_by_label("Thanh toán thành công")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Xác nhận")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Đã thanh toán")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên lai điện tử (PDF)").click()
    receipt = download.value
    assert receipt.suggested_filename.startswith("bien-lai-BL-")
    with open(receipt.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    dossier.refresh_from_db()
    assert dossier.status == 4
    event = DossierEvent.objects.get(dossier=dossier, action="payment_settled")
    assert event.data["online"] is True and event.data["provider"] == "sandbox"

    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    expect(page.get_by_role("heading", name="Phí, lệ phí đã nộp")).to_be_visible()
    expect(page.get_by_role("table", name="Các khoản cơ quan yêu cầu nộp")).to_contain_text("8.000 đ")
    assert axe_violations(page) == []


def test_a_traffic_fine_paid_by_vietqr_settles_with_the_statement_line(
    page: Page,
    live_server: Any,
    reference_service: Any,
    transactional_db: None,
    settings: Any,
    axe_violations: AxeCheck,
    tmp_path: Any,
) -> None:
    # Its own source: the fine paid here is reported there and stays paid for the session.
    settings.OPENDVC_OBLIGATIONS_URL = reference_service("obligations", OBLIGATIONS_TEST_SCOPE="vietqr-journey")
    police = AgencyFactory.create(code="G01.79", level1="G01", name="Công an Thành phố Hồ Chí Minh")
    accountant = officer_with(police, "accountant")
    accountant.set_password(PASSWORD)
    accountant.save()
    device = totp_device_for_tests(accountant)

    page.goto("/thanh-toan/nghia-vu/")
    assert axe_violations(page) == []
    page.get_by_text("Tiền phạt vi phạm hành chính về giao thông").click()
    page.get_by_label("Số quyết định xử phạt hoặc số tờ khai lệ phí trước bạ").fill("01234/QĐ-XPHC")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("800.000 đ")).to_be_visible()
    page.get_by_text("Chuyển khoản bằng mã VietQR (ứng dụng ngân hàng bất kỳ)").click()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Mã VietQR")).to_be_visible()
    assert axe_violations(page) == []
    order = PaymentOrder.objects.get(provider="vietqr")
    expect(page.get_by_role("region", name="Mã VietQR").get_by_text(order.reference, exact=True)).to_be_visible()
    order_url = page.url

    officer = page.context.browser.new_context(base_url=live_server.url, locale="vi-VN")  # type: ignore[union-attr]
    desk = officer.new_page()
    _log_in(desk, accountant.username)
    desk.get_by_label("Mã xác thực").fill(totp_code(device))
    desk.get_by_role("main").get_by_role("button", name="Xác thực").click()
    desk.goto("/ke-toan/doi-soat/")
    statement = tmp_path / "sao-ke.csv"
    today = timezone.localdate().strftime("%d/%m/%Y")
    statement.write_text(
        f"ma_giao_dich,ngay,so_tien,noi_dung\nFT26120212345,{today},800.000,{order.reference} NOP PHAT\n"
    )
    desk.get_by_label("Tệp sao kê (CSV)").set_input_files(str(statement))
    desk.get_by_role("button", name="Nhập sao kê").click()
    expect(desk.get_by_text("1 dòng xác nhận được giao dịch")).to_be_visible()
    officer.close()

    page.goto(order_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã thanh toán")
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED and order.provider_transaction == "FT26120212345"
