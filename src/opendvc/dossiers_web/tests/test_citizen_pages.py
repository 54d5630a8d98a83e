"""The applicant's pages: only their own dossiers, the timeline in plain words, what to do now, the
supplement upload moving the due date, the withdrawal with its confirmation, the messages sent."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.dossiers.models import Dossier, DossierStatus
from opendvc.dossiers.tests.factories import EXE_BYTES, PDF_BYTES, World, make_organisation
from opendvc.dossiers_web.tests.conftest import advance, submit
from opendvc.dossiers_web.tests.test_officer_pages import text

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def own_url(dossier: Dossier) -> str:
    return f"/ho-so-cua-toi/{dossier.code}/"


def test_my_dossiers_lists_only_my_own(world: World, login: Login) -> None:
    mine = advance(world, submit(world), to="received")
    theirs = submit(world, applicant=world.other_citizen)
    response = login(world.citizen).get("/ho-so-cua-toi/")
    body = text(response)
    assert mine.code in body and theirs.code not in body
    assert "Đã được tiếp nhận" in body
    assert timezone.localtime(mine.due_at).strftime("%d/%m/%Y") in body
    assert "Việc cần làm: Không cần làm gì." in body


def test_a_business_sees_its_organisations_dossiers(world: World, login: Login) -> None:
    representative = User.objects.create(username="0312345673", kind=User.Kind.BUSINESS, full_name="Trần Thị Bình")
    organisation = make_organisation(representative)
    dossier = submit(world, applicant=representative, organisation=organisation)
    assert dossier.code in text(login(representative).get("/ho-so-cua-toi/"))
    assert login(representative).get(own_url(dossier)).status_code == 200


def test_another_persons_dossier_is_404(world: World, login: Login) -> None:
    theirs = submit(world, applicant=world.other_citizen)
    client = login(world.citizen)
    assert client.get(own_url(theirs)).status_code == 404
    assert client.get(f"/ho-so-cua-toi/{theirs.code}/rut-ho-so/").status_code == 404
    assert client.post(f"/ho-so-cua-toi/{theirs.code}/bo-sung/", {}).status_code == 404
    assert login(world.desk).get(own_url(theirs)).status_code == 404


def test_signing_in_is_required(world: World, client: Client) -> None:
    dossier = submit(world)
    response = client.get(own_url(dossier))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_dossier_page_tells_the_story_in_plain_words(world: World, login: Login, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(2026, 11, 20, 8, 50)
    dossier = submit(world)
    clock.set(2026, 11, 23, 9, 12)
    dossier = advance(world, dossier, to="appraise")
    body = text(login(world.citizen).get(own_url(dossier)))
    assert "Hồ sơ đã được nộp trực tuyến lúc 08:50 ngày 20/11/2026." in body
    assert "Hồ sơ đã được tiếp nhận lúc 09:12 ngày 23/11/2026." in body
    assert "Đang được giải quyết" in body and "Bước hiện tại: Thẩm định." in body
    assert "Ngày hẹn trả kết quả: 09:12 ngày 01/12/2026" in body
    # 24/11 is Vietnam Culture Day (a public holiday from 2026), and a weekend: the explanation names them.
    assert "Ngày hẹn trả được tính thế nào?" in body
    assert "24/11/2026" in body and "28/11/2026" in body
    assert "Không cần làm gì. Cơ quan đang giải quyết hồ sơ đến ngày hẹn trả." in body
    assert world.specialist.full_name not in body, "applicants see what happened, not who inside the agency did it"


def test_supplement_upload_restarts_the_clock_and_moves_the_due_date(world: World, login: Login, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(2026, 11, 16, 9, 0)
    dossier = advance(world, submit(world), to="supplement")
    before = dossier.due_at
    client = login(world.citizen)
    page = client.get(own_url(dossier))
    body = text(page)
    assert "Cần bổ sung giấy tờ" in body and "Thiếu bản sao giấy chứng sinh" in body
    assert "(Tạm dừng, chờ bổ sung)" in body
    assert world.optional_doc.name in body, "the component asked for has its own file input"
    field = f"doc_{world.optional_doc.pk}"
    assert f'name="{field}"' in page.content.decode()
    clock.set(2026, 11, 18, 9, 0)
    empty = client.post(f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {})
    assert empty.status_code == 400 and "Chọn ít nhất một tệp" in text(empty)
    disguised = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {field: SimpleUploadedFile("giay-chung-sinh.pdf", EXE_BYTES)}
    )
    assert disguised.status_code == 415 and "Chỉ nhận tệp PDF, JPEG hoặc PNG" in text(disguised)
    done = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {field: SimpleUploadedFile("giay-chung-sinh.pdf", PDF_BYTES), "note": "Đã bổ sung"},
    )
    assert done.status_code == 302 and done["Location"] == own_url(dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert before is not None and dossier.due_at is not None and dossier.due_at > before
    assert dossier.attachments.filter(required_document=world.optional_doc).exists()
    after = text(client.get(own_url(dossier)))
    assert "Đã gửi giấy tờ bổ sung." in after
    assert "Chờ bổ sung giấy tờ từ 09:00 ngày 16/11/2026 đến 09:00 ngày 18/11/2026: 15 giờ làm việc không tính" in after


def test_withdrawal_asks_first_and_states_the_consequence(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="received")
    client = login(world.citizen)
    assert "Rút hồ sơ này" in text(client.get(own_url(dossier)))
    question = client.get(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/")
    assert "Bạn có chắc muốn rút hồ sơ?" in text(question)
    assert "Hồ sơ không thể tiếp tục; nếu vẫn cần, bạn phải nộp hồ sơ mới." in text(question)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    done = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "Nộp nhầm thủ tục"})
    assert done.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.WITHDRAWN
    again = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {})
    assert again.status_code == 409 and "Không thể rút hồ sơ" in text(again)
    assert "Rút hồ sơ này" not in text(client.get(own_url(dossier)))


def test_notifications_about_the_dossier_are_listed(
    world: World, login: Login, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = advance(world, submit(world), to="received")
    body = text(login(world.citizen).get(own_url(dossier)))
    assert "Thông báo đã gửi cho bạn" in body
    assert body.count("Tin nhắn SMS") == 2 and body.count("Thư điện tử") == 2
    assert f"Hồ sơ {dossier.code}: Được tiếp nhận" in body
    assert world.citizen.phone not in body and world.citizen.phone[-3:] in body


def test_results_and_forms_are_linked(world: World, login: Login) -> None:
    dossier = advance(world, submit(world), to="ready")
    html = login(world.citizen).get(own_url(dossier)).content.decode()
    result = dossier.attachments.get(kind="result")
    assert "Kết quả giải quyết" in html
    assert f"/api/v1/dossiers/{dossier.code}/attachments/{result.pk}" in html
    assert "Nhận kết quả tại bộ phận một cửa" in html
    from opendvc.dossiers_web.selectors import official_forms_available

    if official_forms_available():
        assert f"/api/v1/dossiers/{dossier.code}/forms/01.pdf" in html


def test_keyset_pages_of_my_dossiers(world: World, login: Login, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from opendvc.dossiers_web.views import citizen

    monkeypatch.setattr(citizen, "PAGE_SIZE", 2)
    codes = [submit(world).code for _ in range(3)]
    client = login(world.citizen)
    first = client.get("/ho-so-cua-toi/")
    link = re.search(r'href="(\?cursor=[^"]+)"', first.content.decode())
    assert link
    second = client.get("/ho-so-cua-toi/" + link.group(1))
    assert codes[2] in text(first) and codes[1] in text(first) and codes[0] not in text(first)
    assert codes[0] in text(second)
    broken = client.get("/ho-so-cua-toi/?cursor=nonsense")
    assert broken.status_code == 200 and "Con trỏ trang không hợp lệ" in text(broken)


def test_my_pages_query_counts_are_pinned(world: World, login: Login, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        dossier = advance(world, submit(world), to="appraise")
    client = login(world.citizen)
    client.get("/ho-so-cua-toi/")
    # session, user, organisations (in the list query), the page; the decided days for the
    # remaining-days labels were read by the first visit and are kept a minute
    with django_assert_num_queries(3):
        client.get("/ho-so-cua-toi/")
    client.get(own_url(dossier))
    # 7 + the payment that settled the fees, if any; the due-date explanation uses the timeline's events
    with django_assert_num_queries(8):
        client.get(own_url(dossier))
