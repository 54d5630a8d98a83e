"""Reads of the provider: the claims about a person, the pairwise subject, registered clients."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from oauth2_provider.models import get_application_model

from opendvc.accounts.models import User
from opendvc.accounts.selectors import user_address


def pairwise_subject(*, user_id: int, client_id: str) -> str:
    """The same person gets the same ``sub`` at one client and unrelated ones at others."""
    key = hashlib.sha256(f"opendvc.sso.pairwise:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{client_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def oidc_claims_for(*, user: User) -> dict[str, Any]:
    """Every claim the portal can release about ``user``; the scopes granted decide which go out."""
    claims: dict[str, Any] = {
        "acr": f"urn:opendvc:loa:{user.assurance_level}",
        "assurance_level": user.assurance_level,
        "account_kind": user.kind,
        "name": user.full_name or user.username,
    }
    if user.birth_date:
        claims["birthdate"] = user.birth_date.isoformat()
    if user.sex:
        claims["gender"] = user.sex
    if user.personal_id:
        claims["personal_id"] = user.personal_id
    if user.phone:
        claims["phone_number"] = user.phone
        claims["phone_number_verified"] = user.phone_verified_at is not None
    if user.email:
        claims["email"] = user.email
        claims["email_verified"] = user.email_verified_at is not None
    address = user_address(user=user)
    if address is not None:
        claims["address"] = address
    return claims


def oidc_client_get(*, client_id: str) -> Any:
    return get_application_model().objects.filter(client_id=client_id).first()
