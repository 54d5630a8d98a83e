"""Factories for dossier tests: agencies, a published procedure offered by them, people with roles.

The procedure is the real birth registration (Thủ tục đăng ký khai sinh, 1.001193) of the national
catalogue, with its own components; time limits and fees are set per test where they matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from opendvc.accounts.models import OfficerRole, Organisation, Representation, User
from opendvc.agencies.models import Agency
from opendvc.catalog.models import (
    Channel,
    ChannelKind,
    Fee,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    ServiceOffering,
    TimeUnit,
)
from opendvc.dossiers.models import Attachment, Dossier
from opendvc.dossiers.services import DocumentInput, attachment_upload

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H29.{n % 900 + 100}")
    level1 = "H29"
    depth = 2
    name = factory.Sequence(lambda n: f"Sở Tư pháp thử nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"0790900{n % 100000:05d}")
    personal_id = factory.LazyAttribute(lambda u: u.username)
    kind = User.Kind.CITIZEN
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Công Dân {n}")
    phone = factory.Sequence(lambda n: f"09123{n % 100000:05d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"officer{n}")
    kind = User.Kind.OFFICER
    full_name = factory.Sequence(lambda n: f"Trần Thị Cán Bộ {n}")


def officer_with(agency: Agency, *roles: str, **kwargs: Any) -> User:
    user = OfficerFactory.create(**kwargs)
    for role in roles:
        OfficerRole.objects.get_or_create(user=user, agency=agency, role=role)
    return user


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n % 1000000:06d}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = ProcedureVersion.Status.PUBLISHED
    name = "Thủ tục đăng ký khai sinh"

    @factory.post_generation
    def make_current(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and obj.status == ProcedureVersion.Status.PUBLISHED:
            obj.procedure.current_version = obj
            obj.procedure.save(update_fields=["current_version"])


@dataclass
class World:
    """Two agencies, a procedure offered by the first, and one person per role."""

    agency: Agency
    other_agency: Agency
    procedure: Procedure
    version: ProcedureVersion
    mandatory_doc: RequiredDocument
    optional_doc: RequiredDocument
    citizen: User
    other_citizen: User
    desk: User
    specialist: User
    leader: User
    clerk: User
    foreign_officer: User

    def officer(self, role: str) -> User:
        return {"desk": self.desk, "specialist": self.specialist, "leader": self.leader, "clerk": self.clerk}[role]


def make_world(
    *,
    time_amount: Decimal | None = Decimal(5),
    time_unit: str = TimeUnit.WORKING_DAYS,
    fee: int | None = 8000,
    procedure_code: str | None = None,
) -> World:
    agency = AgencyFactory.create(name="Sở Tư pháp Thành phố Hà Nội")
    other = AgencyFactory.create(name="Sở Tư pháp Thành phố Hồ Chí Minh")
    version = VersionFactory.create(
        procedure=ProcedureFactory.create(code=procedure_code) if procedure_code else ProcedureFactory.create()
    )
    for position, kind in enumerate((ChannelKind.ONLINE, ChannelKind.IN_PERSON, ChannelKind.POST), start=1):
        Channel.objects.create(
            version=version,
            position=position,
            kind=kind,
            time_amount=time_amount,
            time_unit=time_unit if time_amount is not None else "",
        )
    if fee is not None:
        Fee.objects.create(version=version, amount=fee, description="Lệ phí cấp bản sao trích lục")
    mandatory = RequiredDocument.objects.create(
        version=version, position=1, name="Tờ khai đăng ký khai sinh theo mẫu", originals=1, mandatory=True
    )
    optional = RequiredDocument.objects.create(
        version=version, position=2, name="Giấy chứng sinh", originals=1, mandatory=False
    )
    ServiceOffering.objects.create(procedure=version.procedure, agency=agency)
    foreign = officer_with(other, "desk", "specialist", "leader", "clerk")
    return World(
        agency=agency,
        other_agency=other,
        procedure=version.procedure,
        version=version,
        mandatory_doc=mandatory,
        optional_doc=optional,
        citizen=CitizenFactory.create(),
        other_citizen=CitizenFactory.create(),
        desk=officer_with(agency, "desk"),
        specialist=officer_with(agency, "specialist"),
        leader=officer_with(agency, "leader"),
        clerk=officer_with(agency, "clerk"),
        foreign_officer=foreign,
    )


def upload(user: User, content: bytes = PDF_BYTES, name: str = "to-khai.pdf") -> Attachment:
    return attachment_upload(user=user, file=SimpleUploadedFile(name, content, content_type="application/pdf"))


def submission_documents(world: World, user: User | None = None) -> list[DocumentInput]:
    attachment = upload(user or world.citizen)
    return [DocumentInput(attachment_id=attachment.pk, required_document_id=world.mandatory_doc.pk)]


def make_organisation(user: User, *, tax_code: str = "0312345673") -> Organisation:
    organisation = Organisation.objects.create(tax_code=tax_code, name="Công ty TNHH Thử Nghiệm", address="Hà Nội")
    Representation.objects.create(organisation=organisation, user=user)
    return organisation


def dossier_in_state(world: World, *, status: int, step: str = "", **fields: Any) -> Dossier:
    """A dossier placed directly in a state (for refusal tests: nothing is meant to happen to it)."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    values: dict[str, Any] = {
        "code": f"{world.agency.code}-{now:%y%m%d}-{Dossier.objects.count() + 1:04d}",
        "agency": world.agency,
        "procedure": world.procedure,
        "procedure_version": world.version,
        "applicant": world.citizen,
        "applicant_name": world.citizen.full_name,
        "applicant_id_number": world.citizen.personal_id or "",
        "applicant_phone": world.citizen.phone,
        "submitted_by": world.citizen,
        "channel": 2,
        "status": status,
        "current_step": step,
        "submitted_at": now,
        "fee_amount": 8000,
    }
    if status not in (1, 3, 7):
        values.update(received_at=now, due_at=now + timedelta(days=7), time_limit_amount=5)
        values.update(time_limit_unit="working_days")
    if status == 5:
        values.update(paused_at=now, paused_status=4 if step else 2)
    values.update(fields)
    return Dossier.objects.create(**values)


def refused_entries(object_id: str) -> list[str]:
    """The reasons of the refused audit entries about a dossier, oldest first."""
    from opendvc.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(object_id=object_id, outcome="refused")
        .order_by("id")
        .values_list("reason", flat=True)
    )
