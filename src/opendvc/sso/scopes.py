"""The scopes a connected portal may ask for, each with the claims it releases (OpenID Connect Core §5.4).

The personal identification number is released only with its own scope: a portal that only needs
to recognise a returning person gets a pairwise ``sub`` and never the number itself.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

SCOPES: dict[str, Any] = {
    "openid": _("Biết bạn là ai trên Cổng (một mã riêng cho cổng này) và mức độ xác thực tài khoản"),
    "profile": _("Họ và tên, ngày sinh, giới tính"),
    "personal_id": _("Số định danh cá nhân"),
    "phone": _("Số điện thoại"),
    "email": _("Địa chỉ thư điện tử"),
    "address": _("Địa chỉ (theo đơn vị hành chính từ năm 2025)"),
}

#: Which scope releases each claim; ``sub`` and the assurance claims come with ``openid``.
CLAIM_SCOPES = {
    "sub": "openid",
    "acr": "openid",
    "assurance_level": "openid",
    "account_kind": "openid",
    "name": "profile",
    "birthdate": "profile",
    "gender": "profile",
    "personal_id": "personal_id",
    "phone_number": "phone",
    "phone_number_verified": "phone",
    "email": "email",
    "email_verified": "email",
    "address": "address",
}


class PortalScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, Any]:
        return dict(SCOPES)

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(SCOPES)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return ["openid"]
