"""Admin: dossiers and their history are read-only (they change only through the services);
a procedure's internal workflow (steps and their share of the time limit) is configured here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opendvc.dossiers.models import Dossier, DossierEvent, WorkflowStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    fields = ("seq", "at", "actor", "actor_role", "action", "from_status", "to_status", "step", "note", "hash")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("seq",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "agency", "procedure", "status", "current_step", "applicant_name", "due_at", "finished_at")
    list_filter = ("status", "channel", "current_step")
    search_fields = ("code", "applicant_name", "applicant_id_number")
    date_hierarchy = "submitted_at"
    list_select_related = ("agency", "procedure")
    inlines = [DossierEventInline]


@admin.register(WorkflowStep)
class WorkflowStepAdmin(admin.ModelAdmin):
    list_display = ("procedure", "position", "step", "role", "share_percent", "allowance_amount", "allowance_unit")
    list_filter = ("step", "role")
    search_fields = ("procedure__code",)
    autocomplete_fields = ("procedure",)
    ordering = ("procedure__code", "position")
