"""Form 07, the dossier register: an agency's dossiers received in a period, as PDF and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from opendvc.core.errors import ApiError
from opendvc.dossiers import documents, services
from opendvc.dossiers.documents import REGISTER_COLUMNS, dossier_register_render, dossier_register_rows
from opendvc.dossiers.models import Channel
from opendvc.dossiers.tests.documents.conftest import APPLICANT, Journey, one_line, pdf_text

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


@pytest.fixture
def register(journey: Journey) -> dict[str, str]:
    """A returned dossier, a refused one, one received in November and one of another agency."""
    returned = journey.returned()
    refused = journey.refused()
    world = journey.world
    journey.clock.set(2026, 11, 2, 9, 0)  # type: ignore[attr-defined]
    later = services.dossier_register(
        officer=world.desk,
        agency=world.agency,
        procedure=world.procedure,
        channel=Channel.POST,
        applicant=services.ApplicantInput(name="Công ty TNHH Ánh Dương", kind=2, id_number="0312345673"),
        receive_now=True,
    )
    journey.clock.set(2026, 10, 20, 9, 0)  # type: ignore[attr-defined]
    received = services.dossier_register(
        officer=world.desk,
        agency=world.agency,
        procedure=world.procedure,
        channel=Channel.IN_PERSON,
        applicant=services.ApplicantInput(
            name="Võ Thị Ngọc Ánh", id_number="079190001111", phone="0909000111", address="5 Nguyễn Huệ, Phường Sài Gòn"
        ),
        receive_now=True,
    )
    return {"returned": returned.code, "refused": refused.code, "later": later.code, "received": received.code}


def test_register_rows_are_the_dossiers_received_in_the_period_by_reception_time(register, hcm) -> None:
    rows = dossier_register_rows(agency=hcm.agency, date_from=FIRST, date_to=LAST)
    assert [row.code for row in rows] == [register["returned"], register["received"]]
    first, second = rows
    assert first.cells() == [
        "1",
        register["returned"],
        "Thủ tục đăng ký khai sinh",
        "1",
        APPLICANT,
        "12 Lê Lợi, Phường Sài Gòn, 0912345678",
        "Sở Tư pháp Thành phố Hồ Chí Minh",
        "05/10/2026",
        "12/10/2026",
        "05/10/2026",
        "08/10/2026",
        "09/10/2026",
        "",
    ]
    assert second.cells()[:5] == ["2", register["received"], "Thủ tục đăng ký khai sinh", "1", "Võ Thị Ngọc Ánh"]
    assert second.cells()[7:] == ["20/10/2026", "27/10/2026", "", "", "", ""]


def test_register_csv_has_a_bom_the_official_columns_and_one_row_per_dossier(register, hcm) -> None:
    content = dossier_register_render(agency=hcm.agency, fmt="csv", date_from=FIRST, date_to=LAST)
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == list(REGISTER_COLUMNS["vi"])
    assert table[0][:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"] and table[0][-1] == "Ký nhận"
    assert [row[1] for row in table[1:]] == [register["returned"], register["received"]]
    assert table[2][5] == "5 Nguyễn Huệ, Phường Sài Gòn, 0909000111"
    assert all(len(row) == 13 for row in table)


def test_register_pdf_is_a_landscape_table_with_the_heading_and_the_period(register, hcm) -> None:
    from pypdf import PdfReader

    pdf = dossier_register_render(agency=hcm.agency, fmt="pdf", date_from=FIRST, date_to=LAST)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = pdf_text(pdf)
    flat = one_line(text)
    assert "Mẫu số 07" in text and "SỔ THEO DÕI HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Từ ngày 01/10/2026 đến ngày 31/10/2026" in text
    assert "Tổng số hồ sơ: 2" in text
    assert register["returned"] in text and register["received"] in text
    assert register["refused"] not in text and register["later"] not in text
    assert "Võ Thị Ngọc Ánh" in flat
    assert "Trang 1/1" in text


def test_an_empty_period_still_prints_the_register(hcm) -> None:
    text = pdf_text(dossier_register_render(agency=hcm.agency, fmt="pdf", date_from=FIRST, date_to=LAST))
    assert "Không có hồ sơ được tiếp nhận trong kỳ." in text


@pytest.mark.parametrize(
    ("date_from", "date_to"), [(date(2026, 10, 31), date(2026, 10, 1)), (date(2025, 1, 1), date(2026, 1, 2))]
)
def test_a_period_backwards_or_longer_than_a_year_is_refused(hcm, date_from: date, date_to: date) -> None:
    with pytest.raises(ApiError) as caught:
        dossier_register_render(agency=hcm.agency, date_from=date_from, date_to=date_to, fmt="csv")
    assert caught.value.code == "register_period_invalid"
    assert caught.value.message_vi and caught.value.message_en


def test_the_register_reads_in_two_queries(register, hcm, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        dossier_register_rows(agency=hcm.agency, date_from=FIRST, date_to=LAST)


def test_a_register_too_long_for_one_pdf_points_to_the_csv(register, hcm, monkeypatch) -> None:
    monkeypatch.setattr(documents, "REGISTER_PDF_MAX_ROWS", 1)
    with pytest.raises(ApiError) as caught:
        dossier_register_render(agency=hcm.agency, date_from=FIRST, date_to=LAST, fmt="pdf")
    assert caught.value.code == "register_too_large" and caught.value.status == 422
    assert "CSV" in caught.value.message_vi and "CSV" in caught.value.message_en
    assert dossier_register_render(agency=hcm.agency, date_from=FIRST, date_to=LAST, fmt="csv").count(b"\n") == 3
