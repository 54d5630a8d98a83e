"""Scope helpers: an officer serves exactly the agencies where they hold a role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from opendvc.accounts.models import OfficerRole, User
from opendvc.accounts.selectors import officer_agency_ids, organisations_for, user_has_role
from opendvc.accounts.services import officer_role_grant, officer_role_revoke
from opendvc.accounts.tests.factories import (
    OfficerFactory,
    OfficerRoleFactory,
    RepresentationFactory,
    UserFactory,
)
from opendvc.agencies.models import Agency
from opendvc.core.errors import ApiError

pytestmark = pytest.mark.django_db


def test_officer_agency_ids_by_role(agency_hcm: Agency, agency_hn: Agency) -> None:
    officer = OfficerFactory.create()
    OfficerRoleFactory.create(user=officer, agency=agency_hcm, role=OfficerRole.Role.DESK)
    OfficerRoleFactory.create(user=officer, agency=agency_hn, role=OfficerRole.Role.SPECIALIST)
    OfficerRoleFactory.create(agency=agency_hn, role=OfficerRole.Role.DESK)  # someone else

    assert officer_agency_ids(user=officer) == {agency_hcm.pk, agency_hn.pk}
    assert officer_agency_ids(user=officer, roles={"desk"}) == {agency_hcm.pk}
    assert officer_agency_ids(user=officer, roles={"leader", "clerk"}) == set()
    assert officer_agency_ids(user=officer, roles=set()) == set()


def test_no_scope_for_citizens_anonymous_deactivated_or_superusers(agency_hcm: Agency) -> None:
    officer = OfficerFactory.create()
    OfficerRoleFactory.create(user=officer, agency=agency_hcm)
    User.objects.filter(pk=officer.pk).update(is_active=False)
    officer.refresh_from_db()

    assert officer_agency_ids(user=officer) == set()
    assert officer_agency_ids(user=UserFactory.create()) == set()
    assert officer_agency_ids(user=AnonymousUser()) == set()  # type: ignore[arg-type]
    assert officer_agency_ids(user=UserFactory.create(is_superuser=True, is_staff=True)) == set()
    assert not user_has_role(user=officer, agency_id=agency_hcm.pk, role="desk")


def test_user_has_role_is_exact(agency_hcm: Agency, agency_hn: Agency) -> None:
    officer = OfficerFactory.create()
    OfficerRoleFactory.create(user=officer, agency=agency_hcm, role=OfficerRole.Role.LEADER)
    assert user_has_role(user=officer, agency_id=agency_hcm.pk, role="leader")
    assert not user_has_role(user=officer, agency_id=agency_hcm.pk, role="desk")
    assert not user_has_role(user=officer, agency_id=agency_hn.pk, role="leader")


def test_organisations_for_a_representative_only() -> None:
    representation = RepresentationFactory.create()
    RepresentationFactory.create()
    assert list(organisations_for(user=representation.user)) == [representation.organisation]
    assert list(organisations_for(user=UserFactory.create())) == []


def test_granting_roles_is_idempotent_and_only_for_officers(agency_hcm: Agency) -> None:
    officer = OfficerFactory.create()
    first = officer_role_grant(user=officer, agency_id=agency_hcm.pk, role="clerk")
    assert officer_role_grant(user=officer, agency_id=agency_hcm.pk, role="clerk") == first
    with pytest.raises(ApiError) as caught:
        officer_role_grant(user=officer, agency_id=agency_hcm.pk, role="boss")
    assert caught.value.code == "invalid_officer_role"
    with pytest.raises(ApiError) as caught:
        officer_role_grant(user=UserFactory.create(), agency_id=agency_hcm.pk, role="desk")
    assert caught.value.code == "not_an_officer"
    assert officer_role_revoke(user=officer, agency_id=agency_hcm.pk, role="clerk") == 1
    assert officer_agency_ids(user=officer) == set()


def test_scope_lookup_is_one_query(agency_hcm: Agency, django_assert_num_queries: object) -> None:
    officer = OfficerFactory.create()
    OfficerRoleFactory.create(user=officer, agency=agency_hcm)
    with django_assert_num_queries(1):  # type: ignore[operator]
        officer_agency_ids(user=officer, roles={"desk", "leader"})
