"""GET /api/v1/calendar/due-date: the due moment with its explanation, and every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendvc.agencies.models import Agency

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date"
TET = {"agency": "H29.17", "received_at": "2026-02-12T09:30:00+07:00", "amount": "5", "unit": "working_days"}


@pytest.fixture
def agency() -> Agency:
    return Agency.objects.create(code="H29.17", level1="H29", depth=2, name="Sở Tư pháp", kind="department")


def get(client: Client, **params: Any) -> Any:
    return client.get(URL, {**TET, **params})


def test_due_date_after_tet_with_the_skipped_days(client: Client, agency: Agency) -> None:
    response = get(client)
    assert response.status_code == 200
    body = response.json()
    assert body["due_at"] == "2026-02-26T09:30:00+07:00"
    assert body["received_at"] == body["counted_from"] == "2026-02-12T09:30:00+07:00"
    assert body["agency"] == "H29.17"
    assert body["amount"] == "5" and body["unit"] == "working_days" and body["cutoff"] is None
    assert len(body["skipped"]) == 9
    assert body["skipped"][0] == {"date": "2026-02-14", "reason": "Thứ Bảy"}
    assert body["skipped"][3] == {"date": "2026-02-17", "reason": "Tết Nguyên đán (mùng 1 Tết Bính Ngọ)"}


def test_due_date_costs_two_queries(client: Client, agency: Agency, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        assert get(client).status_code == 200


def test_agency_code_in_qcvn_order_is_accepted(client: Client, agency: Agency) -> None:
    response = get(client, agency="000.00.17.H29")
    assert response.status_code == 200
    assert response.json()["agency"] == "H29.17"


@pytest.mark.parametrize(
    ("received_at", "normalised"),
    [
        ("2026-02-12T09:30:00", "2026-02-12T09:30:00+07:00"),
        ("2026-02-12 09:30", "2026-02-12T09:30:00+07:00"),
        ("2026-02-12T02:30:00Z", "2026-02-12T09:30:00+07:00"),
        ("2026-02-12T09:30:00 07:00", "2026-02-12T09:30:00+07:00"),
        ("20260212093000", "2026-02-12T09:30:00+07:00"),
    ],
)
def test_received_at_forms(client: Client, agency: Agency, received_at: str, normalised: str) -> None:
    response = get(client, received_at=received_at)
    assert response.status_code == 200, response.json()
    assert response.json()["received_at"] == normalised
    assert response.json()["due_at"] == "2026-02-26T09:30:00+07:00"


def test_cutoff_and_make_up_days(client: Client, agency: Agency) -> None:
    body = get(client, received_at="2026-01-08T15:30:00+07:00", amount="2", cutoff="15:00").json()
    assert body["counted_from"] == "2026-01-09T07:30:00+07:00"
    assert body["due_at"] == "2026-01-10T17:00:00+07:00"
    assert body["cutoff"] == "15:00"
    assert body["makeup_days"] == [{"date": "2026-01-10", "reason": "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026"}]


def test_working_hours_and_calendar_days(client: Client, agency: Agency) -> None:
    hours = get(client, received_at="2026-03-02T11:00:00+07:00", amount="1.5", unit="working_hours").json()
    assert hours["due_at"] == "2026-03-02T14:30:00+07:00"
    days = get(client, received_at="2026-03-02T11:00:00+07:00", amount="5", unit="calendar_days").json()
    assert days["due_at"] == "2026-03-09T17:00:00+07:00"
    assert [d["reason"] for d in days["skipped"]] == ["Thứ Bảy", "Chủ nhật"]


def assert_refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"] and body["messages"]["en"]
    assert body["message"] == body["messages"]["vi"]


def test_unknown_agency_is_404(client: Client, agency: Agency) -> None:
    assert_refused(get(client, agency="H56.14"), 404, "agency_not_found")


@pytest.mark.parametrize("code", ["", "hello world", "X", "H29..17", "A" * 40])
def test_malformed_agency_code_is_400(client: Client, agency: Agency, code: str) -> None:
    assert_refused(get(client, agency=code), 400, "invalid_agency_code")


def test_missing_agency_is_400(client: Client, agency: Agency) -> None:
    params = {k: v for k, v in TET.items() if k != "agency"}
    assert_refused(client.get(URL, params), 400, "invalid_agency_code")


@pytest.mark.parametrize(
    "received_at", ["", "yesterday", "2026-02-30T09:00:00", "2026-02-12", "12/02/2026 09:30", "0001-01-01T00:00+14:00"]
)
def test_unparsable_reception_time_is_400(client: Client, agency: Agency, received_at: str) -> None:
    assert_refused(get(client, received_at=received_at), 400, "invalid_datetime")


def test_reception_time_out_of_the_calendar_years_is_400(client: Client, agency: Agency) -> None:
    assert_refused(get(client, received_at="9999-12-31T23:59:59"), 400, "invalid_datetime")


@pytest.mark.parametrize("amount", ["", "0", "-3", "3651", "abc", "NaN", "inf", "1e400", "0.00001"])
def test_bad_amount_is_400(client: Client, agency: Agency, amount: str) -> None:
    assert_refused(get(client, amount=amount), 400, "invalid_amount")


def test_fractional_calendar_days_are_refused(client: Client, agency: Agency) -> None:
    assert_refused(get(client, amount="2.5", unit="calendar_days"), 400, "invalid_amount")


@pytest.mark.parametrize("unit", ["", "days", "WORKING DAYS", "months"])
def test_unknown_unit_is_400(client: Client, agency: Agency, unit: str) -> None:
    assert_refused(get(client, unit=unit), 400, "invalid_unit")


def test_bad_cutoff_is_400(client: Client, agency: Agency) -> None:
    assert_refused(get(client, cutoff="25:00"), 400, "invalid_cutoff")


def test_refusal_in_english(client: Client, agency: Agency) -> None:
    response = client.get(URL, {**TET, "unit": "days"}, headers={"Accept-Language": "en"})
    assert response.json()["message"].startswith("The unit must be")


text = st.text(max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    agency_code=st.one_of(st.just("H29.17"), text),
    received_at=st.one_of(st.just("2026-02-12T09:30:00+07:00"), text, st.datetimes().map(lambda d: d.isoformat())),
    amount=st.one_of(st.decimals(allow_nan=True, allow_infinity=True).map(str), text),
    unit=st.one_of(st.sampled_from(["working_days", "working_hours", "calendar_days"]), text),
    cutoff=st.one_of(st.none(), st.just("15:00"), text),
)
def test_garbage_never_gives_a_server_error(
    client: Client, agency: Agency, agency_code: str, received_at: str, amount: str, unit: str, cutoff: str | None
) -> None:
    params = {"agency": agency_code, "received_at": received_at, "amount": amount, "unit": unit}
    if cutoff is not None:
        params["cutoff"] = cutoff
    response = client.get(URL, params)
    assert response.status_code in {200, 400, 404}
    body = response.json()
    assert "due_at" in body if response.status_code == 200 else body["code"]
