"""Money and dates as the portal writes them (UX.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from opendvc.web.templatetags.formatting import dmy, dmy_hm, vnd


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (1250000, "1.250.000 đ"),
        (135000, "135.000 đ"),
        (0, "0 đ"),
        (999, "999 đ"),
        (1000, "1.000 đ"),
        (Decimal("20000.00"), "20.000 đ"),
        ("50000", "50.000 đ"),
        (-15000, "-15.000 đ"),
        (6056000000000, "6.056.000.000.000 đ"),
    ],
)
def test_vnd_groups_thousands_with_dots(amount: object, written: str) -> None:
    assert vnd(amount) == written


@pytest.mark.parametrize("unknown", [None, "", "Miễn phí", True, Decimal("NaN")])
def test_vnd_of_an_unknown_amount_is_empty(unknown: object) -> None:
    assert vnd(unknown) == ""


def test_dmy_writes_day_month_year() -> None:
    assert dmy(date(2026, 11, 24)) == "24/11/2026"
    assert dmy(date(2025, 7, 1)) == "01/07/2025"


def test_dmy_shows_an_instant_on_the_vietnamese_calendar() -> None:
    # 20:30 UTC on 23 November is already 24 November in Hà Nội (UTC+7).
    assert dmy(datetime(2026, 11, 23, 20, 30, tzinfo=UTC)) == "24/11/2026"
    assert dmy_hm(datetime(2026, 11, 24, 2, 12, tzinfo=UTC)) == "09:12 24/11/2026"


def test_dmy_of_something_else_is_empty() -> None:
    assert dmy(None) == ""
    assert dmy("2026-11-24") == ""
    assert dmy_hm(date(2026, 11, 24)) == ""


def test_filters_work_in_templates() -> None:
    from django.template import engines

    template = engines["django"].from_string("{% load formatting %}{{ fee|vnd }} · {{ day|dmy }}")
    assert template.render({"fee": 1250000, "day": date(2026, 11, 24)}) == "1.250.000 đ · 24/11/2026"
