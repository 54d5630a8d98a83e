"""Factories for accounts tests (and for other apps' tests that need people)."""

from __future__ import annotations

from typing import Any

import factory

from opendvc.accounts.models import OfficerRole, Organisation, Representation, User
from opendvc.agencies.models import Agency

PASSWORD = "Mat-khau-Kho@2026"


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H29.{n + 50:02d}")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT
    level1 = factory.LazyAttribute(lambda agency: agency.code.split(".")[0])
    depth = factory.LazyAttribute(lambda agency: len(agency.code.split(".")))


def _set_password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    user.set_password(extracted or PASSWORD)
    if create:
        user.save(update_fields=["password"])


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A citizen born in 1990 (male): the username is the personal ID, as on the portal."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    personal_id: Any = factory.Sequence(lambda n: f"079090{n + 100:06d}")
    username: Any = factory.LazyAttribute(lambda user: user.personal_id)
    full_name = "Nguyễn Văn Thử"
    kind = User.Kind.CITIZEN
    phone = factory.Sequence(lambda n: f"0912{n:06d}")
    email = factory.Sequence(lambda n: f"citizen{n}@example.com")

    password = factory.PostGeneration(_set_password)


class OfficerFactory(UserFactory):
    personal_id = None
    username = factory.Sequence(lambda n: f"officer{n}")
    kind = User.Kind.OFFICER
    full_name = "Trần Thị Cán Bộ"


class OfficerRoleFactory(factory.django.DjangoModelFactory[OfficerRole]):
    class Meta:
        model = OfficerRole

    user = factory.SubFactory(OfficerFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = OfficerRole.Role.DESK


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    tax_code = factory.Sequence(lambda n: f"03{n:08d}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}")


class RepresentationFactory(factory.django.DjangoModelFactory[Representation]):
    class Meta:
        model = Representation

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory, kind=User.Kind.BUSINESS)
    kind = Representation.Kind.LEGAL
