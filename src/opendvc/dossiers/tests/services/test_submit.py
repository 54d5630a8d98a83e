"""Online submission: validation before anything is written, idempotency, the version kept forever."""

from __future__ import annotations

import pytest

from opendvc.audit.models import AuditEntry
from opendvc.catalog.models import ProcedureVersion, ServiceOffering
from opendvc.catalog.services import catalog_revision_bump
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.models import ApplicantKind, Attachment, Channel, Dossier, DossierEvent, DossierSequence
from opendvc.dossiers.services import ContactInput, DocumentInput
from opendvc.dossiers.tests.factories import (
    OfficerFactory,
    VersionFactory,
    World,
    make_organisation,
    submission_documents,
    upload,
)

pytestmark = pytest.mark.django_db


def submit(world: World, **overrides: object) -> services.SubmitResult:
    arguments: dict[str, object] = {
        "applicant": world.citizen,
        "agency": world.agency,
        "procedure": world.procedure,
        "procedure_version": 1,
        "form_data": {"ho_ten_tre": "Nguyễn Văn An"},
    }
    arguments.update(overrides)
    if "documents" not in arguments:
        arguments["documents"] = submission_documents(world, arguments["applicant"])  # type: ignore[arg-type]
    return services.dossier_submit(**arguments)  # type: ignore[arg-type]


def refusal(world: World, **overrides: object) -> ApiError:
    with pytest.raises(ApiError) as caught:
        submit(world, **overrides)
    return caught.value


def assert_nothing_created() -> None:
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()
    assert not DossierSequence.objects.filter(last__gt=0).exists()


def test_submission_creates_a_dossier_in_status_1_online_with_the_applicant_snapshot(world: World) -> None:
    result = submit(world, contact=ContactInput(address="12 Phố Huế, Hà Nội"))
    dossier = result.dossier
    assert result.created
    assert (dossier.status, dossier.channel, dossier.applicant_kind) == (1, Channel.ONLINE, ApplicantKind.CITIZEN)
    assert dossier.applicant_name == world.citizen.full_name
    assert dossier.applicant_id_number == world.citizen.personal_id
    assert dossier.applicant_address == "12 Phố Huế, Hà Nội"
    assert dossier.procedure_version == world.version
    assert dossier.submitted_by == world.citizen
    assert dossier.fee_amount == 8000
    assert dossier.summary == "Thủ tục đăng ký khai sinh"
    attachment = dossier.attachments.get()
    assert (attachment.kind, attachment.required_document) == (Attachment.Kind.SUBMISSION, world.mandatory_doc)
    assert DossierEvent.objects.get(dossier=dossier).attachment_ids == [attachment.pk]


def test_a_double_clicked_submit_returns_the_same_dossier(world: World) -> None:
    first = submit(world, idempotency_key="nop-1")
    second = submit(world, idempotency_key="nop-1")
    assert first.created and not second.created
    assert first.dossier.pk == second.dossier.pk
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.count() == 1
    assert DossierSequence.objects.get().last == 1


def test_an_idempotency_key_reused_for_another_procedure_is_refused(world: World) -> None:
    submit(world, idempotency_key="nop-1")
    other = VersionFactory.create()
    ServiceOffering.objects.create(procedure=other.procedure, agency=world.agency)
    error = refusal(world, idempotency_key="nop-1", procedure=other.procedure)
    assert (error.code, error.status) == ("idempotency_key_reused", 409)


def test_a_missing_mandatory_document_is_refused_and_nothing_is_created(world: World) -> None:
    optional_only = [DocumentInput(attachment_id=upload(world.citizen).pk, required_document_id=world.optional_doc.pk)]
    error = refusal(world, documents=optional_only)
    assert (error.code, error.status) == ("mandatory_document_missing", 422)
    assert world.mandatory_doc.name in error.message_vi
    assert error.details == [{"required_document_id": world.mandatory_doc.pk, "name": world.mandatory_doc.name}]
    assert_nothing_created()
    assert Attachment.objects.get().dossier is None
    assert AuditEntry.objects.filter(action="dossier.submit", outcome="refused").get().reason == (
        "mandatory_document_missing"
    )


