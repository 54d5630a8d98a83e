"""The public statistics API: figures for each scope, coded refusals, nothing personal."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.reporting.tests.history import build_history

pytestmark = pytest.mark.django_db


def test_province_figures_by_agency_for_a_month(world, clock) -> None:
    build_history(world, clock)
    response = Client().get("/api/v1/statistics/provinces/01", {"period": "month", "year": "2026", "number": "10"})
    assert response.status_code == 200
    body = response.json()
    assert (body["level"], body["code"], body["child_level"]) == ("province", "01", "agency")
    assert body["period"] | {"as_of": None} == {
        "kind": "month",
        "window": "calendar",
        "year": 2026,
        "number": 10,
        "start": "2026-10-01",
        "end": "2026-10-31",
        "as_of": None,
    }
    totals = body["totals"]
    assert (totals["total"], totals["received_online"], totals["resolved"], totals["in_progress_overdue"]) == (
        6,
        3,
        5,
        1,
    )
    assert (totals["on_time_rate"], totals["online_rate"]) == ("66.67", "50.00")
    assert [(c["code"], c["total"]) for c in body["children"]] == [(world.agency.code, 6)]
    assert [t["month"] for t in body["trend"]][-1] == "2026-10"


def test_national_agency_and_procedure_levels(world, clock) -> None:
    build_history(world, clock)
    query = {"period": "quarter", "year": "2026", "number": "4"}
    national = Client().get("/api/v1/statistics/", query).json()
    assert [c["code"] for c in national["children"]] == ["01"]
    agency = Client().get(f"/api/v1/statistics/agencies/{world.agency.code}", query).json()
    assert [c["code"] for c in agency["children"]] == [world.procedure.code]
    one = Client().get(f"/api/v1/statistics/agencies/{world.agency.code}/procedures/{world.procedure.code}", query)
    assert one.status_code == 200
    assert one.json()["totals"] == agency["totals"] == national["totals"]
    assert national["totals"]["total"] == 8  # six in October, two in November


def test_report_window_period(world, clock) -> None:
    build_history(world, clock)
    body = (
        Client()
        .get("/api/v1/statistics/provinces/01", {"period": "month", "year": "2026", "number": "11", "window": "report"})
        .json()
    )
    assert (body["period"]["start"], body["period"]["end"]) == ("2026-10-15", "2026-11-14")
    assert (body["totals"]["carried_over"], body["totals"]["resolved"]) == (3, 2)


@pytest.mark.parametrize(
    ("path", "query", "status", "code"),
    [
        ("/api/v1/statistics/provinces/99", {}, 404, "not_found"),
        ("/api/v1/statistics/agencies/H99.99", {}, 404, "not_found"),
        ("/api/v1/statistics/", {"period": "month", "number": "13", "year": "2026"}, 422, "period_invalid"),
        ("/api/v1/statistics/", {"period": "week"}, 422, "invalid_request"),
    ],
)
def test_unknown_scopes_and_impossible_periods_are_refused_with_a_code(
    world, path: str, query: dict[str, str], status: int, code: str
) -> None:
    response = Client().get(path, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(response.json()["messages"]) == {"vi", "en"}


def test_answers_carry_only_aggregate_figures(world, clock) -> None:
    dossiers = build_history(world, clock)
    response = Client().get(f"/api/v1/statistics/agencies/{world.agency.code}", {"period": "year", "year": "2026"})
    text = response.content.decode()
    for dossier in dossiers.values():
        dossier.refresh_from_db()
        assert dossier.code not in text
        assert dossier.applicant_name not in text
    assert world.citizen.personal_id not in text and world.desk.full_name not in text
