"""The e-ID assurance level: recorded on each dossier (TaiKhoanDuocXacThucVoiVNeID) and required by
procedures that ask for level 2."""

from __future__ import annotations

import pytest

from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.tests.factories import World, submission_documents

pytestmark = pytest.mark.django_db


def submit(world: World) -> services.SubmitResult:
    return services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={"ho_ten_tre": "Nguyễn Văn Bình"},
        documents=submission_documents(world),
    )


def test_the_dossier_keeps_the_level_of_the_account_at_submission(world: World) -> None:
    world.citizen.assurance_level = 2
    world.citizen.save()
    dossier = submit(world).dossier
    world.citizen.assurance_level = 1
    world.citizen.save()
    dossier.refresh_from_db()
    assert dossier.applicant_assurance_level == 2


def test_a_level_1_account_cannot_submit_to_a_level_2_procedure(world: World) -> None:
    world.version.required_assurance_level = 2
    world.version.save()
    world.citizen.assurance_level = 1
    world.citizen.save()
    with pytest.raises(ApiError) as refused:
        submit(world)
    assert refused.value.code == "assurance_level_required" and refused.value.status == 403
    assert "mức 2" in refused.value.message_vi and "level-2" in refused.value.message_en
    assert refused.value.details == [{"required_level": 2, "account_level": 1}]
    assert AuditEntry.objects.filter(outcome="refused", reason="assurance_level_required").exists()


def test_a_level_2_account_submits_to_a_level_2_procedure(world: World) -> None:
    world.version.required_assurance_level = 2
    world.version.save()
    world.citizen.assurance_level = 2
    world.citizen.save()
    assert submit(world).dossier.applicant_assurance_level == 2
