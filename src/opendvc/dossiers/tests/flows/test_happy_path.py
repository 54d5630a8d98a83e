"""A whole journey through the services: submit → receive → specialist → leader → clerk → return."""

from __future__ import annotations

from itertools import pairwise

import pytest

from opendvc.audit.models import AuditEntry
from opendvc.dossiers import services
from opendvc.dossiers.models import Attachment, DossierEvent, DossierStatus, Step
from opendvc.dossiers.selectors import dossier_chain_verify, dossier_timeline, dossier_timeliness
from opendvc.dossiers.services import DocumentInput
from opendvc.dossiers.tests.conftest import local
from opendvc.dossiers.tests.factories import World, submission_documents, upload

pytestmark = pytest.mark.django_db


def test_dossier_goes_from_submission_to_returned_result_with_an_intact_event_chain(world: World, clock) -> None:
    clock.set(2026, 10, 5, 9, 0)
    result = services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={"ho_ten_tre": "Nguyễn Văn An"},
        documents=submission_documents(world),
        idempotency_key="k-1",
    )
    dossier = result.dossier
    assert result.created
    assert dossier.code == f"{world.agency.code}-261005-0001"
    assert dossier.status == DossierStatus.SUBMITTED

    clock.set(2026, 10, 5, 10, 0)
    dossier = services.dossier_receive(dossier=dossier, actor=world.desk)
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.due_at is not None
    assert local(dossier.due_at) == "2026-10-12T10:00:00+07:00"

    dossier = services.dossier_forward(
        dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    assert (dossier.status, dossier.current_step, dossier.assignee) == (4, "appraise", world.specialist)
    assert dossier.step_due_at is not None

    dossier = services.dossier_forward(
        dossier=dossier, actor=world.specialist, to_step=Step.APPROVE, assignee=world.leader
    )
    dossier = services.dossier_forward(dossier=dossier, actor=world.leader, to_step=Step.ISSUE, assignee=world.clerk)
    assert (dossier.status, dossier.current_step) == (4, "issue")

    clock.set(2026, 10, 8, 15, 0)
    result_file = upload(world.clerk, name="trich-luc-khai-sinh.pdf")
    dossier = services.dossier_result_ready(
        dossier=dossier, actor=world.clerk, documents=[DocumentInput(attachment_id=result_file.pk)]
    )
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.finished_at == clock()
    assert Attachment.objects.get(pk=result_file.pk).kind == Attachment.Kind.RESULT

    clock.set(2026, 10, 9, 8, 0)
    dossier = services.dossier_return(dossier=dossier, actor=world.desk, note="Trả trực tiếp tại bộ phận một cửa")
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.returned_at == clock()
    assert dossier_timeliness(dossier=dossier) == "early"

    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    assert [(e.action, e.from_status, e.to_status, e.actor_role) for e in events] == [
        ("submit", None, 1, "applicant"),
        ("receive", 1, 2, "desk"),
        ("forward", 2, 4, "desk"),
        ("forward", 4, 4, "specialist"),
        ("forward", 4, 4, "leader"),
        ("result_ready", 4, 9, "clerk"),
        ("return", 9, 10, "desk"),
    ]
    assert events[0].prev_hash == "" and all(e.prev_hash == p.hash for p, e in pairwise(events))
    assert dossier_chain_verify(dossier=dossier).ok
    assert AuditEntry.objects.filter(object_id=dossier.code, outcome="ok").count() == 7
    timeline = dossier_timeline(dossier=dossier)
    assert timeline[1].text_vi == "Tiếp nhận hồ sơ; hẹn trả kết quả lúc 10:00 ngày 12/10/2026."
    assert timeline[-1].text_vi == "Đã trả kết quả cho người nộp."
