"""A realistic mixed history of dossiers written through the dossier services, for the statistics tests.

October 2026 at the Hà Nội agency of the dossier test world (procedure time limit: 5 working days):
every path of the one-stop lifecycle appears — online, in person and by post; received, refused,
withdrawn before and after reception, supplemented, paid, stopped, apologised for, resolved early,
on time and late, and some still running within time or overdue on 20 November.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from opendvc.agencies.models import AdministrativeUnit
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, Step
from opendvc.dossiers.services import ApplicantInput, DocumentInput
from opendvc.dossiers.tests.factories import World, submission_documents, upload


def hanoi(world: World) -> AdministrativeUnit:
    """Put the world's agencies in two provinces (the statistics group agencies by province)."""
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code="01", defaults={"name": "Thành phố Hà Nội", "codename": "ha_noi", "kind": "thanh_pho_trung_uong"}
    )
    hcm, _ = AdministrativeUnit.objects.get_or_create(
        code="79",
        defaults={"name": "Thành phố Hồ Chí Minh", "codename": "ho_chi_minh", "kind": "thanh_pho_trung_uong"},
    )
    world.agency.province = unit
    world.agency.save(update_fields=["province"])
    world.other_agency.province = hcm
    world.other_agency.save(update_fields=["province"])
    return unit


def submit(world: World) -> Dossier:
    return services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={"ho_ten_tre": "Nguyễn Văn An"},
        documents=submission_documents(world),
    ).dossier


def register(world: World, *, channel: int, receive: bool = True) -> Dossier:
    return services.dossier_register(
        officer=world.desk,
        agency=world.agency,
        procedure=world.procedure,
        channel=channel,
        applicant=ApplicantInput(name="Lê Thị Hoa", id_number="001190000001", phone="0987654321"),
        receive_now=receive,
    )


def to_issue(world: World, dossier: Dossier) -> Dossier:
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.specialist, to_step=Step.APPROVE, assignee=world.leader
    )
    return services.dossier_forward(dossier=dossier, actor=world.leader, to_step=Step.ISSUE, assignee=world.clerk)


def finish(world: World, dossier: Dossier) -> Dossier:
    result = upload(world.clerk, name="ket-qua.pdf")
    return services.dossier_result_ready(
        dossier=dossier, actor=world.clerk, documents=[DocumentInput(attachment_id=result.pk)]
    )


def build_history(world: World, clock: Any) -> dict[str, Dossier]:
    """The dossiers by the path they took; the clock ends on Friday 20 November 2026, 09:00."""
    hanoi(world)
    d: dict[str, Dossier] = {}

    clock.set(2026, 10, 5, 9, 0)
    d["early"] = submit(world)  # online, with a scan
    clock.set(2026, 10, 5, 10, 0)
    d["early"] = services.dossier_receive(dossier=d["early"], actor=world.desk)  # due 12/10 10:00
    d["early"] = to_issue(world, d["early"])
    clock.set(2026, 10, 8, 15, 0)
    d["early"] = finish(world, d["early"])
    clock.set(2026, 10, 9, 8, 0)
    d["early"] = services.dossier_return(dossier=d["early"], actor=world.desk)

    clock.set(2026, 10, 5, 14, 0)
    d["supplemented"] = register(world, channel=1)  # due 12/10 14:00
    d["supplemented"] = services.dossier_forward(
        dossier=d["supplemented"], actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    clock.set(2026, 10, 6, 9, 0)
    d["supplemented"] = services.dossier_request_supplement(
        dossier=d["supplemented"], actor=world.specialist, reasons=["Thiếu giấy chứng sinh"]
    )
    clock.set(2026, 10, 9, 9, 0)
    d["supplemented"] = services.dossier_supplement_submit(dossier=d["supplemented"], actor=world.desk)
    d["supplemented"] = services.dossier_forward(
        dossier=d["supplemented"], actor=world.specialist, to_step=Step.APPROVE, assignee=world.leader
    )
    d["supplemented"] = services.dossier_forward(
        dossier=d["supplemented"], actor=world.leader, to_step=Step.ISSUE, assignee=world.clerk
    )
    clock.set(2026, 10, 22, 10, 0)
    d["supplemented"] = finish(world, d["supplemented"])  # late, even with the pause

    clock.set(2026, 10, 6, 9, 30)
    d["refused"] = submit(world)
    d["refused"] = services.dossier_refuse(dossier=d["refused"], actor=world.desk, reasons=["Sai thẩm quyền"])

    clock.set(2026, 10, 7, 9, 0)
    d["withdrawn"] = submit(world)
    d["withdrawn"] = services.dossier_receive(dossier=d["withdrawn"], actor=world.desk)
    clock.set(2026, 10, 8, 9, 0)
    d["withdrawn"] = services.dossier_withdraw(dossier=d["withdrawn"], actor=world.citizen, reason="Không cần nữa")

    clock.set(2026, 10, 7, 11, 0)
    d["withdrawn_unreceived"] = submit(world)
    d["withdrawn_unreceived"] = services.dossier_withdraw(dossier=d["withdrawn_unreceived"], actor=world.citizen)

    clock.set(2026, 10, 12, 9, 0)
    d["stopped"] = register(world, channel=3)  # by post
    d["stopped"] = services.dossier_forward(
        dossier=d["stopped"], actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    d["stopped"] = services.dossier_forward(
        dossier=d["stopped"], actor=world.specialist, to_step=Step.APPROVE, assignee=world.leader
    )
    clock.set(2026, 10, 14, 9, 0)
    d["stopped"] = services.dossier_stop(
        dossier=d["stopped"], actor=world.leader, legal_reason="Người yêu cầu đã chết (Điều 21)"
    )

    clock.set(2026, 10, 13, 9, 0)
    d["paid_overdue"] = submit(world)
    d["paid_overdue"] = services.dossier_receive(dossier=d["paid_overdue"], actor=world.desk)  # due 20/10
    d["paid_overdue"] = services.dossier_forward(
        dossier=d["paid_overdue"], actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    clock.set(2026, 10, 14, 9, 0)
    d["paid_overdue"] = services.dossier_request_payment(dossier=d["paid_overdue"], actor=world.specialist)
    clock.set(2026, 10, 15, 9, 0)
    d["paid_overdue"] = services.dossier_payment_settled(dossier=d["paid_overdue"], reference="TT-0001")

    clock.set(2026, 10, 14, 10, 0)
    d["apologised"] = register(world, channel=1)  # due 21/10 10:00
    clock.set(2026, 10, 20, 9, 0)
    d["apologised"] = services.dossier_apologise(
        dossier=d["apologised"],
        actor=world.leader,
        reason="Cần xác minh thêm",
        new_due_at=timezone.make_aware(datetime(2026, 10, 28, 17, 0)),
    )
    d["apologised"] = to_issue(world, d["apologised"])
    clock.set(2026, 10, 28, 16, 0)
    d["apologised"] = finish(world, d["apologised"])  # on the new appointment day: on time

    clock.set(2026, 11, 16, 9, 0)
    d["running"] = register(world, channel=1)  # due 23/11: within time on 20/11
    clock.set(2026, 11, 17, 9, 0)
    d["waiting"] = submit(world)
    d["waiting"] = services.dossier_receive(dossier=d["waiting"], actor=world.desk)
    d["waiting"] = services.dossier_request_supplement(dossier=d["waiting"], actor=world.desk, reasons=["Ảnh chụp mờ"])

    clock.set(2026, 11, 20, 9, 0)
    return d
