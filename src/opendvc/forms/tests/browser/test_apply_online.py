"""A citizen applies online for a birth registration in real Chromium, from the start page to the
confirmation with the dossier code, with a PDF attached; axe-core checks every kind of page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import PASSWORD, UserFactory
from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import PDF_BYTES, World

pytestmark = pytest.mark.browser
AxeCheck = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def citizen(transactional_db: None, world: World) -> User:
    """Like the demo citizen: Nguyễn Văn An, born 27/03/1990 in Hồ Chí Minh City."""
    return UserFactory.create(
        personal_id="079090001234",
        full_name="Nguyễn Văn An",
        birth_date=date(1990, 3, 27),
        sex="male",
        phone="0901234567",
        email="an.nguyen@example.vn",
    )


def sign_in(page: Page, user: User) -> None:
    page.goto("/accounts/login/?next=/nop-ho-so/1.001193/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/nop-ho-so/1\.001193/$"))


def save(page: Page) -> None:
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def pdf(name: str) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def choose(page: Page, label: str) -> None:
    """USWDS draws its own radios and checkboxes: people click the label."""
    page.locator(".usa-radio__label, .usa-checkbox__label", has_text=re.compile(f"^{re.escape(label)}")).click()


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=re.compile(legend))
    group.get_by_label("Ngày").fill(day)
    group.get_by_label("Tháng").fill(month)
    group.get_by_label("Năm").fill(year)


def choose_place(page: Page, province_label: str, commune_label: str, commune: str) -> None:
    page.get_by_label(province_label).select_option(label="Thành phố Hồ Chí Minh")
    expect(page.get_by_label(commune_label).locator("option", has_text=commune)).to_have_count(1)
    page.get_by_label(commune_label).select_option(label=commune)


def test_a_citizen_applies_for_a_birth_registration_online(
    page: Page, citizen: User, world: World, axe_violations: AxeCheck
) -> None:
    sign_in(page, citizen)
    expect(page.get_by_role("heading", level=1)).to_have_text(world.version.name)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Bắt đầu").click()

    expect(page.get_by_role("heading", name="1. Khai thông tin")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Bắt đầu khai").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thông tin về người đi đăng ký khai sinh")
    expect(page.get_by_label("Họ, chữ đệm và tên người đi đăng ký")).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value("079090001234")
    assert axe_violations(page) == []
    save(page)

    choose(page, "Cha")
    expect(page.get_by_label("Cha", exact=True)).to_be_checked()
    save(page)
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Nguyễn Thị Bình An")
    save(page)

    fill_date(page, "Ngày, tháng, năm sinh của trẻ", "31", "2", "2025")
    save(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("phải là một ngày có thật")
    expect(page.get_by_label("Ngày", exact=True)).to_have_value("31")
    assert axe_violations(page) == []
    summary.get_by_role("link").click()
    expect(page.get_by_label("Ngày", exact=True)).to_be_focused()
    fill_date(page, "Ngày, tháng, năm sinh của trẻ", "1", "10", "2025")
    save(page)

    choose(page, "Nữ")
    page.get_by_label("Dân tộc").select_option("Kinh")
    expect(page.get_by_label("Quốc tịch")).to_have_value("Việt Nam")
    save(page)

    choose_place(page, "Tỉnh, thành phố nơi sinh", "Xã, phường, đặc khu nơi sinh", "Phường Bến Thành")
    page.get_by_label("Tên cơ sở y tế hoặc địa chỉ nơi sinh").fill("Bệnh viện Hùng Vương")
    assert axe_violations(page) == []
    save(page)

    page.get_by_label("Họ, chữ đệm và tên người mẹ").fill("Trần Thị Hoa")
    fill_date(page, "Ngày sinh của mẹ", "12", "4", "1995")
    page.get_by_label("Dân tộc của mẹ").select_option("Kinh")
    save(page)
    choose_place(page, "Tỉnh, thành phố", "Xã, phường, đặc khu", "Phường Sài Gòn")
    page.get_by_label("Số nhà, đường, thôn, tổ dân phố").fill("Số 12 đường Lê Lợi")
    save(page)

    page.get_by_label("Họ, chữ đệm và tên người cha").fill("Nguyễn Văn An")
    fill_date(page, "Ngày sinh của cha", "27", "3", "1990")
    page.get_by_label("Số định danh cá nhân của cha").fill("079090001234")
    page.get_by_label("Dân tộc của cha").select_option("Kinh")
    page.get_by_label("Quốc tịch của cha").fill("Việt Nam")
    save(page)
    save(page)  # no copies of the extract
    choose(page, "Tôi cam đoan")
    save(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Tải lên Giấy chứng sinh")
    expect(page.get_by_text("Tệp PDF, JPG hoặc PNG, mỗi tệp tối đa 10 MB")).to_be_visible()
    assert axe_violations(page) == []
    page.set_input_files("#file", files=[pdf("giay-chung-sinh.pdf")])
    save(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tải lên Tờ khai đăng ký khai sinh theo mẫu")
    page.set_input_files("#file", files=[pdf("to-khai.pdf")])
    page.get_by_role("button", name="Tải tệp lên").click()
    expect(page.get_by_role("list", name="Tệp đã tải lên")).to_contain_text("to-khai.pdf")
    save(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra thông tin trước khi nộp")
    expect(page.get_by_role("main")).to_contain_text("01/10/2025")
    expect(page.get_by_role("main")).to_contain_text("Phường Bến Thành")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    dossier = Dossier.objects.get()
    expect(page.locator(".odvc-f-panel")).to_contain_text(dossier.code)
    assert (dossier.status, dossier.channel, dossier.applicant_id) == (1, 2, citizen.pk)
    assert dossier.attachments.count() == 2
    assert axe_violations(page) == []


def test_a_citizen_fills_their_details_from_the_population_database(
    page: Page, world: World, reference_service: Any, settings: Any, axe_violations: AxeCheck, transactional_db: None
) -> None:
    settings.OPENDVC_POPULATION_URL = reference_service("population")
    person = UserFactory.create(personal_id="079090001234", full_name="Nguyen Van An", birth_date=None, sex="")
    sign_in(page, person)
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_role("link", name="Bắt đầu khai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông tin về người đi đăng ký khai sinh")
    offer = page.get_by_role("region", name="Lấy thông tin từ Cơ sở dữ liệu quốc gia về dân cư")

    offer.get_by_role("button", name="Lấy thông tin").click()
    expect(page.get_by_role("alert")).to_contain_text("Đánh dấu ô “Tôi đồng ý”")
    assert axe_violations(page) == []

    choose(page, "Tôi đồng ý cho Cổng lấy các thông tin trên")
    page.get_by_role("button", name="Lấy thông tin").click()
    expect(page.get_by_text("Đã điền thông tin của bạn từ Cơ sở dữ liệu quốc gia về dân cư")).to_be_visible()
    expect(page.get_by_label("Họ, chữ đệm và tên người đi đăng ký")).to_have_value("Nguyễn Văn An")
    group = page.get_by_role("group", name=re.compile("^Ngày sinh"))
    expect(group.get_by_label("Năm")).to_have_value("1990")
    expect(group.get_by_label("Tháng")).to_have_value("5")
    assert axe_violations(page) == []
    save(page)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Thông tin về người đi đăng ký khai sinh")
