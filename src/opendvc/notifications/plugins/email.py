"""E-mail through Django's mail framework: the console backend by default, SMTP in production."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from opendvc.notifications.base import Sender
from opendvc.notifications.registry import register


@register("email")
class EmailSender(Sender):
    channel = "email"
    verbose_name = "Thư điện tử (Django mail)"

    def send(self, *, to: str, subject: str, body: str, context: Mapping[str, Any]) -> str:
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "opendvc.local"
        message_id = make_msgid(domain=domain)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Message-ID": message_id},
        )
        message.send(fail_silently=False)
        return message_id
