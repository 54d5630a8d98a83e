"""The province statistics page in real Chromium: charts drawn under the CSP, accessible, usable by keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from opendvc.dossiers.tests.conftest import Clock
from opendvc.dossiers.tests.factories import make_world
from opendvc.reporting.tests.history import build_history

pytestmark = pytest.mark.browser


def test_province_page_draws_its_charts_beside_their_tables(
    page: Page,
    transactional_db: None,
    axe_violations: Callable[..., list[dict[str, Any]]],
    monkeypatch,
    settings,
    tmp_path,
) -> None:
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    world = make_world()
    build_history(world, clock)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "favicon" not in message.location.get("url", "")
            else None
        ),
    )

    page.goto("/thong-ke/tinh/01/?period=month&year=2026&number=10")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thành phố Hà Nội")
    for name in ("results", "channels", "trend"):
        expect(page.locator(f'[data-chart="{name}"] canvas')).to_have_count(1)
    expect(page.get_by_role("table").first).to_contain_text("66,67 %")
    assert problems == []
    assert axe_violations(page) == []

    page.get_by_label("Kỳ thống kê", exact=True).select_option("quarter")
    page.get_by_label("Tháng hoặc quý").fill("4")
    page.get_by_label("Tháng hoặc quý").press("Enter")
    expect(page.locator(".usa-intro")).to_contain_text("Quý 4/2026")
    page.get_by_role("link", name=world.agency.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.agency.name)
    assert axe_violations(page) == []
