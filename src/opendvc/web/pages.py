"""Whole pages kept in the cache, the same bytes for every visitor in a language, compressed once.

Catalogue and home pages are read far more often than the catalogue changes, and nothing on them
is personal: the header shows a plain "Tài khoản" link instead of the visitor's name, and the
language switch posts to a view that needs no per-visitor token (see ``language_set``). Such a page
is rendered once per key and language, stored with its gzip and Brotli encodings, and each view
after that costs one cache read: no template, no compression, no database query.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli
from django.apps import apps
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import patch_vary_headers

STYLESHEETS_AND_SCRIPTS = ("vendor/uswds/css/uswds.min.css", "css/opendvc.css", "vendor/htmx/htmx.min.js")


def language_form(*, next_path: str) -> str:
    """The language switch: two buttons posting the chosen language and the page to come back to."""
    return get_template("web/_language_form.html").render(
        {"next_path": next_path, "LANGUAGE_CODE": translation.get_language()}
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


@dataclass(frozen=True)
class StoredPage:
    """One rendered page and its encodings, as kept in the cache."""

    identity: bytes
    gzip: bytes
    br: bytes

    @classmethod
    def of(cls, html: str) -> StoredPage:
        body = html.encode("utf-8")
        return cls(identity=body, gzip=gzip.compress(body, compresslevel=9, mtime=0), br=brotli.compress(body))


def _accepted(request: HttpRequest) -> set[str]:
    header = request.headers.get("Accept-Encoding", "")
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            continue
        accepted.add(name.strip().lower())
    return accepted


def cached_page(request: HttpRequest, key: str, render: Callable[[], str], *, timeout: int) -> HttpResponse:
    """Serve the page stored under ``key`` (per language), rendering it with ``render`` when missing.

    ``render`` renders the page with ``shared_page`` set in its context, so the layout leaves out
    everything personal. The response carries the best encoding the browser accepts.
    """
    full_key = f"page:{page_cache_version()}:{key}:{translation.get_language()}"
    stored = django_cache.get(full_key)
    if not isinstance(stored, StoredPage):
        stored = StoredPage.of(render())
        django_cache.set(full_key, stored, timeout)
    accepted = _accepted(request)
    if "br" in accepted:
        response = HttpResponse(stored.br)
        response["Content-Encoding"] = "br"
    elif "gzip" in accepted:
        response = HttpResponse(stored.gzip)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(stored.identity)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
