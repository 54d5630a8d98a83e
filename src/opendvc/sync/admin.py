from django.contrib import admin

from opendvc.sync.models import IntegratedSystem, OutboxEntry, QuarantinedRecord, SystemCredential


class CredentialInline(admin.TabularInline):
    model = SystemCredential
    fields = ("kind", "application", "created_at", "expires_at")
    readonly_fields = ("kind", "application", "created_at")
    extra = 0
    can_delete = False


@admin.register(IntegratedSystem)
class IntegratedSystemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "operator", "status", "rate_limit_per_minute")
    list_filter = ("status",)
    search_fields = ("code", "name", "operator")
    filter_horizontal = ("scope_provinces", "scope_agencies")
    inlines = [CredentialInline]


@admin.register(QuarantinedRecord)
class QuarantinedRecordAdmin(admin.ModelAdmin):
    list_display = ("dossier_code", "system", "agency_code", "reason", "attempts", "last_at", "resolved_at")
    list_filter = ("reason", "kind", "system")
    search_fields = ("dossier_code", "agency_code")
    readonly_fields = [f.name for f in QuarantinedRecord._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "dossier", "event", "attempts", "next_attempt_at", "sent_at")
    readonly_fields = [f.name for f in OutboxEntry._meta.fields]
