"""How catalogue values read on the pages: choice labels, time limits, links to agencies."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opendvc.catalog.models import ApplicantType, Channel, ChannelKind, Level, OnlineLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

ONLINE_LEVEL_BADGES: dict[str, StrOrPromise] = {
    OnlineLevel.FULL.value: _("Trực tuyến toàn trình"),
    OnlineLevel.PARTIAL.value: _("Trực tuyến một phần"),
}


def _labels(choices: type[Level] | type[ApplicantType] | type[ChannelKind], values: Iterable[str] | None) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])


@register.filter
def level_labels(values: Iterable[str] | None) -> str:
    """``["bo", "xa"]`` → ``"Cấp Bộ, Cấp xã"``."""
    return _labels(Level, values)


@register.filter
def applicant_labels(values: Iterable[str] | None) -> str:
    return _labels(ApplicantType, values)


@register.filter
def channel_kind_labels(values: Iterable[str] | str | None) -> str:
    if isinstance(values, str):
        values = [values]
    return _labels(ChannelKind, values)


@register.filter
def online_level_badge(value: str | None) -> str:
    return str(ONLINE_LEVEL_BADGES.get(value or "", ""))


def _number(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    language = translation.get_language() or "vi"
    return text.replace(".", ",") if language.startswith("vi") else text


@register.filter
def time_limit(channel: Channel) -> str:
    """A channel's time limit in words, ``"5 ngày làm việc"``; empty when the catalogue gives none."""
    amount = channel.time_amount
    if amount is None or not channel.time_unit:
        return ""
    count = int(amount) if amount == amount.to_integral_value() else 2
    number = _number(Decimal(amount))
    if channel.time_unit == "working_days":
        text = ngettext("%(number)s ngày làm việc", "%(number)s ngày làm việc", count)
    elif channel.time_unit == "working_hours":
        text = ngettext("%(number)s giờ làm việc", "%(number)s giờ làm việc", count)
    else:
        text = ngettext("%(number)s ngày", "%(number)s ngày", count)
    return text % {"number": number}


@register.simple_tag
def agency_url(code: str) -> str:
    """The agency's page, once the agencies pages are there; its planned address until then."""
    try:
        return reverse("agencies:agency_detail", kwargs={"code": code})
    except NoReverseMatch:
        return f"/co-quan/{code}/"


@register.simple_tag
def agency_list_url() -> str:
    try:
        return reverse("agencies:agency_list")
    except NoReverseMatch:
        return "/co-quan/"


@register.filter
def heading_text(value: str) -> str:
    """A group title as published (``"* Giấy tờ phải nộp:"``) written as a heading (``"Giấy tờ phải nộp"``)."""
    return value.strip().lstrip("*-•+ ").rstrip(": ").strip()
