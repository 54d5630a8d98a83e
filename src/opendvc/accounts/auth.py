"""API authentication for django-ninja: personal access tokens and the browser session.

Use ``auth=api_auth`` on any endpoint that needs a signed-in person::

    @router.get("/dossiers", auth=api_auth)

``request.auth`` (and ``request.user``) is then the :class:`~opendvc.accounts.models.User`;
``request.access_token`` is the token used, or ``None`` for a session.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from opendvc.accounts.models import User
from opendvc.accounts.selectors import mfa_required
from opendvc.accounts.services import access_token_authenticate
from opendvc.core.errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer odvc_<prefix>_<secret>``.

    A request without the header falls through to the next method; a token that is wrong, expired
    or revoked is refused with 401 and a code saying which (``invalid_token``, ``token_expired``,
    ``token_revoked``) rather than silently treated as anonymous.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        access_token = access_token_authenticate(raw_token=token)
        request.user = access_token.user
        request.access_token = access_token  # type: ignore[attr-defined]
        return access_token.user


class SessionAuthWithCsrf(SessionAuth):
    """The Django session (ninja's ``django_auth``), with the CSRF check for unsafe methods.

    An officer's session counts only once the second factor was given (``mfa_required``, 401).
    Browsers send the session cookie by themselves, so a POST/PUT/PATCH/DELETE authenticated by it
    must carry the CSRF token (``X-CSRFToken`` header). Anonymous requests are not checked here:
    they get 401 ``not_authenticated``, not a CSRF error.
    """

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if mfa_required(user=user) and not user.is_verified():
            raise ApiError(
                "mfa_required",
                "Cán bộ cần nhập mã xác thực hai lớp (TOTP) sau mật khẩu: mở /accounts/mfa/ rồi thử lại.",
                "Officers must give their one-time code (TOTP) after the password: open /accounts/mfa/ and try again.",
                status=401,
            )
        unsafe = request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and check_csrf(request) is not None:
            raise ApiError(
                "csrf_failed",
                "Thiếu hoặc sai mã chống giả mạo (CSRF). Tải lại trang rồi thử lại, hoặc gửi tiêu đề X-CSRFToken.",
                "The CSRF token is missing or wrong. Reload the page and try again, or send the X-CSRFToken header.",
                status=403,
            )
        request.access_token = None  # type: ignore[attr-defined]
        return user


token_auth = TokenAuth()
session_auth = SessionAuthWithCsrf()
api_auth = [token_auth, session_auth]
