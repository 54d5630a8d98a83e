from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from opendvc.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "kind", "personal_id", "email", "is_staff")
    list_filter = ("kind", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "personal_id", "email", "phone")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin công dân"), {"fields": ("kind", "full_name", "personal_id", "phone")}),
    )
