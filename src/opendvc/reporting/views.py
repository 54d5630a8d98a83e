"""The public statistics pages: the periodic report's figures with charts, each chart beside its data table.

Thin views: read the period from the query string, call :func:`selectors.statistics_for`, render.
The pages work without JavaScript (the tables carry every figure); ``reporting/charts.js`` draws the
charts with ECharts from the same figures, given in a JSON data block (CSP allows no inline script).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from opendvc.core.errors import ApiError
from opendvc.reporting import selectors
from opendvc.reporting.templatetags.statistics import count

KINDS = (("month", gettext_lazy("Tháng")), ("quarter", gettext_lazy("Quý")), ("year", gettext_lazy("Năm")))
WINDOWS = (
    ("calendar", gettext_lazy("Theo tháng, quý, năm dương lịch")),
    ("report", gettext_lazy("Theo kỳ báo cáo (từ ngày 15 kỳ trước đến ngày 14)")),
)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Kỳ thống kê"), choices=KINDS, required=False)
    number = forms.IntegerField(label=gettext_lazy("Tháng hoặc quý"), min_value=1, max_value=12, required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100, required=False)
    window = forms.ChoiceField(label=gettext_lazy("Cách tính kỳ"), choices=WINDOWS, required=False)


def _period(form: PeriodForm) -> selectors.Period:
    data = form.cleaned_data
    kind, window = data.get("period") or "month", data.get("window") or "calendar"
    current = selectors.period_current(kind=kind, window=window)
    return selectors.period_for(
        kind=kind,
        year=data.get("year") or current.year,
        number=data.get("number") or current.number,
        window=window,
    )


def _child_urls(level: str | None, codes: list[str], parent: str = "") -> dict[str, str]:
    """The page of each child, reversed once for the level: its codes only differ in one path segment."""
    if not codes:
        return {}
    placeholder = "0"
    pattern = _url(level, placeholder, parent)
    head, tail = pattern.rsplit(f"/{placeholder}/", 1)
    return {code: f"{head}/{quote(code, safe=RFC3986_SUBDELIMS + '~:@')}/{tail}" for code in codes}


def _url(level: str | None, code: str, parent: str = "") -> str:
    if level == "province":
        return reverse("reporting:province", args=[code])
    if level == "agency":
        return reverse("reporting:agency", args=[code])
    if level == "procedure":
        return reverse("reporting:procedure", args=[parent, code])
    return reverse("reporting:national")


def _cells(f: selectors.Figures, *, comma: bool) -> str:
    """One row's cells of the report table, rendered once here rather than cell by cell in the template.

    A province's table has a row per agency (over a hundred) of thirteen cells; through the template
    engine they cost more than the figures' queries. The cells are written as the ``count`` and
    ``rate`` filters (:mod:`opendvc.reporting.templatetags.statistics`) write them — ``comma``, the
    decimal comma of Vietnamese, decided once per page — in digits, separators, ``%`` and ``—`` only,
    so they need no escaping.
    """
    flows = f.flows
    closed_on_time = flows["resolved_on_time"] + flows["withdrawn"] + flows["stopped"]
    in_person_or_post = flows["received_in_person"] + flows["received_post"]
    resolved = flows["resolved_early"] + closed_on_time + flows["resolved_late"]
    numbers = (
        f.carried_over + flows["received_online"] + in_person_or_post,
        flows["received_online"],
        in_person_or_post,
        f.carried_over,
        resolved,
        flows["resolved_early"],
        closed_on_time,
        flows["resolved_late"],
        f.in_progress,
        f.in_progress - f.overdue,
        f.overdue,
    )
    cells = [f"{n:,}".replace(",", ".") for n in numbers]
    for value in (f.on_time_rate, f.online_rate):
        text = "—" if value is None else f"{value:.2f} %"
        cells.append(text.replace(".", ",") if comma else text)
    return "<td>" + "</td><td>".join(cells) + "</td>"


def _table_rows(children: list[dict[str, Any]], *, comma: bool) -> SafeString:
    """The report table's body: a row per child, its name linked to its page (escaped here once)."""
    rows = []
    for child in children:
        name = html.escape(child["row"].name)
        if child["url"]:
            name = f'<a class="usa-link" href="{html.escape(child["url"])}">{name}</a>'
        rows.append(f'<tr><th scope="row">{name}</th>{_cells(child["row"].figures, comma=comma)}</tr>')
    return mark_safe("".join(rows))  # noqa: S308 (escaped here)


def _chart_rows(rows: Iterable[tuple[str, Iterable[int]]]) -> SafeString:
    """The body of a chart's data table: a heading cell (escaped here) and counts, as ``count`` writes them."""
    return mark_safe(  # noqa: S308 (escaped here)
        "".join(
            f'<tr><th scope="row">{html.escape(head)}</th>' + "".join(f"<td>{count(n)}</td>" for n in numbers) + "</tr>"
            for head, numbers in rows
        )
    )


