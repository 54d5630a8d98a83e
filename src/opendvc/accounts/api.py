"""``/api/v1/accounts``: who am I, and my personal access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from opendvc.accounts.auth import api_auth, session_auth
from opendvc.accounts.models import AccessToken, User
from opendvc.accounts.selectors import access_token_list, officer_role_list, organisation_list_for
from opendvc.accounts.services import access_token_create, access_token_revoke

router = Router(tags=["accounts"])


class RoleOut(Schema):
    agency_code: str
    agency_name: str
    role: str = Field(description="desk, specialist, leader, clerk or agency_admin")


class OrganisationOut(Schema):
    tax_code: str
    name: str
    representation: str = Field(description="legal or authorised")


class MeOut(Schema):
    id: int
    username: str
    kind: str = Field(description="citizen, business or officer")
    name: str
    email: str
    email_verified: bool
    phone: str
    phone_verified: bool
    roles: list[RoleOut]
    organisations: list[OrganisationOut]
    authenticated_by: str = Field(description="token or session")


class TokenIn(Schema):
    name: str = Field(max_length=200, description="What the token is for, e.g. “Phần mềm kế toán”")
    expires_at: datetime | None = Field(None, description="ISO 8601; omit for a token that does not expire")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    status: str = Field(description="active, expired or revoked")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret, shown only in this response: odvc_<prefix>_<secret>")


def _token_out(token: AccessToken) -> dict[str, object]:
    status = "revoked" if token.revoked_at else "expired" if token.is_expired else "active"
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "status": status,
    }


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/me", response=MeOut, auth=api_auth, summary="Tài khoản đang đăng nhập")
def me(request: HttpRequest) -> dict[str, object]:
    user = _user(request)
    return {
        "id": user.pk,
        "username": user.username,
        "kind": user.kind,
        "name": user.full_name or user.username,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "phone": user.phone,
        "phone_verified": user.phone_verified_at is not None,
        "roles": [
            {"agency_code": r.agency_code, "agency_name": r.agency_name, "role": r.role}
            for r in officer_role_list(user=user)
        ],
        "organisations": [
            {"tax_code": o.tax_code, "name": o.name, "representation": o.representation}
            for o in organisation_list_for(user=user)
        ],
        "authenticated_by": "token" if getattr(request, "access_token", None) else "session",
    }


@router.get("/tokens", response=list[TokenOut], auth=api_auth, summary="Các mã truy cập của tôi")
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(token) for token in access_token_list(user=_user(request))]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=session_auth,
    summary="Tạo mã truy cập (chỉ khi đăng nhập bằng phiên trình duyệt)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, secret = access_token_create(user=_user(request), name=payload.name, expires_at=payload.expires_at)
    return Status(201, {**_token_out(token), "token": secret})


@router.delete("/tokens/{token_id}", response={204: None}, auth=api_auth, summary="Thu hồi mã truy cập")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    access_token_revoke(user=_user(request), token_id=token_id)
    return Status(204, None)
