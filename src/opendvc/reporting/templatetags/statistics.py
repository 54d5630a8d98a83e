"""Numbers as the statistics pages write them: ``1.234.567`` and ``66,67 %`` (``66.67 %`` in English)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def count(value: object) -> str:
    """A whole number with '.' between thousands: ``1234567`` → ``"1.234.567"``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    return f"{value:,}".replace(",", ".")


@register.filter
def rate(value: object) -> str:
    """A percentage with two decimals, decimal comma in Vietnamese; ``—`` when there is nothing to divide."""
    if not isinstance(value, Decimal):
        return "—"
    text = f"{value:.2f}"
    if not (translation.get_language() or "vi").startswith("en"):
        text = text.replace(".", ",")
    return f"{text} %"
