"""Session rules for every page and API call: idle timeout, and the officers' second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from opendvc.accounts.selectors import mfa_required
from opendvc.audit.services import audit_context_from_request, audit_record

LAST_SEEN_KEY = "odvc_last_seen"
#: Paths an officer who gave the password but not yet the one-time code may open.
SECOND_FACTOR_OPEN_PATHS = ("/accounts/mfa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/livez")


class SessionIdleTimeoutMiddleware:
    """End a session left idle: ``SESSION_IDLE_MINUTES["officer"]`` for officers (15 by default),
    ``["other"]`` for citizens and businesses (30). The last request time is written at most once a
    minute, so a busy session does not rewrite itself on every click."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            limits = getattr(settings, "SESSION_IDLE_MINUTES", {"officer": 15, "other": 30})
            limit = limits["officer"] if mfa_required(user=user) else limits["other"]
            if last_seen is not None and now - int(last_seen) > limit * 60:
                with_context = audit_context_from_request(request)
                audit_record(
                    action="logout",
                    actor=user,
                    object_type="session",
                    reason="idle_timeout",
                    ip=with_context.ip,
                    data={"idle_minutes": limit},
                )
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request,
                    _("Phiên làm việc đã kết thúc sau %(minutes)d phút không thao tác. Hãy đăng nhập lại.")
                    % {"minutes": limit},
                )
                return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - int(last_seen) >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class OfficerSecondFactorMiddleware:
    """An officer signed in with the password only may do nothing but give the one-time code (or enrol
    an authenticator first) and log out. API calls with such a session are refused by
    ``accounts.auth`` (``mfa_required``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and mfa_required(user=user)
            and not user.is_verified()
            and not request.path.startswith(SECOND_FACTOR_OPEN_PATHS)
            and not request.path.startswith("/api/")
        ):
            return redirect(f"/accounts/mfa/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
