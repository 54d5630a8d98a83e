"""Identity journeys in real Chromium, with the reference peers in their own processes: a citizen logs
in with the reference e-ID and lands in "my dossiers"; a user of the reference connected portal signs
in through OpenDVC and back, then logs out of both; an officer enrols TOTP and logs in with it."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django_otp.oath import hotp
from playwright.sync_api import Page, expect

from opendvc.accounts.eid import OidcEidProvider
from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import PASSWORD, OfficerFactory, UserFactory
from opendvc.audit.models import AuditEntry
from opendvc.sso.services import oidc_client_register

pytestmark = pytest.mark.browser
AxeCheck = Callable[..., list[dict[str, Any]]]


def test_a_citizen_logs_in_with_the_eid_and_lands_in_my_dossiers(
    page: Page,
    live_server: Any,
    reference_service: Any,
    settings: Any,
    transactional_db: None,
    axe_violations: AxeCheck,
) -> None:
    settings.OPENDVC_EID_URL = reference_service(
        "eid",
        EID_REDIRECT_URIS=f"{live_server.url}/accounts/vneid/callback/",
        EID_POST_LOGOUT_REDIRECT_URIS=f"{live_server.url}/",
    )
    OidcEidProvider._apps.clear()
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập bằng tài khoản định danh điện tử")
    page.get_by_label("Số định danh cá nhân").fill("079090001234")
    page.get_by_label("Mật mã (passcode)").fill("123456")
    page.get_by_role("button", name="Đồng ý và đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/ho-so-cua-toi/$"))
    expect(page.get_by_role("navigation", name="Tài khoản")).to_be_visible()
    expect(page.get_by_text("Đã tạo tài khoản của bạn từ định danh điện tử quốc gia.")).to_be_visible()
    assert axe_violations(page) == []
    user = User.objects.get(personal_id="079090001234")
    assert user.assurance_level == 2 and user.full_name == "Nguyễn Văn An"

    # Logging out of the portal ends the e-ID session too, and comes back to the portal's home page.
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.get_by_role("button", name="Đăng xuất").first.click()
    expect(page).to_have_url(f"{live_server.url}/")
    end_session = [url for url in visited if url.startswith(f"{settings.OPENDVC_EID_URL}/logout?")]
    assert len(end_session) == 1 and "id_token_hint=" in end_session[0]
    page.goto("/ho-so-cua-toi/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_single_sign_on_from_a_connected_portal_and_logout_of_both(
    page: Page, live_server: Any, reference_service: Any, transactional_db: None, axe_violations: AxeCheck
) -> None:
    portal = reference_service("connected_portal", OPENDVC_PUBLIC_URL=live_server.url)
    oidc_client_register(
        name="Cổng Bộ Mẫu",
        redirect_uris=[f"{portal}/callback"],
        post_logout_redirect_uris=[f"{portal}/logged-out"],
        client_id="connected-portal-demo",
        client_secret="connected-portal-demo-secret",
    )
    UserFactory.create(personal_id="079090001234", full_name="Nguyễn Văn An", birth_date=date(1990, 5, 15), sex="male")
    page.goto(portal)
    page.get_by_role("link", name="Đăng nhập bằng tài khoản Cổng dịch vụ công").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill("079090001234")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cho phép Cổng Bộ Mẫu dùng tài khoản của bạn?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Cho phép", exact=True).click()
    expect(page.locator("#who")).to_have_text("Nguyễn Văn An")
    assert page.url.startswith(portal)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("status")).to_have_text("Bạn đã đăng xuất khỏi cổng này và khỏi Cổng dịch vụ công.")
    page.goto(f"{live_server.url}/accounts/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert AuditEntry.objects.filter(action="oidc_token", outcome="ok", object_id="connected-portal-demo").exists()
    assert AuditEntry.objects.filter(action="oidc_logout", object_id="connected-portal-demo").exists()


def test_an_officer_enrols_totp_and_logs_in_with_it(
    page: Page, transactional_db: None, axe_violations: AxeCheck
) -> None:
    officer = OfficerFactory.create(username="canbo.moi", full_name="Lê Thị Mới")
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký ứng dụng xác thực")
    assert axe_violations(page) == []
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = str(hotp(key, int(time.time()) // 30, digits=6)).zfill(6)
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))
    expect(page.get_by_text("Đã đăng ký ứng dụng xác thực.")).to_be_visible()
    # Next time: password, then the code the app shows.
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập mã xác thực")
    assert axe_violations(page) == []
    next_code = str(hotp(key, int(time.time()) // 30 + 1, digits=6)).zfill(6)
    page.get_by_label("Mã xác thực").fill(next_code)
    page.get_by_role("main").get_by_role("button", name="Xác thực").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))
