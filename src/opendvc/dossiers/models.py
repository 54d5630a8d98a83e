"""The dossier (hồ sơ TTHC): what was submitted, where it stands, and the history that got it there.

The national statuses (TrangThaiHoSo 1–10), channels (KenhThucHien) and applicant kinds
(LoaiDoiTuong) are the values used on the wire by DVCQG (DESIGN.md §4). The one-stop mechanism
— reception, supplements, refusal, processing steps, results — follows Decree 118/2025/NĐ-CP and
Circular 03/2025/TT-VPCP.

A dossier's ``status`` and the fields that go with it are a *projection* of its append-only
:class:`DossierEvent` chain: only the services in :mod:`opendvc.dossiers.services` change them,
always together with a new event. ``Dossier.save()`` refuses a status change made any other way.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opendvc.audit.models import AppendOnlyError, AppendOnlyModel


class DossierStatus(models.IntegerChoices):
    """TrangThaiHoSo, identical across the ecosystem (DESIGN.md §4)."""

    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    IN_PROGRESS = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESULT_READY = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


#: English names of the statuses for bilingual error messages (the UI uses gettext).
STATUS_LABELS_EN: dict[int, str] = {
    1: "Submitted",
    2: "Accepted",
    3: "Refused at reception",
    4: "In progress",
    5: "Supplement requested",
    6: "Payment requested",
    7: "Withdrawn",
    8: "Stopped",
    9: "Result ready",
    10: "Result returned",
}

#: Statuses in which the legal clock may run or be paused: the dossier is not finished.
OPEN_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.IN_PROGRESS,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.PAYMENT_REQUESTED,
)


class Channel(models.IntegerChoices):
    """KenhThucHien: how the dossier reached the agency."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Dịch vụ bưu chính công ích")


#: The catalogue's channel kinds (``catalog.ChannelKind``) for each dossier channel.
CATALOG_CHANNEL_KIND: dict[int, str] = {1: "in_person", 2: "online", 3: "post"}


class ApplicantKind(models.IntegerChoices):
    """LoaiDoiTuong of the dossier's owner (chủ hồ sơ)."""

    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Doanh nghiệp")
    STATE_BODY = 3, _("Cơ quan nhà nước")
    OTHER = 4, _("Tổ chức khác")


class Step(models.TextChoices):
    """Internal steps of the one-stop workflow; appraise, approve and issue live inside status 4."""

    RECEIVE = "receive", _("Tiếp nhận, chuyển hồ sơ")
    APPRAISE = "appraise", _("Thẩm định")
    APPROVE = "approve", _("Phê duyệt")
    ISSUE = "issue", _("Ban hành, phát hành kết quả")
    RETURN = "return", _("Trả kết quả")


class Role(models.TextChoices):
    """Who acts on a dossier: the officer roles of ``accounts.OfficerRole`` plus the applicant and the system."""

    APPLICANT = "applicant", _("Người nộp hồ sơ")
    DESK = "desk", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    CLERK = "clerk", _("Văn thư")
    SYSTEM = "system", _("Hệ thống")


