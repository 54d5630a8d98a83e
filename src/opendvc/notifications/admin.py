"""Notifications are a record of what was sent: readable in the admin, never edited."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from opendvc.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "to", "template_key", "status", "sent_at", "recipient")
    list_filter = ("channel", "status", "template_key")
    search_fields = ("to", "subject", "related_object_id", "recipient__username", "recipient__full_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [field.name for field in Notification._meta.fields]
