"""Verification codes: six digits, hashed, 15 minutes, five attempts, one open code per channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opendvc.accounts.models import User, VerificationCode
from opendvc.accounts.services import (
    VERIFICATION_MAX_ATTEMPTS,
    verification_code_confirm,
    verification_code_send,
)
from opendvc.accounts.tests.factories import UserFactory
from opendvc.core.errors import ApiError
from opendvc.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen() -> User:
    return UserFactory.create(phone="0912345678", email="an@example.com")


def send_sms(user: User, capture: Any) -> VerificationCode:
    with capture(execute=True):
        return verification_code_send(user=user, channel="sms")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_right_code_verifies_the_phone(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    send_sms(citizen, django_capture_on_commit_callbacks)
    verification_code_confirm(user=citizen, channel="sms", code=last_sms_code())

    citizen.refresh_from_db()
    assert citizen.phone_verified_at is not None
    assert citizen.email_verified_at is None
    assert VerificationCode.objects.get().used_at is not None


def test_a_code_works_once(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    send_sms(citizen, django_capture_on_commit_callbacks)
    code = last_sms_code()
    verification_code_confirm(user=citizen, channel="sms", code=code)
    with pytest.raises(ApiError) as caught:
        verification_code_confirm(user=citizen, channel="sms", code=code)
    assert caught.value.code == "verification_not_requested"


def test_the_code_is_stored_only_as_a_keyed_hash(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    row = send_sms(citizen, django_capture_on_commit_callbacks)
    code = last_sms_code()
    assert code not in row.digest and len(row.digest) == 64
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.SENT
    assert code not in notification.body and "******" in notification.body


def test_wrong_codes_count_and_the_fifth_locks_the_code(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    send_sms(citizen, django_capture_on_commit_callbacks)
    code = last_sms_code()
    for attempt in range(1, VERIFICATION_MAX_ATTEMPTS):
        with pytest.raises(ApiError) as caught:
            verification_code_confirm(user=citizen, channel="sms", code=wrong(code))
        assert caught.value.code == "verification_code_wrong"
        assert f"còn {VERIFICATION_MAX_ATTEMPTS - attempt} lần thử" in caught.value.message_vi
    with pytest.raises(ApiError) as caught:
        verification_code_confirm(user=citizen, channel="sms", code=wrong(code))
    assert caught.value.code == "verification_locked"
    assert VerificationCode.objects.get().attempts == VERIFICATION_MAX_ATTEMPTS

    with pytest.raises(ApiError) as caught:
        verification_code_confirm(user=citizen, channel="sms", code=code)
    assert caught.value.code == "verification_locked"
    citizen.refresh_from_db()
    assert citizen.phone_verified_at is None


def test_a_malformed_code_is_not_counted_as_an_attempt(citizen: User, django_capture_on_commit_callbacks: Any) -> None:
    send_sms(citizen, django_capture_on_commit_callbacks)
    with pytest.raises(ApiError) as caught:
        verification_code_confirm(user=citizen, channel="sms", code="12ab")
    assert caught.value.code == "invalid_verification_code"
    assert VerificationCode.objects.get().attempts == 0


def test_an_expired_code_is_refused(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    row = send_sms(citizen, django_capture_on_commit_callbacks)
    assert row.expires_at - row.created_at == pytest.approx(timedelta(minutes=15), abs=timedelta(seconds=1))
    VerificationCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ApiError) as caught:
        verification_code_confirm(user=citizen, channel="sms", code=last_sms_code())
    assert caught.value.code == "verification_expired"
    citizen.refresh_from_db()
    assert citizen.phone_verified_at is None


def test_a_new_code_replaces_the_old_one_but_not_within_a_minute(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    first = send_sms(citizen, django_capture_on_commit_callbacks)
    old_code = last_sms_code()
    with pytest.raises(ApiError) as caught:
        send_sms(citizen, django_capture_on_commit_callbacks)
    assert caught.value.code == "verification_too_soon" and caught.value.status == 429

    VerificationCode.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    send_sms(citizen, django_capture_on_commit_callbacks)
    new_code = last_sms_code()
    if new_code != old_code:
        with pytest.raises(ApiError):
            verification_code_confirm(user=citizen, channel="sms", code=old_code)
    verification_code_confirm(user=citizen, channel="sms", code=new_code)
    citizen.refresh_from_db()
    assert citizen.phone_verified_at is not None


def test_a_code_sent_to_an_old_number_does_not_verify_the_new_one(
    citizen: User, django_capture_on_commit_callbacks: Any, last_sms_code: Callable[[], str]
) -> None:
    send_sms(citizen, django_capture_on_commit_callbacks)
    User.objects.filter(pk=citizen.pk).update(phone="0987654321")
    with pytest.raises(ApiError) as caught:
        verification_code_confirm(user=citizen, channel="sms", code=last_sms_code())
    assert caught.value.code == "verification_expired"


def test_the_pages_verify_the_phone_then_the_email(
    client: Client,
    citizen: User,
    django_capture_on_commit_callbacks: Any,
    last_sms_code: Callable[[], str],
    last_email_code: Callable[[], str],
) -> None:
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        verification_code_send(user=citizen, channel="sms")
        verification_code_send(user=citizen, channel="email")

    page = client.get("/accounts/verify/phone/")
    assert page.status_code == 200
    assert "*******678" in page.content.decode()

    refused = client.post("/accounts/verify/phone/", {"code": wrong(last_sms_code())})
    assert refused.status_code == 200
    assert "Mã xác thực không đúng" in refused.content.decode()
    assert 'href="#id_code"' in refused.content.decode()

    done = client.post("/accounts/verify/phone/", {"code": last_sms_code()})
    assert done["Location"] == "/accounts/verify/email/"
    done = client.post("/accounts/verify/email/", {"code": last_email_code()})
    assert done["Location"] == "/accounts/me/"
    citizen.refresh_from_db()
    assert citizen.phone_verified_at and citizen.email_verified_at


def test_resend_page_tells_the_person_to_wait(
    client: Client, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/accounts/verify/phone/resend/")
        second = client.post("/accounts/verify/phone/resend/", follow=True)
    assert first.status_code == 302
    assert "Đợi" in second.content.decode()
    assert VerificationCode.objects.count() == 1


def test_verification_pages_need_login_and_a_known_channel(client: Client, citizen: User) -> None:
    assert client.get("/accounts/verify/phone/")["Location"].startswith("/accounts/login/?next=")
    client.force_login(citizen)
    assert client.get("/accounts/verify/fax/").status_code == 404
