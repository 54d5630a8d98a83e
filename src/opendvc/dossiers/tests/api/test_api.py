"""The dossiers API: the same journeys as the services, with codes and both languages on every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opendvc.accounts.models import User
from opendvc.audit.models import AuditEntry
from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import EXE_BYTES, PDF_BYTES, World

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"


def as_user(user: User) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(user)
    return client


def upload(client: Client, content: bytes = PDF_BYTES, name: str = "to-khai.pdf") -> Any:
    return client.post(f"{BASE}/uploads", {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def submit_payload(world: World, attachment_id: int, **overrides: Any) -> dict[str, Any]:
    payload = {
        "agency": world.agency.code,
        "procedure": world.procedure.code,
        "procedure_version": 1,
        "form_data": {"ho_ten_tre": "Nguyễn Văn An"},
        "documents": [{"attachment_id": attachment_id, "required_document_id": world.mandatory_doc.pk}],
    }
    payload.update(overrides)
    return payload


def submitted(world: World) -> dict[str, Any]:
    citizen = as_user(world.citizen)
    attachment = upload(citizen).json()
    response = citizen.post(BASE + "/", submit_payload(world, attachment["id"]), content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def act(client: Client, code: str, action: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{BASE}/{code}/actions/{action}", body or {}, content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"] and body["messages"]["en"]
    return body


def test_upload_then_submit_creates_the_dossier_and_a_double_click_returns_it(world: World) -> None:
    citizen = as_user(world.citizen)
    uploaded = upload(citizen)
    assert uploaded.status_code == 201
    assert uploaded.json()["content_type"] == "application/pdf" and uploaded.json()["url"] is None
    payload = submit_payload(world, uploaded.json()["id"])
    first = citizen.post(BASE + "/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc")
    second = citizen.post(BASE + "/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, second.status_code) == (201, 200)
    body = first.json()
    assert body["code"] == second.json()["code"]
    assert body["status"] == 1 and body["status_label"] == {"vi": "Mới đăng ký", "en": "Submitted"}
    assert body["roles"] == ["applicant"]
    assert [a["action"] for a in body["actions"]] == ["withdraw"]
    assert body["attachments"][0]["url"] == f"{BASE}/{body['code']}/attachments/{body['attachments'][0]['id']}"
    assert Dossier.objects.count() == 1


def test_disguised_and_oversize_files_are_refused(world: World, settings) -> None:
    citizen = as_user(world.citizen)
    assert_error(upload(citizen, EXE_BYTES, "to-khai.pdf"), 415, "file_type_not_allowed")
    settings.DOSSIER_MAX_UPLOAD_BYTES = 10
    assert_error(upload(citizen), 413, "file_too_large")


def test_bad_submissions_are_refused_with_a_code_and_nothing_is_created(world: World) -> None:
    citizen = as_user(world.citizen)
    attachment = upload(citizen).json()["id"]
    missing = submit_payload(world, attachment, documents=[])
    body = assert_error(
        citizen.post(BASE + "/", missing, content_type="application/json"), 422, "mandatory_document_missing"
    )
    assert body["details"][0]["required_document_id"] == world.mandatory_doc.pk
    stale = submit_payload(world, attachment, procedure_version=2)
    assert_error(citizen.post(BASE + "/", stale, content_type="application/json"), 409, "procedure_version_stale")
    malformed = submit_payload(world, attachment, form_data="chuỗi")
    assert_error(citizen.post(BASE + "/", malformed, content_type="application/json"), 422, "invalid_request")
    unknown = submit_payload(world, attachment, agency="H29.999")
    assert_error(citizen.post(BASE + "/", unknown, content_type="application/json"), 404, "agency_not_found")
    assert not Dossier.objects.exists()


def test_the_whole_journey_through_the_api(world: World) -> None:
    code = submitted(world)["code"]
    desk, specialist, leader, clerk = (as_user(u) for u in (world.desk, world.specialist, world.leader, world.clerk))
    detail = desk.get(f"{BASE}/{code}").json()
    assert [a["action"] for a in detail["actions"]] == ["receive", "refuse"]
    assert act(desk, code, "receive").json()["status"] == 2
    forward = act(desk, code, "forward", {"to_step": "appraise", "assignee": world.specialist.username})
    assert (forward.json()["status"], forward.json()["current_step"]) == (4, "appraise")
    act(specialist, code, "forward", {"to_step": "approve", "assignee": world.leader.username})
    act(leader, code, "forward", {"to_step": "issue", "assignee": world.clerk.username})
    result = upload(clerk, name="trich-luc.pdf").json()
    ready = act(clerk, code, "result-ready", {"documents": [{"attachment_id": result["id"]}]})
    assert ready.json()["status"] == 9 and ready.json()["finished_at"]
    returned = act(desk, code, "return", {"note": "Trả tại quầy"})
    assert returned.json()["status"] == 10
    events = as_user(world.citizen).get(f"{BASE}/{code}/events").json()
    assert events["chain"] == {"ok": True, "events": 7, "broken_at": None, "reason": ""}
    assert [e["action"] for e in events["events"]][-2:] == ["result_ready", "return"]
    assert events["events"][1]["actor_name"] == ""  # applicants see the role, not the officer's name
    assert desk.get(f"{BASE}/{code}/events").json()["events"][1]["actor_name"] == world.desk.full_name
    due = desk.get(f"{BASE}/{code}/due-date").json()
    assert due["unit"] == "working_days" and due["timeliness"] in {"early", "on_time"}
    download = as_user(world.citizen).get(f"{BASE}/{code}/attachments/{result['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"


def test_an_illegal_action_is_refused_in_both_languages(world: World) -> None:
    code = submitted(world)["code"]
    body = assert_error(act(as_user(world.desk), code, "return"), 409, "transition_not_allowed")
    assert "Mới đăng ký" in body["messages"]["vi"] and "Submitted" in body["messages"]["en"]
    english = as_user(world.desk).post(
        f"{BASE}/{code}/actions/return", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["message"] == body["messages"]["en"]


def test_an_officer_of_another_agency_gets_404_for_the_dossier_its_files_and_its_actions(world: World) -> None:
    body = submitted(world)
    code, attachment_id = body["code"], body["attachments"][0]["id"]
    outsider = as_user(world.foreign_officer)
    unknown = outsider.get(f"{BASE}/{world.agency.code}-261124-9999").json()
    for response in (
        outsider.get(f"{BASE}/{code}"),
        outsider.get(f"{BASE}/{code}/events"),
        outsider.get(f"{BASE}/{code}/due-date"),
        outsider.get(f"{BASE}/{code}/attachments/{attachment_id}"),
        act(outsider, code, "receive"),
        act(outsider, code, "refuse", {"reasons": ["x"]}),
    ):
        assert assert_error(response, 404, "dossier_not_found") == unknown
    refused = AuditEntry.objects.filter(object_id=code, outcome="refused")
    assert [(e.action, e.reason, e.ip) for e in refused.order_by("id")] == [
        ("dossier.receive", "dossier_not_found", "203.0.113.7"),
        ("dossier.refuse", "dossier_not_found", "203.0.113.7"),
    ]
    assert Dossier.objects.get(code=code).status == 1


def test_a_citizen_cannot_see_another_citizens_dossier(world: World) -> None:
    body = submitted(world)
    stranger = as_user(world.other_citizen)
    assert_error(stranger.get(f"{BASE}/{body['code']}"), 404, "dossier_not_found")
    assert_error(
        stranger.get(f"{BASE}/{body['code']}/attachments/{body['attachments'][0]['id']}"), 404, "dossier_not_found"
    )
    assert_error(act(stranger, body["code"], "withdraw"), 404, "dossier_not_found")
    assert stranger.get(BASE + "/").json() == {"items": [], "next": None}
    assert [d["code"] for d in as_user(world.citizen).get(BASE + "/").json()["items"]] == [body["code"]]


def test_worklists_over_the_api(world: World) -> None:
    code = submitted(world)["code"]
    desk = as_user(world.desk)
    assert [d["code"] for d in desk.get(BASE + "/", {"list": "new"}).json()["items"]] == [code]
    assert desk.get(BASE + "/", {"list": "to_return"}).json()["items"] == []
    assert [d["code"] for d in desk.get(BASE + "/", {"procedure": world.procedure.code}).json()["items"]] == [code]
    assert_error(desk.get(BASE + "/", {"list": "everything"}), 400, "invalid_list")
    assert_error(desk.get(BASE + "/", {"cursor": "%%%"}), 400, "invalid_cursor")
    assert as_user(world.foreign_officer).get(BASE + "/", {"list": "new"}).json()["items"] == []


def test_public_tracking_is_anonymous_and_a_wrong_factor_looks_like_an_unknown_code(world: World) -> None:
    code = submitted(world)["code"]
    anonymous = Client()
    factor = (world.citizen.personal_id or "")[-4:]
    found = anonymous.get(f"{BASE}/track", {"code": code, "factor": factor})
    assert found.status_code == 200
    assert set(found.json()) == {
        "code", "procedure_name", "agency_name", "status", "status_label",
        "submitted_at", "received_at", "due_at", "finished_at", "returned_at",
    }  # fmt: skip
    wrong = anonymous.get(f"{BASE}/track", {"code": code, "factor": "0000"})
    unknown = anonymous.get(f"{BASE}/track", {"code": f"{world.agency.code}-261124-9999", "factor": factor})
    assert (wrong.status_code, wrong.json()) == (404, unknown.json())
    assert_error(anonymous.get(f"{BASE}/track", {"code": code, "factor": "12"}), 400, "invalid_factor")


def test_public_tracking_is_rate_limited_per_address(world: World, settings) -> None:
    settings.DOSSIER_TRACK_RATE_PER_MINUTE = 3
    anonymous = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [
        anonymous.get(f"{BASE}/track", {"code": "H29.17-261124-0001", "factor": "1234"}).status_code for _ in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


def test_the_api_needs_a_signed_in_person(world: World) -> None:
    assert_error(Client().get(BASE + "/"), 401, "not_authenticated")
    assert_error(Client().post(f"{BASE}/uploads"), 401, "not_authenticated")


def test_a_personal_access_token_works(world: World) -> None:
    from opendvc.accounts.services import access_token_create

    _, secret = access_token_create(user=world.desk, name="tích hợp")
    response = Client().get(BASE + "/", {"list": "new"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_a_malformed_code_is_a_clear_400(world: World) -> None:
    assert_error(as_user(world.desk).get(f"{BASE}/not-a-code"), 400, "invalid_dossier_code")


def test_the_endpoints_are_in_the_openapi_schema(world: World) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in (
        f"{BASE}/",
        f"{BASE}/uploads",
        f"{BASE}/track",
        f"{BASE}/{{code}}",
        f"{BASE}/{{code}}/events",
        f"{BASE}/{{code}}/attachments/{{attachment_id}}",
        f"{BASE}/{{code}}/actions/receive",
        f"{BASE}/{{code}}/actions/apologise",
    ):
        assert path in paths, path


def test_a_file_missing_from_storage_is_a_clear_404(world: World) -> None:
    body = submitted(world)
    attachment = Dossier.objects.get(code=body["code"]).attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    response = as_user(world.desk).get(f"{BASE}/{body['code']}/attachments/{attachment.pk}")
    assert_error(response, 404, "file_missing")


def test_a_submission_takes_a_fixed_number_of_queries(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    """The write path of ``bench/dossiers.py``: pinned so a change that adds a round trip shows here."""
    from opendvc.accounts.services import access_token_create

    _, secret = access_token_create(user=world.citizen, name="ứng dụng")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    submitted(world)  # the catalogue facts are remembered from the first submission
    attachment = upload(as_user(world.citizen)).json()
    client.get(BASE + "/", {"list": "all"})  # the token's last use was written by this call
    # token and its user; agency; has this key been used; catalogue revision; then in one transaction:
    # the daily number, the dossier, its file bound, its first event, the outbox entry, the two rollup
    # rows and the audit entry; and the files read for the answer (the notification task is queued
    # when the transaction commits, which a test's transaction never does)
    with django_assert_num_queries(15):
        response = client.post(
            BASE + "/",
            submit_payload(world, attachment["id"]),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="lan-1",
        )
    assert response.status_code == 201, response.json()
