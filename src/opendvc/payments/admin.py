"""Read-only views of obligations, orders and statement lines for administrators: every change goes
through the services (an order's money is never edited by hand)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opendvc.payments.models import Obligation, PaymentEvent, PaymentOrder, StatementLine


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "reference", "agency", "amount", "paid_at")
    list_filter = ("kind",)
    search_fields = ("reference", "payer_name")


class PaymentEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "action", "source", "from_status", "to_status", "data")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    list_display = ("reference", "provider", "amount", "status", "created_at", "settled_at")
    list_filter = ("provider", "status")
    search_fields = ("reference", "provider_transaction", "receipt_number")
    inlines = [PaymentEventInline]


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    list_display = ("bank_transaction", "agency", "booked_on", "amount", "outcome")
    list_filter = ("outcome",)
