"""Administration of the working-day calendar: holidays, days off and make-up days decided each year."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opendvc.core.models import CalendarDay

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = (
            CalendarDay.objects.annotate(year=ExtractYear("date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> QuerySet[CalendarDay]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    title = _("phạm vi")
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("national", _("Toàn quốc")), ("local", _("Địa phương, cơ quan"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> QuerySet[CalendarDay]:
        if self.value() == "national":
            return queryset.filter(agency__isnull=True)
        if self.value() == "local":
            return queryset.filter(agency__isnull=False)
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Days decided by the Government or a local authority; they override the statutory calendar."""

    list_display = ("date", "weekday", "kind", "name", "scope", "legal_basis")
    list_display_links = ("date", "name")
    list_filter = (YearFilter, "kind", ScopeFilter)
    search_fields = ("name", "legal_basis", "agency__code", "agency__name")
    date_hierarchy = "date"
    ordering = ("-date",)
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)
    fields = ("date", "kind", "name", "legal_basis", "agency")

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarDay) -> str:
        return _WEEKDAYS[obj.date.weekday()]

    @admin.display(description=_("phạm vi"), ordering="agency__code")
    def scope(self, obj: CalendarDay) -> str:
        return str(obj.agency) if obj.agency_id else str(_("Toàn quốc"))
