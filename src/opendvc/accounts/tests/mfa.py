"""Helpers for tests that sign officers in: a confirmed TOTP device and its current code.

``Client.force_login`` skips authentication altogether — the password and, for officers, the
second factor. The suite's ``force_login`` (``src/opendvc/conftest.py``) therefore also does what
django-otp does after a right code: it stores the officer's verified device in the session. Tests of
the second factor itself log in through the real pages instead (``accounts/tests/test_mfa.py``).
"""

from __future__ import annotations

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from opendvc.accounts.models import User

TEST_DEVICE_NAME = "Thiết bị thử nghiệm"


def totp_device_for_tests(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step, or the next one when the current step was
    already used (django-otp refuses a code twice; its tolerance of one step accepts the next)."""
    device.refresh_from_db()
    step = int(time.time() - device.t0) // device.step
    if device.last_t is not None and device.last_t >= step:
        step = device.last_t + 1
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)
