"""Officer pages: worklists per role, the dossier page with only the allowed actions, each action's
confirmation and effect, refusals shown in place, scope (another agency gets a 404)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.audit.models import AuditEntry
from opendvc.dossiers.models import Attachment, Dossier, DossierEvent, DossierStatus
from opendvc.dossiers.selectors import dossier_chain_verify
from opendvc.dossiers.tests.factories import EXE_BYTES, PDF_BYTES, PNG_BYTES, World, officer_with
from opendvc.dossiers_web.tests.conftest import advance, submit

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def text(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page_url(dossier: Dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/"


def action_url(dossier: Dossier, slug: str) -> str:
    return f"/can-bo/ho-so/{dossier.code}/thao-tac/{slug}/"


def offered_actions(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'action="/can-bo/ho-so/[^"]+/thao-tac/([a-z-]+)/"', response.content.decode())


def confirm(client: Client, dossier: Dossier, slug: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    """Send an action's form, check the confirmation page, then confirm with the values it carries."""
    first = client.post(action_url(dossier, slug), data)
    assert first.status_code == 200, text(first)[:2000]
    assert "Xác nhận" in text(first)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', first.content.decode()))
    hidden.pop("csrfmiddlewaretoken", None)
    hidden = {key: unescape(value) for key, value in hidden.items()}
    return first, client.post(action_url(dossier, slug), {**hidden, "confirmed": "1"})


# --- Worklists -------------------------------------------------------------------------------------------


def test_desk_worklist_lists_new_dossiers_with_the_columns_officers_scan(world: World, login: Login) -> None:
    dossier = submit(world)
    response = login(world.desk).get("/can-bo/")
    assert response.status_code == 200
    body = text(response)
    assert "Mới tiếp nhận" in body and dossier.code in body
    for column in ("Mã hồ sơ", "Thủ tục", "Người nộp", "Tiếp nhận", "Hẹn trả", "Trạng thái, bước", "Người xử lý"):
        assert column in body
    assert world.citizen.full_name in body
    assert f"/can-bo/ho-so/{dossier.code}/?back=" in response.content.decode()


def test_tabs_follow_the_officers_roles(world: World, login: Login) -> None:
    desk = text(login(world.desk).get("/can-bo/"))
    assert "Mới tiếp nhận" in desk and "Chờ trả kết quả" in desk and "Chờ thẩm định" not in desk
    specialist = text(login(world.specialist).get("/can-bo/"))
    assert "Chờ thẩm định" in specialist and "Mới tiếp nhận" not in specialist
    assert "Sắp đến hạn" in specialist and "Quá hạn" in specialist
    assert "Chờ phê duyệt" in text(login(world.leader).get("/can-bo/"))
    assert "Chờ phát hành" in text(login(world.clerk).get("/can-bo/"))


def test_an_officer_of_another_agency_sees_none_of_its_dossiers(world: World, login: Login) -> None:
    dossier = submit(world)
    body = text(login(world.foreign_officer).get("/can-bo/?tab=all"))
    assert dossier.code not in body


