"""Administration of units (reference data, read-only), old-unit mappings and agencies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opendvc.agencies.models import AdministrativeUnit, Agency, LegacyUnitMapping
from opendvc.agencies.services import agency_upsert, working_hours_clean
from opendvc.core.codes import parse_agency_code
from opendvc.core.errors import ApiError


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from the loaders (``load_administrative_units``), not from hand edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "codename")
    list_select_related = ("province",)
    ordering = ("code",)


@admin.register(LegacyUnitMapping)
class LegacyUnitMappingAdmin(ReadOnlyAdmin):
    list_display = (
        "old_ward_name",
        "old_district_name",
        "old_province_name",
        "old_ward_code",
        "new_unit",
        "is_default",
    )
    list_filter = ("is_default", "old_province_name")
    search_fields = ("old_ward_code", "old_key", "new_unit__name", "new_unit__code")
    list_select_related = ("new_unit",)


class AgencyAdminForm(forms.ModelForm):
    """Checks the code (Decision 20/2020/QĐ-TTg, either order) and its parent the way the service does."""

    website = forms.URLField(label=_("trang thông tin"), required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = (
            "code",
            "name",
            "kind",
            "parent",
            "administrative_unit",
            "address",
            "phone",
            "email",
            "website",
            "working_hours",
            "is_active",
            "is_sample",
        )

    def clean_code(self) -> str:
        try:
            code = parse_agency_code(self.cleaned_data["code"]).canonical
        except ApiError as error:
            raise forms.ValidationError(error.message()) from None
        if Agency.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Đã có cơ quan mang mã này."))
        return code

    def clean_working_hours(self) -> list[dict[str, object]]:
        try:
            return working_hours_clean(self.cleaned_data.get("working_hours"))
        except ApiError as error:
            raise forms.ValidationError(error.message()) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code, parent = cleaned.get("code"), cleaned.get("parent")
        if code and parent and not code.startswith(f"{parent.code}."):
            self.add_error("code", _("Mã cơ quan phải bắt đầu bằng mã của cơ quan cấp trên."))
        return cleaned


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ("code", "name", "kind", "province", "is_active", "is_sample")
    list_filter = ("kind", ("province", admin.RelatedOnlyFieldListFilter), "is_active", "is_sample")
    search_fields = ("code", "name", "search_text")
    list_select_related = ("province",)
    autocomplete_fields = ("parent", "administrative_unit")
    readonly_fields = ("level1", "depth", "province")
    ordering = ("code",)

    def get_readonly_fields(self, request: HttpRequest, obj: Agency | None = None) -> tuple[str, ...]:
        """An agency's code is its identity elsewhere (dossiers, sync): it is set once."""
        return (*self.readonly_fields, "code") if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.ModelForm, change: bool) -> None:
        """Save through ``agency_upsert`` so level, depth, province and search text stay derived."""
        data = form.cleaned_data
        saved = agency_upsert(
            code=obj.code,
            name=data["name"],
            kind=data["kind"],
            parent_code=data["parent"].code if data.get("parent") else None,
            administrative_unit_code=data["administrative_unit"].code if data.get("administrative_unit") else None,
            address=data.get("address", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            website=data.get("website", ""),
            working_hours=data.get("working_hours"),
            is_sample=data.get("is_sample", False),
        )
        if saved.is_active != data.get("is_active", True):
            saved.is_active = data.get("is_active", True)
            saved.save(update_fields=["is_active"])
        obj.pk = saved.pk
        obj.refresh_from_db()
