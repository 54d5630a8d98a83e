"""What every dossier page shares: the signed-in user, service errors as page errors, safe return links."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from opendvc.accounts.models import User
from opendvc.audit.services import audit_context, audit_context_from_request
from opendvc.core.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])


def current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def language() -> str:
    return get_language() or "vi"


def error_text(error: ApiError) -> str:
    return error.message(language())


def not_found_unless(condition: bool) -> None:
    if not condition:
        raise Http404


def raise_404_for(error: ApiError) -> None:
    """A 404 from a service (out of scope, unknown code) becomes the portal's 404 page."""
    if error.status == 404:
        raise Http404(error.code) from error


@contextmanager
def audited(request: HttpRequest) -> Iterator[None]:
    """Record the client's address and request id on the audit entries the services write."""
    context = audit_context_from_request(request)
    with audit_context(ip=context.ip, request_id=context.request_id):
        yield


def safe_back(request: HttpRequest, value: str | None, *, prefix: str, default: str) -> str:
    """A return address from the query string, kept only when it stays on this site under ``prefix``."""
    if (
        value
        and value.startswith(prefix)
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    return default
