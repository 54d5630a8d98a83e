"""Whole journeys in real Chromium: a birth registration from submission to returned result through
the desk, the specialist, the leader and the clerk; a supplement request moving the due date. Every
key page is checked with axe-core; one action is done with the keyboard only."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from opendvc.accounts.models import User
from opendvc.accounts.selectors import mfa_required
from opendvc.accounts.tests.mfa import totp_code, totp_device_for_tests
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, DossierStatus
from opendvc.dossiers.selectors import dossier_chain_verify
from opendvc.dossiers.tests.factories import PDF_BYTES, World, make_world, submission_documents
from opendvc.dossiers_web.selectors import official_forms_available
from opendvc.dossiers_web.tests.conftest import Clock

pytestmark = pytest.mark.browser

PASSWORD = "Hoa-sen-2026!"
AxeCheck = Callable[..., list[dict[str, Any]]]
Login = Callable[..., Page]


@pytest.fixture
def people(transactional_db: None) -> World:
    world = make_world(procedure_code="1.001193")
    for user in (world.citizen, world.desk, world.specialist, world.leader, world.clerk):
        user.set_password(PASSWORD)
        user.save()
        if mfa_required(user=user):
            totp_device_for_tests(user)
    return world


@pytest.fixture
def login_as(browser: Browser, live_server: Any) -> Iterator[Login]:
    """A fresh browser context signed in as the user (one per person, as on their own computers)."""
    contexts = []

    def open_for(user: User, *, width: int = 1280) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
        if mfa_required(user=user):
            expect(page.get_by_role("heading", level=1)).to_have_text("Nhập mã xác thực")
            page.get_by_label("Mã xác thực").fill(totp_code(totp_device_for_tests(user)))
            page.get_by_role("main").get_by_role("button", name="Xác thực").click()
            expect(page).to_have_url(re.compile(r"/can-bo/$"))
        else:
            expect(page).to_have_url(re.compile(r"/$"))
        page.goto("/tra-cuu-ho-so/")
        expect(page.get_by_role("navigation", name="Tài khoản")).to_be_visible()
        return page

    yield open_for
    for context in contexts:
        context.close()


def submit_birth_registration(world: World) -> Dossier:
    return services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={"ho_ten_tre": "Nguyễn Thị Bình An", "ngay_sinh": "20/11/2026", "noi_sinh": "Bệnh viện Từ Dũ"},
        documents=submission_documents(world),
    ).dossier


def open_dossier_from_worklist(page: Page, tab: str, code: str) -> None:
    page.goto("/can-bo/")
    page.get_by_role("link", name=tab, exact=True).click()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("khai sinh")


def act(page: Page, title: str, confirm_text: str, fill: Callable[[Page], object] | None = None) -> None:
    """Open an action, fill it, send it, check the consequence on the confirmation page, confirm."""
    panel = page.locator("details.odvc-action", has=page.locator("summary", has_text=title))
    panel.locator("summary").click()
    if fill is not None:
        fill(page)
    panel.get_by_role("button", name=f"{title}…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xác nhận: {title}")
    expect(page.locator(".odvc-consequence")).to_contain_text(confirm_text)
    page.get_by_role("button", name=f"Xác nhận: {title}").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()


def test_birth_registration_from_submission_to_returned_result(
    people: World, login_as: Login, axe_violations: AxeCheck
) -> None:
    world = people
    dossier = submit_birth_registration(world)
    code = dossier.code

    citizen = login_as(world.citizen)
    citizen.goto("/ho-so-cua-toi/")
    expect(citizen.get_by_role("link", name=re.compile("khai sinh"))).to_be_visible()
    expect(citizen.locator(".odvc-card")).to_contain_text("Đã nộp, chờ cơ quan tiếp nhận")
    assert axe_violations(citizen) == []

    # The desk receives it, with the keyboard only.
    desk = login_as(world.desk)
    open_dossier_from_worklist(desk, "Mới tiếp nhận", code)
    assert axe_violations(desk) == []
    expect(desk.get_by_role("link", name=re.compile("Mẫu 01"))).to_have_count(0)
    summary = desk.locator("summary", has_text="Tiếp nhận hồ sơ")
    summary.focus()
    desk.keyboard.press("Enter")
    expect(desk.locator(".odvc-consequence").first).to_contain_text("Nếu tiếp nhận bây giờ, ngày hẹn trả là")
    desk.get_by_role("button", name="Tiếp nhận hồ sơ…").focus()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Xác nhận: Tiếp nhận hồ sơ")
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Xác nhận: Tiếp nhận hồ sơ").focus()
    desk.keyboard.press("Enter")
    expect(desk.locator(".usa-alert--success")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    if official_forms_available():
        form01 = desk.get_by_role("link", name=re.compile("Mẫu 01"))
        expect(form01).to_have_count(1)
        response = desk.request.get(form01.get_attribute("href") or "")
        assert response.ok and response.headers["content-type"].startswith("application/pdf")
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
        assert code in text.replace("\n", "")

    citizen.reload()
    expect(citizen.locator(".odvc-card")).to_contain_text("Đã được tiếp nhận")

    act(
        desk,
        "Chuyển xử lý",
        "Thẩm định",
        lambda p: p.get_by_label("Chuyển cho").select_option(label=world.specialist.full_name),
    )

    specialist = login_as(world.specialist)
    open_dossier_from_worklist(specialist, "Chờ thẩm định", code)
    act(
        specialist,
        "Chuyển xử lý",
        "Phê duyệt",
        lambda p: p.get_by_label("Chuyển cho").select_option(label=world.leader.full_name),
    )

    leader = login_as(world.leader)
    open_dossier_from_worklist(leader, "Chờ phê duyệt", code)
    act(
        leader,
        "Chuyển xử lý",
        "Ban hành",
        lambda p: p.get_by_label("Chuyển cho").select_option(label=world.clerk.full_name),
    )

    citizen.goto(f"/ho-so-cua-toi/{code}/")
    expect(citizen.locator(".odvc-panel__status")).to_have_text("Đang được giải quyết")
    expect(citizen.get_by_text("Bước hiện tại: Ban hành, phát hành kết quả.")).to_be_visible()

    clerk = login_as(world.clerk)
    open_dossier_from_worklist(clerk, "Chờ phát hành", code)

    def attach_result(page: Page) -> None:
        page.get_by_label("Văn bản kết quả").set_input_files(
            {"name": "trich-luc-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )

    act(clerk, "Ghi nhận có kết quả", "thời điểm kết thúc xử lý", attach_result)
    expect(clerk.get_by_text("trich-luc-khai-sinh.pdf").first).to_be_visible()

    open_dossier_from_worklist(desk, "Chờ trả kết quả", code)
    act(desk, "Trả kết quả", "kết thúc hồ sơ", lambda p: p.get_by_label("Hình thức trả kết quả").fill("Trả trực tiếp"))

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier_chain_verify(dossier=dossier).ok

    citizen.goto("/ho-so-cua-toi/")
    expect(citizen.locator(".odvc-card")).to_contain_text("Đã trả kết quả")
    citizen.get_by_role("link", name=re.compile("khai sinh")).click()
    timeline = citizen.locator(".odvc-timeline")
    for sentence in (
        "Hồ sơ đã được nộp trực tuyến lúc",
        "Hồ sơ đã được tiếp nhận lúc",
        "Hồ sơ được chuyển sang bước «Thẩm định»",
        "Hồ sơ được chuyển sang bước «Phê duyệt»",
        "Đã có kết quả giải quyết lúc",
        "Đã trả kết quả lúc",
    ):
        expect(timeline).to_contain_text(sentence)
    notices = citizen.locator(".odvc-notices")
    for subject in ("Mới đăng ký", "Được tiếp nhận", "Đã xử lý xong", "Đã trả kết quả"):
        expect(notices).to_contain_text(f"Hồ sơ {code}: {subject}")
    expect(citizen.get_by_role("link", name="trich-luc-khai-sinh.pdf")).to_be_visible()
    assert axe_violations(citizen) == []


def test_a_supplement_request_stops_the_clock_and_moves_the_due_date(
    people: World, login_as: Login, axe_violations: AxeCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    world = people
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    clock.set(2026, 11, 16, 8, 30)
    dossier = submit_birth_registration(world)
    code = dossier.code

    clock.set(2026, 11, 16, 9, 0)
    desk = login_as(world.desk)
    open_dossier_from_worklist(desk, "Mới tiếp nhận", code)
    act(desk, "Tiếp nhận hồ sơ", "09:00 ngày 23/11/2026")

    clock.set(2026, 11, 16, 10, 0)

    def ask(page: Page) -> None:
        page.get_by_label("Nội dung cần bổ sung, hoàn thiện").fill("Thiếu bản chụp giấy chứng sinh")
        page.locator("label.usa-checkbox__label", has_text=world.optional_doc.name).click()
        expect(page.get_by_label(world.optional_doc.name)).to_be_checked()

    act(desk, "Yêu cầu bổ sung hồ sơ", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", ask)

    citizen = login_as(world.citizen, width=375)
    citizen.goto("/ho-so-cua-toi/")
    card = citizen.locator(".odvc-card")
    expect(card).to_contain_text("Cần bổ sung giấy tờ")
    expect(card).to_contain_text("Bổ sung giấy tờ theo yêu cầu của cơ quan.")
    assert axe_violations(citizen) == []
    card.get_by_role("link").click()
    expect(citizen.get_by_text("Ngày hẹn trả kết quả: 09:00 ngày 23/11/2026")).to_be_visible()
    expect(citizen.get_by_text("Thiếu bản chụp giấy chứng sinh").first).to_be_visible()
    assert axe_violations(citizen) == []

    clock.set(2026, 11, 18, 10, 0)
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    expect(citizen.locator(".odvc-error-summary")).to_be_focused()
    expect(citizen.locator(".odvc-error-summary")).to_contain_text("Chọn ít nhất một tệp giấy tờ bổ sung.")
    assert axe_violations(citizen) == []
    citizen.get_by_label(world.optional_doc.name).set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    # Two working days waited (16/11 10:00 → 18/11 10:00): the appointment moves two working days, past
    # 24/11, Vietnam Culture Day (a public holiday from 2026).
    expect(citizen.locator(".usa-alert--success")).to_contain_text("Ngày hẹn trả mới: 09:00 ngày 26/11/2026.")
    expect(citizen.locator(".odvc-panel__status")).to_have_text("Đã được tiếp nhận")
    citizen.get_by_text("Ngày hẹn trả được tính thế nào?").click()
    expect(citizen.locator(".odvc-due-how")).to_contain_text(
        "Chờ bổ sung giấy tờ từ 10:00 ngày 16/11/2026 đến 10:00 ngày 18/11/2026: 15 giờ làm việc không tính"
    )
    expect(citizen.locator(".odvc-due-how")).to_contain_text("Ngày hẹn trả hiện nay: 09:00 ngày 26/11/2026.")
    assert axe_violations(citizen) == []

    desk.goto(f"/can-bo/ho-so/{code}/")
    expect(desk.locator(".odvc-summary")).to_contain_text("09:00 ngày 26/11/2026")


def test_worklist_tracking_and_registration_pages_pass_axe(
    people: World, login_as: Login, axe_violations: AxeCheck, browser: Browser, live_server: Any
) -> None:
    world = people
    dossier = submit_birth_registration(world)
    desk = login_as(world.desk)
    desk.goto("/can-bo/")
    expect(desk.get_by_text("Phím tắt: J chuyển đến hồ sơ sau")).to_be_visible()
    desk.keyboard.press("j")
    expect(desk.get_by_role("link", name=dossier.code)).to_be_focused()
    desk.keyboard.press("Enter")
    expect(desk).to_have_url(re.compile(f"/can-bo/ho-so/{re.escape(dossier.code)}/"))
    desk.get_by_role("link", name="Về danh sách công việc").click()
    expect(desk).to_have_url(re.compile(r"/can-bo/$"))
    desk.get_by_text("Lọc hồ sơ").click()
    assert axe_violations(desk) == []
    desk.goto("/can-bo/?tab=all&from_day=31&from_month=2&from_year=2026")
    expect(desk.get_by_text("phải là một ngày có thật").first).to_be_visible()
    assert axe_violations(desk) == []
    desk.goto("/can-bo/dang-ky-ho-so/")
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Đăng ký hồ sơ").click()
    expect(desk.locator(".odvc-error-summary")).to_be_focused()
    assert axe_violations(desk) == []

    for width in (1280, 375):
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": 900}
        )
        visitor = context.new_page()
        visitor.goto("/")
        visitor.get_by_role("link", name="Tra cứu hồ sơ").click()
        assert axe_violations(visitor) == []
        visitor.get_by_label("Mã hồ sơ").fill(dossier.code)
        visitor.get_by_label(re.compile("4 chữ số cuối")).fill("9999")
        visitor.get_by_role("button", name="Tra cứu").click()
        expect(visitor.get_by_role("heading", name="Không tìm thấy hồ sơ")).to_be_visible()
        assert axe_violations(visitor) == []
        visitor.get_by_label(re.compile("4 chữ số cuối")).fill(world.citizen.phone[-4:])
        visitor.get_by_role("button", name="Tra cứu").click()
        expect(visitor.locator(".odvc-panel__status")).to_have_text("Đã nộp, chờ cơ quan tiếp nhận")
        assert axe_violations(visitor) == []
        context.close()
