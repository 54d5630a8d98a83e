"""One dossier: who may see it (404 for everyone else), what they may do now, public tracking."""

from __future__ import annotations

import pytest

from opendvc.core.errors import ApiError
from opendvc.dossiers.models import DossierStatus, Step
from opendvc.dossiers.selectors import (
    attachment_get_for_user,
    dossier_get_for_officer,
    dossier_get_for_owner,
    dossier_get_for_user,
    dossier_timeline,
    dossier_track,
)
from opendvc.dossiers.services import dossier_submit
from opendvc.dossiers.tests.factories import (
    World,
    dossier_in_state,
    make_organisation,
    officer_with,
    submission_documents,
)
from opendvc.dossiers.transitions import Action

pytestmark = pytest.mark.django_db


def not_found(call, **kwargs) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call(**kwargs)
    assert (caught.value.code, caught.value.status) == ("dossier_not_found", 404)
    return caught.value


def test_officers_of_the_agency_and_the_owner_see_the_dossier(world: World) -> None:
    dossier = dossier_in_state(world, status=DossierStatus.SUBMITTED)
    assert dossier_get_for_user(user=world.desk, code=dossier.code).roles == ["desk"]
    assert dossier_get_for_user(user=world.citizen, code=dossier.code).roles == ["applicant"]
    assert dossier_get_for_officer(user=world.clerk, code=dossier.code).dossier == dossier
    assert dossier_get_for_owner(user=world.citizen, code=dossier.code).dossier == dossier


def test_everyone_else_gets_the_answer_of_an_unknown_code(world: World) -> None:
    dossier = dossier_in_state(world, status=DossierStatus.SUBMITTED)
    unknown = not_found(dossier_get_for_user, user=world.desk, code=f"{world.agency.code}-261124-9999")
    for user in (world.foreign_officer, world.other_citizen):
        error = not_found(dossier_get_for_user, user=user, code=dossier.code)
        assert (error.message_vi, error.message_en) == (unknown.message_vi, unknown.message_en)
    not_found(dossier_get_for_officer, user=world.citizen, code=dossier.code)
    not_found(dossier_get_for_owner, user=world.desk, code=dossier.code)


def test_a_representative_sees_the_organisations_dossier(world: World) -> None:
    organisation = make_organisation(world.other_citizen)
    dossier = dossier_in_state(world, status=DossierStatus.SUBMITTED, organisation=organisation)
    assert dossier_get_for_user(user=world.other_citizen, code=dossier.code).roles == ["applicant"]


def test_files_are_scoped_with_their_dossier(world: World) -> None:
    dossier = dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier
    attachment = dossier.attachments.get()
    assert attachment_get_for_user(user=world.desk, code=dossier.code, attachment_id=attachment.pk) == attachment
    not_found(attachment_get_for_user, user=world.foreign_officer, code=dossier.code, attachment_id=attachment.pk)
    other = dossier_in_state(world, status=DossierStatus.SUBMITTED, code="H29.999-261124-0001")
    with pytest.raises(ApiError) as caught:
        attachment_get_for_user(user=world.desk, code=other.code, attachment_id=attachment.pk)
    assert caught.value.status == 404


@pytest.mark.parametrize(
    ("status", "step", "role", "expected"),
    [
        (DossierStatus.SUBMITTED, "", "desk", [Action.RECEIVE, Action.REFUSE]),
        (DossierStatus.SUBMITTED, "", "applicant", [Action.WITHDRAW]),
        (DossierStatus.RECEIVED, Step.RECEIVE, "desk", [Action.REQUEST_SUPPLEMENT, Action.FORWARD]),
        (
            DossierStatus.IN_PROGRESS,
            Step.APPRAISE,
            "specialist",
            [Action.REQUEST_SUPPLEMENT, Action.FORWARD, Action.REQUEST_PAYMENT],
        ),
        (DossierStatus.IN_PROGRESS, Step.APPROVE, "leader", [Action.FORWARD, Action.STOP, Action.APOLOGISE]),
        (DossierStatus.IN_PROGRESS, Step.APPROVE, "specialist", []),
        (DossierStatus.RESULT_READY, Step.RETURN, "desk", [Action.RETURN]),
        (DossierStatus.RETURNED, "", "leader", []),
    ],
)
def test_the_actions_offered_are_those_of_the_transition_table(
    world: World, status: int, step: str, role: str, expected: list[Action]
) -> None:
    dossier = dossier_in_state(world, status=status, step=step)
    user = world.citizen if role == "applicant" else world.officer(role)
    assert dossier_get_for_user(user=user, code=dossier.code).actions == expected


def test_the_dossier_page_takes_a_fixed_number_of_queries(world: World, django_assert_num_queries) -> None:
    dossier = dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier
    with django_assert_num_queries(3):
        access = dossier_get_for_user(user=world.desk, code=dossier.code)
        shown = (
            access.actions,
            [a.original_name for a in access.dossier.attachments.all()],
            (access.dossier.agency.name, access.dossier.procedure_version.name, access.dossier.procedure.code),
        )
    assert shown[0] == [Action.RECEIVE, Action.REFUSE]
    with django_assert_num_queries(2):  # a citizen holds no officer roles: none are read
        dossier_get_for_user(user=world.citizen, code=dossier.code)
    with django_assert_num_queries(1):
        dossier_timeline(dossier=dossier)


def test_public_tracking_needs_the_right_second_factor(world: World) -> None:
    dossier = dossier_in_state(
        world,
        status=DossierStatus.RECEIVED,
        step=Step.RECEIVE,
        applicant_id_number="079090001234",
        applicant_phone="0912 345 678",
    )
    assert dossier_track(code=dossier.code, factor="1234") == dossier
    assert dossier_track(code=dossier.code.lower(), factor="5678") == dossier
    unknown = not_found(dossier_track, code=f"{world.agency.code}-261124-9999", factor="1234")
    wrong = not_found(dossier_track, code=dossier.code, factor="0000")
    assert (wrong.code, wrong.message_vi, wrong.message_en) == (unknown.code, unknown.message_vi, unknown.message_en)
    for factor in ("12", "12345", "abcd", ""):
        with pytest.raises(ApiError) as caught:
            dossier_track(code=dossier.code, factor=factor)
        assert caught.value.code == "invalid_factor"


def test_an_officer_of_two_roles_gets_the_actions_of_both(world: World) -> None:
    dossier = dossier_in_state(world, status=DossierStatus.IN_PROGRESS, step=Step.APPROVE)
    both = officer_with(world.agency, "leader", "desk")
    access = dossier_get_for_user(user=both, code=dossier.code)
    assert access.roles == ["desk", "leader"]
    assert Action.STOP in access.actions


def test_the_actions_allowed_now_for_any_user(world: World) -> None:
    from opendvc.dossiers.selectors import dossier_actions_allowed

    dossier = dossier_in_state(world, status=DossierStatus.SUBMITTED)
    assert dossier_actions_allowed(dossier=dossier, user=world.desk) == [Action.RECEIVE, Action.REFUSE]
    assert dossier_actions_allowed(dossier=dossier, user=world.foreign_officer) == []
    assert dossier_actions_allowed(dossier=dossier, user=world.other_citizen) == []
