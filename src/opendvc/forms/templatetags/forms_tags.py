"""Template helpers of the online forms: texts in the page's language, task states, the apply button."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opendvc.catalog.models import ChannelKind, ProcedureVersion
from opendvc.forms.models import ProcedureForm

register = template.Library()


def _language() -> str:
    return get_language() or "vi"


@register.filter
def heading(item: Any) -> str:
    """A page's or a document's title in the page's language."""
    return str(item.heading(_language()))


@register.filter
def hint(item: Any) -> str:
    return str(item.hint_text(_language()))


@register.filter
def status_label(status: str) -> str:
    labels = {"not_started": _("Chưa bắt đầu"), "in_progress": _("Đang làm"), "done": _("Hoàn thành")}
    return str(labels.get(status, status))


@register.simple_tag
def apply_url(version: ProcedureVersion) -> str:
    """The start of the online application when the procedure has a form and an agency takes it online.

    Uses the channels and active offerings the catalogue page has already fetched; one query for the form.
    """
    kinds = {channel.kind for channel in version.channels.all()}
    if kinds and ChannelKind.ONLINE not in kinds:
        return ""
    if not any(offering.is_active for offering in version.procedure.offerings.all()):
        return ""
    if not ProcedureForm.objects.filter(procedure_version__procedure_id=version.procedure_id).exists():
        return ""
    return reverse("forms:start", kwargs={"code": version.procedure.code})
