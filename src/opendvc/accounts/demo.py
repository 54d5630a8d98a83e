"""The demo accounts (docs/accounts.md): a citizen, a business, officers of two Departments of Justice, an admin.

All share the password ``Demo@12345``. Loading is idempotent: running it again updates the same
accounts and roles and creates nothing twice; a changed password is kept unless asked to reset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from opendvc.accounts.models import OfficerRole, Representation, User
from opendvc.accounts.services import officer_role_grant, organisation_upsert, representation_grant
from opendvc.agencies.models import Agency

DEMO_PASSWORD = "Demo@12345"  # noqa: S105 - published demo credentials, documented in docs/accounts.md

# Sở Tư pháp (Department of Justice) of Hồ Chí Minh City and of Hà Nội, loaded by load_demo_agencies.
DEMO_AGENCIES = {"hcm": "H29.17", "hn": "H26.17", "police-hcm": "G01.79"}


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    kind: str
    personal_id: str | None = None
    birth_date: date | None = None
    sex: str = ""
    phone: str = ""
    email: str = ""
    is_superuser: bool = False


@dataclass(frozen=True)
class DemoOfficer:
    person: DemoPerson
    agency_key: str
    role: str


CITIZEN = DemoPerson(
    username="079090001234",
    full_name="Nguyễn Văn An",
    kind=User.Kind.CITIZEN,
    personal_id="079090001234",
    birth_date=date(1990, 5, 15),
    sex=User.Sex.MALE,
    phone="0901234567",
    email="nguyenvanan@example.com",
)
BUSINESS_REPRESENTATIVE = DemoPerson(
    username="0312345673",
    full_name="Trần Thị Bình",
    kind=User.Kind.BUSINESS,
    personal_id="079185001235",
    birth_date=date(1985, 9, 2),
    sex=User.Sex.FEMALE,
    phone="0908765432",
    email="lienhe@dichvumau.example.com",
)
DEMO_ORGANISATION = {
    "tax_code": "0312345673",
    "name": "Công ty TNHH Dịch vụ Mẫu OpenDVC",
    "address": "Số 1 Đường Mẫu, Phường Sài Gòn, Thành phố Hồ Chí Minh",
}
ADMIN = DemoPerson(username="admin", full_name="Quản trị hệ thống", kind=User.Kind.OFFICER, is_superuser=True)

_OFFICER_NAMES = {
    "hcm": {
        OfficerRole.Role.DESK: "Trần Thị Mai",
        OfficerRole.Role.SPECIALIST: "Lê Văn Hùng",
        OfficerRole.Role.LEADER: "Phạm Minh Tuấn",
        OfficerRole.Role.CLERK: "Võ Thị Lan",
        OfficerRole.Role.ACCOUNTANT: "Ngô Thị Hạnh",
    },
    "hn": {
        OfficerRole.Role.DESK: "Nguyễn Thị Hương",
        OfficerRole.Role.SPECIALIST: "Đỗ Văn Nam",
        OfficerRole.Role.LEADER: "Hoàng Quốc Việt",
        OfficerRole.Role.CLERK: "Bùi Thị Thu",
        OfficerRole.Role.ACCOUNTANT: "Lý Văn Phúc",
    },
    # The accountant of the city police, who collects the demo traffic fines (reference/obligations).
    "police-hcm": {OfficerRole.Role.ACCOUNTANT: "Đặng Thu Trang"},
}
OFFICERS = [
    DemoOfficer(
        person=DemoPerson(
            username=f"{role.value}.{key}",
            full_name=name,
            kind=User.Kind.OFFICER,
            email=f"{role.value}.{key}@{'congan' if key.startswith('police') else 'tuphap'}.example.gov.vn",
        ),
        agency_key=key,
        role=role.value,
    )
    for key, names in _OFFICER_NAMES.items()
    for role, name in names.items()
]


@dataclass
class DemoAccountsResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    missing_agencies: list[str] = field(default_factory=list)

    @property
    def usernames(self) -> list[str]:
        return [*self.created, *self.updated]


def _demo_user(person: DemoPerson, *, reset_password: bool, result: DemoAccountsResult) -> User:
    now = timezone.now()
    user = User.objects.filter(username=person.username).first()
    created = user is None
    if user is None:
        user = User(username=person.username)
    user.full_name = person.full_name
    user.kind = person.kind
    user.personal_id = person.personal_id
    user.birth_date = person.birth_date
    user.sex = person.sex
    user.phone = person.phone
    user.email = person.email
    user.is_active = True
    user.is_staff = person.is_superuser
    user.is_superuser = person.is_superuser
    if person.phone and user.phone_verified_at is None:
        user.phone_verified_at = now
    if person.email and user.email_verified_at is None:
        user.email_verified_at = now
    if created or reset_password:
        user.set_password(DEMO_PASSWORD)
    user.save()
    (result.created if created else result.updated).append(person.username)
    return user


@transaction.atomic
def demo_accounts_load(*, reset_passwords: bool = False) -> DemoAccountsResult:
    """Create or update the demo accounts, the demo business and the officers' roles.

    Officers whose agency is missing (``load_demo_agencies`` not run yet) are created without a
    role; the missing codes are returned so the command can warn. Agencies are never created here.
    """
    result = DemoAccountsResult()
    _demo_user(CITIZEN, reset_password=reset_passwords, result=result)
    representative = _demo_user(BUSINESS_REPRESENTATIVE, reset_password=reset_passwords, result=result)
    organisation = organisation_upsert(**DEMO_ORGANISATION)
    representation_grant(organisation=organisation, user=representative, kind=Representation.Kind.LEGAL)
    agencies = dict(Agency.objects.filter(code__in=DEMO_AGENCIES.values()).values_list("code", "pk"))
    result.missing_agencies = sorted(code for code in DEMO_AGENCIES.values() if code not in agencies)
    for officer in OFFICERS:
        user = _demo_user(officer.person, reset_password=reset_passwords, result=result)
        agency_id = agencies.get(DEMO_AGENCIES[officer.agency_key])
        if agency_id is not None:
            officer_role_grant(user=user, agency_id=agency_id, role=officer.role)
    _demo_user(ADMIN, reset_password=reset_passwords, result=result)
    return result
