"""Administrative units (34 provinces, 3,321 communes since 1 July 2025) and state agencies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_WORKING_HOURS: list[dict[str, object]] = [
    {"weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:30"},
    {"weekdays": [0, 1, 2, 3, 4], "start": "13:30", "end": "17:00"},
]


def default_working_hours() -> list[dict[str, object]]:
    return [dict(period) for period in DEFAULT_WORKING_HOURS]


class AdministrativeUnit(models.Model):
    """A province-level or commune-level unit (Resolution 202/2025/QH15; no district level since 2025)."""

    class Kind(models.TextChoices):
        CENTRAL_CITY = "thanh_pho_trung_uong", _("Thành phố trực thuộc trung ương")
        PROVINCE = "tinh", _("Tỉnh")
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")

    PROVINCE_KINDS = (Kind.CENTRAL_CITY, Kind.PROVINCE)

    code = models.CharField(_("mã"), max_length=5, unique=True, help_text=_("Mã đơn vị hành chính (Tổng cục Thống kê)"))
    name = models.CharField(_("tên"), max_length=120)
    codename = models.CharField(_("tên mã"), max_length=120)
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    province = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
    )
    phone_code = models.PositiveSmallIntegerField(_("mã vùng điện thoại"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["thanh_pho_trung_uong", "tinh"], province__isnull=True)
                    | models.Q(kind__in=["phuong", "xa", "dac_khu"], province__isnull=False)
                ),
                name="adminunit_province_only_for_communes",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        return self.kind in self.PROVINCE_KINDS


class LegacyUnitMapping(models.Model):
    """A pre-2025 commune (with its district and province) and the 2025 unit(s) it became.

    A split commune maps to several new units; ``is_default`` marks the one that took its seat,
    used when an old address gives nothing more to choose by.
    """

    old_province_code = models.CharField(max_length=2)
    old_province_name = models.CharField(max_length=120)
    old_district_code = models.CharField(max_length=3)
    old_district_name = models.CharField(max_length=120)
    old_ward_code = models.CharField(max_length=5, db_index=True)
    old_ward_name = models.CharField(max_length=120)
    old_key = models.CharField(max_length=200, db_index=True, help_text="folded 'province district ward' words")
    new_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="legacy_units")
    is_default = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("đơn vị hành chính trước 2025")
        verbose_name_plural = _("đơn vị hành chính trước 2025")
        constraints = [models.UniqueConstraint(fields=["old_ward_code", "new_unit"], name="legacy_unit_unique_pair")]

    def __str__(self) -> str:
        return f"{self.old_ward_name}, {self.old_district_name}, {self.old_province_name} → {self.new_unit}"


class Agency(models.Model):
    """A state agency with its identifier code (Decision 20/2020/QĐ-TTg), stored province-first."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Bộ, cơ quan ngang bộ")
        MINISTRY_UNIT = "ministry_unit", _("Đơn vị thuộc bộ")
        PROVINCIAL_COMMITTEE = "provincial_committee", _("Ủy ban nhân dân cấp tỉnh")
        DEPARTMENT = "department", _("Sở, ban, ngành cấp tỉnh")
        PUBLIC_SERVICE_CENTRE = "public_service_centre", _("Trung tâm phục vụ hành chính công")
        COMMUNE_COMMITTEE = "commune_committee", _("Ủy ban nhân dân cấp xã")
        VERTICAL_UNIT = "vertical_unit", _("Cơ quan ngành dọc")
        OTHER = "other", _("Cơ quan khác")

    code = models.CharField(_("mã định danh"), max_length=35, unique=True)
    level1 = models.CharField(_("mã cấp 1"), max_length=3, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("số cấp"), editable=False)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    kind = models.CharField(_("loại cơ quan"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="province_agencies",
        editable=False,
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    working_hours = models.JSONField(_("giờ làm việc"), default=default_working_hours)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_text = models.TextField(editable=False, default="")
    is_sample = models.BooleanField(_("dữ liệu mẫu"), default=False)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "code"]), models.Index(fields=["province", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
