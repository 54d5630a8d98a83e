"""Accounts: citizens (by personal ID number), business representatives and officers."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """One login for everyone; what a person may do comes from their kind and, for officers, their roles.

    A citizen's username is their 12-digit personal identification number (số định danh cá nhân),
    so the national e-ID can later link to the same account.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        BUSINESS = "business", _("Doanh nghiệp")
        OFFICER = "officer", _("Cán bộ, công chức")

    class Sex(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    kind = models.CharField(_("loại tài khoản"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("họ, chữ đệm và tên"), max_length=150, blank=True)
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, null=True, blank=True, unique=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices, blank=True)
    email_verified_at = models.DateTimeField(_("xác thực thư điện tử lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("xác thực số điện thoại lúc"), null=True, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ xác thực điện tử"),
        choices=[(0, _("Chưa xác thực bằng định danh điện tử")), (1, _("Mức 1")), (2, _("Mức 2"))],
        default=0,
        help_text=_("Mức cao nhất mà tài khoản định danh điện tử quốc gia đã chứng thực (Nghị định 69/2024/NĐ-CP)."),
    )
    eid_verified_at = models.DateTimeField(_("đăng nhập bằng định danh điện tử lúc"), null=True, blank=True)
    address_line = models.CharField(_("số nhà, đường, thôn, xóm"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "agencies.AdministrativeUnit",
        verbose_name=_("xã, phường, đặc khu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username


class OfficerRole(models.Model):
    """A role an officer holds at one agency; every officer query and action is scoped by these rows.

    The one-stop desk, specialists, leaders and clerks follow Decree 118/2025/NĐ-CP, Art. 13–20; the
    accountant follows the agency's collections and their reconciliation with the payment providers.
    """

    class Role(models.TextChoices):
        DESK = "desk", _("Cán bộ một cửa")
        SPECIALIST = "specialist", _("Chuyên viên")
        LEADER = "leader", _("Lãnh đạo")
        CLERK = "clerk", _("Văn thư")
        AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
        ACCOUNTANT = "accountant", _("Kế toán")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="officer_roles")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="officer_roles")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="officer_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency.code}"


class Organisation(models.Model):
    """A business or organisation, identified by its tax code (mã số thuế / mã số doanh nghiệp)."""

    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True)
    name = models.CharField(_("tên doanh nghiệp, tổ chức"), max_length=255)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)
    representatives: models.ManyToManyField[User, Representation] = models.ManyToManyField(
        User, through="Representation", related_name="organisations", verbose_name=_("người đại diện")
    )

    class Meta:
        verbose_name = _("doanh nghiệp, tổ chức")
        verbose_name_plural = _("doanh nghiệp, tổ chức")

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class Representation(models.Model):
    """A person who may act for an organisation (legal representative or authorised person)."""

    class Kind(models.TextChoices):
        LEGAL = "legal", _("Người đại diện theo pháp luật")
        AUTHORISED = "authorised", _("Người được ủy quyền")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    kind = models.CharField(_("tư cách"), max_length=16, choices=Kind.choices, default=Kind.LEGAL)

    class Meta:
        verbose_name = _("người đại diện")
        verbose_name_plural = _("người đại diện")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="representation_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class AccessToken(models.Model):
    """A personal access token for the API; only its SHA-256 is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class VerificationCode(models.Model):
    """A one-time code proving that a person receives messages at an e-mail address or phone number.

    Only a keyed hash of the six digits is stored; a code expires after 15 minutes and after five
    wrong attempts (``accounts.services.VERIFICATION_*``).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    target = models.CharField(_("gửi đến"), max_length=254)
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác thực")
        verbose_name_plural = _("mã xác thực")
        indexes = [models.Index(fields=["user", "channel", "-created_at"], name="verification_latest_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_channel_display()} ({self.created_at:%Y-%m-%d %H:%M})"
