"""A registered connected portal, a citizen, and the authorization code flow driven with the test client."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import UserFactory
from opendvc.sso.services import oidc_client_register

REDIRECT = "https://cong.bomau.example.vn/callback"
LOGOUT_REDIRECT = "https://cong.bomau.example.vn/logged-out"
SECRET = "bi-mat-cua-cong-ket-noi-mau-0123456789abcdef"


@pytest.fixture(autouse=True)
def clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@dataclass
class Portal:
    client_id: str
    secret: str
    redirect_uri: str


@pytest.fixture
def portal(db: None) -> Portal:
    client, secret = oidc_client_register(
        name="Cổng Bộ Mẫu",
        redirect_uris=[REDIRECT],
        post_logout_redirect_uris=[LOGOUT_REDIRECT],
        client_id="cong-bo-mau",
        client_secret=SECRET,
    )
    return Portal(client.client_id, secret, REDIRECT)


@pytest.fixture
def citizen(db: None) -> User:
    from datetime import date

    return UserFactory.create(
        personal_id="079090001234",
        full_name="Nguyễn Văn An",
        birth_date=date(1990, 5, 15),
        sex="male",
        assurance_level=2,
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class Authorization:
    code: str
    state: str
    verifier: str
    nonce: str


def authorize_params(
    portal: Portal, *, scope: str = "openid profile", challenge: str = "", **extra: str
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": portal.client_id,
        "redirect_uri": portal.redirect_uri,
        "scope": scope,
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return {k: v for k, v in params.items() if v != ""}


def consent(client: Client, params: dict[str, str]) -> Any:
    """Open the consent screen and press "Cho phép"; returns the redirect to the client."""
    page = client.get(f"/o/authorize/?{urlencode(params)}")
    assert page.status_code == 200, page.content.decode()[:500]
    form = {k: v for k, v in params.items() if k != "code_challenge_method"}
    form.update({"code_challenge_method": "S256", "allow": "Authorize"})
    return client.post("/o/authorize/", form)


def authorize(client: Client, portal: Portal, *, scope: str = "openid profile") -> Authorization:
    verifier, challenge = pkce_pair()
    params = authorize_params(portal, scope=scope, challenge=challenge)
    response = consent(client, params)
    assert response.status_code == 302, response.content.decode()[:500]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == portal.redirect_uri
    query = parse_qs(location.query)
    assert query["state"] == [params["state"]]
    return Authorization(query["code"][0], params["state"], verifier, params["nonce"])


def token(client: Client, portal: Portal, authorization: Authorization, **overrides: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": authorization.code,
        "redirect_uri": portal.redirect_uri,
        "code_verifier": authorization.verifier,
    }
    data.update(overrides)
    basic = base64.b64encode(f"{portal.client_id}:{portal.secret}".encode()).decode()
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")