def test_overdue_dossiers_are_red_and_say_so_in_words(world: World, login: Login, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(2026, 11, 2, 9, 0)
    dossier = advance(world, submit(world), to="appraise")
    clock.set(2026, 11, 20, 9, 0)
    response = login(world.specialist).get("/can-bo/?tab=overdue")
    body = text(response)
    assert dossier.code in body
    assert "Quá hạn 9 ngày làm việc" in body
    assert "odvc-worklist__row--overdue" in response.content.decode()


def test_filters_are_kept_in_tab_and_next_page_links(world: World, login: Login, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from opendvc.dossiers_web.views import officer

    monkeypatch.setattr(officer, "PAGE_SIZE", 2)
    codes = [advance(world, submit(world), to="received").code for _ in range(3)]
    today = timezone.localdate()
    query = (
        f"?tab=all&procedure={world.procedure.code}&status=2"
        f"&from_day={today.day}&from_month={today.month}&from_year={today.year}"
    )
    client = login(world.desk)
    first = client.get("/can-bo/" + query)
    html = unescape(first.content.decode())
    next_link = re.search(r'href="(\?[^"]*cursor=[^"]+)"', html)
    assert next_link, "a next-page link"
    assert f"procedure={world.procedure.code}" in next_link.group(1) and "status=2" in next_link.group(1)
    assert f"from_day={today.day}" in next_link.group(1)
    new_tab = re.search(r'href="(\?[^"]*tab=new[^"]*)"', html)
    assert new_tab and "status=2" in new_tab.group(1)
    second = client.get("/can-bo/" + next_link.group(1))
    shown = [code for code in codes if code in text(first)] + [code for code in codes if code in text(second)]
    assert sorted(shown) == sorted(codes)
    assert "Về trang đầu" in text(second)


def test_a_filter_that_matches_nothing_and_a_wrong_date_are_explained(world: World, login: Login) -> None:
    advance(world, submit(world), to="received")
    client = login(world.desk)
    assert "Không có hồ sơ nào." in text(client.get("/can-bo/?tab=all&status=10"))
    wrong = text(client.get("/can-bo/?tab=all&from_day=31&from_month=2&from_year=2026"))
    assert "phải là một ngày có thật" in wrong


def test_filter_box_shows_what_was_typed_and_the_empty_box_follows_the_language(world: World, login: Login) -> None:
    client = login(world.desk)
    typed = client.get(f"/can-bo/?tab=all&procedure={world.procedure.code}&status=2").content.decode()
    assert re.search(rf'<option value="{re.escape(world.procedure.code)}" selected>', typed)
    assert re.search(r'<option value="2" selected>', typed)
    empty = client.get("/can-bo/?tab=all").content.decode()
    assert f'<option value="{world.procedure.code}">' in empty and '<option value="2">' in empty
    assert "Tất cả thủ tục" in empty
    client.cookies["django_language"] = "en"
    english = client.get("/can-bo/?tab=all").content.decode()
    assert "All procedures" in english and "Tất cả thủ tục" not in english


def test_a_person_without_an_officer_role_is_told_so(world: World, login: Login) -> None:
    response = login(world.citizen).get("/can-bo/")
    assert response.status_code == 403
    assert "chưa được giao việc" in text(response)


def test_worklist_query_count_is_pinned(world: World, login: Login, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        advance(world, submit(world), to="appraise")
    client = login(world.specialist)
    client.get("/can-bo/")
    # session, user, the officer's verified TOTP device (django-otp), roles (read once for the tabs and
    # the list), the catalogue revision (the filter box is remembered per revision), the page; the
    # decided days for the remaining-days labels were read by the first visit and are kept a minute
    with django_assert_num_queries(6):
        response = client.get("/can-bo/")
    assert response.content.decode().count("odvc-worklist__row") == 5


# --- The dossier page ---------------------------------------------------------------------------------------


def test_dossier_page_shows_timeline_documents_answers_and_the_due_date(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="appraise")
    response = login(world.specialist).get(page_url(dossier))
    assert response.status_code == 200
    body = text(response)
    received = timezone.localtime(dossier.received_at)
    assert f"Hồ sơ đã được tiếp nhận lúc {received:%H:%M} ngày {received:%d/%m/%Y}." in body
    assert "Hồ sơ được chuyển sang bước «Thẩm định»" in body
    assert "Ho ten tre" in body and "Nguyễn Văn Bình" in body
    attachment = dossier.attachments.get()
    html = response.content.decode()
    assert f"/api/v1/dossiers/{dossier.code}/attachments/{attachment.pk}" in html
    assert f'src="/ho-so/{dossier.code}/tep/{attachment.pk}/"' in html
    assert "Ngày hẹn trả được tính thế nào?" in body
    assert "Thời hạn giải quyết 5 ngày làm việc" in body


def test_dossier_page_query_count_is_pinned(world: World, login: Login, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    dossier = advance(world, submit(world), to="appraise")
    client = login(world.specialist)
    client.get(page_url(dossier))
    # 11 + the officer's verified TOTP device (django-otp) + the dossier's fees (none here: no orders
    # read); the due-date explanation reads no events of its own (the timeline's) and shares the page's
    # one read of the decided days
    with django_assert_num_queries(13):
        client.get(page_url(dossier))


def test_another_agencys_officer_gets_404_for_the_page_its_files_and_its_actions(world: World, login: Login) -> None:
    dossier = submit(world)
    attachment = dossier.attachments.get()
    client = login(world.foreign_officer)
    assert client.get(page_url(dossier)).status_code == 404
    assert client.get(f"/ho-so/{dossier.code}/tep/{attachment.pk}/").status_code == 404
    response = client.post(action_url(dossier, "receive"), {"confirmed": "1"})
    assert response.status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_a_citizen_cannot_open_the_officer_page_even_for_their_own_dossier(world: World, login: Login) -> None:
    dossier = submit(world)
    assert login(world.citizen).get(page_url(dossier)).status_code == 404
    assert login(world.citizen).post(action_url(dossier, "receive"), {"confirmed": "1"}).status_code == 404


def test_unknown_and_malformed_codes_are_404(world: World, login: Login) -> None:
    client = login(world.desk)
    assert client.get(f"/can-bo/ho-so/{world.agency.code}-261231-9999/").status_code == 404
    assert client.get("/can-bo/ho-so/not-a-code/").status_code == 404


@pytest.mark.parametrize(
    ("stage", "role", "expected"),
    [
        ("submitted", "desk", ["receive", "refuse"]),
        ("submitted", "specialist", []),
        ("received", "desk", ["request-supplement", "forward"]),
        ("received", "leader", ["apologise"]),
        ("appraise", "specialist", ["request-supplement", "forward", "request-payment"]),
        ("appraise", "leader", ["stop", "apologise"]),
        ("approve", "leader", ["forward", "stop", "apologise"]),
        ("issue", "clerk", ["result-ready"]),
        ("supplement", "desk", ["supply"]),
        ("payment", "desk", ["payment-settled"]),
        ("ready", "desk", ["return"]),
        ("ready", "clerk", []),
    ],
)
def test_only_the_actions_allowed_now_are_offered(
    world: World, login: Login, stage: str, role: str, expected: list[str]
) -> None:
    dossier = submit(world)
    if stage != "submitted":
        dossier = advance(world, dossier, to=stage)
    response = login(world.officer(role)).get(page_url(dossier))
    assert offered_actions(response) == expected


def test_an_action_not_allowed_now_is_refused_in_place(world: World, login: Login) -> None:
    dossier = submit(world)
    response = login(world.desk).post(action_url(dossier, "return"), {"confirmed": "1"})
    assert response.status_code == 409
    assert "Không thể trả kết quả khi hồ sơ đang ở trạng thái «Mới đăng ký»" in text(response)


# --- Each action --------------------------------------------------------------------------------------------


def test_receive_shows_the_due_date_it_will_set_then_receives(world: World, login: Login, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(2026, 11, 25, 9, 12)
    dossier = submit(world)
    client = login(world.desk)
    page = text(client.get(page_url(dossier)))
    assert "Nếu tiếp nhận bây giờ, ngày hẹn trả là 09:12 ngày 02/12/2026 (thời hạn 5 ngày làm việc)." in page
    first, done = confirm(client, dossier, "receive", {"receive-note": "Đủ giấy tờ"})
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)" in text(first)
    assert "09:12 ngày 02/12/2026" in text(first)
    assert done.status_code == 302 and done["Location"] == page_url(dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    after = text(client.get(page_url(dossier)))
    assert "Đã tiếp nhận hồ sơ" in after and "Hẹn trả kết quả lúc 09:12 ngày 02/12/2026" in after


def test_receive_asks_for_the_time_limit_when_the_catalogue_has_none(db: None, login: Login) -> None:
    from opendvc.dossiers.tests.factories import make_world

    world = make_world(time_amount=None)
    dossier = submit(world)
    client = login(world.desk)
    missing = client.post(action_url(dossier, "receive"), {})
    assert missing.status_code == 400
    assert "Nhập thời hạn giải quyết" in text(missing)
    _first, done = confirm(
        client, dossier, "receive", {"receive-time_amount": "10", "receive-time_unit": "working_days"}
    )
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.time_limit_amount, dossier.time_limit_unit) == (2, 10, "working_days")


def test_refuse_needs_reasons_and_states_its_consequence(world: World, login: Login) -> None:
    dossier = submit(world)
    client = login(world.desk)
    empty = client.post(action_url(dossier, "refuse"), {"refuse-reasons": "  "})
    assert empty.status_code == 400
    assert "Nêu ít nhất một lý do" in text(empty)
    assert 'class="odvc-action odvc-action--warning" id="refuse" open' in empty.content.decode()
    first, done = confirm(client, dossier, "refuse", {"refuse-reasons": "Sai thẩm quyền\nThiếu tờ khai"})
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)" in text(first)
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    assert DossierEvent.objects.filter(dossier=dossier).latest("seq").data["reasons"] == [
        "Sai thẩm quyền",
        "Thiếu tờ khai",
    ]


def test_request_supplement_then_desk_records_the_paper_supplement(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="received")
    client = login(world.desk)
    first, done = confirm(
        client,
        dossier,
        "request-supplement",
        {
            "request-supplement-reasons": "Thiếu giấy chứng sinh",
            "request-supplement-documents": [world.optional_doc.pk],
        },
    )
    assert "Trả lại hồ sơ sẽ gửi Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) cho công dân" in text(first)
    assert world.optional_doc.name in text(first)
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    _first, supplied = confirm(client, dossier, "supply", {"supply-note": "Công dân mang bản chính đến"})
    assert supplied.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_forward_offers_only_eligible_officers_and_hands_over(world: World, login: Login) -> None:
    other_specialist = officer_with(world.agency, "specialist", full_name="Đỗ Thị Thẩm Định")
    foreign_specialist = officer_with(world.other_agency, "specialist", full_name="Cán Bộ Nơi Khác")
    dossier = advance(world, submit(world), to="received")
    client = login(world.desk)
    page = client.get(page_url(dossier)).content.decode()
    options = re.findall(r'<option value="(appraise:[^"]+)"', page)
    assert sorted(options) == sorted([f"appraise:{world.specialist.username}", f"appraise:{other_specialist.username}"])
    assert foreign_specialist.username not in page and world.leader.username not in page
    first, done = confirm(
        client, dossier, "forward", {"forward-target": f"appraise:{other_specialist.username}", "forward-note": "Xử lý"}
    )
    assert "Đỗ Thị Thẩm Định" in text(first)
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_step, dossier.assignee) == (4, "appraise", other_specialist)


def test_forward_to_someone_not_eligible_is_refused_in_place(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="received")
    client = login(world.desk)
    response = client.post(
        action_url(dossier, "forward"),
        {"forward-target": f"appraise:{world.foreign_officer.username}", "confirmed": "1"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in text(response) or "Hãy chọn một lựa chọn hợp lệ" in text(response)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_request_payment_uses_the_catalogue_fee_and_the_desk_confirms_payment(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="appraise")
    first, done = confirm(login(world.specialist), dossier, "request-payment", {})
    assert "8.000 đ" in text(first)
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED
    _first, settled = confirm(login(world.desk), dossier, "payment-settled", {"payment-settled-reference": "BL-0001"})
    assert settled.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.IN_PROGRESS


def test_stop_needs_a_legal_reason(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="approve")
    client = login(world.leader)
    assert client.post(action_url(dossier, "stop"), {"stop-legal_reason": ""}).status_code == 400
    first, done = confirm(
        client, dossier, "stop", {"stop-legal_reason": "Người yêu cầu đề nghị dừng", "stop-legal_basis": "Điều 21"}
    )
    assert "Thông báo dừng giải quyết hồ sơ (Mẫu 05)" in text(first)
    assert done.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.STOPPED


def test_result_ready_uploads_the_result_and_the_desk_returns_it(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="issue")
    client = login(world.clerk)
    missing = client.post(action_url(dossier, "result-ready"), {})
    assert missing.status_code == 400 and "Đính kèm văn bản kết quả" in text(missing)
    disguised = client.post(
        action_url(dossier, "result-ready"),
        {"result-ready-uploads": SimpleUploadedFile("ket-qua.pdf", EXE_BYTES, content_type="application/pdf")},
    )
    assert disguised.status_code == 400
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in text(disguised)
    first, done = confirm(
        client,
        dossier,
        "result-ready",
        {
            "result-ready-uploads": SimpleUploadedFile(
                "trich-luc-khai-sinh.pdf", PDF_BYTES, content_type="application/pdf"
            )
        },
    )
    assert "trich-luc-khai-sinh.pdf" in text(first)
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.attachments.filter(kind=Attachment.Kind.RESULT, original_name="trich-luc-khai-sinh.pdf").exists()
    _first, returned = confirm(login(world.desk), dossier, "return", {"return-note": "Trả trực tiếp"})
    assert returned.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert dossier_chain_verify(dossier=dossier).ok


def test_apology_with_an_earlier_date_is_refused_in_place_then_a_later_one_works(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="approve")
    client = login(world.leader)
    earlier = timezone.localtime(dossier.due_at) - timedelta(days=1)
    data = {
        "apologise-reason": "Cần xác minh thêm",
        "apologise-due_day": earlier.day,
        "apologise-due_month": earlier.month,
        "apologise-due_year": earlier.year,
    }
    refused = client.post(action_url(dossier, "apologise"), {**data, "confirmed": "1"})
    assert refused.status_code == 422
    assert "Ngày hẹn trả mới phải sau ngày hẹn hiện tại" in text(refused)
    assert 'id="apologise" open' in refused.content.decode()
    assert AuditEntry.objects.filter(object_id=dossier.code, outcome="refused", reason="appointment_invalid").exists()
    later = timezone.localtime(dossier.due_at) + timedelta(days=7)
    first, done = confirm(
        client,
        dossier,
        "apologise",
        {**data, "apologise-due_day": later.day, "apologise-due_month": later.month, "apologise-due_year": later.year},
    )
    assert "Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)" in text(first)
    assert f"17:00 ngày {later:%d/%m/%Y}" in text(first)
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.apologies == 1 and timezone.localtime(dossier.due_at).date() == later.date()


def test_edit_returns_to_the_form_with_what_was_typed(world: World, login: Login) -> None:
    dossier = submit(world)
    response = login(world.desk).post(action_url(dossier, "refuse"), {"refuse-reasons": "Sai thẩm quyền", "edit": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="refuse" open' in html and "Sai thẩm quyền</textarea>" in html
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


# --- Files inline -----------------------------------------------------------------------------------------------


def test_files_are_served_inline_for_viewing_in_the_page(world: World, login: Login) -> None:
    from opendvc.dossiers.services import attachment_upload

    dossier = submit(world)
    image = attachment_upload(user=world.desk, file=SimpleUploadedFile("anh.png", PNG_BYTES))
    Attachment.objects.filter(pk=image.pk).update(dossier=dossier)
    client = login(world.desk)
    pdf = client.get(f"/ho-so/{dossier.code}/tep/{dossier.attachments.order_by('pk')[0].pk}/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"] == "inline"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert pdf.getvalue().startswith(b"%PDF")
    page = client.get(page_url(dossier)).content.decode()
    assert f'<img class="odvc-files__image" src="/ho-so/{dossier.code}/tep/{image.pk}/"' in page


# --- Desk registration -------------------------------------------------------------------------------------------


def test_desk_registers_an_in_person_dossier_with_the_citizens_consent(world: World, login: Login) -> None:
    client = login(world.desk)
    form = {
        "agency": world.agency.pk,
        "procedure": world.procedure.code,
        "channel": "1",
        "applicant_kind": "1",
        "applicant_name": "Võ Thị Hồng",
        "applicant_id": "079185009999",
        "applicant_phone": "0903111222",
        "receive_now": "on",
        "uploads": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
    }
    refused = client.post("/can-bo/dang-ky-ho-so/", form)
    assert refused.status_code == 400
    assert "Hỏi và đánh dấu sự đồng ý của người nộp" in text(refused)
    assert not Dossier.objects.exists()
    form["uploads"] = SimpleUploadedFile("to-khai.pdf", PDF_BYTES)
    response = client.post("/can-bo/dang-ky-ho-so/", {**form, "consent": "on"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(dossier)
    assert (dossier.channel, dossier.status, dossier.applicant_name) == (1, DossierStatus.RECEIVED, "Võ Thị Hồng")
    assert dossier.submitted_by == world.desk and dossier.attachments.count() == 1
    consent = AuditEntry.objects.get(action="dossier.assisted_consent")
    assert consent.object_id == dossier.code and consent.actor_id == world.desk.pk


def test_registration_links_a_citizen_who_has_an_account(world: World, login: Login) -> None:
    response = login(world.desk).post(
        "/can-bo/dang-ky-ho-so/",
        {
            "agency": world.agency.pk,
            "procedure": world.procedure.code,
            "channel": "3",
            "applicant_kind": "1",
            "applicant_name": world.citizen.full_name,
            "applicant_id": world.citizen.personal_id,
            "consent": "on",
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant == world.citizen and dossier.status == DossierStatus.SUBMITTED
    assert dossier.code in text(login(world.citizen).get("/ho-so-cua-toi/"))


def test_registration_is_for_desk_officers_only(world: World, login: Login) -> None:
    assert login(world.specialist).get("/can-bo/dang-ky-ho-so/").status_code == 403
    page = login(world.desk).get("/can-bo/dang-ky-ho-so/")
    assert page.status_code == 200 and world.procedure.code in page.content.decode()


def test_the_way_back_to_the_worklist_page_survives_an_action(world: World, login: Login) -> None:
    dossier = submit(world)
    client = login(world.desk)
    back = "/can-bo/?tab=new&status=1"
    page = client.get(page_url(dossier), {"back": back}).content.decode()
    assert 'href="/can-bo/?tab=new&amp;status=1">Về danh sách công việc' in page
    assert '<input type="hidden" name="back" value="/can-bo/?tab=new&amp;status=1">' in page
    _first, done = confirm(client, dossier, "receive", {"back": back})
    assert done["Location"] == page_url(dossier) + "?back=%2Fcan-bo%2F%3Ftab%3Dnew%26status%3D1"
    elsewhere = client.get(page_url(dossier), {"back": "https://example.com/can-bo/"}).content.decode()
    assert 'href="/can-bo/">Về danh sách công việc' in elsewhere