def _api_url(stats: selectors.Statistics) -> str:
    base = "/api/v1/statistics"
    if stats.level == "province":
        return f"{base}/provinces/{stats.code}"
    if stats.level == "agency":
        return f"{base}/agencies/{stats.code}"
    if stats.level == "procedure":
        return f"{base}/agencies/{stats.parents[-1][1]}/procedures/{stats.code}"
    return f"{base}/"


def _chart_data(stats: selectors.Statistics) -> dict[str, Any]:
    """What charts.js draws: labels already translated, figures as numbers."""
    t = stats.totals
    return {
        "channels": {
            "title": _("Hồ sơ mới tiếp nhận theo kênh"),
            "categories": [row.name for row in stats.children[:15]],
            "series": [
                {"name": _("Trực tuyến"), "data": [row.figures.received_online for row in stats.children[:15]]},
                {"name": _("Trực tiếp"), "data": [row.figures.received_in_person for row in stats.children[:15]]},
                {"name": _("Bưu chính"), "data": [row.figures.received_post for row in stats.children[:15]]},
            ],
        },
        "results": {
            "title": _("Tình hình giải quyết"),
            "items": [
                {"name": _("Giải quyết trước hạn"), "value": t.resolved_early},
                {"name": _("Giải quyết đúng hạn"), "value": t.closed_on_time},
                {"name": _("Giải quyết quá hạn"), "value": t.resolved_late},
                {"name": _("Đang giải quyết trong hạn"), "value": t.in_progress_on_time},
                {"name": _("Đang giải quyết quá hạn"), "value": t.overdue},
            ],
        },
        "trend": {
            "title": _("Hồ sơ tiếp nhận và giải quyết theo tháng"),
            "categories": [p.month.strftime("%m/%Y") for p in stats.trend],
            "series": [
                {"name": _("Mới tiếp nhận"), "data": [p.received for p in stats.trend]},
                {"name": _("Đã có kết quả"), "data": [p.resolved for p in stats.trend]},
            ],
        },
    }


def _page(
    request: HttpRequest, *, province: str | None = None, agency: str | None = None, procedure: str | None = None
) -> HttpResponse:
    form = PeriodForm(request.GET)
    form.is_valid()  # a field that does not validate falls back to the current period's value
    error: ApiError | None = None
    try:
        period = _period(form)
    except ApiError as exc:
        error, period = exc, selectors.period_current()
    try:
        stats = selectors.statistics_for(period=period, province=province, agency=agency, procedure=procedure)
    except ApiError as exc:
        if exc.status == 404:
            raise Http404(exc.message()) from exc
        raise
    query = request.GET.urlencode()
    parent_code = stats.code if stats.level == "agency" else ""
    suffix = f"?{query}" if query else ""
    urls = _child_urls(stats.child_level, [row.code for row in stats.children if row.code], parent_code)
    children: list[dict[str, Any]] = [
        {"row": row, "url": urls[row.code] + suffix if row.code else ""}
        for row in [*(r for r in stats.children if r.code), *(r for r in stats.children if not r.code)]
    ]
    comma = not (translation.get_language() or "vi").startswith("en")
    breadcrumbs = [
        {"name": name or _("Cả nước"), "url": _url(level, code) + (f"?{query}" if query else "")}
        for level, code, name in stats.parents
    ]
    chart_data = _chart_data(stats)
    context = {
        "stats": stats,
        "form": form,
        "error": error,
        "children": children,
        "table_rows": _table_rows(children, comma=comma),
        "total_cells": mark_safe(_cells(stats.totals, comma=comma)),  # noqa: S308 (numbers only)
        "breadcrumbs": breadcrumbs,
        "chart_data": chart_data,
        "results_rows": _chart_rows((item["name"], [item["value"]]) for item in chart_data["results"]["items"]),
        "channels_rows": _chart_rows(
            (
                c["row"].name,
                [c["row"].figures.received_online, c["row"].figures.received_in_person, c["row"].figures.received_post],
            )
            for c in children[:15]
        ),
        "trend_rows": _chart_rows((p.month.strftime("%m/%Y"), [p.received, p.resolved]) for p in stats.trend),
        "period_label": stats.period.label_en if request.LANGUAGE_CODE.startswith("en") else stats.period.label_vi,
        "api_url": _api_url(stats) + (f"?{query}" if query else ""),
    }
    return render(request, "reporting/statistics.html", context, status=error.status if error else 200)


@require_safe
def national(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_safe
def province(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, province=code)


@require_safe
def agency(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, agency=code)


@require_safe
def procedure(request: HttpRequest, code: str, procedure: str) -> HttpResponse:
    return _page(request, agency=code, procedure=procedure)
