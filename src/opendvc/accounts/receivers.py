"""Audit entries for every login, logout and failed login, whichever way it happened."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from opendvc.audit.services import audit_context_from_request, audit_record

#: The session key where a login view says how the person proved who they are (``password``, ``eid``).
AUTH_METHOD_KEY = "odvc_auth_method"


def _ip(request: Any) -> str | None:
    return audit_context_from_request(request).ip if request is not None else None


@receiver(user_logged_in, dispatch_uid="opendvc.accounts.audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    method = request.session.get(AUTH_METHOD_KEY, "password") if request is not None else "password"
    data: dict[str, Any] = {"method": method}
    if method == "eid":
        data["assurance_level"] = user.assurance_level
    audit_record(action="login", actor=user, object_type="user", object_id=user.pk, ip=_ip(request), data=data)


@receiver(user_logged_out, dispatch_uid="opendvc.accounts.audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(action="logout", actor=user, object_type="user", object_id=user.pk, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="opendvc.accounts.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if sender == "opendvc.accounts.mfa":
        return  # the second factor audits its own refusals, with the account
    audit_record(
        action="login",
        object_type="username",
        object_id=str(credentials.get("username", ""))[:100],
        outcome="refused",
        reason="invalid_credentials",
        ip=_ip(request),
    )
