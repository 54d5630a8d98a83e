"""Reads of sent notifications, e.g. the messages about one dossier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet

from opendvc.notifications.models import Notification

if TYPE_CHECKING:
    from opendvc.accounts.models import User


def notification_list_for(*, related_model: str, related_object_id: str) -> QuerySet[Notification]:
    """Messages about one object (``related_model`` is ``app_label.model``), newest first."""
    return Notification.objects.filter(related_model=related_model, related_object_id=related_object_id)


def notification_list_for_object(*, obj: models.Model) -> QuerySet[Notification]:
    return notification_list_for(related_model=obj._meta.label_lower, related_object_id=str(obj.pk))


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
