"""Every message sent to a person, with what was sent, through which sender, and what happened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message on one channel. Created ``pending`` inside the caller's transaction and delivered
    after it commits, so a rolled-back action never sends anything.

    ``related_model`` (``app_label.model``, e.g. ``dossiers.dossier``) and ``related_object_id``
    point at what the message is about, so a dossier can list its notifications without this app
    knowing about dossiers.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("gửi đến"), max_length=254, blank=True)
    template_key = models.CharField(_("mẫu"), max_length=100)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    sender = models.CharField(_("dịch vụ gửi"), max_length=50, blank=True)
    message_id = models.CharField(_("mã tin của dịch vụ gửi"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("lỗi"), blank=True)
    related_model = models.CharField(_("loại đối tượng liên quan"), max_length=100, blank=True)
    related_object_id = models.CharField(_("mã đối tượng liên quan"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["related_model", "related_object_id"], name="notification_related_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to or '—'}: {self.template_key}"
