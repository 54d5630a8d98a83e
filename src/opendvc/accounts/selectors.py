"""Reads on accounts, including the scope helpers every officer query and action goes through.

An officer's scope is exactly the agencies where they hold a role (``OfficerRole``); being a
superuser or staff member does not widen it — the admin site is a separate door.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from opendvc.accounts.models import AccessToken, OfficerRole, Organisation, Representation, User


def _is_active_user(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def officer_agency_ids(*, user: User, roles: Iterable[str] | None = None) -> set[int]:
    """The ids of the agencies where ``user`` holds any of ``roles`` (any role when ``None``).

    An anonymous or deactivated user serves no agency.
    """
    wanted = None if roles is None else set(roles)
    return {r.agency_id for r in officer_role_list(user=user) if wanted is None or r.role in wanted}


def user_has_role(*, user: User, agency_id: int, role: str) -> bool:
    if not _is_active_user(user):
        return False
    return OfficerRole.objects.filter(user_id=user.pk, agency_id=agency_id, role=role).exists()


@dataclass(frozen=True)
class RoleAtAgency:
    agency_id: int
    agency_code: str
    agency_name: str
    role: str
    role_label: str


#: Where a user object keeps its roles for the rest of the request (see ``officer_role_list``).
_ROLES_MEMO = "_officer_roles_memo"


def officer_role_list(*, user: User) -> list[RoleAtAgency]:
    """The user's roles with their agencies, by agency code then role.

    Read once per user object — every scope check of a request asks again, and a request has its
    own user object; ``officer_role_grant`` and ``officer_role_revoke`` forget the memo. Only officer
    accounts hold roles (``officer_role_grant`` refuses any other), so a citizen's or a business's
    request does not ask.
    """
    if not _is_active_user(user) or user.kind != User.Kind.OFFICER:
        return []
    memo = user.__dict__.get(_ROLES_MEMO)
    if memo is None:
        rows = (
            OfficerRole.objects.filter(user_id=user.pk)
            .select_related("agency")
            .only("agency_id", "role", "agency__code", "agency__name")
            .order_by("agency__code", "role")
        )
        memo = tuple(
            RoleAtAgency(
                agency_id=row.agency_id,
                agency_code=row.agency.code,
                agency_name=row.agency.name,
                role=row.role,
                role_label=str(row.get_role_display()),
            )
            for row in rows
        )
        user.__dict__[_ROLES_MEMO] = memo
    return list(memo)


def officer_roles_forget(*, user: User) -> None:
    """Drop the roles read for this user object, after they changed."""
    user.__dict__.pop(_ROLES_MEMO, None)


def organisations_for(*, user: User) -> QuerySet[Organisation]:
    """The organisations ``user`` may act for (as legal representative or authorised person)."""
    if not _is_active_user(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(representation__user_id=user.pk).order_by("name").distinct()


@dataclass(frozen=True)
class OrganisationForUser:
    tax_code: str
    name: str
    representation: str
    representation_label: str


def organisation_list_for(*, user: User) -> list[OrganisationForUser]:
    """Like :func:`organisations_for`, with the capacity in which the user represents each one."""
    if not _is_active_user(user):
        return []
    rows = Representation.objects.filter(user_id=user.pk).select_related("organisation").order_by("organisation__name")
    return [
        OrganisationForUser(
            tax_code=row.organisation.tax_code,
            name=row.organisation.name,
            representation=row.kind,
            representation_label=str(row.get_kind_display()),
        )
        for row in rows
    ]


def mfa_required(*, user: User) -> bool:
    """Officers and anyone who can open the admin site need a second factor (TOTP) after the password."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "kind", "") == User.Kind.OFFICER or user.is_staff or user.is_superuser)
    )


def user_address(*, user: User) -> dict[str, str] | None:
    """The address on the 2025 units as an OpenID Connect ``address`` claim, or ``None`` when unknown."""
    commune = user.commune if user.commune_id else None
    if commune is None and not user.address_line:
        return None
    province = commune.province if commune is not None else None
    parts = [user.address_line, commune.name if commune else "", province.name if province else ""]
    return {
        "formatted": ", ".join(part for part in parts if part),
        "street_address": user.address_line,
        "locality": commune.name if commune else "",
        "region": province.name if province else "",
        "commune_code": commune.code if commune else "",
        "province_code": province.code if province else "",
        "country": "VN",
    }


def access_token_list(*, user: User) -> QuerySet[AccessToken]:
    """The user's tokens, newest first (revoked and expired ones included, so people see their history)."""
    return AccessToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
