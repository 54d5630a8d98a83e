"""The synchronisation pages in real Chromium: an officer filters the data-quality page and opens a
quarantined record; an operator rotates a system's password and suspends it, on a phone-sized screen.
Every page passes axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect

from opendvc.accounts.models import OfficerRole, User
from opendvc.accounts.services import officer_role_grant
from opendvc.sync import services
from opendvc.sync.tests.conftest import SyncWorld, native_dossier

pytestmark = pytest.mark.browser
AxeCheck = Callable[..., list[dict[str, Any]]]


def _quarantine(world: SyncWorld) -> None:
    outcomes = services.dossiers_sync(
        system=world.system,
        records=[
            native_dossier("H29.17-261110-0001", procedure_code="1.999999"),
            native_dossier("H29.17-261110-0002", applicant_id_number="12345"),
            native_dossier("H29.17-261110-0003", due_at="2026-11-09T17:00:00"),
            native_dossier("H29.40-261110-0004", agency_code="H29.40", procedure_code="1.999999"),
        ],
        shape="native",
    )
    assert [o.reason for o in outcomes] == [
        "procedure_unknown",
        "invalid_personal_id",
        "dates_due_before_received",
        "procedure_unknown",
    ]


def test_an_officer_filters_the_quarantine_and_opens_a_refused_record(
    transactional_db: None, sync_world: SyncWorld, browser: Browser, live_server: Any, axe_violations: AxeCheck
) -> None:
    _quarantine(sync_world)
    officer = User.objects.create(username="desk.hcm", full_name="Trần Thị Mai", kind=User.Kind.OFFICER)
    officer_role_grant(user=officer, agency_id=sync_world.justice.pk, role=OfficerRole.Role.DESK)
    client = Client()
    client.force_login(officer)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto("/can-bo/dong-bo/chat-luong-du-lieu/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Chất lượng dữ liệu đồng bộ")
        held = page.get_by_role("region", name="Bản ghi đang bị giữ lại")
        expect(held.get_by_role("row")).to_have_count(4)  # the header and H29.17's three, not H29.40's
        expect(held).not_to_contain_text("H29.40-261110-0004")
        assert axe_violations(page, impact="minor") == []

        page.get_by_label("Lỗi", exact=True).select_option("invalid_personal_id")
        page.get_by_role("button", name="Xem").click()
        expect(held.get_by_role("row")).to_have_count(2)
        held.get_by_role("link", name="H29.17-261110-0002").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Bản ghi bị giữ lại H29.17-261110-0002")
        expect(page.get_by_text("Chưa khắc phục")).to_be_visible()
        expect(page.get_by_role("region", name="Bản ghi như đã nhận")).to_contain_text('"applicant_id_number": "12345"')
        assert axe_violations(page, impact="minor") == []

        page.get_by_role("navigation", name="Vị trí trang").get_by_role("link").click()
        expect(page.get_by_label("Lỗi", exact=True)).to_have_value("invalid_personal_id")
    finally:
        context.close()


def test_an_operator_rotates_a_password_and_suspends_a_system_from_accessible_pages(
    transactional_db: None, sync_world: SyncWorld, browser: Browser, live_server: Any, axe_violations: AxeCheck
) -> None:
    from django.contrib.auth.models import Permission

    operator = User.objects.create(
        username="operator", full_name="Vận hành Cổng", kind=User.Kind.OFFICER, is_staff=True
    )
    operator.user_permissions.add(Permission.objects.get(codename="change_integratedsystem"))
    client = Client()
    client.force_login(operator)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto("/can-bo/dong-bo/he-thong/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hệ thống tích hợp")
        assert axe_violations(page, impact="minor") == []
        page.get_by_role("link", name=sync_world.system.name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(sync_world.system.name)
        assert axe_violations(page, impact="minor") == []

        page.get_by_role("button", name="Cấp mật khẩu mới (giao thức DVCQG)").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thông tin xác thực mới")
        expect(page.locator("[data-secret]")).to_have_text(re.compile(r"^\S{20,}$"))
        assert axe_violations(page, impact="minor") == []
        page.get_by_role("link", name="Về trang hệ thống").click()
        expect(page.get_by_role("cell", name="Đã thay, còn hiệu lực", exact=False)).to_have_count(1)

        page.get_by_label("Lý do tạm dừng").fill("Nghi lộ mật khẩu cũ")
        page.get_by_role("button", name="Tạm dừng hệ thống").click()
        expect(page.get_by_role("button", name="Mở lại kết nối")).to_be_visible()
        assert axe_violations(page, impact="minor") == []
    finally:
        context.close()
