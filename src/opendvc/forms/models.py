"""Online forms (tờ khai) of procedure versions, and the applications people are still writing.

A procedure version carries at most one form: the JSON Schema the server validates and the hints
that ask it page by page. A new procedure version gets its own form (carried over from the previous
one when nobody wrote a new one), so a dossier's ``form_version`` always names what its applicant saw.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from opendvc.forms.schema import FormDefinitionError, FormSpec, form_spec


def _idempotency_key() -> str:
    return uuid.uuid4().hex


class ProcedureForm(models.Model):
    procedure_version = models.OneToOneField(
        "catalog.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        related_name="online_form",
    )
    version = models.PositiveIntegerField(
        _("phiên bản tờ khai"), default=1, help_text=_("Tăng lên mỗi khi nội dung tờ khai thay đổi.")
    )
    title = models.CharField(_("tên tờ khai"), max_length=255)
    template_reference = models.CharField(
        _("mẫu tờ khai theo văn bản"), max_length=255, blank=True, help_text=_("Ví dụ: Thông tư 04/2020/TT-BTP")
    )
    schema = models.JSONField(_("JSON Schema (Draft 2020-12)"))
    ui = models.JSONField(_("cách hỏi: trang, gợi ý, giấy tờ"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tờ khai trực tuyến")
        verbose_name_plural = _("tờ khai trực tuyến")

    def __str__(self) -> str:
        return f"{self.title} ({self.label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse a definition that is not a valid Draft 2020-12 schema or whose pages miss a field."""
        self.clean()
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """What a dossier records as ``form_version``: the procedure version and the form's own."""
        return f"{self.procedure_version.number}.{self.version}"

    @property
    def spec(self) -> FormSpec:
        return form_spec(self.schema, self.ui)

    def clean(self) -> None:
        try:
            form_spec(self.schema, self.ui)
        except FormDefinitionError as error:
            raise ValidationError({"schema": error.problems}) from None


class DossierDraft(models.Model):
    """An application being written: saved on every page, resumable until it is submitted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người soạn"), on_delete=models.CASCADE, related_name="dossier_drafts"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="+"
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("phiên bản thủ tục"), on_delete=models.CASCADE, related_name="+"
    )
    form = models.ForeignKey(
        ProcedureForm, verbose_name=_("tờ khai"), on_delete=models.SET_NULL, null=True, related_name="drafts"
    )
    form_version = models.PositiveIntegerField(_("phiên bản tờ khai khi soạn"), default=1)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan nhận hồ sơ"), on_delete=models.CASCADE, related_name="+"
    )
    form_data = models.JSONField(_("thông tin đã khai"), default=dict, blank=True)
    typed = models.JSONField(
        _("thông tin chưa hợp lệ"), default=dict, blank=True, help_text=_("Những gì người khai đã gõ mà chưa đúng.")
    )
    documents = models.JSONField(
        _("tệp theo thành phần hồ sơ"), default=dict, blank=True, help_text=_("{mã thành phần: [mã tệp]}")
    )
    completed = models.JSONField(_("phần đã xong"), default=list, blank=True)
    current_page = models.CharField(_("trang đang khai"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=64, default=_idempotency_key, editable=False)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ đã nộp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ đang soạn")
        verbose_name_plural = _("hồ sơ đang soạn")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "dossier", "updated_at"], name="draft_user_open")]

    def __str__(self) -> str:
        return f"{self.procedure_id} / {self.user_id} / {self.public_id}"
