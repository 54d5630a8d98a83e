"""A supplement request stops the clock; supplying the documents moves the due date by the wait."""

from __future__ import annotations

import pytest

from opendvc.core.calendar import due_at_after_pause
from opendvc.dossiers import services
from opendvc.dossiers.models import DossierStatus, Step
from opendvc.dossiers.selectors import dossier_due_explanation, dossier_timeline, dossier_timeliness
from opendvc.dossiers.services import DocumentInput
from opendvc.dossiers.tests.conftest import local
from opendvc.dossiers.tests.factories import World, submission_documents, upload

pytestmark = pytest.mark.django_db


def test_supplement_time_is_not_counted_towards_the_deadline(world: World, clock) -> None:
    clock.set(2026, 10, 5, 9, 0)  # Monday
    dossier = services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier
    dossier = services.dossier_receive(dossier=dossier, actor=world.desk)
    assert local(dossier.due_at) == "2026-10-12T09:00:00+07:00"
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    step_due = dossier.step_due_at
    assert step_due is not None

    clock.set(2026, 10, 6, 9, 0)  # Tuesday: the specialist asks for the birth certificate
    dossier = services.dossier_request_supplement(
        dossier=dossier,
        actor=world.specialist,
        reasons=["Thiếu Giấy chứng sinh"],
        required_document_ids=[world.optional_doc.pk],
    )
    assert (dossier.status, dossier.paused_at, dossier.supplement_requests) == (5, clock(), 1)
    assert dossier_timeliness(dossier=dossier) == "on_time"

    clock.set(2026, 10, 8, 9, 0)  # Thursday: two working days later the citizen supplies it
    document = upload(world.citizen, name="giay-chung-sinh.pdf")
    dossier = services.dossier_supplement_submit(
        dossier=dossier,
        actor=world.citizen,
        documents=[DocumentInput(attachment_id=document.pk, required_document_id=world.optional_doc.pk)],
    )
    assert (dossier.status, dossier.current_step, dossier.assignee) == (
        DossierStatus.IN_PROGRESS,
        Step.APPRAISE,
        world.specialist,
    )
    assert dossier.paused_at is None
    assert local(dossier.due_at) == "2026-10-14T09:00:00+07:00"
    assert dossier.step_due_at == due_at_after_pause(
        due_at=step_due, paused_from=clock().replace(day=6), resumed_at=clock(), agency=world.agency
    )
    assert dossier.paused_working_time.total_seconds() == 15 * 3600
    assert dossier.attachments.get(pk=document.pk).kind == "supplement"

    explanation = dossier_due_explanation(dossier=dossier)
    assert explanation is not None
    assert local(explanation.initial_due_at) == "2026-10-12T09:00:00+07:00"
    assert [
        (p.paused_from.day, p.resumed_at and p.resumed_at.day, p.working_time.total_seconds())
        for p in explanation.pauses
    ] == [(6, 8, 15 * 3600)]
    assert {day.isoformat() for day, _ in explanation.skipped} == {"2026-10-10", "2026-10-11"}
    # The pages explain it from the timeline they already hold: the same explanation.
    assert dossier_due_explanation(dossier=dossier, timeline=dossier_timeline(dossier=dossier)) == explanation
    texts = [entry.text_vi for entry in dossier_timeline(dossier=dossier)]
    assert texts[-1] == "Đã bổ sung hồ sơ; ngày hẹn trả chuyển thành 09:00 ngày 14/10/2026."


def test_a_supplement_requested_at_reception_returns_the_dossier_to_received(world: World) -> None:
    dossier = services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier
    dossier = services.dossier_receive(dossier=dossier, actor=world.desk)
    dossier = services.dossier_request_supplement(dossier=dossier, actor=world.desk, reasons=["Ảnh chụp mờ"])
    dossier = services.dossier_supplement_submit(dossier=dossier, actor=world.desk, note="Nộp bản giấy tại quầy")
    assert (dossier.status, dossier.current_step) == (DossierStatus.RECEIVED, Step.RECEIVE)


def test_more_than_one_supplement_request_makes_the_dossier_late(world: World, clock) -> None:
    clock.set(2026, 10, 5, 9, 0)
    dossier = services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier
    dossier = services.dossier_receive(dossier=dossier, actor=world.desk)
    for _ in range(2):
        dossier = services.dossier_request_supplement(dossier=dossier, actor=world.desk, reasons=["Thiếu giấy tờ"])
        dossier = services.dossier_supplement_submit(
            dossier=dossier, actor=world.citizen, documents=[DocumentInput(attachment_id=upload(world.citizen).pk)]
        )
    dossier = services.dossier_forward(dossier=dossier, actor=world.desk, to_step=Step.ISSUE, assignee=world.clerk)
    dossier = services.dossier_result_ready(
        dossier=dossier, actor=world.clerk, documents=[DocumentInput(attachment_id=upload(world.clerk).pk)]
    )
    assert dossier.supplement_requests == 2
    assert dossier.finished_at is not None and dossier.due_at is not None
    assert dossier.finished_at <= dossier.due_at
    assert dossier_timeliness(dossier=dossier) == "late"
