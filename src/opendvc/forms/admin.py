"""Forms in the admin: catalogue editors paste a form's schema and hints; drafts are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opendvc.forms.models import DossierDraft, ProcedureForm


@admin.register(ProcedureForm)
class ProcedureFormAdmin(admin.ModelAdmin):
    list_display = ("title", "procedure_version", "version", "updated_at")
    search_fields = ("title", "procedure_version__procedure__code")
    raw_id_fields = ("procedure_version",)
    readonly_fields = ("version", "created_at", "updated_at")


@admin.register(DossierDraft)
class DossierDraftAdmin(admin.ModelAdmin):
    list_display = ("public_id", "procedure", "user", "agency", "updated_at", "dossier")
    list_select_related = ("procedure", "user", "agency", "dossier")
    search_fields = ("procedure__code", "user__username")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
