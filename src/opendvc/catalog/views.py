"""Catalogue pages: search the procedures and read one procedure's start page."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog import selectors
from opendvc.catalog.models import ApplicantType, Field, OnlineLevel, ProcedureVersion
from opendvc.catalog.search import SearchFilters, SearchPage, catalog_revision
from opendvc.core.codes import CodeError, parse_tthc_code
from opendvc.core.errors import ApiError
from opendvc.core.text import words
from opendvc.web.pages import cached_page

RESULTS_PER_PAGE = 20
FILTER_NAMES = ("field", "agency", "province", "applicant", "online_level")
# The revision is part of every key, so a catalogue change is seen at once; the timeout only
# bounds how long a page of an old revision stays in memory.
CACHE_SECONDS = 24 * 3600
OPTIONS_CACHE_SECONDS = 600


_revision: tuple[str, float] = ("", 0.0)


def _revision_key() -> str:
    """The catalogue revision, read again at most every ``CATALOG_INDEX_CHECK_SECONDS`` (as search does).

    A catalogue change therefore reaches this worker's pages within those seconds, and most page
    views need no query at all.
    """
    global _revision
    value, checked_at = _revision
    now = time.monotonic()
    if not value or now - checked_at >= settings.CATALOG_INDEX_CHECK_SECONDS:
        number, changed_at = catalog_revision()
        value = f"{number}:{changed_at}"
        _revision = (value, now)
    return value


def _search_options(revision: str) -> dict[str, list[tuple[str, str]]]:
    """Values the filter selects offer: only those that can match something in the catalogue."""
    key = f"catalog:search-options:{revision}"
    options = cache.get(key)
    if options is None:
        fields = (
            Field.objects.filter(procedureversion__status=ProcedureVersion.Status.PUBLISHED)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        )
        agencies = (
            Agency.objects.filter(offerings__is_active=True).distinct().order_by("name").values_list("code", "name")
        )
        provinces = (
            AdministrativeUnit.objects.filter(province__isnull=True).order_by("name").values_list("code", "name")
        )
        options = {
            "field": [(code or name, name) for code, name in fields],
            "agency": list(agencies),
            "province": list(provinces),
        }
        cache.set(key, options, OPTIONS_CACHE_SECONDS)
    return options


def _page_query(params: QueryDict, cursor: str | None) -> str:
    """The same search at another page (``cursor``) or, without one, at its first page."""
    query = params.copy()
    query.pop("cursor", None)
    if cursor:
        query["cursor"] = cursor
    return query.urlencode()


@require_safe
def procedure_search(request: HttpRequest) -> HttpResponse:
    """The search page; an htmx request (the form, enhanced) gets only the results region back."""
    query = request.GET.get("q", "").strip()
    chosen = {name: request.GET.get(name, "").strip() for name in FILTER_NAMES}
    cursor = request.GET.get("cursor", "").strip() or None
    page: SearchPage | None = None
    error = ""
    try:
        page = selectors.procedure_search(
            query=query,
            filters=SearchFilters(**{k: v or None for k, v in chosen.items()}),
            cursor=cursor,
            limit=RESULTS_PER_PAGE,
        )
    except ApiError as exc:
        error = exc.message()
    corrected_query = ""
    if page is not None and page.corrected_terms:
        corrected_query = " ".join(page.corrected_terms.get(word, word) for word in words(query))
    options = _search_options(_revision_key())
    context: dict[str, Any] = {
        "query": query,
        "chosen": chosen,
        "filters_used": any(chosen.values()),
        "is_next_page": cursor is not None,
        "page": page,
        "error": error,
        "corrected_query": corrected_query,
        "next_page_query": _page_query(request.GET, page.next) if page and page.next else "",
        "first_page_query": _page_query(request.GET, None),
        "field_options": options["field"],
        "agency_options": options["agency"],
        "province_options": options["province"],
        "applicant_options": ApplicantType.choices,
        "online_level_options": OnlineLevel.choices,
    }
    wants_fragment = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "catalog/_search_fragment.html" if wants_fragment else "catalog/procedure_search.html"
    response = render(request, template, context, status=400 if error else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's start page (UX.md): everything a person needs before deciding to apply.

    A local variant's code (``1.003560.000.00.00.H56``) leads to the national procedure. The
    rendered page is kept in the cache per catalogue revision and language.
    """
    try:
        national_code = parse_tthc_code(code)
    except CodeError:
        raise Http404("unknown procedure code") from None
    if national_code != code:
        return redirect("catalog:procedure_detail", code=national_code, permanent=True)

    def render_page() -> str:
        version = selectors.procedure_get(code=national_code)
        if version is None:
            raise Http404("no published version")
        context = {"version": version, "shared_page": True}
        return render_to_string("catalog/procedure_detail.html", context, request=request)

    return cached_page(
        request, f"catalog:procedure:{national_code}:{_revision_key()}", render_page, timeout=CACHE_SECONDS
    )
