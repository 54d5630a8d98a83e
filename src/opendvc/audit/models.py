"""The audit log: who did what, when, from where, and whether it was allowed — append-only.

Every service that changes state or refuses a request writes one entry (DESIGN.md §5 "Auditable").
Entries are never updated or deleted: the model refuses it, its queryset refuses bulk changes, and
the database refuses ``UPDATE`` with a trigger (migration 0002). Accounts that acted are deactivated,
never deleted, so the actor reference is protected.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that can add and read rows but never change or remove them in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; update() is not allowed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; delete() is not allowed.")

    delete.queryset_only = True  # type: ignore[attr-defined]


class AppendOnlyManager(models.Manager.from_queryset(AppendOnlyQuerySet)):  # type: ignore[misc]
    pass


class AppendOnlyModel(models.Model):
    """Base for records that are written once: ``save()`` inserts only, ``delete()`` always refuses."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; they cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only; they cannot be deleted.")


class AuditEntry(AppendOnlyModel):
    class Outcome(models.TextChoices):
        OK = "ok", _("Thực hiện")
        REFUSED = "refused", _("Bị từ chối")

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_role = models.CharField(_("vai trò"), max_length=32, blank=True)
    action = models.CharField(_("thao tác"), max_length=64)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=8, choices=Outcome.choices, default=Outcome.OK)
    reason = models.CharField(_("mã lý do"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký kiểm tra")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id} {self.outcome}"
