"""Parts of the portal's layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
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


def _attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes as Django's ``attrs.html`` writes them: ``True`` alone, ``False`` left out."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        parts.append(f" {conditional_escape(name)}" if value is True else format_html(' {}="{}"', name, value))
    return "".join(parts)


@register.simple_tag
def select_options(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """A select's options written in one pass (the select widget's template; a long list of procedures
    would otherwise cost one template render per option)."""
    html: list[str] = []
    for group_name, options, _index in optgroups:
        if group_name:
            html.append(format_html('<optgroup label="{}">', group_name))
        for option in options:
            html.append(
                format_html('<option value="{}"', str(option["value"]))
                + _attributes(option["attrs"])
                + format_html(">{}</option>", option["label"])
            )
        if group_name:
            html.append("</optgroup>")
    return mark_safe("".join(html))  # noqa: S308 - every part is escaped above
