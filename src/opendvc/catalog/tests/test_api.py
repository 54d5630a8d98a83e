"""The procedures API: schemas, keyset pages and refusals with codes in both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.catalog.models import Channel, Fee, LegalBasis, ProcedureVersion, RequiredDocument
from opendvc.catalog.tests.test_search import make_catalogue

pytestmark = pytest.mark.django_db


def test_search_returns_items_and_next_cursor(client: Client) -> None:
    make_catalogue()
    first = client.get("/api/v1/procedures", {"q": "giay phep lai xe", "limit": "2"})
    assert first.status_code == 200
    body = first.json()
    assert {item["code"] for item in body["items"]} == {"3.000346", "3.000347"}
    assert set(body["items"][0]) >= {"code", "name", "field_code", "levels", "online_level", "applicant_types", "url"}
    assert body["total"] == 4 and body["next"]
    second = client.get("/api/v1/procedures", {"q": "giay phep lai xe", "limit": 2, "cursor": body["next"]}).json()
    assert second["next"] is None
    assert len({i["code"] for i in body["items"] + second["items"]}) == 4


def test_search_filters_by_query_parameters(client: Client) -> None:
    make_catalogue()
    body = client.get("/api/v1/procedures", {"applicant": "business"}).json()
    assert {item["code"] for item in body["items"]} == {"1.001612", "2.001610"}
    body = client.get("/api/v1/procedures", {"q": "khai sinh", "province": "79"}).json()
    assert [item["code"] for item in body["items"]] == ["1.001193"]


def test_detail_returns_the_published_version(client: Client) -> None:
    make_catalogue()
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    Channel.objects.create(version=version, kind="online", time_amount=1, time_unit="working_days")
    Fee.objects.create(version=version, amount=0, description="Miễn phí")
    RequiredDocument.objects.create(version=version, position=1, name="Giấy chứng sinh", originals=1, mandatory=True)
    LegalBasis.objects.create(version=version, number="60/2014/QH13", title="Luật Hộ tịch")
    response = client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Thủ tục đăng ký khai sinh"
    assert body["channels"] == [
        {"kind": "online", "time_amount": "1.00", "time_unit": "working_days", "description": ""}
    ]
    assert body["fees"][0]["amount"] == 0
    assert body["documents"][0]["name"] == "Giấy chứng sinh"
    assert body["legal_bases"][0]["number"] == "60/2014/QH13"
    assert {o["agency_code"] for o in body["offerings"]} == {"H29.17", "H26.17"}
    assert body["offerings"][0]["online_service_code"] == "1.001193.01"


def test_detail_accepts_a_local_variant_code(client: Client) -> None:
    make_catalogue()
    response = client.get("/api/v1/procedures/1.001193.000.00.00.H29")
    assert response.status_code == 200
    assert response.json()["code"] == "1.001193"


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/v1/procedures/1.23", {}, 400, "invalid_procedure_code"),
        ("/api/v1/procedures/9.999999", {}, 404, "procedure_not_found"),
        ("/api/v1/procedures/" + "1" * 300, {}, 400, "invalid_procedure_code"),
        ("/api/v1/procedures", {"q": "a" * 1000}, 400, "invalid_query"),
        ("/api/v1/procedures", {"q": "\x00\x01\x02binary"}, 400, "invalid_query"),
        ("/api/v1/procedures", {"cursor": "%%%"}, 400, "invalid_cursor"),
        ("/api/v1/procedures", {"cursor": "eyJhIjoxfQ"}, 400, "invalid_cursor"),
        ("/api/v1/procedures", {"province": "99"}, 404, "unknown_province"),
        ("/api/v1/procedures", {"province": "xx"}, 400, "unknown_province"),
        ("/api/v1/procedures", {"agency": "not a code"}, 400, "invalid_agency_code"),
        ("/api/v1/procedures", {"applicant": "alien"}, 400, "invalid_filter"),
        ("/api/v1/procedures", {"limit": "0"}, 422, "invalid_request"),
        ("/api/v1/procedures", {"limit": "abc"}, 422, "invalid_request"),
    ],
)
def test_bad_input_gets_a_clear_4xx(client: Client, url: str, params: dict, status: int, code: str) -> None:
    make_catalogue()
    response = client.get(url, params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"] and body["messages"]["en"]
    assert body["message"] == body["messages"]["vi"]


def test_error_message_follows_the_requested_language(client: Client) -> None:
    make_catalogue()
    body = client.get("/api/v1/procedures/1.23", headers={"accept-language": "en"}).json()
    assert body["message"] == body["messages"]["en"]


def test_openapi_documents_the_catalogue_endpoints(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/procedures" in schema["paths"]
    assert "/api/v1/procedures/{code}" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/procedures"]["get"]["parameters"]}
    assert parameters >= {"q", "field", "agency", "province", "applicant", "online_level", "cursor", "limit"}
    assert client.get("/api/docs").status_code == 200


def test_healthz_reports_ready(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_search_page_has_exactly_the_documented_shape(client: Client) -> None:
    """The search page is written out without ninja's validation, so its shape is checked here."""
    from opendvc.catalog.api import ProcedurePageOut, ProcedureSummaryOut

    make_catalogue()
    body = client.get("/api/v1/procedures", {"q": "giay phep", "limit": "3"}).json()
    assert set(body) == set(ProcedurePageOut.model_fields)
    assert body["items"]
    for item in body["items"]:
        assert set(item) == set(ProcedureSummaryOut.model_fields)
    assert ProcedurePageOut.model_validate(body).model_dump(mode="json") == body


def test_a_search_page_is_gzipped_for_clients_that_accept_it_and_identical_once_unpacked(client: Client) -> None:
    import gzip

    make_catalogue()
    plain = client.get("/api/v1/procedures", {"q": "giay phep lai xe"})
    packed = client.get("/api/v1/procedures", {"q": "giay phep lai xe"}, HTTP_ACCEPT_ENCODING="gzip, br")
    again = client.get("/api/v1/procedures", {"q": "giay phep lai xe"}, HTTP_ACCEPT_ENCODING="br;q=1, gzip;q=0.5")
    assert "Content-Encoding" not in plain and plain["Content-Type"] == "application/json"
    assert packed["Content-Encoding"] == "gzip" and packed["Content-Type"] == "application/json"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content == gzip.decompress(again.content)
    assert plain.json()["total"] == 4


def test_a_remembered_search_page_follows_a_catalogue_change(client: Client) -> None:
    make_catalogue()
    before = client.get("/api/v1/procedures", {"q": "giay phep lai xe"}).json()
    version = ProcedureVersion.objects.get(procedure__code="3.000346", status=ProcedureVersion.Status.PUBLISHED)
    version.name = "Cấp mới giấy phép lái xe hạng A1 (đã sửa)"
    version.save()
    from opendvc.catalog.services import catalog_revision_bump

    catalog_revision_bump()  # as every catalogue write does; each worker checks the revision before answering
    after = client.get("/api/v1/procedures", {"q": "giay phep lai xe"}).json()
    names = {item["code"]: item["name"] for item in after["items"]}
    assert names["3.000346"] == "Cấp mới giấy phép lái xe hạng A1 (đã sửa)"
    assert names != {item["code"]: item["name"] for item in before["items"]}
