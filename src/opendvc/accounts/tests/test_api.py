"""/api/v1/accounts: who am I, and tokens, by Bearer token or by session with CSRF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opendvc.accounts.models import AccessToken, OfficerRole, User
from opendvc.accounts.services import access_token_create
from opendvc.accounts.tests.factories import (
    OfficerFactory,
    OfficerRoleFactory,
    RepresentationFactory,
    UserFactory,
)
from opendvc.agencies.models import Agency

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"
TOKENS = "/api/v1/accounts/tokens"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_anonymous_gets_401_not_authenticated(client: Client) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["messages"]["vi"] and body["messages"]["en"]


def test_me_for_a_citizen_by_session(client: Client) -> None:
    user = UserFactory.create(full_name="Nguyễn Văn An")
    client.force_login(user)
    body = client.get(ME).json()
    assert body["kind"] == "citizen"
    assert body["name"] == "Nguyễn Văn An"
    assert body["username"] == user.personal_id
    assert body["roles"] == [] and body["organisations"] == []
    assert body["authenticated_by"] == "session"
    assert body["phone_verified"] is False


def test_me_for_an_officer_lists_roles(client: Client, agency_hcm: Agency, agency_hn: Agency) -> None:
    officer = OfficerFactory.create()
    OfficerRoleFactory.create(user=officer, agency=agency_hcm, role=OfficerRole.Role.DESK)
    OfficerRoleFactory.create(user=officer, agency=agency_hcm, role=OfficerRole.Role.SPECIALIST)
    OfficerRoleFactory.create(user=officer, agency=agency_hn, role=OfficerRole.Role.LEADER)
    _, secret = access_token_create(user=officer, name="CI")

    response = client.get(ME, headers=bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "officer"
    assert body["authenticated_by"] == "token"
    assert [(r["agency_code"], r["role"]) for r in body["roles"]] == [
        ("H26.17", "leader"),
        ("H29.17", "desk"),
        ("H29.17", "specialist"),
    ]


def test_me_for_a_business_representative_lists_organisations(client: Client) -> None:
    representation = RepresentationFactory.create(organisation__tax_code="0312345673", organisation__name="Công ty Mẫu")
    client.force_login(representation.user)
    body = client.get(ME).json()
    assert body["kind"] == "business"
    assert body["organisations"] == [{"tax_code": "0312345673", "name": "Công ty Mẫu", "representation": "legal"}]


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        ({"revoked_at": timezone.now}, "token_revoked"),
        ({"expires_at": lambda: timezone.now() - timedelta(minutes=1)}, "token_expired"),
    ],
)
def test_revoked_and_expired_tokens_get_401_with_their_code(
    client: Client, mutation: dict[str, Any], code: str
) -> None:
    token, secret = access_token_create(user=UserFactory.create(), name="CI")
    AccessToken.objects.filter(pk=token.pk).update(**{field: make() for field, make in mutation.items()})
    response = client.get(ME, headers=bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == code


def test_a_wrong_token_gets_401_even_with_a_session(client: Client) -> None:
    client.force_login(UserFactory.create())
    response = client.get(ME, headers=bearer("odvc_00000000_" + "x" * 43))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_create_token_by_session_with_csrf_then_use_list_and_revoke_it() -> None:
    user = UserFactory.create()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/accounts/me/")  # sets the CSRF cookie, as the page would
    csrf = browser.cookies["csrftoken"].value

    created = browser.post(
        TOKENS,
        {"name": "Hệ thống doanh nghiệp", "expires_at": (timezone.now() + timedelta(days=7)).isoformat()},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["token"]
    assert secret.startswith(f"odvc_{body['prefix']}_") and body["status"] == "active"

    api = Client()
    assert api.get(ME, headers=bearer(secret)).json()["username"] == user.username
    listed = api.get(TOKENS, headers=bearer(secret)).json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]

    assert api.delete(f"{TOKENS}/{body['id']}", headers=bearer(secret)).status_code == 204
    refused = api.get(ME, headers=bearer(secret))
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"


def test_a_session_post_without_csrf_token_is_refused() -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory.create())
    response = browser.post(TOKENS, {"name": "CI"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not AccessToken.objects.exists()


def test_a_session_delete_without_csrf_token_is_refused() -> None:
    user = UserFactory.create()
    token, _ = access_token_create(user=user, name="CI")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.delete(f"{TOKENS}/{token.pk}").status_code == 403
    assert AccessToken.objects.get().revoked_at is None


def test_a_session_get_needs_no_csrf_token() -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory.create())
    assert browser.get(ME).status_code == 200


def test_a_token_cannot_create_tokens(client: Client) -> None:
    _, secret = access_token_create(user=UserFactory.create(), name="CI")
    response = client.post(TOKENS, {"name": "another"}, content_type="application/json", headers=bearer(secret))
    assert response.status_code == 401
    assert AccessToken.objects.count() == 1


def test_anonymous_post_gets_401_not_a_csrf_error() -> None:
    response = Client(enforce_csrf_checks=True).post(TOKENS, {"name": "CI"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_create_refusals_are_uniform_errors(client: Client) -> None:
    client.force_login(UserFactory.create())
    past = client.post(TOKENS, {"name": "CI", "expires_at": "2000-01-01T00:00:00"}, content_type="application/json")
    assert past.status_code == 400 and past.json()["code"] == "invalid_token_expiry"
    missing = client.post(TOKENS, {}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_request"


def test_revoking_another_users_token_is_not_found(client: Client) -> None:
    token, _ = access_token_create(user=UserFactory.create(), name="CI")
    _, mine = access_token_create(user=UserFactory.create(), name="mine")
    response = client.delete(f"{TOKENS}/{token.pk}", headers=bearer(mine))
    assert response.status_code == 404 and response.json()["code"] == "token_not_found"
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


def test_a_deactivated_users_session_is_not_accepted(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(ME).status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/api/v1/accounts/me", "/api/v1/accounts/tokens", "/api/v1/accounts/tokens/{token_id}"} <= set(
        schema["paths"]
    )
