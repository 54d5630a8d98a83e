"""Whole pages kept in the cache, with the one part that differs per visitor filled in per request.

Every page carries the language switch, a POST form with the visitor's CSRF token and the page's
own address; everything else on a catalogue page is the same for every visitor in a language. A
cached page is stored as the HTML before and after that form, so serving it costs one cache read
and a few string joins instead of a template render.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.apps import apps
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils import translation

LANGUAGE_FORM_SLOT = "<!--opendvc:language-form-->"
STYLESHEETS_AND_SCRIPTS = ("vendor/uswds/css/uswds.min.css", "css/opendvc.css", "vendor/htmx/htmx.min.js")


def language_form(request: HttpRequest) -> str:
    """The language switch for this visitor: their CSRF token and this page as the place to come back to."""
    return get_template("web/_language_form.html").render(
        {
            "csrf_token": get_token(request),
            "next_path": request.get_full_path(),
            "LANGUAGE_CODE": translation.get_language(),
        }
    )


@cache
def page_cache_version() -> str:
    """Changes when a deployment changes the templates or the static files' hashed names.

    A shared cache (Redis) outlives a deployment; pages of the previous release must not be served
    with stylesheets that no longer exist.
    """
    digest = hashlib.sha256()
    for app in apps.get_app_configs():
        templates = Path(app.path) / "templates"
        if app.name.startswith("opendvc.") and templates.is_dir():
            for path in sorted(templates.rglob("*.html")):
                digest.update(path.read_bytes())
    for name in STYLESHEETS_AND_SCRIPTS:
        digest.update(static(name).encode())
    return digest.hexdigest()[:12]


def cached_page(request: HttpRequest, key: str, render: Callable[[], str], *, timeout: int) -> HttpResponse:
    """Serve the page stored under ``key`` (per language), rendering it with ``render`` when missing.

    ``render`` renders the page with ``language_form_slot`` set in its context, so the layout
    leaves the slot where the visitor's language form goes.
    """
    full_key = f"page:{page_cache_version()}:{key}:{translation.get_language()}"
    parts = django_cache.get(full_key)
    if parts is None:
        parts = render().split(LANGUAGE_FORM_SLOT)
        if len(parts) != 2:
            raise ValueError(f"a cached page needs exactly one language-form slot, found {len(parts) - 1}")
        django_cache.set(full_key, parts, timeout)
    before, after = parts
    return HttpResponse(before + language_form(request) + after)
