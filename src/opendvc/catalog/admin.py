"""The catalogue editors' admin: procedures, their versions with every part, fields, offerings.

Editors never change a published text in place: they make a new version (“Tạo phiên bản mới”
copies the published one into a draft), amend the draft, then publish it (“Công bố”), which
supersedes the previous version (Decree 63/2010/NĐ-CP, Art. 15, as amended by Decree 92/2017/NĐ-CP).
Published, superseded and withdrawn versions are read-only here. Both actions are services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from opendvc.catalog.models import (
    ApplicantType,
    Channel,
    ChannelKind,
    Fee,
    Field,
    LegalBasis,
    Level,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
    Result,
    ServiceOffering,
)
from opendvc.catalog.services import (
    catalog_revision_bump,
    procedure_version_create_draft,
    procedure_version_next_number,
    procedure_version_publish,
)
from opendvc.core.codes import CodeError, parse_tthc_code
from opendvc.core.errors import ApiError

# --- Forms --------------------------------------------------------------------------------------------


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Addresses typed without a scheme are https (the portal's links all are)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


URL_HTTPS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class LinesField(forms.CharField):
    """A list of texts edited one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return [str(item) for item in value]
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class ProcedureForm(forms.ModelForm):
    code = forms.CharField(
        label=_("mã thủ tục"),
        max_length=40,
        help_text=_(
            "Dạng N.NNNNNN, ví dụ 1.001193. Mã của địa phương (1.003560.000.00.00.H56) được quy về mã quốc gia."
        ),
    )

    class Meta:
        model = Procedure
        fields = ["code"]

    def clean_code(self) -> str:
        try:
            return parse_tthc_code(self.cleaned_data["code"])
        except CodeError as error:
            raise forms.ValidationError(error.message_vi, code=error.code) from error


VERSION_FIELDS = [
    "procedure",
    "name",
    "field",
    "levels",
    "applicant_types",
    "applicant_types_inferred",
    "online_level",
    "catalog_type",
    "promulgating_agency_name",
    "publication_decision",
    "implementing_agencies",
    "effective_from",
    "change_note",
    "conditions",
    "processing_time_text",
    "processing_time_note",
    "source",
    "source_url",
    "source_date",
    "is_sample",
]


class ProcedureVersionForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("cấp thực hiện"), choices=Level.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    applicant_types = forms.MultipleChoiceField(
        label=_("đối tượng thực hiện"),
        choices=ApplicantType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    implementing_agencies = LinesField(
        label=_("cơ quan thực hiện (như công bố)"), required=False, help_text=_("Mỗi cơ quan một dòng.")
    )

    class Meta:
        model = ProcedureVersion
        fields = VERSION_FIELDS
        formfield_callback = _formfield


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["position", "kind", "time_amount", "time_unit", "description"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        amount, unit = data.get("time_amount"), data.get("time_unit")
        if amount is not None and amount <= 0:
            self.add_error("time_amount", _("Thời hạn phải lớn hơn 0."))
        if amount is not None and not unit:
            self.add_error("time_unit", _("Thời hạn cần có đơn vị (ngày làm việc, ngày hoặc giờ làm việc)."))
        if unit and amount is None:
            self.add_error("time_amount", _("Đã chọn đơn vị thì cần nhập thời hạn."))
        return data


class FeeForm(forms.ModelForm):
    channel_kinds = forms.MultipleChoiceField(
        label=_("áp dụng cho hình thức"),
        choices=ChannelKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: áp dụng cho mọi hình thức nộp."),
    )

    class Meta:
        model = Fee
        fields = ["position", "channel_kinds", "code", "amount", "description"]

    def clean_amount(self) -> int | None:
        amount: int | None = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Số tiền không được âm."), code="negative_amount")
        return amount


# --- Inlines of a version -----------------------------------------------------------------------------


class DraftOnlyInline(admin.TabularInline):
    """Parts of a version can be edited only while the version is a draft."""

    extra = 0
    formfield_overrides = URL_HTTPS

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is None or obj.status == ProcedureVersion.Status.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class StepInline(DraftOnlyInline):
    model = ProcedureStep
    fields = ["position", "case_title", "description"]


class ChannelInline(DraftOnlyInline):
    model = Channel
    form = ChannelForm
    fields = ["position", "kind", "time_amount", "time_unit", "description"]


class FeeInline(DraftOnlyInline):
    model = Fee
    form = FeeForm
    fields = ["position", "channel_kinds", "code", "amount", "description"]


class DocumentInline(DraftOnlyInline):
    model = RequiredDocument
    fields = [
        "position",
        "group_title",
        "name",
        "originals",
        "copies",
        "mandatory",
        "template_name",
        "template_url",
        "template_file",
    ]


class ResultInline(DraftOnlyInline):
    model = Result
    fields = ["position", "code", "name"]


class LegalBasisInline(DraftOnlyInline):
    model = LegalBasis
    fields = ["position", "number", "title", "issued_on", "issuer"]


class LevelFilter(admin.SimpleListFilter):
    title = _("cấp thực hiện")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in Level.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in Level.values:
            return queryset.filter(levels__icontains=f'"{value}"')
        return queryset


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, error: ApiError) -> None:
    modeladmin.message_user(request, error.message_vi, messages.ERROR)


def _version_link(version: ProcedureVersion) -> str:
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    return format_html('<a href="{}">{}</a>', url, f"{version.procedure.code} v{version.number}")


def _create_drafts(modeladmin: admin.ModelAdmin, request: HttpRequest, procedures: list[Procedure]) -> None:
    for procedure in procedures:
        try:
            draft = procedure_version_create_draft(procedure=procedure)
        except ApiError as error:
            _report(modeladmin, request, error)
        else:
            modeladmin.message_user(
                request,
                format_html("Đã tạo bản dự thảo {} — sửa rồi chọn “Công bố”.", _version_link(draft)),
                messages.SUCCESS,
            )


class CatalogRevisionMixin:
    """Every save or delete in the admin is a catalogue change: bump the revision with it."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        catalog_revision_bump()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        catalog_revision_bump()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        catalog_revision_bump()


# --- Procedures and versions --------------------------------------------------------------------------


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fk_name = "procedure"
    fields = ["number", "status", "name", "effective_from", "effective_to", "published_at"]
    readonly_fields = ["number", "status", "name", "effective_from", "effective_to", "published_at"]
    show_change_link = True
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(CatalogRevisionMixin, admin.ModelAdmin):
    form = ProcedureForm
    list_display = ["code", "current_name", "current_number", "current_online_level", "updated_at"]
    list_select_related = ["current_version", "current_version__field"]
    list_filter = ["current_version__online_level", "current_version__field"]
    search_fields = ["code", "current_version__name"]
    readonly_fields = ["current_version", "created_at", "updated_at"]
    inlines = [VersionInline]
    actions = ["create_draft"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["code", *fields] if obj is not None else fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin]]:
        return list(self.inlines) if obj is not None else []

    @admin.display(description=_("tên thủ tục"), ordering="current_version__name")
    def current_name(self, obj: Procedure) -> str:
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description=_("phiên bản hiện hành"))
    def current_number(self, obj: Procedure) -> int | str:
        return obj.current_version.number if obj.current_version else "—"

    @admin.display(description=_("mức độ trực tuyến"))
    def current_online_level(self, obj: Procedure) -> str:
        return obj.current_version.get_online_level_display() if obj.current_version else "—"

    @admin.action(description=_("Tạo phiên bản mới"))
    def create_draft(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        _create_drafts(self, request, list(queryset))


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(CatalogRevisionMixin, admin.ModelAdmin):
    form = ProcedureVersionForm
    formfield_overrides = URL_HTTPS
    list_display = [
        "procedure_code",
        "number",
        "short_name",
        "status",
        "online_level",
        "field",
        "level_labels",
        "effective_from",
        "effective_to",
    ]
    list_display_links = ["procedure_code", "number", "short_name"]
    list_select_related = ["procedure", "field"]
    list_filter = ["status", "online_level", LevelFilter, "catalog_type", "is_sample", "field"]
    search_fields = ["procedure__code", "name"]
    autocomplete_fields = ["procedure", "field"]
    readonly_fields = ["number", "status", "published_at", "effective_to", "created_at"]
    inlines = [StepInline, ChannelInline, FeeInline, DocumentInline, ResultInline, LegalBasisInline]
    actions = ["create_draft", "publish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "procedure",
                    "number",
                    "status",
                    "name",
                    "field",
                    "levels",
                    "applicant_types",
                    "applicant_types_inferred",
                    "online_level",
                    "catalog_type",
                    "fee_payment_moment",
                ]
            },
        ),
        (
            _("Công bố"),
            {
                "fields": [
                    "promulgating_agency_name",
                    "publication_decision",
                    "implementing_agencies",
                    "effective_from",
                    "effective_to",
                    "published_at",
                    "change_note",
                ]
            },
        ),
        (_("Nội dung"), {"fields": ["conditions", "processing_time_text", "processing_time_note"]}),
        (
            _("Nguồn"),
            {"fields": ["source", "source_url", "source_date", "is_sample", "created_at"], "classes": ["collapse"]},
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["procedure", *fields] if obj is not None else fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool) -> None:
        if not change:
            obj.status = ProcedureVersion.Status.DRAFT
            obj.number = procedure_version_next_number(procedure=obj.procedure)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("mã thủ tục"), ordering="procedure__code")
    def procedure_code(self, obj: ProcedureVersion) -> str:
        return obj.procedure.code

    @admin.display(description=_("tên thủ tục"), ordering="name")
    def short_name(self, obj: ProcedureVersion) -> str:
        return obj.name if len(obj.name) <= 90 else obj.name[:88] + "…"

    @admin.display(description=_("cấp thực hiện"))
    def level_labels(self, obj: ProcedureVersion) -> str:
        labels = dict(Level.choices)
        return ", ".join(str(labels.get(level, level)) for level in obj.levels or [])

    @admin.action(description=_("Tạo phiên bản mới"))
    def create_draft(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        procedures = {version.procedure_id: version.procedure for version in queryset.select_related("procedure")}
        _create_drafts(self, request, list(procedures.values()))

    @admin.action(description=_("Công bố"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.select_related("procedure"):
            try:
                published = procedure_version_publish(version=version)
            except ApiError as error:
                _report(self, request, error)
            else:
                self.message_user(request, format_html("Đã công bố {}.", _version_link(published)), messages.SUCCESS)


# --- Fields and offerings -----------------------------------------------------------------------------


@admin.register(Field)
class FieldAdmin(CatalogRevisionMixin, admin.ModelAdmin):
    list_display = ["name", "code", "ministry_name"]
    search_fields = ["code", "name", "ministry_name"]


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(CatalogRevisionMixin, admin.ModelAdmin):
    list_display = ["online_service_code", "procedure_name", "agency", "online_level", "is_active"]
    list_select_related = ["procedure", "procedure__current_version", "agency"]
    list_filter = ["online_level", "is_active", "agency__kind"]
    search_fields = ["procedure__code", "procedure__current_version__name", "agency__code", "agency__name"]
    raw_id_fields = ["procedure", "agency"]

    @admin.display(description=_("mã dịch vụ công"), ordering="procedure__code")
    def online_service_code(self, obj: ServiceOffering) -> str:
        return obj.online_service_code

    @admin.display(description=_("thủ tục"))
    def procedure_name(self, obj: ServiceOffering) -> str:
        version = obj.procedure.current_version
        return version.name if version else obj.procedure.code
