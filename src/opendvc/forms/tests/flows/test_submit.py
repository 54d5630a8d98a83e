"""The whole journey with the test client: start → pages → uploads → check your answers → submit →
confirmation, and everything that must go wrong cleanly on the way."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opendvc.accounts.tests.factories import UserFactory
from opendvc.audit.models import AuditEntry
from opendvc.catalog.services import procedure_version_create_draft, procedure_version_publish
from opendvc.dossiers.models import Attachment, Dossier
from opendvc.dossiers.tests.factories import EXE_BYTES, World, officer_with
from opendvc.forms import services
from opendvc.forms.models import DossierDraft, ProcedureForm
from opendvc.forms.selectors import document_tasks
from opendvc.forms.tests.flows.helpers import (
    answer_all,
    document_url,
    page_post,
    page_url,
    start,
    upload,
    upload_all,
)
from opendvc.forms.tests.samples import HCM, SAI_GON, sample

pytestmark = pytest.mark.django_db
BIRTH = "1.001193"


def spec_of(draft: DossierDraft) -> Any:
    assert draft.form is not None
    return draft.form.spec


def check_url(draft: DossierDraft) -> str:
    return reverse("forms:check", kwargs={"draft_id": draft.public_id})


def ready_draft(client: Client, world: World) -> DossierDraft:
    draft = start(client, world)
    answer_all(client, draft, spec_of(draft), sample(BIRTH))
    upload_all(client, draft, spec_of(draft))
    return draft


def test_starting_needs_an_account(world: World) -> None:
    url = reverse("forms:start", kwargs={"code": "1.001193"})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_start_page_says_what_is_needed_and_starts_a_draft(citizen_client: Client, world: World) -> None:
    response = citizen_client.get(reverse("forms:start", kwargs={"code": "1.001193"}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng sinh" in text and "Tờ khai gồm 11 phần" in text and world.agency.name in text
    draft = start(citizen_client, world)
    assert (draft.user, draft.agency, draft.procedure_version) == (world.citizen, world.agency, world.version)


def test_the_whole_journey_makes_one_dossier_even_when_submitted_twice(citizen_client: Client, world: World) -> None:
    draft = ready_draft(citizen_client, world)
    task_list = citizen_client.get(reverse("forms:task_list", kwargs={"draft_id": draft.public_id}))
    assert task_list.content.decode().count("Hoàn thành") == 11 + 2
    check = citizen_client.get(check_url(draft))
    text = check.content.decode()
    assert check.status_code == 200
    assert "Nguyễn Thị Bình An" in text and "01/10/2025" in text and "Phường Bến Thành" in text
    assert text.count("Thay đổi") == 31 + 2

    first = citizen_client.post(check_url(draft))
    second = citizen_client.post(check_url(draft))
    confirmation = reverse("forms:confirmation", kwargs={"draft_id": draft.public_id})
    assert first["Location"] == second["Location"] == confirmation
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.channel, dossier.applicant) == (1, 2, world.citizen)
    assert re.fullmatch(rf"{re.escape(world.agency.code)}-\d{{6}}-0001", dossier.code)
    assert dossier.form_version == "1.1"
    assert dossier.form_data["tre"]["ngay_sinh"] == "2025-10-01"
    assert dossier.applicant_phone == "0912345678"
    assert dossier.attachments.count() == 2

    page = citizen_client.get(confirmation)
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert "/ho-so-cua-toi/" in page.content.decode()
    drafts = citizen_client.get(reverse("forms:drafts")).content.decode()
    assert world.version.name not in drafts


def test_a_lost_answer_to_the_first_submit_does_not_make_a_second_dossier(citizen_client: Client, world: World) -> None:
    draft = ready_draft(citizen_client, world)
    dossier = services.draft_submit(draft=draft)
    DossierDraft.objects.filter(pk=draft.pk).update(dossier=None, submitted_at=None)
    draft.refresh_from_db()
    again = services.draft_submit(draft=draft)
    assert again.pk == dossier.pk
    assert Dossier.objects.count() == 1


def test_a_page_keeps_what_was_typed_and_says_how_to_fix_it(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    page = spec_of(draft).page("ngay-sinh-tre")
    post = page_post(page, {}) | {
        "f-tre-ngay_sinh-day": "31",
        "f-tre-ngay_sinh-month": "2",
        "f-tre-ngay_sinh-year": "2025",
    }
    response = citizen_client.post(page_url(draft, "ngay-sinh-tre"), post)
    text = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#f-tre-ngay_sinh-day">' in text
    assert "phải là một ngày có thật" in text
    assert 'value="31"' in text and 'value="2025"' in text
    assert text.count("phải là một ngày có thật") == 2  # in the summary and beside the field
    again = citizen_client.get(page_url(draft, "ngay-sinh-tre")).content.decode()
    assert 'value="31"' in again
    task_list = citizen_client.get(reverse("forms:task_list", kwargs={"draft_id": draft.public_id})).content.decode()
    assert "Đang làm" in task_list


def test_the_first_page_is_prefilled_from_the_account(db: None, world: World) -> None:
    person = UserFactory.create(full_name="Lê Thị Thu", birth_date="1992-07-05", sex="female", phone="0987654321")
    client = Client()
    client.force_login(person)
    draft = start(client, world)
    text = client.get(page_url(draft, "nguoi-yeu-cau")).content.decode()
    assert 'value="Lê Thị Thu"' in text and f'value="{person.personal_id}"' in text
    assert 'value="0987654321"' in text and 'value="1992"' in text and 'inputmode="numeric"' in text
    assert "(không bắt buộc)" in text


def test_choosing_a_province_without_javascript_then_shows_its_communes(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    url = page_url(draft, "noi-sinh")
    response = citizen_client.post(
        url, {"action": "continue", "f-tre-noi_sinh-tinh": HCM, "f-tre-noi_sinh-co_so": "Bệnh viện Từ Dũ"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Bây giờ hãy chọn xã, phường" in text and "Có lỗi cần sửa" not in text
    assert f'<option value="{SAI_GON}">Phường Sài Gòn</option>' in text
    done = citizen_client.post(
        url, {"f-tre-noi_sinh-tinh": HCM, "f-tre-noi_sinh-xa": SAI_GON, "f-tre-noi_sinh-co_so": "Bệnh viện Từ Dũ"}
    )
    assert done.status_code == 302


def test_the_commune_list_comes_back_as_a_fragment_for_htmx(world: World, citizen_client: Client) -> None:
    response = citizen_client.get(
        reverse("forms:communes"),
        {"from": "f-tre-noi_sinh-tinh", "id": "f-tre-noi_sinh-xa", "f-tre-noi_sinh-tinh": HCM},
    )
    text = response.content.decode()
    assert text.startswith('<select class="usa-select" id="f-tre-noi_sinh-xa"')
    assert "Phường Bến Thành" in text and "Phường Hoàn Kiếm" not in text


def test_a_mandatory_document_must_be_there_before_submitting(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    spec = spec_of(draft)
    answer_all(citizen_client, draft, spec, sample(BIRTH))
    tasks = document_tasks(version=draft.procedure_version, spec=spec)
    assert [(t.title, t.required) for t in tasks] == [
        ("Giấy chứng sinh", True),
        ("Tờ khai đăng ký khai sinh theo mẫu", True),
    ]
    refused = citizen_client.post(document_url(draft, tasks[0].id), {"action": "continue"})
    assert refused.status_code == 400
    assert "Tải lên Giấy chứng sinh: giấy tờ này bắt buộc." in refused.content.decode()
    upload(citizen_client, draft, tasks[0].id)
    response = citizen_client.post(check_url(draft))
    assert response.status_code == 302 and response["Location"].endswith(f"/soan/{draft.public_id}/")
    assert not Dossier.objects.exists()
    with pytest.raises(Exception) as caught:
        services.draft_submit(draft=DossierDraft.objects.get(pk=draft.pk))
    assert getattr(caught.value, "code", "") == "draft_incomplete"
    assert caught.value.details == [{"required_document_id": tasks[1].id, "title": tasks[1].title}]  # type: ignore[attr-defined]


def test_a_disguised_file_is_refused_with_a_message(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    task = document_tasks(version=draft.procedure_version, spec=spec_of(draft))[0]
    response = upload(citizen_client, draft, task.id, content=EXE_BYTES, name="giay-chung-sinh.pdf", action="upload")
    text = response.content.decode()
    assert response.status_code == 415
    assert "giay-chung-sinh.pdf: Chỉ nhận tệp PDF, JPEG hoặc PNG" in text
    assert '<a href="#file">' in text
    draft.refresh_from_db()
    assert draft.documents == {} and not Attachment.objects.exists()


def test_uploaded_files_are_listed_with_size_and_can_be_removed(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    task = document_tasks(version=draft.procedure_version, spec=spec_of(draft))[0]
    response = upload(citizen_client, draft, task.id, action="upload")
    assert response.status_code == 302
    page = citizen_client.get(document_url(draft, task.id)).content.decode()
    attachment = Attachment.objects.get()
    assert (
        "giay-chung-sinh.pdf" in page and "B</span>" in page and 'accept="application/pdf,image/jpeg,image/png' in page
    )
    assert "Tệp PDF, JPG hoặc PNG, mỗi tệp tối đa 10 MB" in page
    remove = reverse(
        "forms:document_remove",
        kwargs={"draft_id": draft.public_id, "document_id": task.id, "attachment_id": attachment.pk},
    )
    assert "Xóa tệp «giay-chung-sinh.pdf»?" in citizen_client.get(remove).content.decode()
    citizen_client.post(remove)
    draft.refresh_from_db()
    assert draft.documents == {}


def test_a_draft_is_resumed_from_the_drafts_list(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    spec = spec_of(draft)
    data = sample(BIRTH)
    for page in spec.pages[:3]:
        citizen_client.post(page_url(draft, page.id), page_post(page, data))
    later = Client()
    later.force_login(world.citizen)
    listing = later.get(reverse("forms:drafts")).content.decode()
    assert world.version.name in listing and "Đã khai 3/11 phần" in listing
    task_list = later.get(reverse("forms:task_list", kwargs={"draft_id": draft.public_id})).content.decode()
    assert task_list.count("Hoàn thành") == 3
    assert page_url(draft, "ngay-sinh-tre") in task_list
    saved = later.get(page_url(draft, "ten-tre")).content.decode()
    assert 'value="Nguyễn Thị Bình An"' in saved


def test_another_persons_draft_is_not_found(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    stranger = Client()
    stranger.force_login(world.other_citizen)
    for url in (
        reverse("forms:task_list", kwargs={"draft_id": draft.public_id}),
        page_url(draft, "ten-tre"),
        check_url(draft),
        reverse("forms:confirmation", kwargs={"draft_id": draft.public_id}),
        reverse("forms:delete", kwargs={"draft_id": draft.public_id}),
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(page_url(draft, "ten-tre"), {"f-tre-ho_ten": "Kẻ Lạ"}).status_code == 404
    assert stranger.post(check_url(draft)).status_code == 404
    assert world.version.name not in stranger.get(reverse("forms:drafts")).content.decode()


def test_a_new_procedure_version_moves_the_draft_and_says_so(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    spec = spec_of(draft)
    answer_all(citizen_client, draft, spec, sample(BIRTH))
    upload_all(citizen_client, draft, spec)
    assert citizen_client.get(check_url(draft)).status_code == 200
    new = procedure_version_publish(version=procedure_version_create_draft(procedure=world.procedure))

    response = citizen_client.post(check_url(draft), follow=True)
    text = response.content.decode()
    assert "Thủ tục vừa được cập nhật (phiên bản 2)" in text
    assert not Dossier.objects.exists()
    draft.refresh_from_db()
    assert draft.procedure_version == new
    assert ProcedureForm.objects.get(procedure_version=new).label == "2.2"
    assert {int(k) for k in draft.documents} == set(new.documents.values_list("pk", flat=True))

    citizen_client.post(check_url(draft))
    dossier = Dossier.objects.get()
    assert (dossier.procedure_version, dossier.form_version) == (new, "2.2")


def test_a_submission_under_an_old_version_is_refused_by_the_dossiers_app(citizen_client: Client, world: World) -> None:
    draft = ready_draft(citizen_client, world)
    procedure_version_publish(version=procedure_version_create_draft(procedure=world.procedure))
    draft.refresh_from_db()
    with pytest.raises(Exception) as caught:
        services.draft_submit(draft=draft)
    assert getattr(caught.value, "code", "") == "procedure_version_stale"
    assert not Dossier.objects.exists()
    assert AuditEntry.objects.filter(outcome="refused", reason="procedure_version_stale").exists()


def test_an_officer_cannot_apply_online(world: World) -> None:
    officer = officer_with(world.agency, "desk")
    client = Client()
    client.force_login(officer)
    url = reverse("forms:start", kwargs={"code": "1.001193"})
    assert "Tài khoản cán bộ không nộp hồ sơ trực tuyến" in client.get(url).content.decode()
    assert client.post(url, {"agency": world.agency.code}).status_code == 403
    assert not DossierDraft.objects.exists()


def test_an_agency_that_does_not_offer_the_procedure_cannot_be_chosen(citizen_client: Client, world: World) -> None:
    url = reverse("forms:start", kwargs={"code": "1.001193"})
    response = citizen_client.post(url, {"agency": world.other_agency.code})
    assert response.status_code == 400
    assert "Chọn cơ quan sẽ nhận hồ sơ của bạn." in response.content.decode()


def test_a_procedure_without_a_form_is_not_online(citizen_client: Client, world: World) -> None:
    ProcedureForm.objects.all().delete()
    response = citizen_client.get(reverse("forms:start", kwargs={"code": "1.001193"}))
    assert response.status_code == 404
    assert "chưa nhận hồ sơ trực tuyến" in response.content.decode()


def test_deleting_a_draft_asks_first(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    url = reverse("forms:delete", kwargs={"draft_id": draft.public_id})
    assert "Xóa hồ sơ đang soạn?" in citizen_client.get(url).content.decode()
    assert citizen_client.post(url)["Location"] == reverse("forms:drafts")
    assert not DossierDraft.objects.exists()


def test_the_pages_speak_english_when_asked(citizen_client: Client, world: World) -> None:
    draft = start(citizen_client, world)
    citizen_client.cookies["django_language"] = "en"
    response = citizen_client.post(page_url(draft, "ten-tre"), {"action": "continue"})
    text = html.unescape(response.content.decode())
    assert "What is the child's name?" in text
    assert "Enter the child's full name." in text
