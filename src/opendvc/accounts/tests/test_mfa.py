"""Officers: password then TOTP (django-otp), enrolment on first login, lockout (django-axes), idle
timeout, password policy, and the administrator's reset — through the real pages."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from opendvc.accounts.mfa import mfa_reset
from opendvc.accounts.middleware import LAST_SEEN_KEY
from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import PASSWORD, OfficerFactory, UserFactory
from opendvc.accounts.tests.mfa import totp_code, totp_device_for_tests
from opendvc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters() -> Any:
    cache.clear()
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    yield
    cache.clear()


def password_login(client: Client, user: User, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": user.username, "password": password})


def test_an_officer_gives_the_one_time_code_after_the_password(client: Client) -> None:
    officer = OfficerFactory.create()
    device = totp_device_for_tests(officer)
    response = password_login(client, officer)
    assert response.status_code == 302 and response["Location"] == "/accounts/mfa/?next=%2Fcan-bo%2F"
    assert client.get("/can-bo/")["Location"].startswith("/accounts/mfa/"), "nothing else opens before the code"
    page = client.get("/accounts/mfa/?next=/can-bo/").content.decode()
    assert "Nhập mã xác thực" in page and 'autocomplete="one-time-code"' in page
    done = client.post("/accounts/mfa/", {"code": totp_code(device), "next": "/can-bo/"})
    assert done.status_code == 302 and done["Location"] == "/can-bo/"
    assert client.get("/accounts/me/").status_code == 200
    assert AuditEntry.objects.filter(action="login_second_factor", actor_id=officer.pk, outcome="ok").exists()


def test_a_wrong_code_is_refused_counted_and_audited(client: Client) -> None:
    officer = OfficerFactory.create()
    totp_device_for_tests(officer)
    password_login(client, officer)
    response = client.post("/accounts/mfa/", {"code": "000000"})
    assert response.status_code == 400
    assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()
    assert client.get("/can-bo/").status_code == 302
    assert AuditEntry.objects.filter(action="login_second_factor", outcome="refused", reason="otp_invalid").exists()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 1


def test_a_code_cannot_be_used_twice(client: Client) -> None:
    officer = OfficerFactory.create()
    device = totp_device_for_tests(officer)
    password_login(client, officer)
    code = totp_code(device)
    client.post("/accounts/mfa/", {"code": code})
    other = Client()
    password_login(other, officer)
    assert other.post("/accounts/mfa/", {"code": code}).status_code == 400


def test_the_first_login_enrols_an_authenticator_app(client: Client) -> None:
    officer = OfficerFactory.create()
    password_login(client, officer)
    page = client.get("/accounts/mfa/").content.decode()
    assert "Đăng ký ứng dụng xác thực" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.get("/accounts/mfa/").status_code == 200
    assert TOTPDevice.objects.filter(user=officer).count() == 1, "reloading keeps the same secret"
    assert client.post("/accounts/mfa/", {"code": "123456"}).status_code == 400
    step = int(time.time() - device.t0) // device.step
    code = str(hotp(device.bin_key, step, digits=6)).zfill(6)
    response = client.post("/accounts/mfa/", {"code": code, "next": "/can-bo/"})
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="mfa_enrol", actor_id=officer.pk).exists()


def test_the_api_refuses_an_officer_session_without_the_second_factor(client: Client) -> None:
    officer = OfficerFactory.create()
    totp_device_for_tests(officer)
    password_login(client, officer)
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401 and response.json()["code"] == "mfa_required"


def test_a_citizen_needs_no_second_factor(client: Client) -> None:
    citizen = UserFactory.create()
    assert password_login(client, citizen)["Location"] == "/"
    assert client.get("/accounts/me/").status_code == 200


def test_five_wrong_passwords_lock_the_username_from_that_address(client: Client) -> None:
    officer = OfficerFactory.create()
    for _ in range(5):
        password_login(client, officer, "sai-mat-khau")
    locked = password_login(client, officer)
    assert locked.status_code == 429
    assert "tạm khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login", outcome="refused", reason="invalid_credentials").count() >= 4
    assert AuditEntry.objects.filter(action="login", reason="locked_out").exists()
    other_person = UserFactory.create()
    assert password_login(client, other_person)["Location"] == "/", "only that username is locked"


def test_logins_from_one_address_are_rate_limited(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS_PER_MINUTE = {**settings.RATE_LIMITS_PER_MINUTE, "login": 2}
    citizen = UserFactory.create()
    password_login(client, citizen, "x")
    password_login(client, citizen, "x")
    response = password_login(client, citizen)
    assert response.status_code == 429 and "quá nhiều yêu cầu" in response.content.decode()


def test_login_and_logout_are_audited(client: Client) -> None:
    citizen = UserFactory.create()
    password_login(client, citizen)
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.filter(actor_id=citizen.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["login", "logout"]
    assert AuditEntry.objects.get(action="login", actor_id=citizen.pk).data == {"method": "password"}


def test_an_idle_officer_session_ends(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    officer = OfficerFactory.create()
    client.force_login(officer)
    assert client.get("/accounts/me/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 16 * 60
    session.save()
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="logout", actor_id=officer.pk, reason="idle_timeout").exists()


def test_a_citizen_session_survives_a_quarter_of_an_hour(client: Client) -> None:
    citizen = UserFactory.create()
    client.force_login(citizen)
    client.get("/accounts/me/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 16 * 60
    session.save()
    assert client.get("/accounts/me/").status_code == 200


def test_officer_passwords_follow_the_policy() -> None:
    officer = User(username="canbo", kind=User.Kind.OFFICER)
    with pytest.raises(ValidationError) as refused:
        validate_password("matkhaudai", officer)
    assert "officer_password_weak" in [e.code for e in refused.value.error_list]
    validate_password("Cong-Vu-2026!", officer)
    validate_password("matkhaudai2026", User(username="079090001234", kind=User.Kind.CITIZEN))


def test_an_administrator_resets_the_second_factor_with_an_audit_entry(client: Client) -> None:
    officer = OfficerFactory.create()
    totp_device_for_tests(officer)
    admin = UserFactory.create(
        username="quantri", personal_id=None, kind=User.Kind.OFFICER, is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    response = client.post("/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(action="mfa_reset")
    assert entry.actor_id == admin.pk and entry.object_id == str(officer.pk) and entry.data["devices_removed"] == 1
    assert mfa_reset(user=officer, actor=admin) == 0
