"""The development SMS sender: each message is one JSON line in ``NOTIFICATION_SMS_FILE``.

It stands in for an SMS gateway (a real one is another plugin); developers and tests read the
file to see what a person would have received.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from opendvc.notifications.base import Sender
from opendvc.notifications.registry import register

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


def sms_file_path() -> Path:
    configured = getattr(settings, "NOTIFICATION_SMS_FILE", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "outbox" / "sms.jsonl"


@register("sms_file")
class FileSmsSender(Sender):
    channel = "sms"
    verbose_name = "Tin nhắn SMS ghi ra tệp (môi trường phát triển)"

    def send(self, *, to: str, subject: str, body: str, context: Mapping[str, Any]) -> str:
        message_id = f"sms-{uuid.uuid4().hex}"
        line = json.dumps(
            {"id": message_id, "to": to, "body": body, "sent_at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        path = sms_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            # Several web workers may append at once: lock so lines never interleave.
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line + "\n")
            handle.flush()
        return message_id
