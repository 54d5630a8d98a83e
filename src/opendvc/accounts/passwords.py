"""Password policy beyond Django's validators: officers' passwords guard other people's data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OFFICER_MIN_LENGTH = 10
OFFICER_MIN_CLASSES = 3


def _classes(password: str) -> int:
    return sum(
        (
            any(ch.islower() for ch in password),
            any(ch.isupper() for ch in password),
            any(ch.isdigit() for ch in password),
            any(not ch.isalnum() for ch in password),
        )
    )


class OfficerPasswordValidator:
    """An officer's (or administrator's) password has at least 10 characters of three kinds among
    lower case, upper case, digits and symbols; a second factor (TOTP) is required as well."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not (getattr(user, "kind", "") == "officer" or getattr(user, "is_staff", False)):
            return
        if len(password) < OFFICER_MIN_LENGTH or _classes(password) < OFFICER_MIN_CLASSES:
            raise ValidationError(
                _(
                    "Mật khẩu của cán bộ phải có ít nhất %(length)d ký tự, gồm ít nhất ba trong bốn loại: "
                    "chữ thường, chữ hoa, chữ số, ký hiệu."
                ),
                code="officer_password_weak",
                params={"length": OFFICER_MIN_LENGTH},
            )

    def get_help_text(self) -> str:
        return _("Cán bộ: ít nhất 10 ký tự, gồm ba trong bốn loại chữ thường, chữ hoa, chữ số, ký hiệu.")
