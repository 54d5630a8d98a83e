"""Writes to the audit log.

The API and page layers set the request's context once (:func:`audit_context`: client IP, request
id); services then call :func:`audit_record` without threading those through every signature.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from opendvc.audit.models import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from opendvc.accounts.models import User


@dataclass(frozen=True)
class AuditContext:
    ip: str | None = None
    request_id: str = ""


_EMPTY = AuditContext()
_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)


@contextmanager
def audit_context(*, ip: str | None = None, request_id: str = "") -> Iterator[AuditContext]:
    """Attach the client's address and the request id to every entry written inside the block."""
    token = _context.set(AuditContext(ip=ip or None, request_id=request_id[:64]))
    try:
        yield _context.get() or _EMPTY
    finally:
        _context.reset(token)


def audit_context_from_request(request: HttpRequest) -> AuditContext:
    """The client address as the web server saw it (``REMOTE_ADDR``); proxies must set it correctly."""
    return AuditContext(
        ip=request.META.get("REMOTE_ADDR") or None,
        request_id=str(request.META.get("HTTP_X_REQUEST_ID", ""))[:64],
    )


def _json_safe(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        return {}
    return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    actor_role: str = "",
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditEntry.Outcome.OK,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry; ``outcome`` is ``ok`` or ``refused`` (with ``reason``, the refusal's error code)."""
    if outcome not in AuditEntry.Outcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    context = _context.get() or _EMPTY
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor_id=actor_id,
        actor_role=actor_role[:32],
        action=action[:64],
        object_type=object_type[:64],
        object_id=str(object_id)[:100],
        outcome=outcome,
        reason=reason[:64],
        ip=ip if ip is not None else context.ip,
        request_id=context.request_id,
        data=_json_safe(data),
    )
