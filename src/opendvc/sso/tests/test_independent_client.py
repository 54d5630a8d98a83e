"""The provider as a stranger sees it: over real HTTP, with client libraries that are not ours.

A connected portal built by another team knows only the issuer's address. Here the portal is
requests-oauthlib (the authorization code flow with PKCE, RFC 7636) and PyJWT's ``PyJWKClient``,
which reads the discovery document, fetches the JWKS from the ``jwks_uri`` it names and checks
each ID token by itself (OpenID Connect Core §3.1.3.7) — no code of OpenDVC runs on the client side.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from requests_oauthlib import OAuth2Session

from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import PASSWORD
from opendvc.sso.tests.conftest import REDIRECT, Portal

pytestmark = pytest.mark.django_db(transaction=True)


class _Forms(HTMLParser):
    """The POST forms of a page — action and named inputs — as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self.forms.append((values.get("action") or "", {}))
        elif tag == "input" and self.forms and values.get("name") and values.get("type") != "submit":
            self.forms[-1][1][values["name"] or ""] = values.get("value") or ""


def _form(html: str, *, action_ends_with: str) -> tuple[str, dict[str, str]]:
    parser = _Forms()
    parser.feed(html)
    return next((action, fields) for action, fields in parser.forms if action.endswith(action_ends_with))


def _sign_in_and_consent(base: str, authorization_url: str, citizen: User) -> str:
    """A person signs in with their password and allows the portal; returns the callback URL."""
    browser = requests.Session()
    login = browser.get(f"{base}/accounts/login/", params={"next": authorization_url.removeprefix(base)}, timeout=10)
    _, fields = _form(login.text, action_ends_with="/accounts/login/")
    fields.update({"username": citizen.username, "password": PASSWORD})
    consent = browser.post(login.url, data=fields, headers={"Referer": login.url}, timeout=10)
    assert consent.status_code == 200 and "Cho phép" in consent.text, consent.text[:500]
    action, fields = _form(consent.text, action_ends_with="/o/authorize/")
    answer = browser.post(
        urljoin(consent.url, action),
        data=dict(fields, allow="Authorize"),
        headers={"Referer": consent.url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


@pytest.fixture
def stranger(live_server: Any, portal: Portal, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # oauthlib refuses plain HTTP; the test server listens on the loopback without TLS.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    base = live_server.url
    discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    return {"base": base, "discovery": discovery}


def test_an_independent_client_completes_the_code_flow_and_verifies_the_id_token_from_the_jwks(
    stranger: dict[str, Any], portal: Portal, citizen: User
) -> None:
    base, discovery = stranger["base"], stranger["discovery"]
    assert discovery["issuer"] == base
    assert all(discovery[key].startswith(base) for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"))

    session = OAuth2Session(
        portal.client_id, redirect_uri=REDIRECT, scope=["openid", "profile", "personal_id"], pkce="S256"
    )
    nonce = "nonce-cua-cong-ket-noi"
    authorization_url, state = session.authorization_url(discovery["authorization_endpoint"], nonce=nonce)
    callback = _sign_in_and_consent(base, authorization_url, citizen)
    assert parse_qs(urlsplit(callback).query)["state"] == [state]
    assert parse_qs(urlsplit(callback).query).get("iss") == [base], callback  # RFC 9207 mix-up defence

    tokens = session.fetch_token(
        discovery["token_endpoint"],
        authorization_response=callback,
        client_secret=portal.secret,
        include_client_id=False,
    )

    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(tokens["id_token"])
    claims = jwt.decode(
        tokens["id_token"],
        signing_key.key,
        algorithms=discovery["id_token_signing_alg_values_supported"],
        audience=portal.client_id,
        issuer=discovery["issuer"],
        options={"require": ["exp", "iat", "sub", "aud", "iss"]},
    )
    assert claims["nonce"] == nonce
    assert claims["personal_id"] == citizen.personal_id
    assert jwt.api_jws.get_unverified_header(tokens["id_token"])["alg"] == "RS256"

    userinfo = session.get(discovery["userinfo_endpoint"], timeout=10)
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == claims["sub"]
    assert userinfo.json()["name"] == citizen.full_name


def test_an_independent_client_rejects_an_id_token_signed_by_a_key_the_jwks_does_not_hold(
    stranger: dict[str, Any], portal: Portal
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        {"iss": stranger["base"], "aud": portal.client_id, "sub": "x", "exp": 4_102_444_800, "iat": 0},
        foreign_key,
        algorithm="RS256",
        headers={"kid": "khoa-la"},
    )
    with pytest.raises(jwt.PyJWKClientError, match=re.escape("khoa-la")):
        jwt.PyJWKClient(stranger["discovery"]["jwks_uri"]).get_signing_key_from_jwt(forged)


def test_the_token_endpoint_refuses_a_stranger_without_the_pkce_verifier(
    stranger: dict[str, Any], portal: Portal, citizen: User
) -> None:
    discovery = stranger["discovery"]
    session = OAuth2Session(portal.client_id, redirect_uri=REDIRECT, scope=["openid"], pkce="S256")
    authorization_url, _ = session.authorization_url(discovery["authorization_endpoint"], nonce="n")
    callback = _sign_in_and_consent(stranger["base"], authorization_url, citizen)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(portal.client_id, portal.secret),
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
