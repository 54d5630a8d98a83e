"""Forms 01–06 printed from dossiers moved through the real services: what a person reads on the PDF."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from pypdf import PdfReader

from opendvc.core.errors import ApiError
from opendvc.dossiers import documents, services
from opendvc.dossiers.documents import dossier_form_context, dossier_form_render
from opendvc.dossiers.models import Channel
from opendvc.dossiers.tests.conftest import local
from opendvc.dossiers.tests.documents.conftest import APPLICANT, Journey, one_line, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

HEADING = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def assert_heading(text: str, *, form: str, place_date: str) -> None:
    for line in HEADING:
        assert line in text
    assert f"Mẫu số {form}" in text
    assert "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSỞ TƯ PHÁP" in text
    assert place_date in text


def fonts_used(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_form_01_is_the_receipt_with_the_appointment_documents_and_both_signatures(journey: Journey) -> None:
    dossier = journey.received()
    pdf = dossier_form_render(dossier=dossier, number=1)
    text = pdf_text(pdf)
    flat = one_line(text)

    assert_heading(text, form="01", place_date="TP. Hồ Chí Minh, ngày 05 tháng 10 năm 2026")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert f"Ông/Bà: {APPLICANT}" in text
    assert f"Số giấy tờ: {journey.world.citizen.personal_id}" in text
    assert "Số điện thoại: 0912345678; Thư điện tử: huong@example.vn" in text
    assert "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh" in text
    assert "1 Tờ khai đăng ký khai sinh theo mẫu (1 tệp điện tử) 1" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc." in text
    assert "4. Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 05 tháng 10 năm 2026." in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 12 tháng 10 năm 2026." in text
    assert "Nhận kết quả tại: Bộ phận Một cửa – Sở Tư pháp Thành phố Hồ Chí Minh, 141–143 Pasteur" in flat
    assert "hoặc nhận kết quả điện tử trên Cổng Dịch vụ công" in flat
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Lê Văn Tiếp Nhận" in text
    assert pdf_pages(pdf) == 1
    assert fonts_used(pdf) <= {"Forms-Serif", "Forms-Serif-Bold", "Forms-Serif-Italic", "Forms-Serif-BoldItalic"}


def test_form_01_carries_a_qr_code_and_a_link_to_the_public_tracking_page(journey: Journey, settings) -> None:
    settings.OPENDVC_PUBLIC_URL = "https://dichvucong.example.vn/"
    dossier = journey.received()
    url = f"https://dichvucong.example.vn/tra-cuu-ho-so/?code={dossier.code}"

    context = dossier_form_context(dossier=dossier, number=1)
    assert context["tracking_url"] == url
    assert context["qr"].startswith("<svg") and 'class="qr-code"' in context["qr"]
    pdf = dossier_form_render(dossier=dossier, number=1)
    assert url in one_line(pdf_text(pdf))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    annotations: Any = page["/Annots"]
    assert url in [annotation.get_object()["/A"]["/URI"] for annotation in annotations]
    # The QR code is drawn as vector paths: the page holds far more path operators than text lines.
    contents: Any = page.get_contents()
    assert contents.get_data().count(b" l\n") + contents.get_data().count(b" re\n") > 100


def test_form_01_shows_the_appointment_moved_by_a_supplement(journey: Journey) -> None:
    dossier = journey.supplement_requested()
    journey.at(7, 9, 0)
    dossier = services.dossier_supplement_submit(
        dossier=dossier, actor=journey.world.desk, note="Đã nhận Giấy chứng sinh bản chính"
    )
    assert local(dossier.due_at) == "2026-10-13T10:30:00+07:00"
    text = one_line(pdf_text(dossier_form_render(dossier=dossier, number=1)))
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 12 tháng 10 năm 2026." in text
    assert "Ngày hẹn trả kết quả hiện nay: 10 giờ 30 phút, ngày 13 tháng 10 năm 2026" in text


def test_form_01_of_a_paper_dossier_lists_the_mandatory_components_checked_at_the_desk(hcm, clock) -> None:
    clock.set(2026, 3, 2, 8, 15)
    dossier = services.dossier_register(
        officer=hcm.desk,
        agency=hcm.agency,
        procedure=hcm.procedure,
        channel=Channel.IN_PERSON,
        applicant=services.ApplicantInput(name="Trần Văn Bình", id_number="001090004321", phone="0987654321"),
        receive_now=True,
    )
    text = pdf_text(dossier_form_render(dossier=dossier, number=1))
    assert "1 Tờ khai đăng ký khai sinh theo mẫu 1" in text
    assert "Giấy chứng sinh" not in text
    assert "Cổng Dịch vụ công" not in text
    assert "TP. Hồ Chí Minh, ngày 02 tháng 3 năm 2026" in text
    assert "08 giờ 15 phút, ngày 02 tháng 3 năm 2026" in text


def test_names_typed_with_combining_accents_print_as_precomposed_vietnamese_letters(journey: Journey) -> None:
    dossier = journey.received()
    decomposed = unicodedata.normalize("NFD", "Đặng Thị Ánh Nguyệt")
    dossier.applicant_name = decomposed
    dossier.save(update_fields=["applicant_name"])
    text = pdf_text(dossier_form_render(dossier=dossier, number=1))
    assert "Ông/Bà: Đặng Thị Ánh Nguyệt" in text


def test_form_02_lists_the_reasons_the_documents_asked_for_and_the_guiding_officer(journey: Journey) -> None:
    dossier = journey.supplement_requested()
    pdf = dossier_form_render(dossier=dossier, number=2)
    text = pdf_text(pdf)
    flat = one_line(text)
    assert_heading(text, form="02", place_date="TP. Hồ Chí Minh, ngày 06 tháng 10 năm 2026")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Ngày 05 tháng 10 năm 2026, Sở Tư pháp Thành phố Hồ Chí Minh đã tiếp nhận hồ sơ của Ông/Bà" in flat
    assert "Bổ sung Giấy chứng sinh bản chính" in text
    assert "Giấy tờ cần bổ sung, hoàn thiện:" in text and "- Giấy chứng sinh" in text
    assert "không tính vào thời hạn giải quyết" in flat
    assert "liên hệ với Lê Văn Tiếp Nhận, Sở Tư pháp Thành phố Hồ Chí Minh" in flat
    assert "số điện thoại 028 3829 7284" in flat
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_form_03_gives_every_reason_for_the_refusal(journey: Journey) -> None:
    dossier = journey.refused()
    text = pdf_text(dossier_form_render(dossier=dossier, number=3))
    flat = one_line(text)
    assert_heading(text, form="03", place_date="TP. Hồ Chí Minh, ngày 05 tháng 10 năm 2026")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert f"Ông/Bà: {APPLICANT}" in text
    assert "Ngày nộp hồ sơ: 09 giờ 00 phút, ngày 05 tháng 10 năm 2026." in flat
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:" in flat
    assert "Thủ tục không thuộc thẩm quyền giải quyết của Sở Tư pháp" in flat
    assert "Tờ khai không có chữ ký" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Lê Văn Tiếp Nhận" in text


def test_form_04_apologises_with_the_reason_and_the_new_appointment(journey: Journey) -> None:
    dossier = journey.apologised()
    text = pdf_text(dossier_form_render(dossier=dossier, number=4))
    flat = one_line(text)
    assert_heading(text, form="04", place_date="TP. Hồ Chí Minh, ngày 09 tháng 10 năm 2026")
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert f"Kính gửi: Ông/Bà {APPLICANT}" in text
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 12 tháng 10 năm 2026." in flat
    assert "lý do: Cần xác minh thông tin với Ủy ban nhân dân phường nơi cư trú" in flat
    assert "xin lỗi Ông/Bà" in flat
    assert "vào 16 giờ 00 phút, ngày 16 tháng 10 năm 2026." in flat
    assert "THỦ TRƯỞNG CƠ QUAN" in text and "Phạm Thị Lãnh Đạo" in text
    assert "Nơi nhận:" in text


def test_form_05_notifies_the_stop_with_its_legal_reason_and_basis(journey: Journey) -> None:
    dossier = journey.stopped()
    text = pdf_text(dossier_form_render(dossier=dossier, number=5))
    flat = one_line(text)
    assert_heading(text, form="05", place_date="TP. Hồ Chí Minh, ngày 08 tháng 10 năm 2026")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Căn cứ Khoản 3 Điều 19 Nghị định số 118/2025/NĐ-CP;" in flat
    assert "kể từ 10 giờ 00 phút, ngày 08 tháng 10 năm 2026." in flat
    assert "Lý do dừng giải quyết: Người yêu cầu đề nghị dừng giải quyết hồ sơ bằng văn bản" in flat
    assert "Phạm Thị Lãnh Đạo" in text


def test_form_06_judges_each_hand_over_against_its_step_deadline(journey: Journey) -> None:
    dossier = journey.returned()
    context = dossier_form_context(dossier=dossier, number=6)
    world = journey.world
    rows = [
        (row.giver.split(" (")[0], row.taker.split(" (")[0], row.at, row.deadline, row.result)
        for row in context["rows"]
    ]
    assert rows == [
        (APPLICANT, "Lê Văn Tiếp Nhận", "10:00 05/10/2026", "", ""),
        ("Lê Văn Tiếp Nhận", world.specialist.full_name, "14:00 05/10/2026", "15:45 05/10/2026", "đúng hạn"),
        (world.specialist.full_name, "Phạm Thị Lãnh Đạo", "09:00 07/10/2026", "14:00 08/10/2026", "trước hạn"),
        ("Phạm Thị Lãnh Đạo", world.clerk.full_name, "09:00 08/10/2026", "09:00 08/10/2026", "đúng hạn"),
        (world.clerk.full_name, "Bộ phận Một cửa", "15:00 08/10/2026", "14:45 08/10/2026", "quá hạn"),
        ("Lê Văn Tiếp Nhận", APPLICANT, "08:00 09/10/2026", "", ""),
    ]
    text = pdf_text(dossier_form_render(dossier=dossier, number=6))
    flat = one_line(text)
    assert_heading(text, form="06", place_date="TP. Hồ Chí Minh, ngày 09 tháng 10 năm 2026")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Sở Tư pháp Thành phố Hồ Chí Minh" in flat
    for verdict in ("trước hạn", "đúng hạn", "quá hạn"):
        assert verdict in flat
    assert "Kết quả giải quyết hồ sơ: trước hạn." in flat


def test_form_06_moves_a_step_deadline_by_the_supplement_wait_and_notes_the_request(journey: Journey) -> None:
    dossier = journey.appraising()
    journey.at(6, 9, 0)
    dossier = services.dossier_request_supplement(
        dossier=dossier, actor=journey.world.specialist, reasons=["Bản sao giấy tờ tùy thân bị mờ"]
    )
    journey.at(7, 9, 0)
    dossier = services.dossier_supplement_submit(dossier=dossier, actor=journey.world.desk)
    journey.at(7, 10, 0)
    dossier = services.dossier_forward(
        dossier=dossier, actor=journey.world.specialist, to_step="approve", assignee=journey.world.leader
    )
    dossier.refresh_from_db()
    rows = dossier_form_context(dossier=dossier, number=6)["rows"]
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ: Bản sao giấy tờ tùy thân bị mờ" in [r.note for r in rows]
    appraisal = rows[-1]
    # Appraisal: 3 working days from 14:00 05/10 is 14:00 08/10; the one-day wait moves it to 14:00 09/10.
    assert (appraisal.deadline, appraisal.result) == ("14:00 09/10/2026", "trước hạn")


@pytest.mark.parametrize(
    ("number", "moved_to"),
    [(1, "submitted"), (2, "received"), (3, "received"), (4, "received"), (5, "appraising"), (6, "submitted")],
)
def test_a_form_for_an_event_that_did_not_happen_is_not_available(journey: Journey, number: int, moved_to: str) -> None:
    dossier = getattr(journey, moved_to)()
    with pytest.raises(ApiError) as caught:
        dossier_form_render(dossier=dossier, number=number)
    assert caught.value.code == "form_not_available" and caught.value.status == 409
    assert f"Mẫu số {number:02d}" in caught.value.message_vi and f"Form {number:02d}" in caught.value.message_en


def test_the_english_translation_keeps_the_data(journey: Journey) -> None:
    dossier = journey.received()
    text = one_line(pdf_text(dossier_form_render(dossier=dossier, number=1, lang="en")))
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "Independence - Freedom - Happiness" in text
    assert "DOSSIER RECEIPT AND APPOINTMENT FOR THE RESULT" in text
    assert f"Dossier code: {dossier.code}" in text
    assert "Result due at: 10:00 on 12/10/2026." in text
    with pytest.raises(ApiError) as caught:
        dossier_form_render(dossier=dossier, number=1, lang="fr")
    assert caught.value.code == "language_unsupported"


def test_the_font_configuration_and_stylesheet_are_built_once_per_thread(journey: Journey) -> None:
    dossier = journey.received()
    dossier_form_render(dossier=dossier, number=1)
    first = documents._renderer()
    dossier_form_render(dossier=dossier, number=1)
    assert documents._renderer() is first


def test_forms_load_nothing_but_their_own_files() -> None:
    fetcher = documents._FormsFetcher()
    with pytest.raises(ValueError, match="only their own files"):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError, match="only their own files"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="only their own files"):
        fetcher.fetch(documents.FORMS_URI + "../../../../settings.py")
    assert fetcher.fetch(documents.FORMS_URI + "forms.css").read().startswith(b"/*")


@pytest.mark.parametrize(
    ("moment_day", "expected"),
    [
        ((2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        ((2026, 2, 14), "ngày 14 tháng 02 năm 2026"),
        ((2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        ((2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_dates_take_a_leading_zero_for_days_below_10_and_for_january_and_february(moment_day, expected) -> None:
    from datetime import date

    assert documents.date_words(date(*moment_day)) == expected


def test_form_01_reads_the_dossier_in_a_fixed_number_of_queries(journey: Journey, django_assert_num_queries) -> None:
    dossier = journey.received()
    with django_assert_num_queries(3):
        dossier_form_render(dossier=dossier, number=1)
