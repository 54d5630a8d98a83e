"""Agency pages: find an agency, and read one agency's contact details, hours and procedures."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from opendvc.agencies import selectors
from opendvc.agencies.models import Agency
from opendvc.catalog.selectors import procedure_list_for_agency
from opendvc.core.errors import ApiError

PAGE_SIZE = 20
WEEKDAYS: tuple[Promise, ...] = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
)


def _weekday_span(days: Sequence[int]) -> str:
    """``[0, 1, 2, 3, 4]`` → ``Thứ Hai – Thứ Sáu``; non-consecutive days are listed."""
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAYS[days[0]]} – {WEEKDAYS[days[-1]]}"
    return ", ".join(str(WEEKDAYS[day]) for day in days)


def working_hours_lines(periods: list[dict[str, object]]) -> list[tuple[str, str]]:
    """Working hours as people read them: one line per group of days, the periods of the day in order."""
    by_days: dict[tuple[int, ...], list[str]] = {}
    for period in periods:
        weekdays = period.get("weekdays")
        if not isinstance(weekdays, list):
            continue
        days = tuple(sorted(day for day in weekdays if isinstance(day, int) and 0 <= day <= 6))
        if days:
            by_days.setdefault(days, []).append(f"{period.get('start')}–{period.get('end')}")
    return [(_weekday_span(days), ", ".join(sorted(times))) for days, times in sorted(by_days.items())]


@require_safe
def agency_list(request: HttpRequest) -> HttpResponse:
    """Search agencies by name or code, filter by province and kind; works without JavaScript."""
    q = request.GET.get("q", "")
    province = request.GET.get("province", "")
    kind = request.GET.get("kind", "")
    cursor = request.GET.get("cursor") or None
    error: ApiError | None = None
    page = selectors.AgencyPage(items=[], next=None)
    try:
        page = selectors.agency_list(q=q, province=province or None, kind=kind or None, cursor=cursor, limit=PAGE_SIZE)
    except ApiError as exc:
        error = exc
    context = {
        "q": q[: selectors.QUERY_MAX_LENGTH],
        "province": province,
        "kind": kind,
        "provinces": selectors.province_list(),
        "kinds": Agency.Kind.choices,
        "page": page,
        "error": error,
        "error_field": _error_field(error),
        "filtered": bool(q or province or kind),
        "next_query": _page_query(q, province, kind, page.next) if page.next else "",
        "first_page_url": _first_page_url(q, province, kind) if cursor and not error else "",
    }
    return render(request, "agencies/agency_list.html", context, status=error.status if error else 200)


def _page_query(q: str, province: str, kind: str, cursor: str | None) -> str:
    params = {"q": q, "province": province, "kind": kind, "cursor": cursor or ""}
    return urlencode({name: value for name, value in params.items() if value})


def _first_page_url(q: str, province: str, kind: str) -> str:
    query = _page_query(q, province, kind, None)
    return reverse("agencies:agency_list") + (f"?{query}" if query else "")


def _error_field(error: ApiError | None) -> str:
    if error is None:
        return ""
    return {
        "invalid_query": "agency-q",
        "unknown_province": "agency-province",
        "invalid_kind": "agency-kind",
    }.get(error.code, "agency-q")


@require_safe
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One agency: who it is, where it sits, how to reach it, when it is open, what it handles."""
    try:
        agency = selectors.agency_get(code=code)
    except ApiError:
        raise Http404 from None
    if agency.code != code:
        return redirect("agencies:agency_detail", code=agency.code, permanent=True)
    context = {
        "agency": agency,
        "hours": working_hours_lines(agency.working_hours),
        "procedures": list(procedure_list_for_agency(agency=agency)),
    }
    return render(request, "agencies/agency_detail.html", context)
