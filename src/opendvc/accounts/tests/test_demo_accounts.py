"""load_demo_accounts: the documented demo logins, idempotent, never creating agencies."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from opendvc.accounts.demo import DEMO_PASSWORD
from opendvc.accounts.models import OfficerRole, Organisation, Representation, User
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.accounts.tests.factories import AgencyFactory
from opendvc.agencies.models import Agency

pytestmark = pytest.mark.django_db

OFFICERS = [
    f"{role}.{city}" for city in ("hcm", "hn") for role in ("desk", "specialist", "leader", "clerk", "accountant")
]


def run() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_demo_accounts", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]], int, int]:
    users = sorted(User.objects.values_list("username", "password"))
    roles = sorted(OfficerRole.objects.values_list("user__username", "agency__code", "role"))
    return users, roles, Organisation.objects.count(), Representation.objects.count()


@pytest.fixture
def agency_police(db: None) -> Agency:
    return AgencyFactory.create(code="G01.79", level1="G01", name="Công an Thành phố Hồ Chí Minh")


def test_demo_accounts_are_created_with_their_roles_and_loading_again_changes_nothing(
    agency_hcm: Agency, agency_hn: Agency, agency_police: Agency
) -> None:
    out, err = run()
    assert err == ""
    assert "14 created" in out
    first = snapshot()

    citizen = User.objects.get(username="079090001234")
    assert citizen.kind == "citizen" and citizen.personal_id == "079090001234"
    assert citizen.full_name == "Nguyễn Văn An"
    assert citizen.check_password(DEMO_PASSWORD)

    business = User.objects.get(username="0312345673")
    assert business.kind == "business" and business.check_password(DEMO_PASSWORD)
    organisation = Organisation.objects.get(tax_code="0312345673")
    assert organisation.name == "Công ty TNHH Dịch vụ Mẫu OpenDVC"
    assert list(organisation.representatives.all()) == [business]

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(DEMO_PASSWORD)

    for username in OFFICERS:
        officer = User.objects.get(username=username)
        assert officer.kind == "officer" and officer.check_password(DEMO_PASSWORD)
        role, city = username.split(".")
        agency = agency_hcm if city == "hcm" else agency_hn
        assert officer_agency_ids(user=officer) == {agency.pk}
        assert officer_agency_ids(user=officer, roles={role}) == {agency.pk}

    out, err = run()
    assert "0 created, 14 updated" in out
    assert snapshot() == first


def test_a_changed_password_is_kept_unless_reset(agency_hcm: Agency, agency_hn: Agency, agency_police: Agency) -> None:
    run()
    citizen = User.objects.get(username="079090001234")
    citizen.set_password("Mat-khau-moi@2026")
    citizen.save()
    run()
    assert User.objects.get(username="079090001234").check_password("Mat-khau-moi@2026")
    call_command("load_demo_accounts", "--reset-passwords", stdout=StringIO())
    assert User.objects.get(username="079090001234").check_password(DEMO_PASSWORD)


def test_without_the_agencies_officers_have_no_roles_and_a_warning_is_printed() -> None:
    _, err = run()
    assert "H29.17" in err and "H26.17" in err and "load_demo_agencies" in err
    assert set(OFFICERS) <= set(User.objects.values_list("username", flat=True))
    assert not OfficerRole.objects.exists()
    assert not Agency.objects.exists()


def test_the_demo_citizen_id_agrees_with_its_birth_date_and_sex() -> None:
    from opendvc.core.codes import parse_personal_id

    run()
    for user in User.objects.exclude(personal_id=None):
        parsed = parse_personal_id(user.personal_id or "")
        assert user.birth_date is not None and user.birth_date.year == parsed.birth_year
        assert (user.sex == "female") == parsed.is_female
