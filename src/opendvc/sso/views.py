"""The provider's endpoints: django-oauth-toolkit's views with the portal's audit, rate limits and CSP.

Every authorization, token issue and refusal writes an audit entry (``oidc_authorize``,
``oidc_token``, ``oidc_userinfo`` refusals, ``oidc_logout``). The token and userinfo endpoints are
rate limited per client address (``RATE_LIMITS_PER_MINUTE``), answering 429 with an OAuth error body.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider import views as dot
from oauth2_provider.models import get_access_token_model

from opendvc.audit.services import audit_context_from_request, audit_record
from opendvc.core.ratelimit import rate_limited


def _origin(uri: str | None) -> str | None:
    parts = urlsplit(uri or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _allow_form_redirect(response: HttpResponse, uri: str | None) -> HttpResponse:
    """The consent and logout forms redirect to the client afterwards; ``form-action`` must allow its origin."""
    origin = _origin(uri)
    if origin is not None:
        response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
    return response


def _ip(request: HttpRequest) -> str | None:
    return audit_context_from_request(request).ip


def _too_many(scope: str, request: HttpRequest) -> JsonResponse | None:
    client = request.POST.get("client_id", "") if request.method == "POST" else ""
    if rate_limited(scope=scope, key=f"{_ip(request)}:{client}"):
        audit_record(action=scope, outcome="refused", reason="too_many_requests", ip=_ip(request))
        return JsonResponse(
            {"error": "slow_down", "error_description": "Too many requests; wait a minute and try again."}, status=429
        )
    return None


class AuthorizationView(dot.AuthorizationView):
    """The consent screen (``sso/templates/oauth2_provider/authorize.html``) and the code redirect."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if response.status_code in (301, 302, 303) and "code=" in response.get("Location", ""):
            self._audit_ok(request.GET.get("client_id", ""), auto=True)
        return _allow_form_redirect(response, self.oauth2_data.get("redirect_uri"))

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("allow") and "code=" in response.get("Location", ""):
            self._audit_ok(form.cleaned_data.get("client_id", ""), auto=False)
        return response

    def _audit_ok(self, client_id: str, *, auto: bool) -> None:
        audit_record(
            action="oidc_authorize",
            actor=self.request.user,  # type: ignore[arg-type]
            object_type="oidc_client",
            object_id=client_id,
            data={"consent": "remembered" if auto else "given"},
        )

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        oauth_error = getattr(error, "oauthlib_error", None) or getattr(error, "error", None)
        reason = getattr(oauth_error, "error", "") or type(error).__name__
        audit_record(
            action="oidc_authorize",
            actor=self.request.user if self.request.user.is_authenticated else None,  # type: ignore[arg-type]
            object_type="oidc_client",
            object_id=self.request.GET.get("client_id", "") or self.request.POST.get("client_id", ""),
            outcome="refused",
            reason=str(reason),
            data={
                "redirect_uri": (self.request.GET.get("redirect_uri") or self.request.POST.get("redirect_uri", ""))[
                    :300
                ]
            },
        )
        return super().error_response(error, application, **kwargs)


class TokenView(dot.TokenView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = _too_many("oidc_token", request)
        if limited is not None:
            return limited
        response = super().post(request, *args, **kwargs)
        grant_type = request.POST.get("grant_type", "")
        if response.status_code == 200:
            token_value = json.loads(response.content).get("access_token", "")
            checksum = hashlib.sha256(token_value.encode()).hexdigest()
            token = (
                get_access_token_model()
                .objects.select_related("application", "user")
                .filter(token_checksum=checksum)
                .first()
            )
            audit_record(
                action="oidc_token",
                actor=token.user if token is not None else None,
                object_type="oidc_client",
                object_id=token.application.client_id if token is not None and token.application else "",
                data={"grant_type": grant_type, "scope": token.scope if token is not None else ""},
            )
        else:
            try:
                reason = str(json.loads(response.content).get("error", ""))
            except ValueError:
                reason = f"http_{response.status_code}"
            audit_record(
                action="oidc_token",
                object_type="oidc_client",
                object_id=request.POST.get("client_id", "")[:100],
                outcome="refused",
                reason=reason,
                data={"grant_type": grant_type},
            )
        return response


class UserInfoView(dot.UserInfoView):
    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        limited = _too_many("oidc_userinfo", request)
        if limited is not None:
            return limited
        response = super()._create_userinfo_response(request)
        if response.status_code != 200:
            audit_record(action="oidc_userinfo", outcome="refused", reason=f"http_{response.status_code}")
        return response


class RPInitiatedLogoutView(dot.RPInitiatedLogoutView):
    """Logout asked by a connected portal (OpenID Connect RP-Initiated Logout 1.0)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        return _allow_form_redirect(response, request.GET.get("post_logout_redirect_uri"))

    def do_logout(
        self, application: Any = None, post_logout_redirect_uri: Any = None, state: Any = None, token_user: Any = None
    ) -> HttpResponse:
        audit_record(
            action="oidc_logout",
            actor=token_user or (self.request.user if self.request.user.is_authenticated else None),
            object_type="oidc_client",
            object_id=application.client_id if application is not None else "",
        )
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)

    def error_response(self, error: Any) -> HttpResponse:
        audit_record(action="oidc_logout", outcome="refused", reason=type(error).__name__[:64])
        return super().error_response(error)


ConnectDiscoveryInfoView = dot.ConnectDiscoveryInfoView
JwksInfoView = dot.JwksInfoView
RevokeTokenView = dot.RevokeTokenView
IntrospectTokenView = dot.IntrospectTokenView
