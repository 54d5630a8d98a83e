"""The admin pages of accounts and notifications open for a superuser; tokens stay read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.accounts.models import AccessToken
from opendvc.accounts.services import access_token_create
from opendvc.accounts.tests.factories import OfficerRoleFactory, RepresentationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client) -> Client:
    client.force_login(UserFactory.create(username="root", personal_id=None, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/officerrole/",
        "/admin/accounts/organisation/",
        "/admin/accounts/accesstoken/",
        "/admin/accounts/verificationcode/",
        "/admin/notifications/notification/",
    ],
)
def test_admin_lists_open(admin_client_: Client, url: str) -> None:
    assert admin_client_.get(url).status_code == 200


def test_admin_user_page_shows_roles_representations_and_tokens(admin_client_: Client) -> None:
    role = OfficerRoleFactory.create()
    RepresentationFactory.create(user=role.user)
    access_token_create(user=role.user, name="CI")
    response = admin_client_.get(f"/admin/accounts/user/{role.user.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "officer_roles" in html and "CI" in html


def test_admin_creates_a_user(admin_client_: Client) -> None:
    response = admin_client_.post(
        "/admin/accounts/user/add/",
        {
            "username": "desk.test",
            "kind": "officer",
            "full_name": "Cán bộ Thử",
            "password1": "Hoa-sen-2026!",
            "password2": "Hoa-sen-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_admin_tokens_are_read_only_but_revocable(admin_client_: Client) -> None:
    token, _ = access_token_create(user=UserFactory.create(), name="CI")
    assert admin_client_.get("/admin/accounts/accesstoken/add/").status_code == 403
    response = admin_client_.post(
        "/admin/accounts/accesstoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    assert AccessToken.objects.get().revoked_at is not None
