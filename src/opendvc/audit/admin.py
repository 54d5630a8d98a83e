from django.contrib import admin
from django.http import HttpRequest

from opendvc.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("at", "actor", "actor_role", "action", "object_type", "object_id", "outcome", "reason", "ip")
    list_filter = ("outcome", "action", "object_type")
    search_fields = ("object_id", "action", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
