"""Whole pages kept in the cache, the same bytes for every visitor in a language, compressed once.

Catalogue and home pages are read far more often than the catalogue changes, and nothing on them
is personal: the header shows a plain "Tài khoản" link instead of the visitor's name, and the
language switch posts to a view that needs no per-visitor token (see ``language_set``). Such a page
is rendered once per key and language, stored with its gzip and Brotli encodings, and each view
after that costs one cache read: no template, no compression, no database query.

Each worker also keeps the encodings it has recently sent in its own memory (:class:`PageMemory`,
bounded by ``PAGE_MEMORY_BYTES``), for at most ``PAGE_MEMORY_SECONDS`` and never beyond the page's
own timeout, so a popular page does not even cost a round trip to the shared cache. Keys carry the
catalogue revision where the page shows catalogue data, so a catalogue change is never hidden by it.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli
from django.apps import apps
from django.conf import settings
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


class PageMemory:
    """A worker's least-recently-used store of page bodies, bounded by their total size in bytes."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            held = self._entries.get(key)
            if held is None:
                return None
            if held[0] <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return held[1]

    def put(self, key: tuple[str, str], body: bytes, *, seconds: float) -> None:
        limit = settings.PAGE_MEMORY_BYTES
        if seconds <= 0 or len(body) > limit // 8:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + seconds, body)
            self._size += len(body)
            while self._size > limit:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _drop(self, key: tuple[str, str]) -> None:
        _, body = self._entries.pop(key)
        self._size -= len(body)


page_memory = PageMemory()


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
    accepted = _accepted(request)
    encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else "identity"
    body = page_memory.get((full_key, encoding))
    if body is None:
        stored = django_cache.get(full_key)
        if not isinstance(stored, StoredPage):
            stored = StoredPage.of(render())
            django_cache.set(full_key, stored, timeout)
        body = getattr(stored, encoding)
        page_memory.put((full_key, encoding), body, seconds=min(timeout, settings.PAGE_MEMORY_SECONDS))
    response = HttpResponse(body)
    if encoding != "identity":
        response["Content-Encoding"] = encoding
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
