"""Parts of the portal's layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from opendvc.web.pages import LANGUAGE_FORM_SLOT, language_form

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch(context: dict[str, Any]) -> SafeString:
    """The language form, or the slot where a cached page gets each visitor's own form."""
    if context.get("language_form_slot"):
        return mark_safe(LANGUAGE_FORM_SLOT)  # noqa: S308
    request = context.get("request")
    if request is None:  # rendered outside a request (an e-mail, a PDF): nothing to switch
        return mark_safe("")
    return mark_safe(language_form(request))  # noqa: S308