OFFICER_ROLES = (Role.DESK, Role.SPECIALIST, Role.LEADER, Role.CLERK)


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    # agency, applicant and organisation lead the composite indexes of Meta (worklists, "my dossiers"),
    # which serve every lookup by them: a single-column index of each would only slow every insert.
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục khi nộp"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    summary = models.CharField(_("trích yếu hồ sơ"), max_length=500, blank=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản chủ hồ sơ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        db_index=False,
    )
    applicant_kind = models.PositiveSmallIntegerField(
        _("loại đối tượng"), choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255)
    applicant_id_number = models.CharField(_("số giấy tờ chủ hồ sơ"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_assurance_level = models.PositiveSmallIntegerField(
        _("mức định danh điện tử khi nộp"),
        default=0,
        help_text=_("TaiKhoanDuocXacThucVoiVNeID: mức (1, 2) của tài khoản định danh điện tử lúc nộp; 0 nếu không."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("doanh nghiệp, tổ chức"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        db_index=False,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp / cán bộ đăng ký"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers_submitted",
    )
    channel = models.PositiveSmallIntegerField(_("kênh thực hiện"), choices=Channel.choices)

    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=DossierStatus.choices, default=DossierStatus.SUBMITTED
    )
    current_step = models.CharField(_("bước hiện tại"), max_length=16, choices=Step.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đang xử lý"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers_assigned",
    )
    step_started_at = models.DateTimeField(_("bắt đầu bước"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("ngày nộp"))
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    time_limit_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2, null=True)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, blank=True)
    finished_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    refused_at = models.DateTimeField(_("ngày từ chối"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ngày rút hồ sơ"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("ngày dừng xử lý"), null=True, blank=True)

    supplement_requests = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    paused_at = models.DateTimeField(_("tạm dừng tính thời gian từ"), null=True, blank=True)
    paused_status = models.PositiveSmallIntegerField(
        _("trạng thái trước khi yêu cầu bổ sung"), choices=DossierStatus.choices, null=True, blank=True
    )
    paused_working_time = models.DurationField(_("thời gian chờ bổ sung (giờ làm việc)"), default=timedelta)
    apologies = models.PositiveSmallIntegerField(_("số lần xin lỗi, hẹn lại"), default=0)

    fee_amount = models.BigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    form_version = models.CharField(_("phiên bản tờ khai"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    source_system = models.ForeignKey(
        "sync.IntegratedSystem",
        verbose_name=_("hệ thống nguồn"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Hệ thống đã đồng bộ hồ sơ này sang; để trống với hồ sơ nộp trên OpenDVC."),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="dossier_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=models.Q(status__gte=1, status__lte=10), name="dossier_status_range"),
            models.CheckConstraint(condition=models.Q(channel__gte=1, channel__lte=3), name="dossier_channel_range"),
        ]
        # One index per worklist, each giving its rows in the list's order (selectors.WORKLISTS), so a
        # page reads 20 rows whatever the agency's size (bench/dossiers.py: 77,000 at the largest).
        indexes = [
            models.Index(fields=["agency", "status", "current_step", "due_at", "id"], name="dossier_worklist_due"),
            models.Index(fields=["agency", "status", "due_at", "id"], name="dossier_worklist_status_due"),
            models.Index(fields=["agency", "status", "submitted_at", "id"], name="dossier_worklist_new"),
            models.Index(fields=["agency", "status", "finished_at", "id"], name="dossier_worklist_done"),
            models.Index(fields=["agency", "submitted_at", "id"], name="dossier_worklist_all"),
            models.Index(
                fields=["agency", "due_at", "id"],
                condition=models.Q(status__in=[2, 4, 6]),
                name="dossier_worklist_running",
            ),
            models.Index(fields=["applicant", "submitted_at", "id"], name="dossier_applicant"),
            # Synchronised dossiers by the applicant's ID number and account (none yet): found when the
            # citizen's personal ID is verified (``sync.services.synced_dossiers_link``).
            models.Index(
                fields=["applicant_id_number", "applicant"],
                condition=models.Q(source_system__isnull=False),
                name="dossier_synced_applicant",
            ),
            models.Index(fields=["organisation", "submitted_at", "id"], name="dossier_organisation"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse a status change that does not come with an event (see the module docstring)."""
        loaded = getattr(self, "_loaded_status", None)
        if not self._state.adding and loaded is not None and loaded != self.status:
            raise AppendOnlyError("A dossier's status changes only through the dossier services, with an event.")
        super().save(*args, **kwargs)
        self._loaded_status: int | None = self.status

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Dossier:
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def status_label_en(self) -> str:
        return STATUS_LABELS_EN[self.status]


class DossierSequence(models.Model):
    """The last daily sequence number issued by an agency; one row per (agency, day)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự hồ sơ trong ngày")
        verbose_name_plural = _("số thứ tự hồ sơ trong ngày")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class Attachment(models.Model):
    """A file of a dossier; its type comes from its first bytes, never from its name.

    Uploads exist before the dossier they join (``dossier`` empty, owned by ``uploaded_by``) and are
    bound when the submission, supplement or result that names them is recorded.
    """

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Thành phần hồ sơ")
        SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
        RESULT = "result", _("Kết quả giải quyết")
        FORM = "form", _("Biểu mẫu")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("loại tệp"), max_length=16, choices=Kind.choices, default=Kind.SUBMISSION)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    bound_at = models.DateTimeField(_("thời điểm gắn vào hồ sơ"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["id"]
        indexes = [models.Index(fields=["uploaded_by", "dossier"], name="attachment_pending")]

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(AppendOnlyModel):
    """One change of a dossier: who, in which role, when, from which status to which, and why.

    Events form a hash chain per dossier: ``hash = sha256(canonical JSON of the event + prev_hash)``,
    the first event's ``prev_hash`` being empty. Rewriting, inserting or removing an event in the
    middle breaks every later hash; :func:`opendvc.dossiers.selectors.dossier_chain_verify` checks it.
    """

    # Looked up by the unique (dossier, seq) index of Meta; no index of its own.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.PositiveSmallIntegerField(choices=DossierStatus.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(choices=DossierStatus.choices)
    step = models.CharField(max_length=16, choices=Step.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    attachment_ids = models.JSONField(default=list, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def canonical(self, *, dossier_code: str) -> str:
        """The event as canonical JSON (sorted keys, no spaces, UTC microsecond timestamps)."""
        payload = {
            "dossier": dossier_code,
            "seq": self.seq,
            "at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": self.actor_id,
            "actor_role": self.actor_role,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "step": self.step,
            "assignee": self.assignee_id,
            "note": self.note,
            "data": self.data,
            "attachments": list(self.attachment_ids),
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def compute_hash(self, *, dossier_code: str) -> str:
        text = self.canonical(dossier_code=dossier_code) + self.prev_hash
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class WorkflowStep(models.Model):
    """A procedure's internal step with its share of the legal time limit.

    Without rows for a procedure the default workflow applies (:data:`opendvc.dossiers.workflow.DEFAULT_WORKFLOW`):
    desk reception and transfer 10 %, specialist appraisal 60 %, leader approval 20 %, clerk issue 10 %,
    return at the desk outside the limit. ``allowance_amount``/``allowance_unit``, when set, replace the share.
    """

    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.CASCADE, related_name="workflow_steps", verbose_name=_("thủ tục")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    step = models.CharField(_("bước"), max_length=16, choices=Step.choices)
    role = models.CharField(_("vai trò thực hiện"), max_length=16, choices=Role.choices)
    share_percent = models.PositiveSmallIntegerField(_("tỷ lệ thời hạn (%)"), default=0)
    allowance_amount = models.DecimalField(
        _("thời hạn của bước"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    allowance_unit = models.CharField(_("đơn vị"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("bước xử lý nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "step"], name="workflow_step_unique"),
            models.CheckConstraint(condition=models.Q(share_percent__lte=100), name="workflow_share_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.position}. {self.step}"
