"""A citizen finds a procedure from the home page and reads what it costs, in real Chromium."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Page, expect

from opendvc.catalog.search import search_index_reset
from opendvc.catalog.tests.test_views import make_sample_catalogue

pytestmark = pytest.mark.browser

AxeCheck = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def catalogue(transactional_db: None, settings) -> None:
    settings.CATALOG_INDEX_CHECK_SECONDS = 0
    cache.clear()
    search_index_reset()
    make_sample_catalogue()


@pytest.fixture
def demo_catalogue(transactional_db: None, settings) -> None:
    """The 305 real procedures of the sample, loaded as `make run` loads them."""
    settings.CATALOG_INDEX_CHECK_SECONDS = 0
    cache.clear()
    search_index_reset()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_catalog", stdout=quiet)


def assert_accessible(page: Page, axe_violations: AxeCheck) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core found on {page.url}:\n" + json.dumps(violations, ensure_ascii=False, indent=2)


def test_find_driving_licence_exchange_without_accents_and_read_its_fee(
    page: Page, demo_catalogue: None, axe_violations: AxeCheck
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm thủ tục hành chính")
    assert_accessible(page, axe_violations)

    page.get_by_label("Bạn cần làm thủ tục gì?").fill("cap doi giay phep lai xe")
    page.get_by_role("button", name="Tìm kiếm").click()

    expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=cap\+doi\+giay\+phep\+lai\+xe$"))
    result = page.get_by_role("link", name="Đổi giấy phép lái xe", exact=True)
    expect(result).to_be_visible()
    expect(page.locator(".usa-collection__heading").first).to_have_text("Đổi giấy phép lái xe")
    expect(page.get_by_role("status")).to_contain_text("Tìm thấy")
    assert_accessible(page, axe_violations)

    result.click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/3\.000347/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi giấy phép lái xe")
    fees = page.get_by_role("region", name="Phí, lệ phí")
    expect(fees).to_contain_text("Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần")
    expect(page.get_by_role("region", name="Nộp hồ sơ ở đâu và mất bao lâu")).to_contain_text("5 ngày làm việc")
    assert_accessible(page, axe_violations)


def test_search_form_updates_results_in_place_with_htmx(page: Page, catalogue: None) -> None:
    page.goto("/thu-tuc/?q=khai+sinh")
    expect(page.get_by_role("link", name="Thủ tục đăng ký khai sinh")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Tên hoặc mã thủ tục").fill("ho kinh doanh")
    page.get_by_role("button", name="Tìm kiếm").click()

    expect(page.get_by_role("link", name="Đăng ký thành lập hộ kinh doanh")).to_be_visible()
    expect(page.get_by_role("link", name="Thủ tục đăng ký khai sinh")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=ho(\+|%20)kinh(\+|%20)doanh&"))
    expect(page).to_have_title(re.compile("Kết quả tìm “ho kinh doanh”"))
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded instead of updated"
    next_path = page.locator("#language-next").get_attribute("value") or ""
    assert re.match(r"/thu-tuc/\?q=ho(\+|%20)kinh(\+|%20)doanh&", next_path), next_path


def test_bad_cursor_shows_the_error_in_the_page(page: Page, catalogue: None) -> None:
    response = page.goto("/thu-tuc/?cursor=%25%25")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Con trỏ trang không hợp lệ")


def test_language_switch_works_with_the_keyboard(page: Page, catalogue: None) -> None:
    page.goto("/thu-tuc/3.000347/")
    english = page.get_by_role("button", name="English")
    english.focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/thu-tuc/3\.000347/$"))
    expect(page.get_by_role("heading", name="Fees and charges")).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Phí, lệ phí")).to_be_visible()


def test_refused_search_shows_its_reason_in_place(page: Page, catalogue: None) -> None:
    page.goto("/thu-tuc/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Tên hoặc mã thủ tục").fill("giay phep " * 25)
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_role("alert")).to_contain_text("Từ khóa tìm kiếm dài tối đa 200 ký tự.")
    expect(page.get_by_role("status")).to_have_text("Không tìm được: yêu cầu tìm kiếm chưa hợp lệ.")
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded instead of updated"
