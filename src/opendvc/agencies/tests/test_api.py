"""The agencies and administrative-units API: schemas, keyset pages, filters and coded refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.agencies.selectors import agency_cursor_encode

pytestmark = pytest.mark.django_db

AGENCY_SUMMARY_KEYS = {
    "code",
    "qcvn_code",
    "name",
    "kind",
    "kind_label",
    "level1",
    "depth",
    "parent_code",
    "province_code",
    "administrative_unit_code",
    "url",
    "page_url",
}


def assert_refusal(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"] == body["messages"]["vi"]
    assert body["messages"]["vi"] and body["messages"]["en"]
    return body


# --- Administrative units ----------------------------------------------------------------------------


def test_provinces_lists_the_34_provinces(client: Client, reference_data: dict[str, Any]) -> None:
    body = client.get("/api/v1/administrative-units/provinces").json()
    assert len(body) == 34
    assert set(body[0]) == {"code", "name", "codename", "kind", "phone_code"}
    assert [p["code"] for p in body] == sorted(p["code"] for p in body)
    assert {
        "code": "79",
        "name": "Thành phố Hồ Chí Minh",
        "codename": "ho_chi_minh",
        "kind": "thanh_pho_trung_uong",
        "phone_code": 28,
    } in body


def test_communes_of_a_province(client: Client, reference_data: dict[str, Any]) -> None:
    body = client.get("/api/v1/administrative-units/provinces/79/communes").json()
    assert len(body) == AdministrativeUnit.objects.filter(province__code="79").count() > 100
    assert set(body[0]) == {"code", "name", "codename", "kind", "province_code"}
    assert all(len(c["code"]) == 5 and c["province_code"] == "79" for c in body)
    assert {c["kind"] for c in body} == {"phuong", "xa", "dac_khu"}
    assert {
        "code": "26740",
        "name": "Phường Sài Gòn",
        "codename": "phuong_sai_gon",
        "kind": "phuong",
        "province_code": "79",
    } in body
    assert client.get("/api/v1/administrative-units/provinces/1/communes").json()[0]["province_code"] == "01"


@pytest.mark.parametrize("code", ["99", "7", "079", "abc", "H29", "26740", "%00", "7%C3%A9", "1" * 300])
def test_an_unknown_or_malformed_province_is_404(client: Client, reference_data: dict[str, Any], code: str) -> None:
    response = client.get(f"/api/v1/administrative-units/provinces/{code}/communes")
    assert_refusal(response, 404, "unknown_province")


# --- Agency list -------------------------------------------------------------------------------------


def test_agency_list_schema_and_first_page(client: Client, reference_data: dict[str, Any]) -> None:
    body = client.get("/api/v1/agencies", {"limit": 5}).json()
    assert set(body) == {"items", "next"}
    assert len(body["items"]) == 5 and body["next"]
    first = body["items"][0]
    assert set(first) == AGENCY_SUMMARY_KEYS
    assert client.get(first["url"]).status_code == 200
    assert first["page_url"] == f"/co-quan/{first['code']}/"


def test_pages_follow_the_next_cursor_to_the_end_without_gaps(client: Client, reference_data: dict[str, Any]) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        params: dict[str, Any] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/agencies", params).json()
        seen += [item["code"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
        assert cursor == agency_cursor_encode(body["items"][-1]["code"])
    assert cursor is None
    assert len(seen) == len(set(seen)) == Agency.objects.filter(is_active=True).count()


def test_an_exactly_full_last_page_has_no_next(client: Client, reference_data: dict[str, Any]) -> None:
    total = Agency.objects.filter(province__code="79").count()
    body = client.get("/api/v1/agencies", {"province": "79", "limit": str(total)}).json()
    assert len(body["items"]) == total and body["next"] is None


def test_filters_by_province_and_kind(client: Client, reference_data: dict[str, Any]) -> None:
    body = client.get("/api/v1/agencies", {"province": "79", "kind": "department", "limit": "100"}).json()
    assert {item["code"] for item in body["items"]} == {"H29.11", "H29.17", "H29.20", "H29.22"}
    communes = client.get("/api/v1/agencies", {"kind": "commune_committee", "limit": "100"}).json()["items"]
    assert communes and all(item["kind"] == "commune_committee" for item in communes)


@pytest.mark.parametrize(
    "q", ["sở tư pháp hồ chí minh", "so tu phap ho chi minh", "SỞ TƯ PHÁP  Hồ Chí Minh", "H29.17", "000.00.17.h29"]
)
def test_search_ignores_accents_case_and_code_order(client: Client, reference_data: dict[str, Any], q: str) -> None:
    body = client.get("/api/v1/agencies", {"q": q}).json()
    assert [item["code"] for item in body["items"]] == ["H29.17"]


def test_search_without_a_match_is_an_empty_page(client: Client, reference_data: dict[str, Any]) -> None:
    assert client.get("/api/v1/agencies", {"q": "ngân hàng"}).json() == {"items": [], "next": None}


def test_search_combines_with_filters(client: Client, reference_data: dict[str, Any]) -> None:
    body = client.get("/api/v1/agencies", {"q": "so tu phap", "province": "01"}).json()
    assert [item["code"] for item in body["items"]] == ["H26.17"]


# --- Agency detail -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["H29.17", "000.00.17.H29", "h29.17"])
def test_agency_detail_in_either_code_order(client: Client, reference_data: dict[str, Any], code: str) -> None:
    response = client.get(f"/api/v1/agencies/{code}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == AGENCY_SUMMARY_KEYS | {
        "parent",
        "province",
        "administrative_unit",
        "address",
        "phone",
        "email",
        "website",
        "working_hours",
        "is_sample",
    }
    assert body["code"] == "H29.17" and body["qcvn_code"] == "000.00.17.H29"
    assert body["parent"] == {"code": "H29", "name": "Ủy ban nhân dân Thành phố Hồ Chí Minh"}
    assert body["province"] == {"code": "79", "name": "Thành phố Hồ Chí Minh", "kind": "thanh_pho_trung_uong"}
    assert body["working_hours"] == [
        {"weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:30"},
        {"weekdays": [0, 1, 2, 3, 4], "start": "13:30", "end": "17:00"},
    ]
    assert body["is_sample"] is True


def test_an_unknown_agency_is_404(client: Client, reference_data: dict[str, Any]) -> None:
    assert_refusal(client.get("/api/v1/agencies/H29.98"), 404, "agency_not_found")


@pytest.mark.parametrize("code", ["H29..17", "xyz", "H29.1", "H29.%00", "1" * 100])
def test_a_malformed_agency_code_is_400(client: Client, reference_data: dict[str, Any], code: str) -> None:
    body = assert_refusal(client.get(f"/api/v1/agencies/{code}"), 400, "invalid_agency_code")
    assert set(body["messages"]) == {"vi", "en"}


def test_the_message_follows_the_request_language(client: Client, reference_data: dict[str, Any]) -> None:
    body = client.get("/api/v1/agencies/xyz", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"] == body["messages"]["en"]


# --- Refusals of the list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"province": "99"}, 404, "unknown_province"),
        ({"province": "H29"}, 404, "unknown_province"),
        ({"kind": "bank"}, 400, "invalid_kind"),
        ({"cursor": "!!"}, 400, "invalid_cursor"),
        ({"cursor": "aDI5LjE3"}, 400, "invalid_cursor"),
        ({"cursor": "A" * 500}, 400, "invalid_cursor"),
        ({"cursor": "_w"}, 400, "invalid_cursor"),
        ({"q": "x" * 201}, 400, "invalid_query"),
        ({"q": "\x00\x01\x02"}, 400, "invalid_query"),
        ({"q": "tư pháp\n"}, 400, "invalid_query"),
        ({"limit": 0}, 422, "invalid_request"),
        ({"limit": 101}, 422, "invalid_request"),
        ({"limit": "many"}, 422, "invalid_request"),
    ],
)
def test_list_refusals_have_a_code_and_both_languages(
    client: Client, reference_data: dict[str, Any], params: dict[str, Any], status: int, code: str
) -> None:
    assert_refusal(client.get("/api/v1/agencies", params), status, code)


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%FF%FE%00",
        "q=%ED%A0%80",
        "q=" + "%E1%BA%A1" * 300,
        "cursor=%00",
        "cursor=" + "%FF" * 40,
        "province=%00",
        "kind=%00",
        "q=%27%20OR%201%3D1--",
        "limit=1e309",
    ],
)
def test_hostile_input_never_gives_a_server_error(
    client: Client, reference_data: dict[str, Any], query_string: str
) -> None:
    response = client.get(f"/api/v1/agencies?{query_string}")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["code"]


def test_openapi_documents_the_endpoints_and_their_schemas(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/administrative-units/provinces",
        "/api/v1/administrative-units/provinces/{code}/communes",
        "/api/v1/agencies",
        "/api/v1/agencies/{code}",
    ]:
        assert path in paths
    components = schema["components"]["schemas"]
    assert {"ProvinceOut", "CommuneOut", "AgencyPageOut", "AgencyOut"} <= set(components)
    assert set(paths["/api/v1/agencies/{code}"]["get"]["responses"]) >= {"200", "400", "404"}
