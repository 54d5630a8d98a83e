"""How the portal writes money and dates (UX.md): ``1.250.000 đ`` and ``24/11/2026``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def vnd(value: object) -> str:
    """An amount in đồng with '.' between thousands: ``1250000`` → ``"1.250.000 đ"``; empty when unknown."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    if not amount.is_finite():
        return ""
    whole = int(amount.to_integral_value())
    digits = f"{abs(whole):,}".replace(",", ".")
    return f"{'-' if whole < 0 else ''}{digits} đ"


@register.filter
def dmy(value: object) -> str:
    """A date as dd/mm/yyyy; an aware date-time is shown in the portal's time zone first."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return ""


@register.filter
def dmy_hm(value: object) -> str:
    """A moment as ``09:12 24/11/2026`` in the portal's time zone."""
    if not isinstance(value, datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")
