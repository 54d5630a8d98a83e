"""Integrated systems and the state of synchronisation with them (DESIGN.md §4, DVCQG sync protocol).

An *integrated system* (hệ thống thông tin giải quyết TTHC of a province or ministry, an LGSP) pushes
its dossiers and their progress to OpenDVC, for the agencies in its scope only. Its secrets are stored
hashed; a rotation keeps the previous secret valid until ``expires_at`` so the sender can switch without
downtime. Rejected records are kept in :class:`QuarantinedRecord` with the reason until the sender
corrects and re-submits them. :class:`OutboxEntry` holds OpenDVC's own changes waiting to be pushed to
the national portal, written in the transaction of the change (the transactional-outbox rule).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class IntegratedSystem(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang kết nối")
        SUSPENDED = "suspended", _("Tạm dừng kết nối")

    code = models.CharField(
        _("tên đăng nhập"), max_length=64, unique=True, help_text=_("Tên tài khoản kết nối, ví dụ lgsp.hcm")
    )
    name = models.CharField(_("tên hệ thống"), max_length=255)
    operator = models.CharField(_("đơn vị vận hành"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    rate_limit_per_minute = models.PositiveIntegerField(_("số lần gọi tối đa mỗi phút"), default=600)
    scope_provinces = models.ManyToManyField(
        "agencies.AdministrativeUnit",
        verbose_name=_("tỉnh, thành phố được đồng bộ"),
        blank=True,
        related_name="+",
        help_text=_("Mọi cơ quan thuộc các tỉnh, thành phố này."),
    )
    scope_agencies = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("cơ quan được đồng bộ"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("lần gọi gần nhất"),
        null=True,
        blank=True,
        help_text=_("Ghi lại nhiều nhất một lần mỗi phút, khi hệ thống gọi Cổng."),
    )

    class Meta:
        verbose_name = _("hệ thống tích hợp")
        verbose_name_plural = _("hệ thống tích hợp")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class SystemCredential(models.Model):
    """One secret of a system: a password for the DVCQG protocol or an OAuth2 client for the native API.

    A rotation adds a new credential and sets ``expires_at`` on the old one: both work until then, and
    after it the old one is revoked (sessions opened with it and tokens of its client end too).
    """

    class State(models.TextChoices):
        CURRENT = "current", _("Đang dùng")
        GRACE = "grace", _("Đã thay, còn hiệu lực")
        REVOKED = "revoked", _("Đã thu hồi")

    class Kind(models.TextChoices):
        PASSWORD = "password", _("Mật khẩu (giao thức DVCQG)")
        OAUTH_CLIENT = "oauth_client", _("OAuth2 client credentials (API OpenDVC)")

    system = models.ForeignKey(IntegratedSystem, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    secret_hash = models.CharField(_("mật khẩu đã băm"), max_length=255, blank=True)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sync_credential",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hiệu lực lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông tin xác thực")
        verbose_name_plural = _("thông tin xác thực")
        ordering = ["system", "-created_at"]

    def __str__(self) -> str:
        return f"{self.system.code} {self.kind} {self.created_at:%Y-%m-%d}"

    def state_at(self, moment: datetime) -> str:
        if self.expires_at is None:
            return self.State.CURRENT
        return self.State.GRACE if self.expires_at > moment else self.State.REVOKED


class SyncSession(models.Model):
    """A session token of the DVCQG protocol (``POST /api/dvcqg/auth``); only its SHA-256 is stored."""

    system = models.ForeignKey(IntegratedSystem, on_delete=models.CASCADE, related_name="sessions")
    #: The password the session was opened with: when it is revoked, its sessions end with it.
    credential = models.ForeignKey(
        SystemCredential, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("phiên kết nối")
        verbose_name_plural = _("phiên kết nối")

    def __str__(self) -> str:
        return f"{self.system.code} until {self.expires_at:%Y-%m-%d %H:%M}"


class SyncState(models.Model):
    """Where a synchronised dossier stands: the time of the last record applied and its fingerprint.

    Records are applied in the order of their own event time, not of arrival (DESIGN.md §5, "order
    tolerant"): one older than ``event_at`` changes nothing; one with the same time and fingerprint is
    the same fact again. ``last_seq``/``last_hash`` are the head of the dossier's event chain, so a
    batch appends events without reading them back.
    """

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, primary_key=True, related_name="+")
    system = models.ForeignKey(IntegratedSystem, on_delete=models.PROTECT, related_name="+")
    event_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=32)
    last_seq = models.PositiveIntegerField()
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("trạng thái đồng bộ hồ sơ")
        verbose_name_plural = _("trạng thái đồng bộ hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.event_at:%Y-%m-%d %H:%M:%S}"


class QuarantinedRecord(models.Model):
    """A record refused by a data-quality check, kept with the reason until it is corrected and re-sent.

    One row per system, kind and dossier code: a re-submission that still fails updates the reason and
    counts the attempt; one that passes marks the row resolved. Nothing is ever dropped silently.
    """

    class Kind(models.TextChoices):
        DOSSIER = "dossier", _("Hồ sơ")
        PROGRESS = "progress", _("Tiến độ xử lý")

    system = models.ForeignKey(IntegratedSystem, on_delete=models.CASCADE, related_name="quarantine")
    kind = models.CharField(_("loại bản ghi"), max_length=16, choices=Kind.choices, default=Kind.DOSSIER)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=100)
    agency_code = models.CharField(_("mã cơ quan"), max_length=40, blank=True)
    reason = models.CharField(_("mã lỗi"), max_length=48)
    message_vi = models.TextField(_("mô tả lỗi"))
    message_en = models.TextField(_("mô tả lỗi (tiếng Anh)"))
    payload = models.JSONField(_("bản ghi như đã nhận"), default=dict)
    shape = models.CharField(_("giao thức"), max_length=16)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=1)
    first_at = models.DateTimeField(_("lần đầu"))
    last_at = models.DateTimeField(_("lần gần nhất"))
    resolved_at = models.DateTimeField(_("đã khắc phục lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản ghi bị giữ lại")
        verbose_name_plural = _("bản ghi bị giữ lại")
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "kind", "dossier_code"], name="quarantine_record_unique")
        ]
        indexes = [
            models.Index(fields=["system", "agency_code", "reason"], name="quarantine_counts"),
            models.Index(fields=["resolved_at", "last_at"], name="quarantine_open"),
        ]

    def __str__(self) -> str:
        return f"{self.system_id} {self.dossier_code} {self.reason}"

    @property
    def message(self) -> str:
        """Why the record was refused, in the page's language (Vietnamese unless English is chosen)."""
        return self.message_en if (get_language() or "vi").startswith("en") else self.message_vi


class OutboxEntry(models.Model):
    """A change of a native dossier waiting to be sent to the national portal.

    Written by a dossier-event listener in the transaction of the change, so a change and its entry
    commit together or not at all. The event is the entry's identity: the worker sends the dossier as
    it was at that event, with the event's time, so a resend after a crash is the same fact again and
    the receiver (idempotent by dossier code and event time) keeps one.
    """

    event = models.OneToOneField("dossiers.DossierEvent", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("thay đổi chờ gửi Cổng quốc gia")
        verbose_name_plural = _("thay đổi chờ gửi Cổng quốc gia")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=models.Q(sent_at__isnull=True), name="outbox_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.event_id}"
