"""Reference connected portal: a ministry's or province's site that signs people in through OpenDVC.

It is an OpenID Connect relying party built on Authlib (``OAuth2Session`` for the authorization code
flow with PKCE S256, ``CodeIDToken`` for the ID token's claims) and joserfc for the RS256 signature
with OpenDVC's JWKS. Pages: ``/`` (who is signed in, or "Đăng nhập bằng tài khoản Cổng dịch vụ
công"), ``/login``, ``/callback``, ``POST /logout`` (local logout, then OpenDVC's RP-initiated
logout with ``id_token_hint``) and ``/logged-out``.

Settings (environment): ``OPENDVC_PUBLIC_URL`` (the provider, its issuer), ``CONNECTED_PORTAL_CLIENT_ID``
and ``CONNECTED_PORTAL_CLIENT_SECRET`` (registered in OpenDVC by the demo data with this portal's
``/callback`` and ``/logged-out``). Its session is a signed cookie.
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
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from reference.common import (
    Request,
    Response,
    StartResponse,
    data_dir,
    esc,
    json_response,
    page,
    redirect,
    with_params,
    write_once,
)

COOKIE = "cp_session"
SCOPES = "openid profile email phone address"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ConnectedPortal:
    def __init__(self) -> None:
        self.provider = os.environ.get("OPENDVC_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        self.client_id = os.environ.get("CONNECTED_PORTAL_CLIENT_ID", "connected-portal-demo")
        self.client_secret = os.environ.get("CONNECTED_PORTAL_CLIENT_SECRET", "connected-portal-demo-secret")
        self.secret = write_once(data_dir("connected_portal") / "cookie-secret", lambda: secrets.token_hex(32)).encode()
        self._metadata: dict[str, Any] | None = None

    # --- the signed session cookie ---

    def _read(self, request: Request) -> dict[str, Any]:
        raw = request.cookies.get(COOKIE, "")
        value, _, signature = raw.rpartition(".")
        expected = _b64(hmac.new(self.secret, value.encode(), hashlib.sha256).digest())
        if not value or not hmac.compare_digest(signature, expected):
            return {}
        try:
            return dict(json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))))
        except ValueError:
            return {}

    def _cookie(self, data: dict[str, Any]) -> tuple[str, str]:
        value = _b64(json.dumps(data).encode())
        signature = _b64(hmac.new(self.secret, value.encode(), hashlib.sha256).digest())
        return ("Set-Cookie", f"{COOKIE}={value}.{signature}; Path=/; HttpOnly; SameSite=Lax")

    # --- OpenID Connect ---

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            response = requests.get(f"{self.provider}/.well-known/openid-configuration", timeout=10)
            response.raise_for_status()
            self._metadata = response.json()
        return self._metadata

    def _session(self, redirect_uri: str, **kwargs: Any) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=SCOPES,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method's name
            **kwargs,
        )

    def own(self, request: Request) -> str:
        return f"http://{request.headers.get('host', '127.0.0.1')}"

    def home(self, request: Request) -> Response:
        session = self._read(request)
        user = session.get("user")
        if user:
            rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in sorted(user.items()))
            content = f"""<h1>Cổng dịch vụ công của Bộ Mẫu</h1>
<p role="status">Xin chào <strong id="who">{esc(user.get("name", ""))}</strong>, bạn đã đăng nhập qua OpenDVC.</p>
<table><caption>Thông tin OpenDVC cung cấp</caption>{rows}</table>
<form method="post" action="/logout"><button type="submit">Đăng xuất</button></form>"""
        else:
            content = """<h1>Cổng dịch vụ công của Bộ Mẫu</h1>
<p>Cổng kết nối mẫu: đăng nhập một lần bằng tài khoản Cổng dịch vụ công OpenDVC.</p>
<p><a href="/login">Đăng nhập bằng tài khoản Cổng dịch vụ công</a></p>"""
        return page("Cổng kết nối mẫu", content)

    def login(self, request: Request) -> Response:
        verifier = secrets.token_urlsafe(48)
        nonce = secrets.token_urlsafe(16)
        client = self._session(f"{self.own(request)}/callback")
        url, state = client.create_authorization_url(
            self.metadata()["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        flow = {"state": state, "nonce": nonce, "verifier": verifier, "at": time.time()}
        return redirect(url, [self._cookie({"flow": flow})])

    def callback(self, request: Request) -> Response:
        flow = self._read(request).get("flow") or {}
        if request.query.get("error"):
            return page(
                "Không đăng nhập được", f"<h1>Không đăng nhập được</h1><p>{esc(request.query['error'])}</p>", status=400
            )
        if not flow or not hmac.compare_digest(str(flow.get("state", "")), request.query.get("state", "")):
            return page("Không đăng nhập được", "<h1>Không đăng nhập được</h1><p>state mismatch</p>", status=400)
        metadata = self.metadata()
        client = self._session(f"{self.own(request)}/callback")
        token = client.fetch_token(
            metadata["token_endpoint"], code=request.query.get("code", ""), code_verifier=flow["verifier"]
        )
        try:
            keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
            decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {"iss": {"essential": True, "values": [metadata["issuer"]]}},
                {"nonce": flow["nonce"], "client_id": self.client_id, "access_token": token["access_token"]},
            )
            claims.validate(leeway=30)
        except JoseError as error:
            return page("Không đăng nhập được", f"<h1>ID token không hợp lệ</h1><p>{esc(error)}</p>", status=400)
        userinfo = client.get(metadata["userinfo_endpoint"]).json()
        user = {
            key: value
            for key, value in {**dict(claims), **userinfo}.items()
            if key in {"sub", "name", "email", "phone_number", "birthdate", "gender", "acr", "assurance_level"}
        }
        address = userinfo.get("address") or {}
        if address.get("formatted"):
            user["address"] = address["formatted"]
        return redirect("/", [self._cookie({"user": user, "id_token": token["id_token"]})])

    def logout(self, request: Request) -> Response:
        session = self._read(request)
        state = secrets.token_urlsafe(16)
        target = with_params(
            self.metadata()["end_session_endpoint"],
            id_token_hint=session.get("id_token", ""),
            client_id=self.client_id,
            post_logout_redirect_uri=f"{self.own(request)}/logged-out",
            state=state,
        )
        return redirect(target, [self._cookie({"logout_state": state})])

    def logged_out(self, request: Request) -> Response:
        session = self._read(request)
        ok = hmac.compare_digest(str(session.get("logout_state", "")), request.query.get("state", ""))
        message = (
            "Bạn đã đăng xuất khỏi cổng này và khỏi Cổng dịch vụ công." if ok else "Bạn đã đăng xuất khỏi cổng này."
        )
        return page(
            "Đã đăng xuất",
            f'<h1>Đã đăng xuất</h1><p role="status">{message}</p><p><a href="/">Về trang chủ</a></p>',
            headers=[self._cookie({})],
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        routes = {
            ("GET", "/healthz"): lambda r: json_response({"status": "ok"}),
            ("GET", "/"): self.home,
            ("GET", "/login"): self.login,
            ("GET", "/callback"): self.callback,
            ("POST", "/logout"): self.logout,
            ("GET", "/logged-out"): self.logged_out,
        }
        handler = routes.get((request.method, request.path))
        if handler is None:
            return json_response({"error": "not_found"}, 404)(start_response)
        return handler(request)(start_response)


application = ConnectedPortal()
