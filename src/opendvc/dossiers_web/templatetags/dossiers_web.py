"""Filters of the dossier pages: moments, time limits and addresses as people read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import translation

from opendvc.dossiers_web import presenters

register = template.Library()


@register.filter
def moment(value: object) -> str:
    """``09:12 ngày 24/11/2026``."""
    return presenters.moment_text(value) if isinstance(value, datetime) else ""


@register.filter
def limit_text(amount: object, unit: str) -> str:
    """``5 ngày làm việc``."""
    if amount is None or amount == "":
        return ""
    return presenters.amount_text(Decimal(str(amount)), unit)


@register.filter
def hours_text(value: object) -> str:
    """Working time as hours, ``3,5`` (one decimal at most)."""
    if not isinstance(value, timedelta):
        return ""
    hours = (Decimal(value.total_seconds()) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
    text = f"{hours:f}"
    return text if (translation.get_language() or "vi").startswith("en") else text.replace(".", ",")


@register.filter
def masked(address: object) -> str:
    """Enough of a phone or e-mail to recognise it: ``*******567``, ``n***@example.com``."""
    text = str(address or "")
    if "@" in text:
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(text) - 3, 0) + text[-3:]
