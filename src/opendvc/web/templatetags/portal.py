"""Parts of the portal's layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from opendvc.web.pages import language_form

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch(context: dict[str, Any]) -> SafeString:
    """The language form, coming back to this page (its path only on a page shared by every visitor)."""
    request = context.get("request")
    if request is None:  # rendered outside a request (an e-mail, a PDF): nothing to switch
        return mark_safe("")
    next_path = request.path if context.get("shared_page") else request.get_full_path()
    return mark_safe(language_form(next_path=next_path))  # noqa: S308
