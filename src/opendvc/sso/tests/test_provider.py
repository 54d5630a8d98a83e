"""OpenDVC as an OpenID Connect provider: discovery, JWKS, code flow with PKCE, ID tokens, userinfo,
scopes and claims, pairwise subjects, refresh tokens, logout — and every protocol refusal.

ID tokens are verified here with PyJWT, a library independent of the provider (django-oauth-toolkit
uses jwcrypto), from the JWKS the provider publishes."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from django.test import Client

from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import UserFactory
from opendvc.audit.models import AuditEntry
from opendvc.sso.selectors import pairwise_subject
from opendvc.sso.services import oidc_client_register
from opendvc.sso.tests.conftest import (
    REDIRECT,
    Portal,
    authorize,
    authorize_params,
    pkce_pair,
    token,
)

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver"


def jwks(client: Client) -> dict[str, Any]:
    return client.get("/o/jwks/").json()


def verify_id_token(client: Client, id_token: str, audience: str) -> dict[str, Any]:
    """PyJWT, on its own: find the key by ``kid`` in the published JWKS, check RS256, iss, aud, exp."""
    header = jwt.get_unverified_header(id_token)
    keys = {key["kid"]: key for key in jwks(client)["keys"]}
    key = jwt.PyJWK(keys[header["kid"]]).key
    return jwt.decode(id_token, key, algorithms=["RS256"], audience=audience, issuer=ISSUER)


def signed_in(citizen: User) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


def test_discovery_is_at_the_origin_and_names_the_real_endpoints(client: Client) -> None:
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == f"{ISSUER}/o/authorize/"
    assert document["token_endpoint"] == f"{ISSUER}/o/token/"
    assert document["userinfo_endpoint"] == f"{ISSUER}/o/userinfo/"
    assert document["jwks_uri"] == f"{ISSUER}/o/jwks/"
    assert document["end_session_endpoint"] == f"{ISSUER}/o/logout/"
    assert document["response_types_supported"] == ["code"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "profile", "personal_id", "phone", "email", "address"} <= set(document["scopes_supported"])
    assert {"sub", "personal_id", "assurance_level", "address"} <= set(document["claims_supported"])


def test_jwks_publishes_the_active_key_and_the_retired_one(client: Client, settings: Any) -> None:
    keys = jwks(client)["keys"]
    assert len(keys) == 2 == len({key["kid"] for key in keys})
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key for key in keys)


def test_the_whole_flow_gives_an_rs256_id_token_that_an_independent_library_verifies(
    portal: Portal, citizen: User
) -> None:
    browser = signed_in(citizen)
    authorization = authorize(browser, portal, scope="openid profile personal_id")
    response = token(Client(), portal, authorization)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["refresh_token"]
    claims = verify_id_token(browser, body["id_token"], portal.client_id)
    assert jwt.get_unverified_header(body["id_token"])["alg"] == "RS256"
    assert claims["sub"] == pairwise_subject(user_id=citizen.pk, client_id=portal.client_id)
    assert claims["nonce"] == authorization.nonce
    assert claims["name"] == "Nguyễn Văn An" and claims["birthdate"] == "1990-05-15" and claims["gender"] == "male"
    assert claims["personal_id"] == "079090001234"
    assert claims["assurance_level"] == 2 and claims["acr"] == "urn:opendvc:loa:2"
    # at_hash binds the ID token to the access token (OpenID Connect Core §3.1.3.6).
    import hashlib

    digest = hashlib.sha256(body["access_token"].encode()).digest()
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def test_the_personal_id_is_released_only_with_its_scope(portal: Portal, citizen: User) -> None:
    browser = signed_in(citizen)
    body = token(Client(), portal, authorize(browser, portal, scope="openid profile")).json()
    claims = verify_id_token(browser, body["id_token"], portal.client_id)
    assert "personal_id" not in claims and claims["name"] == "Nguyễn Văn An"
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").json()
    assert "personal_id" not in info and "email" not in info and info["sub"] == claims["sub"]


def test_userinfo_answers_the_claims_of_the_granted_scopes(portal: Portal, citizen: User) -> None:
    from opendvc.agencies.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        code="79", name="Thành phố Hồ Chí Minh", codename="hcm", kind="thanh_pho_trung_uong"
    )
    commune = AdministrativeUnit.objects.create(
        code="26740", name="Phường Sài Gòn", codename="sg", kind="phuong", province=province
    )
    citizen.address_line, citizen.commune = "Số 12 Đường Lê Lợi", commune
    citizen.save()
    browser = signed_in(citizen)
    body = token(Client(), portal, authorize(browser, portal, scope="openid email phone address")).json()
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").json()
    assert info["email"] == citizen.email and info["email_verified"] is False
    assert info["phone_number"] == citizen.phone
    assert info["address"]["formatted"] == "Số 12 Đường Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh"
    assert info["address"]["commune_code"] == "26740" and info["address"]["province_code"] == "79"
    assert "name" not in info


def test_the_subject_is_pairwise_per_client(portal: Portal, citizen: User) -> None:
    other, other_secret = oidc_client_register(
        name="Ngân hàng Mẫu",
        redirect_uris=["https://nganhang.example.vn/cb"],
        client_id="ngan-hang",
        client_secret="x" * 40,
    )
    browser = signed_in(citizen)
    first = verify_id_token(
        browser, token(Client(), portal, authorize(browser, portal)).json()["id_token"], portal.client_id
    )
    bank = Portal(other.client_id, other_secret, "https://nganhang.example.vn/cb")
    second = verify_id_token(
        browser, token(Client(), bank, authorize(browser, bank)).json()["id_token"], bank.client_id
    )
    assert first["sub"] != second["sub"]
    assert str(citizen.pk) not in (first["sub"], second["sub"])


def test_the_consent_screen_lists_what_the_portal_will_receive_and_remembers_the_answer(
    portal: Portal, citizen: User
) -> None:
    browser = signed_in(citizen)
    _, challenge = pkce_pair()
    params = authorize_params(portal, scope="openid personal_id", challenge=challenge)
    page = browser.get(f"/o/authorize/?{urlencode(params)}").content.decode()
    assert "Cho phép Cổng Bộ Mẫu dùng tài khoản của bạn?" in page and "Số định danh cá nhân" in page
    denied = browser.post("/o/authorize/", {**params, "code_challenge_method": "S256"})
    assert parse_qs(urlsplit(denied["Location"]).query)["error"] == ["access_denied"]
    token(Client(), portal, authorize(browser, portal, scope="openid personal_id"))
    again = browser.get(
        f"/o/authorize/?{urlencode(authorize_params(portal, scope='openid personal_id', challenge=challenge))}"
    )
    assert again.status_code == 302 and "code=" in again["Location"], "a consent already given is not asked again"


def test_an_anonymous_person_is_sent_to_log_in_first(portal: Portal) -> None:
    _, challenge = pkce_pair()
    response = Client().get(f"/o/authorize/?{urlencode(authorize_params(portal, challenge=challenge))}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/callback",
        REDIRECT + "/",
        REDIRECT + "?next=https://evil.example",
        "https://cong.bomau.example.vn:8443/callback",
        "http://cong.bomau.example.vn/callback",
        "https://cong.bomau.example.vn/Callback",
        "https://cong.bomau.example.vn.evil.example/callback",
    ],
    ids=["unregistered", "trailing-slash", "extra-query", "other-port", "http", "case", "suffix-host"],
)
def test_an_unregistered_or_near_miss_redirect_uri_is_refused_without_redirecting(
    portal: Portal, citizen: User, redirect_uri: str
) -> None:
    _, challenge = pkce_pair()
    response = signed_in(citizen).get(
        f"/o/authorize/?{urlencode(authorize_params(portal, challenge=challenge, redirect_uri=redirect_uri))}"
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert "Không đăng nhập được vào cổng kết nối" in response.content.decode()
    entry = AuditEntry.objects.filter(action="oidc_authorize").latest("id")
    assert entry.outcome == "refused" and entry.data["redirect_uri"] == redirect_uri


def test_an_authorization_request_without_pkce_is_refused(portal: Portal, citizen: User) -> None:
    response = signed_in(citizen).get(f"/o/authorize/?{urlencode(authorize_params(portal))}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_request"] and "challenge" in query["error_description"][0].lower()


def test_a_plain_pkce_challenge_is_refused(portal: Portal, citizen: User) -> None:
    verifier, _ = pkce_pair()
    params = authorize_params(portal, challenge=verifier, code_challenge_method="plain")
    browser = signed_in(citizen)
    browser.get(f"/o/authorize/?{urlencode(params)}")
    response = browser.post("/o/authorize/", {**params, "allow": "Authorize"})
    assert response.status_code in (302, 400)
    assert "code=" not in response.get("Location", "")
    if response.status_code == 302:
        assert "error=" in response["Location"]


def test_a_replayed_authorization_code_is_refused_and_revokes_what_it_gave(portal: Portal, citizen: User) -> None:
    authorization = authorize(signed_in(citizen), portal)
    first = token(Client(), portal, authorization)
    assert first.status_code == 200
    replay = token(Client(), portal, authorization)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    entry = AuditEntry.objects.filter(action="oidc_token", outcome="refused").latest("id")
    assert entry.reason == "invalid_grant" and entry.object_id == ""


def test_a_pkce_verifier_that_does_not_match_is_refused(portal: Portal, citizen: User) -> None:
    authorization = authorize(signed_in(citizen), portal)
    wrong, _ = pkce_pair()
    response = token(Client(), portal, authorization, code_verifier=wrong)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    missing = token(Client(), portal, authorization, code_verifier="")
    assert missing.status_code == 400


def test_the_token_request_must_name_the_same_redirect_uri(portal: Portal, citizen: User) -> None:
    authorization = authorize(signed_in(citizen), portal)
    response = token(Client(), portal, authorization, redirect_uri=REDIRECT + "/")
    assert response.status_code == 400 and response.json()["error"] in {"invalid_request", "invalid_grant"}


def test_a_wrong_client_secret_is_refused(portal: Portal, citizen: User) -> None:
    authorization = authorize(signed_in(citizen), portal)
    basic = base64.b64encode(f"{portal.client_id}:not-the-secret".encode()).decode()
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": authorization.code,
            "redirect_uri": REDIRECT,
            "code_verifier": authorization.verifier,
        },
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_public_client_uses_pkce_without_a_secret(citizen: User) -> None:
    app, secret = oidc_client_register(
        name="Ứng dụng di động Mẫu",
        redirect_uris=["https://app.example.vn/cb"],
        confidential=False,
        client_id="app-mau",
    )
    assert secret == ""
    public = Portal(app.client_id, "", "https://app.example.vn/cb")
    authorization = authorize(signed_in(citizen), public)
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": authorization.code,
            "redirect_uri": public.redirect_uri,
            "code_verifier": authorization.verifier,
            "client_id": public.client_id,
        },
    )
    assert response.status_code == 200, response.content
    assert verify_id_token(Client(), response.json()["id_token"], public.client_id)["aud"] == public.client_id


def test_a_refresh_token_gives_new_tokens_once(portal: Portal, citizen: User) -> None:
    body = token(Client(), portal, authorize(signed_in(citizen), portal)).json()
    basic = base64.b64encode(f"{portal.client_id}:{portal.secret}".encode()).decode()
    refresh = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    renewed = Client().post("/o/token/", refresh, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert renewed.status_code == 200 and renewed.json()["access_token"] != body["access_token"]
    again = Client().post("/o/token/", refresh, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_tampered_id_token_fails_verification(portal: Portal, citizen: User) -> None:
    browser = signed_in(citizen)
    id_token = token(Client(), portal, authorize(browser, portal)).json()["id_token"]
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify_id_token(browser, f"{header}.{forged}.{signature}", portal.client_id)
    with pytest.raises(jwt.InvalidAudienceError):
        verify_id_token(browser, id_token, "another-client")


def test_userinfo_refuses_a_missing_or_wrong_token() -> None:
    assert Client().get("/o/userinfo/").status_code == 401
    assert Client().get("/o/userinfo/", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    assert AuditEntry.objects.filter(action="oidc_userinfo", outcome="refused").count() == 2


def test_token_issue_and_authorization_are_audited(portal: Portal, citizen: User) -> None:
    token(Client(), portal, authorize(signed_in(citizen), portal))
    authorize_entry = AuditEntry.objects.get(action="oidc_authorize", outcome="ok")
    token_entry = AuditEntry.objects.get(action="oidc_token", outcome="ok")
    assert authorize_entry.actor_id == token_entry.actor_id == citizen.pk
    assert token_entry.object_id == portal.client_id and token_entry.data["grant_type"] == "authorization_code"


def test_the_token_endpoint_is_rate_limited(portal: Portal, settings: Any) -> None:
    settings.RATE_LIMITS_PER_MINUTE = {**settings.RATE_LIMITS_PER_MINUTE, "oidc_token": 3}
    statuses = [
        Client().post("/o/token/", {"grant_type": "authorization_code", "code": "x"}).status_code for _ in range(5)
    ]
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429]
    assert AuditEntry.objects.filter(action="oidc_token", reason="too_many_requests").count() == 2


def test_rp_initiated_logout_ends_the_session_and_returns_to_the_registered_address(
    portal: Portal, citizen: User
) -> None:
    browser = signed_in(citizen)
    id_token = token(Client(), portal, authorize(browser, portal)).json()["id_token"]
    response = browser.get(
        "/o/logout/?"
        + urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": "https://cong.bomau.example.vn/logged-out",
                "state": "s1",
            }
        )
    )
    assert response.status_code == 302
    assert response["Location"] == "https://cong.bomau.example.vn/logged-out?state=s1"
    assert "_auth_user_id" not in browser.session
    assert AuditEntry.objects.filter(action="logout", actor_id=citizen.pk).exists()
    assert AuditEntry.objects.filter(action="oidc_logout", object_id=portal.client_id).exists()


def test_logout_to_an_unregistered_address_is_refused(portal: Portal, citizen: User) -> None:
    browser = signed_in(citizen)
    id_token = token(Client(), portal, authorize(browser, portal)).json()["id_token"]
    response = browser.get(
        "/o/logout/?" + urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example/"})
    )
    assert response.status_code == 400 and "Location" not in response
    assert "_auth_user_id" in browser.session


def test_the_consent_page_lets_its_form_redirect_only_to_the_client(portal: Portal, citizen: User) -> None:
    _, challenge = pkce_pair()
    page = signed_in(citizen).get(f"/o/authorize/?{urlencode(authorize_params(portal, challenge=challenge))}")
    policy = page["Content-Security-Policy"]
    assert "form-action 'self' https://cong.bomau.example.vn" in policy
    assert "unsafe-inline" not in policy


def test_registering_a_client_refuses_a_redirect_uri_with_a_fragment() -> None:
    from opendvc.core.errors import ApiError

    with pytest.raises(ApiError) as refused:
        oidc_client_register(name="X", redirect_uris=["https://x.example/cb#frag"])
    assert refused.value.code == "redirect_uri_invalid"


def test_an_officer_signing_in_to_a_portal_needs_the_second_factor_first(portal: Portal) -> None:
    officer = UserFactory.create(username="canbo.sso", personal_id=None, kind=User.Kind.OFFICER)
    from opendvc.accounts.tests.factories import PASSWORD

    browser = Client()
    browser.post("/accounts/login/", {"username": officer.username, "password": PASSWORD})
    _, challenge = pkce_pair()
    response = browser.get(f"/o/authorize/?{urlencode(authorize_params(portal, challenge=challenge))}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/?next=")
