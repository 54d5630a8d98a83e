"""Login with Django's standard form at /accounts/login/ and logout by POST."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_has_username_and_password_fields(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "Đăng nhập" in html
    assert 'href="/accounts/register/"' in html


def test_login_goes_home_by_default(client: Client) -> None:
    user = UserFactory.create()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_goes_to_next(client: Client) -> None:
    user = UserFactory.create()
    response = client.post(
        "/accounts/login/?next=/accounts/me/",
        {"username": user.username, "password": PASSWORD, "next": "/accounts/me/"},
    )
    assert response["Location"] == "/accounts/me/"


def test_login_does_not_follow_next_to_another_site(client: Client) -> None:
    user = UserFactory.create()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message_that_says_what_to_do(client: Client) -> None:
    user = UserFactory.create()
    response = client.post("/accounts/login/", {"username": user.username, "password": "sai-mat-khau"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html
    assert 'href="#id_username"' in html
    assert f'value="{user.username}"' in html
    assert "_auth_user_id" not in client.session


def test_deactivated_account_cannot_log_in(client: Client) -> None:
    user = UserFactory.create(is_active=False)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_account_page_needs_login(client: Client) -> None:
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/me/"


def test_login_page_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Username" in html and "Password" in html
    assert "Create a citizen account" in html
