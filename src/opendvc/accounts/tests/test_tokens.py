"""Personal access tokens: created on the account page or the API, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from opendvc.accounts.models import AccessToken, User
from opendvc.accounts.services import (
    TOKEN_MAX_ACTIVE,
    access_token_authenticate,
    access_token_create,
    access_token_revoke,
)
from opendvc.accounts.tests.factories import UserFactory
from opendvc.core.errors import ApiError

pytestmark = pytest.mark.django_db

TOKEN_PATTERN = re.compile(r"odvc_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


def test_the_secret_is_returned_once_and_only_its_sha256_is_stored() -> None:
    user = UserFactory.create()
    token, secret = access_token_create(user=user, name="  Phần mềm   kế toán ")

    assert TOKEN_PATTERN.fullmatch(secret)
    assert secret.startswith(f"odvc_{token.prefix}_")
    assert token.name == "Phần mềm kế toán"
    stored = AccessToken.objects.get()
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.split("_", 2)[2] not in {stored.digest, stored.prefix, stored.name}


def test_authenticate_finds_the_user_and_records_use_at_most_once_a_minute() -> None:
    user = UserFactory.create()
    token, secret = access_token_create(user=user, name="CI")
    assert access_token_authenticate(raw_token=secret).user == user
    first_use = AccessToken.objects.get().last_used_at
    assert first_use is not None

    access_token_authenticate(raw_token=secret)
    assert AccessToken.objects.get().last_used_at == first_use

    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    access_token_authenticate(raw_token=secret)
    last_used_at = AccessToken.objects.get().last_used_at
    assert last_used_at is not None and last_used_at > first_use


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda t: AccessToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()), "token_revoked"),
        (
            lambda t: AccessToken.objects.filter(pk=t.pk).update(expires_at=timezone.now() - timedelta(seconds=1)),
            "token_expired",
        ),
        (lambda t: User.objects.filter(pk=t.user_id).update(is_active=False), "invalid_token"),
    ],
)
def test_revoked_expired_and_deactivated_tokens_are_refused(mutate: object, code: str) -> None:
    token, secret = access_token_create(user=UserFactory.create(), name="CI")
    mutate(token)  # type: ignore[operator]
    with pytest.raises(ApiError) as caught:
        access_token_authenticate(raw_token=secret)
    assert caught.value.code == code and caught.value.status == 401


@pytest.mark.parametrize("raw", ["", "odvc_", "odvc_zzzzzzzz_abc", "Bearer xyz", "odvc_0123abcd_" + "A" * 43])
def test_malformed_or_unknown_tokens_are_refused(raw: str) -> None:
    with pytest.raises(ApiError) as caught:
        access_token_authenticate(raw_token=raw)
    assert caught.value.code == "invalid_token"


def test_a_token_with_a_changed_prefix_is_refused() -> None:
    token, secret = access_token_create(user=UserFactory.create(), name="CI")
    other_prefix = "0" * 8 if token.prefix != "0" * 8 else "1" * 8
    with pytest.raises(ApiError):
        access_token_authenticate(raw_token=secret.replace(token.prefix, other_prefix, 1))


def test_expiry_must_be_in_the_future_and_name_is_required() -> None:
    user = UserFactory.create()
    with pytest.raises(ApiError) as caught:
        access_token_create(user=user, name="CI", expires_at=timezone.now() - timedelta(days=1))
    assert caught.value.code == "invalid_token_expiry"
    with pytest.raises(ApiError) as caught:
        access_token_create(user=user, name="   ")
    assert caught.value.code == "invalid_token_name"
    assert not AccessToken.objects.exists()


def test_active_tokens_are_limited() -> None:
    user = UserFactory.create()
    for n in range(TOKEN_MAX_ACTIVE):
        access_token_create(user=user, name=f"t{n}")
    with pytest.raises(ApiError) as caught:
        access_token_create(user=user, name="one too many")
    assert caught.value.code == "too_many_tokens"
    access_token_revoke(user=user, token_id=AccessToken.objects.first().pk)  # type: ignore[union-attr]
    access_token_create(user=user, name="after revoking")


def test_a_user_cannot_revoke_another_users_token() -> None:
    token, _ = access_token_create(user=UserFactory.create(), name="CI")
    with pytest.raises(ApiError) as caught:
        access_token_revoke(user=UserFactory.create(), token_id=token.pk)
    assert caught.value.status == 404
    assert AccessToken.objects.get().revoked_at is None


def test_account_page_creates_shows_once_lists_and_revokes(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)

    created = client.post("/accounts/me/tokens/", {"name": "Phần mềm kế toán", "lifetime": "30"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    secret = TOKEN_PATTERN.search(created.content.decode())
    assert secret is not None
    token = AccessToken.objects.get()
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)

    page = client.get("/accounts/me/").content.decode()
    assert "Phần mềm kế toán" in page and f"odvc_{token.prefix}_" in page
    assert secret.group(0) not in page

    revoked = client.post(f"/accounts/me/tokens/{token.pk}/revoke/", follow=True)
    assert "Đã thu hồi mã truy cập" in revoked.content.decode()
    assert AccessToken.objects.get().revoked_at is not None


def test_account_page_shows_token_form_errors(client: Client) -> None:
    client.force_login(UserFactory.create())
    response = client.post("/accounts/me/tokens/", {"name": ""})
    assert response.status_code == 200
    assert "Đặt tên cho mã truy cập" in response.content.decode()
    assert 'href="#id_name"' in response.content.decode()
    assert not AccessToken.objects.exists()


def test_revoking_someone_elses_token_from_the_page_is_not_found(client: Client) -> None:
    token, _ = access_token_create(user=UserFactory.create(), name="CI")
    client.force_login(UserFactory.create())
    assert client.post(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 404
