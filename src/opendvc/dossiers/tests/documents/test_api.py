"""The forms over the API: the dossier's own scope for Forms 01–06, the agency's officers for Form 07."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opendvc.accounts.models import User
from opendvc.dossiers.tests.documents.conftest import Journey, pdf_text

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"] and body["messages"]["en"]


def test_the_desk_officer_gets_form_01_as_a_pdf(journey: Journey) -> None:
    dossier = journey.received()
    response = as_user(journey.world.desk).get(f"{BASE}/{dossier.code}/forms/01.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="mau-01-{dossier.code}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert dossier.code in text and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text


def test_every_officer_of_the_agency_gets_the_control_slip(journey: Journey) -> None:
    dossier = journey.appraising()
    for officer in (journey.world.desk, journey.world.specialist, journey.world.leader, journey.world.clerk):
        response = as_user(officer).get(f"{BASE}/{dossier.code}/forms/06.pdf")
        assert response.status_code == 200, officer.username
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in pdf_text(response.content)


def test_an_officer_of_another_agency_gets_404(journey: Journey) -> None:
    dossier = journey.received()
    response = as_user(journey.world.foreign_officer).get(f"{BASE}/{dossier.code}/forms/01.pdf")
    assert_error(response, 404, "dossier_not_found")


@pytest.mark.parametrize(
    ("number", "moved_to"),
    [("01", "received"), ("02", "supplement_requested"), ("03", "refused"), ("04", "apologised"), ("05", "stopped")],
)
def test_the_applicant_gets_forms_01_to_05_of_their_own_dossier(journey: Journey, number: str, moved_to: str) -> None:
    dossier = getattr(journey, moved_to)()
    response = as_user(journey.world.citizen).get(f"{BASE}/{dossier.code}/forms/{number}.pdf")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert f"Mẫu số {number}" in pdf_text(response.content)


def test_the_applicant_does_not_get_the_internal_control_slip(journey: Journey) -> None:
    dossier = journey.received()
    assert_error(as_user(journey.world.citizen).get(f"{BASE}/{dossier.code}/forms/06.pdf"), 403, "form_not_permitted")


def test_another_citizen_gets_404(journey: Journey) -> None:
    dossier = journey.received()
    response = as_user(journey.world.other_citizen).get(f"{BASE}/{dossier.code}/forms/01.pdf")
    assert_error(response, 404, "dossier_not_found")


def test_anonymous_gets_401(journey: Journey) -> None:
    dossier = journey.received()
    assert_error(Client().get(f"{BASE}/{dossier.code}/forms/01.pdf"), 401, "not_authenticated")
    assert_error(
        Client().get(
            f"{BASE}/register.pdf", {"agency": journey.world.agency.code, "from": "2026-10-01", "to": "2026-10-31"}
        ),
        401,
        "not_authenticated",
    )


def test_a_form_whose_event_has_not_happened_is_409_in_both_languages(journey: Journey) -> None:
    dossier = journey.received()
    response = as_user(journey.world.desk).get(f"{BASE}/{dossier.code}/forms/03.pdf")
    assert_error(response, 409, "form_not_available")
    assert "Mẫu số 03" in response.json()["messages"]["vi"]
    assert "Form 03" in response.json()["messages"]["en"]


@pytest.mark.parametrize("number", ["07", "00", "1x", "123"])
def test_a_form_number_outside_01_to_06_is_404(journey: Journey, number: str) -> None:
    dossier = journey.received()
    assert_error(as_user(journey.world.desk).get(f"{BASE}/{dossier.code}/forms/{number}.pdf"), 404, "form_unknown")


def test_the_english_translation_is_one_parameter_away(journey: Journey) -> None:
    dossier = journey.received()
    response = as_user(journey.world.citizen).get(f"{BASE}/{dossier.code}/forms/1.pdf", {"lang": "en"})
    assert response.status_code == 200
    assert "DOSSIER RECEIPT AND APPOINTMENT FOR THE RESULT" in pdf_text(response.content)


def register_params(journey: Journey, **overrides: str) -> dict[str, str]:
    return {"agency": journey.world.agency.code, "from": "2026-10-01", "to": "2026-10-31", **overrides}


def test_an_officer_of_the_agency_downloads_the_register_as_pdf_and_csv(journey: Journey) -> None:
    dossier = journey.received()
    client = as_user(journey.world.specialist)
    pdf = client.get(f"{BASE}/register.pdf", register_params(journey))
    assert pdf.status_code == 200, pdf.content
    assert pdf["Content-Type"] == "application/pdf"
    code = journey.world.agency.code
    assert pdf["Content-Disposition"] == f'attachment; filename="so-theo-doi-ho-so-{code}-20261001-20261031.pdf"'
    assert dossier.code in pdf_text(pdf.content)
    csv = client.get(f"{BASE}/register.csv", register_params(journey))
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.content.startswith(b"\xef\xbb\xbfSTT,M\xc3\xa3 h\xe1\xbb\x93 s\xc6\xa1")
    assert dossier.code in csv.content.decode("utf-8-sig")


def test_the_register_is_refused_to_other_agencies_officers_and_to_citizens(journey: Journey) -> None:
    journey.received()
    for user in (journey.world.foreign_officer, journey.world.citizen):
        response = as_user(user).get(f"{BASE}/register.pdf", register_params(journey))
        assert_error(response, 403, "register_not_allowed")


def test_the_register_checks_its_parameters(journey: Journey) -> None:
    client = as_user(journey.world.desk)
    assert_error(
        client.get(f"{BASE}/register.csv", register_params(journey, to="2026-09-01")), 400, "register_period_invalid"
    )
    assert_error(client.get(f"{BASE}/register.csv", register_params(journey, agency="H99.99")), 404, "agency_not_found")
    response = client.get(f"{BASE}/register.csv", {"agency": journey.world.agency.code})
    assert response.status_code == 422
