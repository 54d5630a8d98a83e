"""Reference national e-ID provider (a stand-in for VNeID): a real OpenID Connect provider.

Discovery (``/.well-known/openid-configuration``), JWKS (``/jwks``), the authorization code flow with
PKCE S256 required (``/authorize``), the token endpoint with client authentication (``/token``), ID
tokens signed RS256, userinfo (``/userinfo``) and RP-initiated logout (``/logout``). People sign in
with a demo personal ID and the passcode ``123456``; identities are at assurance level 1 or 2
(Decree 69/2024/NĐ-CP: level 2 was checked in person with the chip ID card). ``acr_values``
``urn:vneid:loa:2`` refuses a level-1 identity (``unmet_authentication_requirements``).

Settings (environment):

- ``OPENDVC_PUBLIC_URL`` — the portal; its callback ``/accounts/vneid/callback/`` is registered;
- ``EID_REDIRECT_URIS`` — more exact redirect URIs for the portal's client, comma-separated;
- ``EID_CLIENT_ID`` / ``EID_CLIENT_SECRET`` — the portal's client (defaults match the portal's);
- ``EID_TEST_FAULTS=1`` — tests only: ``/authorize?fault=…`` makes the token endpoint return a
  broken ID token (``expired``, ``tampered``, ``wrong_audience``, ``unknown_key``, ``wrong_issuer``,
  ``wrong_nonce``) so the portal's refusals can be tested against a real peer.

Codes, tokens and the signing key live under ``$OPENDVC_VAR_DIR/reference/eid/``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from reference.common import (
    Request,
    Response,
    StartResponse,
    data_dir,
    database,
    esc,
    json_response,
    page,
    redirect,
    with_params,
    write_once,
)

PASSCODE = "123456"
CODE_SECONDS = 60
TOKEN_SECONDS = 600
ACR = "urn:vneid:loa:{}"
FAULTS = {"expired", "tampered", "wrong_audience", "unknown_key", "wrong_issuer", "wrong_nonce"}
SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (code TEXT PRIMARY KEY, data TEXT NOT NULL, expires REAL NOT NULL,
                                  used INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, personal_id TEXT NOT NULL, scope TEXT NOT NULL,
                                   client_id TEXT NOT NULL, code TEXT NOT NULL, expires REAL NOT NULL);
"""


@dataclass(frozen=True)
class Identity:
    personal_id: str
    name: str
    birthdate: str
    gender: str
    level: int
    phone: str = ""
    email: str = ""
    address: str = ""


IDENTITIES = {
    i.personal_id: i
    for i in (
        Identity(
            "079090001234",
            "Nguyễn Văn An",
            "1990-05-15",
            "male",
            2,
            "0901234567",
            "nguyenvanan@example.com",
            "Số 12 Đường Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh",
        ),
        Identity(
            "079185001235",
            "Trần Thị Bình",
            "1985-09-02",
            "female",
            2,
            "0908765432",
            "",
            "Số 1 Đường Mẫu, Phường Sài Gòn, Thành phố Hồ Chí Minh",
        ),
        Identity(
            "001195001122",
            "Phạm Thị Cúc",
            "1995-07-08",
            "female",
            1,
            "0987001122",
            "",
            "Số 5 Phố Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội",
        ),
        Identity(
            "079301005678",
            "Võ Ngọc Diệp",
            "2001-04-20",
            "female",
            2,
            "0934005678",
            "diep.vo@example.com",
            "Số 8 Đường Pasteur, Phường Bến Thành, Thành phố Hồ Chí Minh",
        ),
        Identity("001090004321", "Đặng Quốc Huy", "1990-11-30", "male", 1, "0912004321", "", ""),
    )
}


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]


