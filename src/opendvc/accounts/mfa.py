"""The officers' second factor: TOTP (RFC 6238) with django-otp — enrolment, verification, reset.

An officer signs in with the password, then gives the 6-digit code of their authenticator app; the
first time, they enrol one (a QR code and the secret in text for people who type it). A wrong code
counts as a failed login for the lockout (django-axes), and django-otp slows repeated tries down.
An administrator can reset an officer's second factor (a lost phone); that is audited.
"""

from __future__ import annotations

import base64

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from opendvc.accounts.models import User
from opendvc.audit.services import audit_record
from opendvc.core.errors import ApiError

DEVICE_NAME = "Ứng dụng xác thực"
ISSUER = "OpenDVC"


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same one until it is confirmed, so reloading keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps accept it typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_provisioning_uri(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    label = f"{ISSUER}:{device.user.get_username()}"
    return f"otpauth://totp/{label}?secret={secret}&issuer={ISSUER}&digits={device.digits}&period={device.step}"


def _code_refused(request: HttpRequest, user: User, *, action: str, reason: str) -> ApiError:
    audit_record(action=action, actor=user, object_type="user", object_id=user.pk, outcome="refused", reason=reason)
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if reason == "otp_throttled":
        return ApiError(
            "otp_throttled",
            "Bạn đã nhập sai mã nhiều lần. Đợi một lát rồi nhập mã mới nhất trong ứng dụng xác thực.",
            "Too many wrong codes. Wait a moment, then enter the newest code from your authenticator app.",
            status=429,
        )
    return ApiError(
        "otp_invalid",
        "Mã xác thực không đúng hoặc đã hết hạn. Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực.",
        "The code is wrong or expired. Enter the 6-digit code your authenticator app shows now.",
    )


def _clean(code: str) -> str:
    return "".join((code or "").split())


def totp_verify(*, request: HttpRequest, user: User, code: str) -> TOTPDevice:
    """Check the code of the officer's confirmed device and mark the session verified."""
    device = totp_device_confirmed(user=user)
    if device is None:
        raise ApiError("otp_not_enrolled", "Bạn chưa đăng ký ứng dụng xác thực.", "No authenticator app is enrolled.")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise _code_refused(request, user, action="login_second_factor", reason="otp_throttled")
    if not device.verify_token(_clean(code)):
        raise _code_refused(request, user, action="login_second_factor", reason="otp_invalid")
    otp_login(request, device)
    audit_record(
        action="login_second_factor", actor=user, object_type="user", object_id=user.pk, data={"device": device.pk}
    )
    return device


@transaction.atomic
def totp_enrolment_confirm(*, request: HttpRequest, user: User, code: str) -> TOTPDevice:
    """The first right code confirms the new device (proving the app holds the secret) and verifies the session."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise ApiError(
            "otp_enrolment_missing",
            "Không có đăng ký nào đang chờ. Tải lại trang để quét mã QR mới.",
            "No enrolment is pending. Reload the page to scan a new QR code.",
        )
    if not device.verify_token(_clean(code)):
        raise _code_refused(request, user, action="mfa_enrol", reason="otp_invalid")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    otp_login(request, device)
    audit_record(action="mfa_enrol", actor=user, object_type="user", object_id=user.pk, data={"device": device.pk})
    return device


@transaction.atomic
def mfa_reset(*, user: User, actor: User, reason: str = "") -> int:
    """Remove the officer's authenticators: they enrol a new one at the next login."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        action="mfa_reset",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        data={"devices_removed": deleted, "reason": reason[:200]},
    )
    return deleted


def totp_demo_device(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed device with a published key, for the demo officers only (README, docs/identity.md)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="Demo", defaults={"key": key_hex, "confirmed": True}
    )
    return device
