"""Sending notifications: render a Vietnamese text template, record the message, deliver after commit.

Callers (registration, dossier status changes…) call :func:`notification_send` inside their own
transaction. Delivery happens in ``transaction.on_commit`` so nothing is sent for an action that
rolls back; a delivery failure is recorded on the row and logged, never raised to the caller —
the business action has already happened and must not fail because a gateway is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.template import Context, TemplateDoesNotExist, engines
from django.template.base import Template
from django.utils import timezone

from opendvc.notifications.models import Notification
from opendvc.notifications.registry import register

if TYPE_CHECKING:
    from opendvc.accounts.models import User

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 255
REDACTED = "******"


def _template(name: str) -> Template:
    return engines["django"].engine.get_template(name)  # type: ignore[attr-defined]


def _render(name: str, context: Mapping[str, Any]) -> str:
    # Plain text: no HTML escaping of names such as "Nguyễn Văn A & con".
    return _template(name).render(Context(dict(context), autoescape=False)).strip()


def notification_render(*, channel: str, template_key: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The ``(subject, body)`` of a message from ``notifications/<template_key>/``.

    The body comes from ``<channel>.txt`` (``email.txt``, ``sms.txt``), else ``body.txt``; the
    subject from ``subject.txt`` (optional for SMS). Templates live in the app that sends them,
    e.g. ``accounts/templates/notifications/accounts/verification_code/``.
    """
    folder = f"notifications/{template_key}"
    try:
        body = _render(f"{folder}/{channel}.txt", context)
    except TemplateDoesNotExist:
        body = _render(f"{folder}/body.txt", context)
    try:
        subject = " ".join(_render(f"{folder}/subject.txt", context).split())[:SUBJECT_MAX_LENGTH]
    except TemplateDoesNotExist:
        if channel == Notification.Channel.EMAIL:
            raise
        subject = ""
    return subject, body


def _address_of(user: User | None, channel: str) -> str:
    if user is None:
        return ""
    return (user.email if channel == Notification.Channel.EMAIL else user.phone) or ""


@transaction.atomic
def notification_send(
    *,
    channel: str,
    template_key: str,
    context: Mapping[str, Any],
    user: User | None = None,
    to: str | None = None,
    related: models.Model | None = None,
    related_model: str = "",
    related_object_id: str = "",
    redact: Iterable[str] = (),
) -> Notification:
    """Record a message to ``user`` (or the address ``to``) and deliver it once the transaction commits.

    ``to`` defaults to the user's e-mail or phone for the channel. ``related`` (any model instance)
    or ``related_model``/``related_object_id`` say what the message is about. Returns the row;
    its ``status`` is ``pending`` until delivery, ``failed`` at once when it cannot be rendered
    or has no address. Context keys named in ``redact`` (a one-time code…) reach the person but
    are masked in the stored copy of the message.
    """
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown notification channel {channel!r}.")
    if related is not None:
        related_model = related._meta.label_lower
        related_object_id = str(related.pk)
    notification = Notification(
        recipient=user,
        channel=channel,
        to=(to if to is not None else _address_of(user, channel)).strip(),
        template_key=template_key,
        related_model=related_model,
        related_object_id=related_object_id,
    )
    full_context = {"recipient": user, **context}
    hidden = set(redact)
    subject = body = ""
    try:
        subject, body = notification_render(channel=channel, template_key=template_key, context=full_context)
        notification.subject, notification.body = subject, body
        if hidden:
            masked = {key: (REDACTED if key in hidden else value) for key, value in full_context.items()}
            notification.subject, notification.body = notification_render(
                channel=channel, template_key=template_key, context=masked
            )
        notification.sender = register.for_channel(channel).identifier
    except Exception as exc:
        logger.exception("Notification %s on %s could not be prepared", template_key, channel)
        notification.status = Notification.Status.FAILED
        notification.error = f"{type(exc).__name__}: {exc}"
    if notification.status == Notification.Status.PENDING and not notification.to:
        notification.status = Notification.Status.FAILED
        notification.error = "Người nhận không có địa chỉ cho kênh này."
    notification.save()
    if notification.status == Notification.Status.PENDING:
        transaction.on_commit(
            partial(
                notification_deliver,
                notification_id=notification.pk,
                context=full_context,
                subject=subject if hidden else None,
                body=body if hidden else None,
            )
        )
    return notification


def notification_deliver(
    *,
    notification_id: int,
    context: Mapping[str, Any] | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> Notification | None:
    """Hand a pending notification to its sender; record ``sent`` with the message id, or ``failed``.

    Runs after the sending transaction commits (later: as a background task). ``subject``/``body``
    replace the stored (redacted) text when the message carries a secret. Delivering the same
    notification twice sends it once.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return notification
        try:
            sender = register.get(notification.sender)
            if sender is None:
                raise LookupError(f"Sender {notification.sender!r} is not registered.")
            notification.message_id = sender.send(
                to=notification.to,
                subject=notification.subject if subject is None else subject,
                body=notification.body if body is None else body,
                context=context or {},
            )[:255]
        except Exception as exc:
            logger.exception("Notification %s could not be delivered", notification.pk)
            notification.status = Notification.Status.FAILED
            notification.error = f"{type(exc).__name__}: {exc}"
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
        notification.save(update_fields=["message_id", "status", "error", "sent_at"])
    return notification