def test_a_stale_procedure_version_is_refused(world: World) -> None:
    world.version.status = ProcedureVersion.Status.SUPERSEDED
    world.version.save()
    VersionFactory.create(procedure=world.procedure, number=2)
    error = refusal(world, procedure_version=1)
    assert (error.code, error.status) == ("procedure_version_stale", 409)
    assert "phiên bản 2" in error.message_vi
    assert_nothing_created()


def test_a_procedure_without_a_published_version_is_refused(world: World) -> None:
    world.version.status = ProcedureVersion.Status.WITHDRAWN
    world.version.save()
    assert refusal(world).code == "procedure_not_published"


def test_a_procedure_the_agency_does_not_offer_is_refused(world: World) -> None:
    error = refusal(world, agency=world.other_agency)
    assert (error.code, error.status) == ("procedure_not_offered", 422)
    ServiceOffering.objects.filter(agency=world.agency).update(is_active=False)
    catalog_revision_bump()  # as every catalogue change does, in its transaction
    assert refusal(world).code == "procedure_not_offered"
    assert_nothing_created()


def test_someone_elses_upload_cannot_be_submitted(world: World) -> None:
    documents = submission_documents(world, world.other_citizen)
    error = refusal(world, documents=documents)
    assert error.code == "attachment_not_found"
    assert_nothing_created()
    assert Attachment.objects.get().dossier is None


def test_an_upload_already_in_a_dossier_cannot_be_used_again(world: World) -> None:
    documents = submission_documents(world)
    submit(world, documents=documents)
    assert refusal(world, documents=documents).code == "attachment_not_found"


def test_an_unknown_component_is_refused(world: World) -> None:
    other = VersionFactory.create()
    from opendvc.catalog.models import RequiredDocument

    foreign = RequiredDocument.objects.create(version=other, position=1, name="Khác", mandatory=False)
    documents = [
        *submission_documents(world),
        DocumentInput(attachment_id=upload(world.citizen).pk, required_document_id=foreign.pk),
    ]
    assert refusal(world, documents=documents).code == "required_document_unknown"
    assert_nothing_created()


def test_officers_register_at_the_desk_instead_of_submitting_online(world: World) -> None:
    error = refusal(world, applicant=world.desk)
    assert (error.code, error.status) == ("applicant_kind_not_allowed", 403)


def test_a_business_submits_for_the_organisation_it_represents(world: World) -> None:
    from opendvc.accounts.models import User

    business = OfficerFactory.create(kind=User.Kind.BUSINESS, username="0312345673")
    organisation = make_organisation(business)
    dossier = submit(world, applicant=business, organisation=organisation).dossier
    assert (dossier.applicant_kind, dossier.applicant_id_number, dossier.organisation) == (
        ApplicantKind.BUSINESS,
        "0312345673",
        organisation,
    )
    assert refusal(world, applicant=business, organisation=None).code == "organisation_required"
    assert refusal(world, organisation=organisation).code == "not_a_representative"


def test_form_data_must_be_an_object_of_reasonable_size(world: World) -> None:
    assert refusal(world, form_data=["not", "an", "object"]).code == "form_data_invalid"
    assert refusal(world, form_data={"x": "a" * 300_000}).code == "form_data_too_large"
    assert_nothing_created()


def refuse_every_form(*, version: ProcedureVersion, form_version: str, data: object) -> None:
    raise ApiError("form_version_stale", "Tờ khai đã cũ.", "The form is out of date.", status=409)


def test_the_form_plugin_validates_the_form_data(world: World, settings) -> None:
    settings.DOSSIER_FORM_VALIDATOR = f"{__name__}.refuse_every_form"
    assert refusal(world, form_version="2025-01").code == "form_version_stale"
    assert_nothing_created()


def test_the_dossier_keeps_the_version_it_was_submitted_under(world: World) -> None:
    dossier = submit(world).dossier
    world.version.status = ProcedureVersion.Status.SUPERSEDED
    world.version.save()
    VersionFactory.create(procedure=world.procedure, number=2)
    dossier.refresh_from_db()
    assert dossier.procedure_version.number == 1
