"""Who may see and act on a dossier: officers of its agency, by role, and its owner.

Scope is checked on every read and write (DESIGN.md §5): outside it a dossier does not exist for
the user — ``dossier_not_found`` (404), the same answer as for an unknown code.
"""

from __future__ import annotations

from opendvc.accounts.models import User
from opendvc.accounts.selectors import officer_role_list, organisations_for
from opendvc.core.errors import NotFound
from opendvc.dossiers.models import OFFICER_ROLES, Dossier, Role


def dossier_not_found() -> NotFound:
    """The one answer for an unknown code, a dossier out of scope and a wrong tracking factor."""
    return NotFound("Không tìm thấy hồ sơ.", "Dossier not found.", code="dossier_not_found")


def dossier_roles_for(*, dossier: Dossier, user: User | None) -> list[str]:
    """The roles ``user`` holds on this dossier: officer roles at its agency, then ``applicant`` if owner.

    An empty list means the dossier is out of the user's scope. ``agency_admin`` gives sight, no action.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    roles = [r.role for r in officer_role_list(user=user) if r.agency_id == dossier.agency_id]
    order = {role.value: i for i, role in enumerate(OFFICER_ROLES)}
    roles.sort(key=lambda r: order.get(r, len(order)))
    if dossier_is_owner(dossier=dossier, user=user):
        roles.append(Role.APPLICANT.value)
    return roles


def dossier_is_owner(*, dossier: Dossier, user: User) -> bool:
    """The applicant's account, or a representative of the organisation the dossier is for."""
    if dossier.applicant_id is not None and dossier.applicant_id == user.pk:
        return True
    if dossier.organisation_id is not None:
        return organisations_for(user=user).filter(pk=dossier.organisation_id).exists()
    return False