def _portal_client() -> Client:
    portal = os.environ.get("OPENDVC_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    extra = tuple(u.strip() for u in os.environ.get("EID_REDIRECT_URIS", "").split(",") if u.strip())
    return Client(
        client_id=os.environ.get("EID_CLIENT_ID", "opendvc-portal"),
        secret=os.environ.get("EID_CLIENT_SECRET", "opendvc-portal-development-secret"),
        redirect_uris=(f"{portal}/accounts/vneid/callback/", *extra),
        post_logout_redirect_uris=(
            f"{portal}/",
            *(u.strip() for u in os.environ.get("EID_POST_LOGOUT_REDIRECT_URIS", "").split(",") if u.strip()),
        ),
    )


def _key() -> RSAKey:
    def make() -> str:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")

    pem = write_once(data_dir("eid") / "signing-key.pem", make)
    key = RSAKey.import_key(pem)
    key.ensure_kid()
    return key


class EidProvider:
    def __init__(self) -> None:
        self.key = _key()
        self.db = database(data_dir("eid") / "eid.sqlite3", SCHEMA)
        self.faults = os.environ.get("EID_TEST_FAULTS") == "1"

    # --- helpers ---

    def issuer(self, request: Request) -> str:
        return f"http://{request.headers.get('host', '127.0.0.1')}"

    def client(self, client_id: str) -> Client | None:
        client = _portal_client()
        return client if secrets.compare_digest(client_id or "", client.client_id) else None

    # --- endpoints ---

    def discovery(self, request: Request) -> Response:
        issuer = self.issuer(request)
        return json_response(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks",
                "end_session_endpoint": f"{issuer}/logout",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "personal_id", "phone", "email", "address"],
                "acr_values_supported": [ACR.format(1), ACR.format(2)],
                "claims_supported": [
                    "sub",
                    "acr",
                    "name",
                    "birthdate",
                    "gender",
                    "personal_id",
                    "phone_number",
                    "email",
                    "address",
                ],
            }
        )

    def jwks(self, request: Request) -> Response:
        public = self.key.as_dict(private=False)
        public.update({"use": "sig", "alg": "RS256"})
        return json_response({"keys": [public]})

    def _authorize_problem(self, params: dict[str, str]) -> str | None:
        """A problem that must not be redirected (unknown client or redirect URI), shown on a page."""
        client = self.client(params.get("client_id", ""))
        if client is None:
            return "Ứng dụng (client_id) không được đăng ký."
        if params.get("redirect_uri", "") not in client.redirect_uris:
            return "Địa chỉ quay về (redirect_uri) không khớp với địa chỉ đã đăng ký."
        return None

    def _redirect_error(self, params: dict[str, str], error: str, description: str) -> Response:
        return redirect(
            with_params(
                params["redirect_uri"], error=error, error_description=description, state=params.get("state", "")
            )
        )

    def authorize(self, request: Request) -> Response:
        params = request.query if request.method == "GET" else request.form
        problem = self._authorize_problem(params)
        if problem is not None:
            return page(
                "Lỗi yêu cầu đăng nhập",
                f'<h1>Yêu cầu đăng nhập không hợp lệ</h1><p class="error">{esc(problem)}</p>',
                status=400,
            )
        if params.get("response_type") != "code":
            return self._redirect_error(params, "unsupported_response_type", "only code")
        if "openid" not in params.get("scope", "").split():
            return self._redirect_error(params, "invalid_scope", "openid is required")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return self._redirect_error(params, "invalid_request", "PKCE with S256 is required")
        if request.method == "GET":
            return self._login_page(params)
        if request.form.get("action") == "deny":
            return self._redirect_error(params, "access_denied", "the person declined")
        identity = IDENTITIES.get(request.form.get("personal_id", "").strip())
        if identity is None or not hmac.compare_digest(request.form.get("passcode", ""), PASSCODE):
            return self._login_page(params, error="Số định danh hoặc mật mã không đúng.", status=400)
        if ACR.format(2) in params.get("acr_values", "").split() and identity.level < 2:
            return self._redirect_error(params, "unmet_authentication_requirements", "a level-2 identity is required")
        code = secrets.token_urlsafe(32)
        data = {
            k: params.get(k, "") for k in ("client_id", "redirect_uri", "scope", "nonce", "code_challenge", "fault")
        }
        data["personal_id"] = identity.personal_id
        data["auth_time"] = str(int(time.time()))

        self.db.execute(
            "INSERT INTO codes (code, data, expires) VALUES (?, ?, ?)",
            (code, json.dumps(data), time.time() + CODE_SECONDS),
        )
        return redirect(with_params(params["redirect_uri"], code=code, state=params.get("state", "")))

    def _login_page(self, params: dict[str, str], *, error: str = "", status: int = 200) -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">'
            for k, v in params.items()
            if k
            in {
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "nonce",
                "response_type",
                "code_challenge",
                "code_challenge_method",
                "acr_values",
                "fault",
            }
        )
        rows = "".join(
            f"<tr><td>{esc(i.personal_id)}</td><td>{esc(i.name)}</td><td>Mức {i.level}</td></tr>"
            for i in IDENTITIES.values()
        )
        message = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
        content = f"""
<h1>Đăng nhập bằng tài khoản định danh điện tử</h1>
<p>Hệ thống định danh điện tử mẫu (thay cho VNeID khi phát triển). Cổng dịch vụ công đề nghị bạn cho biết
họ tên, ngày sinh, giới tính, số định danh cá nhân và thông tin liên hệ.</p>
{message}
<form method="post" action="/authorize">{hidden}
<label for="personal_id">Số định danh cá nhân</label>
<input id="personal_id" name="personal_id" inputmode="numeric" autocomplete="username" required>
<label for="passcode">Mật mã (passcode)</label>
<input id="passcode" name="passcode" type="password" inputmode="numeric" autocomplete="current-password" required>
<div><button type="submit" name="action" value="allow">Đồng ý và đăng nhập</button>
<button type="submit" name="action" value="deny" formnovalidate>Từ chối</button></div>
</form>
<h2>Tài khoản mẫu (mật mã {PASSCODE})</h2>
<table><thead><tr><th>Số định danh</th><th>Họ và tên</th><th>Mức định danh</th></tr></thead>
<tbody>{rows}</tbody></table>"""
        return page("Đăng nhập định danh điện tử", content, status=status)

    def _client_from_request(self, request: Request) -> Client | None:
        auth = request.headers.get("authorization", "")
        client_id, secret = request.form.get("client_id", ""), request.form.get("client_secret", "")
        if auth.lower().startswith("basic "):
            from urllib.parse import unquote

            decoded = base64.b64decode(auth[6:]).decode("utf-8")
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        client = self.client(client_id)
        if client is None or not hmac.compare_digest(secret.encode(), client.secret.encode()):
            return None
        return client

    def token(self, request: Request) -> Response:

        client = self._client_from_request(request)
        if client is None:
            return json_response({"error": "invalid_client"}, 401, [("WWW-Authenticate", 'Basic realm="eid"')])
        if request.form.get("grant_type") != "authorization_code":
            return json_response({"error": "unsupported_grant_type"}, 400)
        code = request.form.get("code", "")
        row = self.db.execute("SELECT data, expires, used FROM codes WHERE code = ?", (code,)).fetchone()
        if row is None:
            return json_response({"error": "invalid_grant", "error_description": "unknown code"}, 400)
        data, expires, used = json.loads(row[0]), row[1], row[2]
        claimed = self.db.execute("UPDATE codes SET used = 1 WHERE code = ? AND used = 0", (code,)).rowcount
        if used or not claimed:
            # RFC 6749 §4.1.2: a code used twice revokes what it gave.
            self.db.execute("DELETE FROM tokens WHERE code = ?", (code,))
            return json_response({"error": "invalid_grant", "error_description": "code already used"}, 400)
        if expires < time.time() or data["client_id"] != client.client_id:
            return json_response({"error": "invalid_grant", "error_description": "code expired or not yours"}, 400)
        if request.form.get("redirect_uri") != data["redirect_uri"]:
            return json_response({"error": "invalid_grant", "error_description": "redirect_uri differs"}, 400)
        verifier = request.form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or not hmac.compare_digest(challenge, data["code_challenge"]):
            return json_response({"error": "invalid_grant", "error_description": "PKCE verifier mismatch"}, 400)
        identity = IDENTITIES[data["personal_id"]]
        access = secrets.token_urlsafe(32)
        self.db.execute(
            "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
            (access, identity.personal_id, data["scope"], client.client_id, code, time.time() + TOKEN_SECONDS),
        )
        id_token = self._id_token(request, identity, data, client, access)
        return json_response(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "id_token": id_token,
                "scope": data["scope"],
            }
        )

    def _claims(self, identity: Identity, scope: str) -> dict[str, Any]:
        scopes = set(scope.split())
        claims: dict[str, Any] = {"acr": ACR.format(identity.level)}
        if "profile" in scopes:
            claims.update(name=identity.name, birthdate=identity.birthdate, gender=identity.gender)
        if "personal_id" in scopes:
            claims["personal_id"] = identity.personal_id
        if "phone" in scopes and identity.phone:
            claims.update(phone_number=identity.phone, phone_number_verified=True)
        if "email" in scopes and identity.email:
            claims.update(email=identity.email, email_verified=True)
        if "address" in scopes and identity.address:
            claims["address"] = {"formatted": identity.address, "country": "VN"}
        return claims

    def _subject(self, identity: Identity, client: Client) -> str:
        return hashlib.sha256(f"{client.client_id}:{identity.personal_id}:{self.key.kid}".encode()).hexdigest()

    def _id_token(self, request: Request, identity: Identity, data: dict[str, str], client: Client, access: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access.encode()).digest()
        claims: dict[str, Any] = {
            "iss": self.issuer(request),
            "sub": self._subject(identity, client),
            "aud": client.client_id,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "auth_time": int(data["auth_time"]),
            "amr": ["pwd"],
            "at_hash": base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode(),
            **self._claims(identity, data["scope"]),
        }
        if data.get("nonce"):
            claims["nonce"] = data["nonce"]
        fault = data.get("fault", "") if self.faults else ""
        key = self.key
        if fault == "expired":
            claims.update(iat=now - 1200, exp=now - 600)
        elif fault == "wrong_audience":
            claims["aud"] = "another-portal"
        elif fault == "wrong_issuer":
            claims["iss"] = "http://impostor.invalid"
        elif fault == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-you-sent"
        elif fault == "unknown_key":
            key = RSAKey.generate_key(2048)
            key.ensure_kid()
        token = jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)
        if fault == "tampered":
            header, _payload, signature = token.split(".")
            claims["personal_id"] = "079090009999"

            forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            token = f"{header}.{forged}.{signature}"
        return token

    def userinfo(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        row = self.db.execute(
            "SELECT personal_id, scope, client_id, expires FROM tokens WHERE token = ?", (token,)
        ).fetchone()
        if row is None or row[3] < time.time():
            return json_response(
                {"error": "invalid_token"}, 401, [("WWW-Authenticate", 'Bearer error="invalid_token"')]
            )
        identity = IDENTITIES[row[0]]
        client = self.client(row[2])
        assert client is not None
        return json_response({"sub": self._subject(identity, client), **self._claims(identity, row[1])})

    def logout(self, request: Request) -> Response:
        """RP-initiated logout: an ``id_token_hint`` must be one this provider signed for the portal
        (its expiry does not matter — RP-Initiated Logout 1.0 §2); the return address must be registered."""
        hint = request.query.get("id_token_hint", "")
        if hint:
            try:
                claims = jwt.decode(hint, self.key, algorithms=["RS256"]).claims
            except (JoseError, ValueError):
                claims = {}
            if claims.get("aud") != _portal_client().client_id or claims.get("iss") != self.issuer(request):
                return page(
                    "Yêu cầu đăng xuất không hợp lệ",
                    "<h1>Yêu cầu đăng xuất không hợp lệ</h1><p>id_token_hint không do hệ thống này cấp.</p>",
                    status=400,
                )
        target = request.query.get("post_logout_redirect_uri", "")
        if target and target in _portal_client().post_logout_redirect_uris:
            return redirect(with_params(target, state=request.query.get("state") or None))  # type: ignore[arg-type]
        return page("Đã đăng xuất", "<h1>Bạn đã đăng xuất khỏi hệ thống định danh điện tử mẫu.</h1>")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        routes = {
            ("GET", "/healthz"): lambda r: json_response({"status": "ok"}),
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/authorize"): self.authorize,
            ("POST", "/token"): self.token,
            ("GET", "/userinfo"): self.userinfo,
            ("POST", "/userinfo"): self.userinfo,
            ("GET", "/logout"): self.logout,
        }
        handler = routes.get((request.method, request.path))
        if handler is None:
            return json_response({"error": "not_found"}, 404)(start_response)
        return handler(request)(start_response)


application = EidProvider()
