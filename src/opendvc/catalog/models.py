"""The procedure catalogue (CSDL quốc gia về TTHC): procedures, their versions and service offerings.

A procedure is identified by its national code; everything a citizen reads about it lives on a
:class:`ProcedureVersion`. A change of the law publishes a new version; dossiers keep the version
they were submitted under (Decree 63/2010/NĐ-CP on TTHC control, Art. 15–16; Decree 92/2017).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opendvc.agencies.models import Agency


class Level(models.TextChoices):
    MINISTRY = "bo", _("Cấp Bộ")
    PROVINCE = "tinh", _("Cấp tỉnh")
    COMMUNE = "xa", _("Cấp xã")
    OTHER = "khac", _("Cơ quan khác")


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp")
    ORGANISATION = "organisation", _("Tổ chức")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class ChannelKind(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")


class Field(models.Model):
    """A field (lĩnh vực) of state management, coded ``{ministry code}-{field}`` (e.g. ``G15-TP07``)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=32, unique=True, null=True, blank=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    ministry_name = models.CharField(_("bộ quản lý"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=models.Q(code__isnull=True), name="field_uncoded_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


class Procedure(models.Model):
    """A procedure of the national catalogue, identified by its code ``N.NNNNNN``."""

    code = models.CharField(_("mã thủ tục"), max_length=8, unique=True)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản hiện hành"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id and self.current_version else ""
        return f"{self.code} {name}".strip()


class FeePaymentMoment(models.TextChoices):
    """When the applicant pays a procedure's fees (Decree 118/2025/NĐ-CP, Art. 15 and 17: with the
    dossier, or when the agency asks for them, status 6). The catalogue's fee text says which — e.g.
    Circular 85/2019/TT-BTC for business-household registration: paid when the dossier is submitted."""

    ON_REQUEST = "on_request", _("Khi cơ quan yêu cầu nộp")
    AT_SUBMISSION = "at_submission", _("Khi nộp hồ sơ")


class ProcedureVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        PUBLISHED = "published", _("Đang áp dụng")
        SUPERSEDED = "superseded", _("Đã được thay thế")
        WITHDRAWN = "withdrawn", _("Đã bãi bỏ")

    class CatalogType(models.TextChoices):
        STANDARD = "standard", _("Thủ tục dùng chung")
        SPECIFIC = "specific", _("Thủ tục đặc thù của địa phương")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    name = models.TextField(_("tên thủ tục"))
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, null=True, blank=True)
    levels = models.JSONField(_("cấp thực hiện"), default=list, blank=True)
    applicant_types = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    applicant_types_inferred = models.BooleanField(
        _("đối tượng suy ra từ chủ đề"),
        default=False,
        help_text=_("Nguồn không ghi đối tượng thực hiện; hệ thống suy ra từ lĩnh vực của thủ tục."),
    )
    implementing_agencies = models.JSONField(_("cơ quan thực hiện (như công bố)"), default=list, blank=True)
    catalog_type = models.CharField(_("loại thủ tục"), max_length=16, choices=CatalogType.choices, blank=True)
    promulgating_agency_name = models.CharField(_("cơ quan công bố"), max_length=255, blank=True)
    publication_decision = models.CharField(_("quyết định công bố"), max_length=120, blank=True)
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices, blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    processing_time_text = models.TextField(_("thời hạn giải quyết (như công bố)"), blank=True)
    processing_time_note = models.TextField(_("mô tả thời hạn"), blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)
    change_note = models.TextField(_("lý do thay đổi"), blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=255, blank=True)
    source_url = models.URLField(_("trang nguồn"), max_length=500, blank=True)
    source_date = models.DateField(_("ngày thu thập"), null=True, blank=True)
    is_sample = models.BooleanField(_("dữ liệu mẫu"), default=False)
    required_assurance_level = models.PositiveSmallIntegerField(
        _("mức định danh điện tử tối thiểu để nộp trực tuyến"),
        choices=[(0, _("Không yêu cầu")), (1, _("Mức 1")), (2, _("Mức 2"))],
        default=0,
        help_text=_("Mức tài khoản định danh điện tử (VNeID) người nộp phải đạt khi nộp hồ sơ trực tuyến."),
    )
    fee_payment_moment = models.CharField(
        _("thời điểm nộp phí, lệ phí"),
        max_length=16,
        choices=FeePaymentMoment.choices,
        default=FeePaymentMoment.ON_REQUEST,
        help_text=_(
            "Khi nộp hồ sơ: hồ sơ nộp trực tuyến có phí, lệ phí theo danh mục thì khoản phải nộp được lập ngay khi "
            "nộp, với số tiền tại thời điểm đó. Khi cơ quan yêu cầu: cán bộ yêu cầu nộp (trạng thái 6)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(status="published"), name="procedure_one_published_version"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="procedure_version_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class ProcedureStep(models.Model):
    """One step of the procedure's sequence (trình tự thực hiện), optionally for one case."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    case_title = models.TextField(_("trường hợp"), blank=True)
    description = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("bước thực hiện")
        verbose_name_plural = _("trình tự thực hiện")

    def __str__(self) -> str:
        return self.description[:80]


class Channel(models.Model):
    """A way to submit (cách thức thực hiện) with its own time limit."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channels")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("hình thức nộp"), max_length=16, choices=ChannelKind.choices)
    time_amount = models.DecimalField(_("thời hạn"), max_digits=7, decimal_places=2, null=True, blank=True)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = ["position", "kind"]
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(time_amount__isnull=True) & models.Q(time_unit=""))
                | (models.Q(time_amount__gt=0) & ~models.Q(time_unit="")),
                name="channel_time_amount_has_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.time_amount or ''} {self.get_time_unit_display()}".strip()


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) in VND; ``amount`` is empty when the text gives no single figure."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveIntegerField(default=0)
    channel_kinds = models.JSONField(_("áp dụng cho hình thức"), default=list, blank=True)
    code = models.CharField(_("mã phí, lệ phí"), max_length=40, blank=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="fee_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description[:80] or str(self.amount)


class RequiredDocument(models.Model):
    """A dossier component (thành phần hồ sơ) with the number of originals and copies."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField()
    group_title = models.TextField(_("nhóm / trường hợp"), blank=True)
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), null=True, blank=True)
    mandatory = models.BooleanField(_("bắt buộc"), null=True, blank=True)
    template_name = models.CharField(_("tên mẫu đơn, tờ khai"), max_length=255, blank=True)
    template_url = models.URLField(_("đường dẫn mẫu"), max_length=500, blank=True)
    template_file = models.FileField(_("tệp mẫu"), upload_to="catalog/templates/", blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name[:80]


class Result(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("mã kết quả"), max_length=40, blank=True)
    name = models.TextField(_("tên kết quả"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")

    def __str__(self) -> str:
        return self.name[:80]


class LegalBasis(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="legal_bases")
    position = models.PositiveIntegerField(default=0)
    number = models.CharField(_("số ký hiệu"), max_length=120, blank=True)
    title = models.TextField(_("trích yếu"))
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")

    def __str__(self) -> str:
        return f"{self.number} {self.title[:60]}".strip()


class ServiceOffering(models.Model):
    """An agency that provides a procedure; its online-service code is the TTHC code + ``.01``."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="offerings")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="offerings")
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices, blank=True)
    is_active = models.BooleanField(_("đang cung cấp"), default=True)

    class Meta:
        verbose_name = _("dịch vụ công của cơ quan")
        verbose_name_plural = _("dịch vụ công của cơ quan")
        constraints = [models.UniqueConstraint(fields=["procedure", "agency"], name="offering_unique")]

    def __str__(self) -> str:
        return f"{self.online_service_code} @ {self.agency.code}"

    @property
    def online_service_code(self) -> str:
        return f"{self.procedure.code}.01"


class CatalogRevision(models.Model):
    """A single counter bumped by every catalogue write, so web workers know when to rebuild search."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"revision {self.revision}"
