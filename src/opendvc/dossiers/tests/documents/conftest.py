"""Dossiers built through the real services for the form tests, at the Hồ Chí Minh City Department of
Justice (under the city's People's Committee), on fixed dates of October 2026."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, Step
from opendvc.dossiers.services import DocumentInput
from opendvc.dossiers.tests.factories import AgencyFactory, World, make_world, submission_documents, upload

APPLICANT = "Nguyễn Thị Thu Hường"


def pdf_text(pdf: bytes) -> str:
    """The text of every page, joined: what a person reads on the printed form."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def one_line(text: str) -> str:
    """Text with every run of whitespace as one space, so wrapped lines compare as written."""
    return " ".join(text.split())


@pytest.fixture
def hcm(db) -> World:
    world = make_world()
    city = AdministrativeUnit.objects.get_or_create(
        code="79", defaults={"name": "Thành phố Hồ Chí Minh", "codename": "ho_chi_minh", "kind": "thanh_pho_trung_uong"}
    )[0]
    committee = AgencyFactory.create(code="H29", name="Ủy ban nhân dân Thành phố Hồ Chí Minh", depth=1)
    Agency.objects.filter(pk=world.agency.pk).update(
        name="Sở Tư pháp Thành phố Hồ Chí Minh",
        parent=committee,
        province=city,
        administrative_unit=city,
        address="141–143 Pasteur, Phường Xuân Hòa, Thành phố Hồ Chí Minh",
        phone="028 3829 7284",
    )
    world.agency.refresh_from_db()
    world.citizen.full_name = APPLICANT
    world.citizen.save(update_fields=["full_name"])
    world.desk.full_name = "Lê Văn Tiếp Nhận"
    world.desk.save(update_fields=["full_name"])
    world.leader.full_name = "Phạm Thị Lãnh Đạo"
    world.leader.save(update_fields=["full_name"])
    return world


@dataclass
class Journey:
    """A dossier moved through the services by the people of one world, on a settable clock."""

    world: World
    clock: object

    def at(self, day: int, hour: int = 9, minute: int = 0) -> datetime:
        return self.clock.set(2026, 10, day, hour, minute)  # type: ignore[attr-defined]

    def submitted(self) -> Dossier:
        self.at(5, 9, 0)
        return services.dossier_submit(
            applicant=self.world.citizen,
            agency=self.world.agency,
            procedure=self.world.procedure,
            procedure_version=1,
            form_data={"ho_ten_tre": "Nguyễn Văn An"},
            documents=submission_documents(self.world),
            contact=services.ContactInput(
                phone="0912345678", email="huong@example.vn", address="12 Lê Lợi, Phường Sài Gòn"
            ),
        ).dossier

    def received(self) -> Dossier:
        dossier = self.submitted()
        self.at(5, 10, 0)
        return services.dossier_receive(dossier=dossier, actor=self.world.desk)

    def appraising(self) -> Dossier:
        dossier = self.received()
        self.at(5, 14, 0)
        return services.dossier_forward(
            dossier=dossier, actor=self.world.desk, to_step=Step.APPRAISE, assignee=self.world.specialist
        )

    def approving(self) -> Dossier:
        dossier = self.appraising()
        self.at(7, 9, 0)
        return services.dossier_forward(
            dossier=dossier, actor=self.world.specialist, to_step=Step.APPROVE, assignee=self.world.leader
        )

    def returned(self) -> Dossier:
        dossier = self.approving()
        self.at(8, 9, 0)
        dossier = services.dossier_forward(
            dossier=dossier, actor=self.world.leader, to_step=Step.ISSUE, assignee=self.world.clerk
        )
        self.at(8, 15, 0)
        result = upload(self.world.clerk, name="trich-luc-khai-sinh.pdf")
        dossier = services.dossier_result_ready(
            dossier=dossier, actor=self.world.clerk, documents=[DocumentInput(attachment_id=result.pk)]
        )
        self.at(9, 8, 0)
        return services.dossier_return(dossier=dossier, actor=self.world.desk, note="Trả trực tiếp")

    def refused(self) -> Dossier:
        dossier = self.submitted()
        self.at(5, 11, 30)
        return services.dossier_refuse(
            dossier=dossier,
            actor=self.world.desk,
            reasons=["Thủ tục không thuộc thẩm quyền giải quyết của Sở Tư pháp", "Tờ khai không có chữ ký"],
        )

    def supplement_requested(self) -> Dossier:
        dossier = self.received()
        self.at(6, 8, 30)
        return services.dossier_request_supplement(
            dossier=dossier,
            actor=self.world.desk,
            reasons=["Bổ sung Giấy chứng sinh bản chính"],
            required_document_ids=[self.world.optional_doc.pk],
        )

    def apologised(self) -> Dossier:
        dossier = self.appraising()
        self.at(9, 16, 0)
        return services.dossier_apologise(
            dossier=dossier,
            actor=self.world.leader,
            reason="Cần xác minh thông tin với Ủy ban nhân dân phường nơi cư trú",
            new_due_at=timezone.make_aware(datetime(2026, 10, 16, 16, 0)),
        )

    def stopped(self) -> Dossier:
        dossier = self.approving()
        self.at(8, 10, 0)
        return services.dossier_stop(
            dossier=dossier,
            actor=self.world.leader,
            legal_reason="Người yêu cầu đề nghị dừng giải quyết hồ sơ bằng văn bản",
            legal_basis="Khoản 3 Điều 19 Nghị định số 118/2025/NĐ-CP",
        )


@pytest.fixture
def journey(hcm: World, clock) -> Journey:
    return Journey(world=hcm, clock=clock)
