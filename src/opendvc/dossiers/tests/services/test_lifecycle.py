"""Each lifecycle service: what it requires, what it records, and how deadlines move."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opendvc.catalog.models import Channel as CatalogChannel
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.models import DossierEvent, DossierStatus, Step
from opendvc.dossiers.selectors import dossier_due_explanation, dossier_timeline, dossier_timeliness
from opendvc.dossiers.services import DocumentInput, TimeLimit
from opendvc.dossiers.tests.conftest import local
from opendvc.dossiers.tests.factories import (
    World,
    dossier_in_state,
    make_world,
    officer_with,
    refused_entries,
    submission_documents,
    upload,
)

pytestmark = pytest.mark.django_db


def submitted(world: World):
    return services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier


def in_progress(world: World, step: str = Step.APPRAISE):
    dossier = services.dossier_receive(dossier=submitted(world), actor=world.desk)
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    if step in (Step.APPROVE, Step.ISSUE):
        dossier = services.dossier_forward(
            dossier=dossier, actor=world.specialist, to_step=Step.APPROVE, assignee=world.leader
        )
    if step == Step.ISSUE:
        dossier = services.dossier_forward(
            dossier=dossier, actor=world.leader, to_step=Step.ISSUE, assignee=world.clerk
        )
    return dossier


def test_reception_counts_the_catalogue_time_limit_in_working_days(world: World, clock) -> None:
    clock.set(2026, 10, 9, 14, 0)  # a Friday
    dossier = services.dossier_receive(dossier=submitted(world), actor=world.desk)
    assert local(dossier.due_at) == "2026-10-16T14:00:00+07:00"
    assert (dossier.time_limit_amount, dossier.time_limit_unit) == (Decimal(5), "working_days")
    assert (dossier.current_step, dossier.assignee, dossier.received_at) == (Step.RECEIVE, world.desk, clock())
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert event.data["time_limit_source"] == "catalogue"


def test_without_a_catalogue_time_limit_the_officer_must_give_one(db, clock) -> None:
    world = make_world(time_amount=None)
    clock.set(2026, 10, 5, 9, 0)
    dossier = submitted(world)
    with pytest.raises(ApiError) as refused:
        services.dossier_receive(dossier=dossier, actor=world.desk)
    assert (refused.value.code, refused.value.status) == ("time_limit_missing", 422)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert refused_entries(dossier.code) == ["time_limit_missing"]
    dossier = services.dossier_receive(
        dossier=dossier, actor=world.desk, time_limit=TimeLimit(Decimal(8), "working_hours")
    )
    assert local(dossier.due_at) == "2026-10-06T09:30:00+07:00"
    assert DossierEvent.objects.get(dossier=dossier, action="receive").data["time_limit_source"] == "officer"


def test_the_officer_cannot_change_the_catalogue_time_limit(world: World) -> None:
    with pytest.raises(ApiError) as refused:
        services.dossier_receive(
            dossier=submitted(world), actor=world.desk, time_limit=TimeLimit(Decimal(30), "working_days")
        )
    assert refused.value.code == "time_limit_fixed"


def test_refusal_needs_reasons(world: World) -> None:
    dossier = submitted(world)
    with pytest.raises(ApiError) as refused:
        services.dossier_refuse(dossier=dossier, actor=world.desk, reasons=["  "])
    assert refused.value.code == "reasons_required"
    dossier = services.dossier_refuse(dossier=dossier, actor=world.desk, reasons=["Hồ sơ không thuộc thẩm quyền"])
    assert dossier.status == DossierStatus.REFUSED and dossier.refused_at is not None
    assert DossierEvent.objects.get(dossier=dossier, action="refuse").data == {
        "reasons": ["Hồ sơ không thuộc thẩm quyền"]
    }


def test_forwarding_needs_an_assignee_holding_the_step_role_at_the_agency(world: World) -> None:
    dossier = services.dossier_receive(dossier=submitted(world), actor=world.desk)
    outsider = officer_with(world.other_agency, "specialist")
    for assignee in (world.leader, outsider):
        with pytest.raises(ApiError) as refused:
            services.dossier_forward(dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=assignee)
        assert (refused.value.code, refused.value.status) == ("assignee_not_eligible", 422)
    with pytest.raises(ApiError) as refused:
        services.dossier_forward(dossier=dossier, actor=world.desk, to_step=Step.RETURN, assignee=world.desk)
    assert refused.value.code == "step_invalid"


def test_each_step_gets_its_share_of_the_time_limit(world: World, clock) -> None:
    clock.set(2026, 10, 5, 8, 0)
    dossier = services.dossier_receive(dossier=submitted(world), actor=world.desk)
    # reception and transfer: 10 % of 5 working days = 0.5 day = 3 h 45 min of a 7.5-hour day
    assert local(dossier.step_due_at) == "2026-10-05T13:45:00+07:00"
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    # appraisal: 60 % = 3 working days
    assert local(dossier.step_due_at) == "2026-10-08T08:00:00+07:00"


def test_payment_is_requested_from_the_catalogue_fee_and_settled_by_the_payments_app(world: World) -> None:
    dossier = services.dossier_request_payment(dossier=in_progress(world), actor=world.specialist)
    assert (dossier.status, dossier.fee_amount) == (DossierStatus.PAYMENT_REQUESTED, 8000)
    dossier = services.dossier_payment_settled(dossier=dossier, reference="GD-2026-0001")
    assert (dossier.status, dossier.current_step) == (DossierStatus.IN_PROGRESS, Step.APPRAISE)
    event = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    assert (event.actor, event.actor_role, event.data["reference"]) == (None, "system", "GD-2026-0001")


def test_payment_without_a_fee_figure_needs_an_amount(db) -> None:
    world = make_world(fee=None)
    dossier = in_progress(world)
    with pytest.raises(ApiError) as refused:
        services.dossier_request_payment(dossier=dossier, actor=world.specialist)
    assert refused.value.code == "fee_missing"
    dossier = services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=150000)
    assert dossier.fee_amount == 150000


def test_the_applicant_withdraws_and_a_stranger_cannot(world: World) -> None:
    dossier = submitted(world)
    with pytest.raises(ApiError) as refused:
        services.dossier_withdraw(dossier=dossier, actor=world.other_citizen)
    assert (refused.value.code, refused.value.status) == ("dossier_not_found", 404)
    assert refused_entries(dossier.code) == ["dossier_not_found"]
    dossier = services.dossier_withdraw(dossier=dossier, actor=world.citizen, reason="Không còn nhu cầu")
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.withdrawn_at is not None


def test_an_officer_of_another_agency_cannot_act(world: World) -> None:
    dossier = submitted(world)
    with pytest.raises(ApiError) as refused:
        services.dossier_receive(dossier=dossier, actor=world.foreign_officer)
    assert (refused.value.code, refused.value.status) == ("dossier_not_found", 404)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_stopping_needs_the_legal_reason(world: World) -> None:
    dossier = in_progress(world)
    with pytest.raises(ApiError) as refused:
        services.dossier_stop(dossier=dossier, actor=world.leader, legal_reason="")
    assert refused.value.code == "legal_reason_required"
    dossier = services.dossier_stop(
        dossier=dossier, actor=world.leader, legal_reason="Người yêu cầu rút", legal_basis="Khoản 2 Điều 21"
    )
    assert dossier.status == DossierStatus.STOPPED and dossier.stopped_at is not None


def test_the_result_needs_a_document(world: World) -> None:
    dossier = in_progress(world, Step.ISSUE)
    with pytest.raises(ApiError) as refused:
        services.dossier_result_ready(dossier=dossier, actor=world.clerk, documents=[])
    assert refused.value.code == "result_document_missing"
    foreign_upload = upload(world.citizen)
    with pytest.raises(ApiError) as refused:
        services.dossier_result_ready(
            dossier=dossier, actor=world.clerk, documents=[DocumentInput(attachment_id=foreign_upload.pk)]
        )
    assert refused.value.code == "attachment_not_found"


def test_an_apology_sets_a_new_appointment_and_the_dossier_counts_as_late(world: World, clock) -> None:
    clock.set(2026, 10, 5, 9, 0)
    dossier = in_progress(world, Step.ISSUE)
    old_due = dossier.due_at
    with pytest.raises(ApiError) as refused:
        services.dossier_apologise(dossier=dossier, actor=world.leader, reason="Cần xác minh", new_due_at=old_due)
    assert refused.value.code == "appointment_invalid"
    new_due = old_due + timedelta(days=7)
    dossier = services.dossier_apologise(dossier=dossier, actor=world.leader, reason="Cần xác minh", new_due_at=new_due)
    assert (dossier.status, dossier.due_at, dossier.apologies) == (DossierStatus.IN_PROGRESS, new_due, 1)
    clock.set(2026, 10, 6, 9, 0)
    dossier = services.dossier_result_ready(
        dossier=dossier, actor=world.clerk, documents=[DocumentInput(attachment_id=upload(world.clerk).pk)]
    )
    assert dossier.finished_at < old_due
    assert dossier_timeliness(dossier=dossier) == "late"
    explanation = dossier_due_explanation(dossier=dossier)
    assert explanation is not None and explanation.apologies == [(new_due, "Cần xác minh")]
    assert dossier_due_explanation(dossier=dossier, timeline=dossier_timeline(dossier=dossier)) == explanation


def test_registration_at_the_desk_links_the_citizen_account_and_can_receive_at_once(world: World) -> None:
    dossier = services.dossier_register(
        officer=world.desk,
        agency=world.agency,
        procedure=world.procedure,
        channel=1,
        applicant=services.ApplicantInput(
            name="Lê Thị Hoa", id_number=world.citizen.personal_id or "", phone="0987654321"
        ),
        receive_now=True,
    )
    assert (dossier.status, dossier.channel, dossier.applicant, dossier.submitted_by) == (
        DossierStatus.RECEIVED,
        1,
        world.citizen,
        world.desk,
    )
    assert [e.action for e in DossierEvent.objects.filter(dossier=dossier).order_by("seq")] == ["register", "receive"]


def test_only_the_agencys_desk_registers_and_only_in_person_or_by_post(world: World) -> None:
    applicant = services.ApplicantInput(name="Lê Thị Hoa")
    with pytest.raises(ApiError) as refused:
        services.dossier_register(
            officer=world.specialist, agency=world.agency, procedure=world.procedure, channel=1, applicant=applicant
        )
    assert (refused.value.code, refused.value.status) == ("role_required", 403)
    with pytest.raises(ApiError) as refused:
        services.dossier_register(
            officer=world.desk, agency=world.agency, procedure=world.procedure, channel=2, applicant=applicant
        )
    assert refused.value.code == "channel_invalid"


def test_a_channel_the_catalogue_does_not_list_is_refused(world: World) -> None:
    CatalogChannel.objects.filter(version=world.version, kind="post").delete()
    with pytest.raises(ApiError) as refused:
        services.dossier_register(
            officer=world.desk,
            agency=world.agency,
            procedure=world.procedure,
            channel=3,
            applicant=services.ApplicantInput(name="Lê Thị Hoa"),
        )
    assert refused.value.code == "channel_not_offered"


def test_the_status_cannot_be_edited_around_the_services(world: World) -> None:
    from opendvc.audit.models import AppendOnlyError

    dossier = dossier_in_state(world, status=DossierStatus.IN_PROGRESS, step=Step.APPRAISE)
    dossier.status = DossierStatus.RESULT_READY
    with pytest.raises(AppendOnlyError):
        dossier.save()
    fresh = type(dossier).objects.get(pk=dossier.pk)
    fresh.applicant_phone = "0900000000"
    fresh.save()
    assert timezone.now() >= fresh.updated_at
