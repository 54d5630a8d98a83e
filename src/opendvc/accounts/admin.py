"""Administration of accounts, officer roles, organisations and their representatives, and tokens.

Tokens are read-only here (only their SHA-256 exists); they can be revoked, never shown or created.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.contrib.auth.forms import UsernameField
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opendvc.accounts.models import AccessToken, OfficerRole, Organisation, Representation, User, VerificationCode
from opendvc.accounts.services import access_token_revoke


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "kind", "full_name")
        field_classes = {"username": UsernameField}


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 0
    raw_id_fields = ("agency",)
    readonly_fields = ("granted_at",)
    verbose_name = _("vai trò tại cơ quan")
    verbose_name_plural = _("vai trò tại cơ quan")


class UserRepresentationInline(admin.TabularInline):
    model = Representation
    extra = 0
    raw_id_fields = ("organisation",)
    verbose_name = _("đại diện cho doanh nghiệp, tổ chức")
    verbose_name_plural = _("đại diện cho doanh nghiệp, tổ chức")


class AccessTokenInline(admin.TabularInline):
    model = AccessToken
    extra = 0
    can_delete = False
    fields = ("name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "kind", "personal_id", "email", "phone", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "personal_id", "email", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Thông tin công dân"),
            {"fields": ("kind", "full_name", "personal_id", "birth_date", "sex", "phone")},
        ),
        (_("Xác thực liên lạc"), {"fields": ("email_verified_at", "phone_verified_at")}),
        (_("Định danh điện tử"), {"fields": ("assurance_level", "eid_verified_at", "address_line", "commune")}),
    )
    readonly_fields = ("assurance_level", "eid_verified_at")
    raw_id_fields = ("commune",)
    actions = ("reset_second_factor",)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "full_name", "password1", "password2")}),
    )
    inlines = (OfficerRoleInline, UserRepresentationInline, AccessTokenInline)

    def get_inline_instances(self, request: HttpRequest, obj: User | None = None) -> list[InlineModelAdmin]:
        # Roles, representations and tokens are added once the account exists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.action(description=_("Đặt lại xác thực hai lớp (cán bộ đăng ký lại ứng dụng ở lần đăng nhập sau)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        from opendvc.accounts.mfa import mfa_reset

        count = 0
        for user in queryset:
            mfa_reset(user=user, actor=request.user, reason="admin")  # type: ignore[arg-type]
            count += 1
        self.message_user(request, _("Đã đặt lại xác thực hai lớp của %(count)d tài khoản.") % {"count": count})


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__code", "agency__name")
    raw_id_fields = ("user", "agency")
    list_select_related = ("user", "agency")


class RepresentationInline(admin.TabularInline):
    model = Representation
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("tax_code", "name", "address")
    search_fields = ("tax_code", "name")
    inlines = (RepresentationInline,)


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at", "expires_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Thu hồi các mã đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        for token in queryset.select_related("user"):
            access_token_revoke(user=token.user, token_id=token.pk)
        self.message_user(request, _("Đã thu hồi %(count)d mã.") % {"count": queryset.count()}, messages.SUCCESS)


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "channel", "target", "created_at", "expires_at", "attempts", "used_at")
    list_filter = ("channel",)
    search_fields = ("user__username", "target")
    list_select_related = ("user",)
    exclude = ("salt", "digest")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
