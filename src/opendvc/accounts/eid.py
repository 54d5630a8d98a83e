"""Citizens' login with the national e-ID (VNeID): the portal as an OpenID Connect relying party.

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256), ``state`` and
``nonce``, the code exchange with the client secret, and the ID token's checks — RS256 signature by
a key of the provider's JWKS (fetched again once for an unknown ``kid``), issuer, audience, expiry
and nonce. Each refusal becomes an :class:`~opendvc.core.errors.ApiError` with a precise code, and is
audited by the view.

The provider is a plugin (:class:`EidProvider`); ``EID_PROVIDER`` chooses it. The built-in
``oidc`` plugin talks to ``OPENDVC_EID_URL`` — the reference provider in development
(``reference/eid``), the national one in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)

from opendvc.core.errors import ApiError

ID_TOKEN_LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class EidIdentity:
    """What the e-ID provider vouches for. ``assurance_level`` is 1 or 2 (Decree 69/2024/NĐ-CP, Art. 12)."""

    subject: str
    personal_id: str
    full_name: str
    assurance_level: int
    birth_date: date | None = None
    sex: str = ""
    phone: str = ""
    email: str = ""
    id_token: str = ""


def _refused(code: str, vi: str, en: str, status: int = 400) -> ApiError:
    return ApiError(code, vi, en, status=status)


def _level(claims: dict[str, Any]) -> int:
    acr = str(claims.get("acr", ""))
    for level in (2, 1):
        if acr.endswith(f":{level}") or acr == str(level):
            return level
    raw = claims.get("assurance_level")
    return raw if raw in (1, 2) else 0


class EidProvider:
    name: ClassVar[str] = ""

    def authorize_redirect(self, request: HttpRequest, *, redirect_uri: str, acr_values: str = "") -> HttpResponse:
        raise NotImplementedError

    def callback(self, request: HttpRequest) -> EidIdentity:
        raise NotImplementedError

    def logout_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str:
        """Where to send a person who logs out of the portal so the e-ID ends its session too; ``""`` if
        the provider offers no RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)."""
        return ""


class OidcEidProvider(EidProvider):
    name = "oidc"
    _apps: ClassVar[dict[tuple[str, str], DjangoOAuth2App]] = {}

    def _app(self) -> DjangoOAuth2App:
        """One Authlib client per provider address: it keeps the discovery document and the JWKS."""
        base = settings.OPENDVC_EID_URL.rstrip("/")
        key = (base, settings.EID_CLIENT_ID)
        if key not in self._apps:
            registry = OAuth()
            self._apps[key] = registry.register(
                name="eid",
                client_id=settings.EID_CLIENT_ID,
                client_secret=settings.EID_CLIENT_SECRET,
                server_metadata_url=f"{base}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": settings.EID_SCOPES,
                    "code_challenge_method": "S256",
                    "token_endpoint_auth_method": "client_secret_basic",
                    "timeout": 10,
                },
            )
        return self._apps[key]

    def authorize_redirect(self, request: HttpRequest, *, redirect_uri: str, acr_values: str = "") -> HttpResponse:
        extra = {"acr_values": acr_values} if acr_values else {}
        try:
            return self._app().authorize_redirect(request, redirect_uri, **extra)
        except (OSError, ValueError, OAuthError) as error:
            raise _unavailable() from error

    def logout_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str:
        """The provider's ``end_session_endpoint`` with ``id_token_hint``, so it knows whose session ends
        and which client asks, and the portal's registered address to come back to."""
        try:
            endpoint = str(self._app().load_server_metadata().get("end_session_endpoint", ""))
        except (OSError, ValueError, OAuthError):
            return ""
        if not endpoint:
            return ""
        query = {"post_logout_redirect_uri": post_logout_redirect_uri, "client_id": settings.EID_CLIENT_ID}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"

    def callback(self, request: HttpRequest) -> EidIdentity:
        app = self._app()
        try:
            # Audience and issuer are checked explicitly: Authlib's defaults check the issuer only, and
            # an ``azp`` claim alone would let a token meant for another client through.
            issuer = app.load_server_metadata()["issuer"]
            token = app.authorize_access_token(
                request,
                leeway=ID_TOKEN_LEEWAY_SECONDS,
                claims_options={
                    "iss": {"essential": True, "values": [issuer]},
                    "aud": {"essential": True, "values": [settings.EID_CLIENT_ID]},
                },
            )
        except MismatchingStateError:
            raise _refused(
                "eid_state_mismatch",
                "Phiên đăng nhập bằng định danh điện tử không khớp (có thể bạn mở từ một thẻ khác hoặc đã quá lâu). "
                "Hãy bấm “Đăng nhập bằng VNeID” lại.",
                "The e-ID login session does not match (another tab, or too long ago). "
                "Press “Log in with VNeID” again.",
            ) from None
        except ExpiredTokenError:
            raise _id_token_refused("eid_id_token_expired", "đã hết hạn", "has expired") from None
        except BadSignatureError:
            raise _id_token_refused(
                "eid_id_token_bad_signature", "có chữ ký không đúng", "has a bad signature"
            ) from None
        except InvalidKeyIdError:
            raise _id_token_refused(
                "eid_id_token_unknown_key", "được ký bằng khóa không công bố", "is signed with an unpublished key"
            ) from None
        except (InvalidClaimError, MissingClaimError) as error:
            claim = getattr(error, "claim", "") or ""
            code = {
                "aud": "eid_id_token_wrong_audience",
                "iss": "eid_id_token_wrong_issuer",
                "nonce": "eid_id_token_bad_nonce",
            }
            raise _id_token_refused(
                code.get(claim, "eid_id_token_invalid"), f"sai thông tin «{claim}»", f"has a wrong «{claim}» claim"
            ) from None
        except JoseError:
            raise _id_token_refused("eid_id_token_invalid", "không hợp lệ", "is not valid") from None
        except OAuthError as error:
            if error.error == "access_denied":
                raise _refused(
                    "eid_denied",
                    "Bạn đã không đồng ý chia sẻ thông tin định danh với Cổng, nên chưa đăng nhập được.",
                    "You did not agree to share your identity with the portal, so you are not logged in.",
                    status=403,
                ) from None
            raise _refused(
                "eid_error",
                "Hệ thống định danh điện tử từ chối yêu cầu đăng nhập. Hãy thử lại.",
                f"The e-ID provider refused the login ({error.error}). Please try again.",
                status=502,
            ) from None
        except (OSError, ValueError) as error:
            raise _unavailable() from error
        claims = dict(token.get("userinfo") or {})
        personal_id = str(claims.get("personal_id", ""))
        if not claims or not personal_id:
            raise _id_token_refused("eid_id_token_invalid", "thiếu số định danh cá nhân", "lacks the personal ID")
        born = claims.get("birthdate")
        return EidIdentity(
            subject=str(claims["sub"]),
            personal_id=personal_id,
            full_name=str(claims.get("name", "")),
            assurance_level=_level(claims),
            birth_date=date.fromisoformat(born) if born else None,
            sex=str(claims.get("gender", "")) if claims.get("gender") in ("male", "female") else "",
            phone=str(claims.get("phone_number", "")),
            email=str(claims.get("email", "")),
            id_token=str(token.get("id_token", "")),
        )


def _id_token_refused(code: str, vi: str, en: str) -> ApiError:
    return _refused(
        code,
        f"Không đăng nhập được: giấy xác nhận danh tính (ID token) từ hệ thống định danh điện tử {vi}. Hãy thử lại.",
        f"Login failed: the e-ID provider's ID token {en}. Please try again.",
        status=401,
    )


def _unavailable() -> ApiError:
    return _refused(
        "eid_unavailable",
        "Chưa kết nối được hệ thống định danh điện tử. Hãy thử lại sau ít phút, hoặc đăng nhập bằng mật khẩu.",
        "The e-ID provider cannot be reached. Try again in a few minutes, or log in with your password.",
        status=503,
    )


PROVIDERS: dict[str, type[EidProvider]] = {"oidc": OidcEidProvider}


def eid_provider() -> EidProvider:
    return PROVIDERS[getattr(settings, "EID_PROVIDER", "oidc")]()
