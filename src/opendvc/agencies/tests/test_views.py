"""Agency pages: the list with search and filters, and one agency with its hours and procedures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from opendvc.agencies.models import Agency
from opendvc.agencies.views import working_hours_lines
from opendvc.catalog.models import Procedure, ProcedureVersion, ServiceOffering

pytestmark = pytest.mark.django_db


def offer(agency_code: str, code: str, name: str) -> None:
    procedure = Procedure.objects.create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=1, status=ProcedureVersion.Status.PUBLISHED, name=name
    )
    procedure.current_version = version
    procedure.save()
    ServiceOffering.objects.create(procedure=procedure, agency=Agency.objects.get(code=agency_code))


def test_working_hours_read_as_vietnamese_weekdays() -> None:
    periods: list[dict[str, object]] = [
        {"weekdays": [0, 1, 2, 3, 4], "start": "13:30", "end": "17:00"},
        {"weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:30"},
        {"weekdays": [5], "start": "07:30", "end": "11:30"},
        {"weekdays": [2, 6], "start": "18:00", "end": "20:00"},
    ]
    assert working_hours_lines(periods) == [
        ("Thứ Hai – Thứ Sáu", "07:30–11:30, 13:30–17:00"),
        ("Thứ Tư, Chủ nhật", "18:00–20:00"),
        ("Thứ Bảy", "07:30–11:30"),
    ]


def test_agency_page_shows_identity_contact_hours_and_procedures(
    client: Client, reference_data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    offer("H29.17", "1.001193", "Thủ tục đăng ký khai sinh")
    offer("H29.17", "1.000894", "Thủ tục đăng ký kết hôn")
    offer("H26.17", "2.000488", "Thủ tục khác của Hà Nội")
    with django_assert_max_num_queries(4):
        response = client.get("/co-quan/H29.17/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Sở Tư pháp Thành phố Hồ Chí Minh</h1>" in html
    assert "H29.17" in html and "Sở, ban, ngành cấp tỉnh" in html
    assert 'href="/co-quan/H29/"' in html and "Ủy ban nhân dân Thành phố Hồ Chí Minh" in html
    assert "141–143 Pasteur" in html
    assert "Thứ Hai – Thứ Sáu" in html and "07:30–11:30, 13:30–17:00" in html
    assert "Thủ tục đăng ký khai sinh" in html and "Thủ tục đăng ký kết hôn" in html
    assert "Thủ tục khác của Hà Nội" not in html
    assert html.index("1.000894") < html.index("1.001193")
    try:
        url = reverse("catalog:procedure_detail", args=["1.001193"])
    except NoReverseMatch:
        url = ""
    if url:
        assert f'href="{url}"' in html
    assert 'class="usa-table' in html


def test_agency_page_without_procedures_says_so(client: Client, reference_data: dict[str, Any]) -> None:
    html = client.get("/co-quan/H29.40/").content.decode()
    assert "Chưa có thủ tục nào được công bố cho cơ quan này." in html
    assert "Thứ Bảy" in html


def test_agency_page_by_qcvn_code_redirects_to_the_canonical_address(
    client: Client, reference_data: dict[str, Any]
) -> None:
    response = client.get("/co-quan/000.00.17.H29/")
    assert response.status_code == 301
    assert response["Location"] == "/co-quan/H29.17/"


@pytest.mark.parametrize("code", ["H29.98", "nope", "H29..17", "%00"])
def test_unknown_or_malformed_agency_page_is_404(client: Client, reference_data: dict[str, Any], code: str) -> None:
    assert client.get(f"/co-quan/{code}/").status_code == 404


def test_agency_list_page_has_a_labelled_search_form_without_javascript(
    client: Client, reference_data: dict[str, Any]
) -> None:
    response = client.get("/co-quan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="get"' in html and 'class="usa-form' in html
    for field in ("agency-q", "agency-province", "agency-kind"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert 'class="usa-input"' in html and 'class="usa-select"' in html and 'class="usa-button"' in html
    assert html.count('<option value="') == 1 + 34 + 1 + len(Agency.Kind.values)
    assert "Bộ Công an" in html


def test_agency_list_page_searches_and_filters(client: Client, reference_data: dict[str, Any]) -> None:
    html = client.get("/co-quan/", {"q": "so tu phap", "province": "79"}).content.decode()
    assert 'href="/co-quan/H29.17/"' in html
    assert "/co-quan/H26.17/" not in html
    assert '<option value="79" selected>' in html
    html = client.get("/co-quan/", {"kind": "public_service_centre"}).content.decode()
    assert "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh" in html and "Bộ Công an" not in html


def test_agency_list_page_pages_with_a_next_link(client: Client, reference_data: dict[str, Any]) -> None:
    html = client.get("/co-quan/").content.decode()
    assert "cursor=" in html
    start = html.index('href="?cursor=') + len('href="?')
    next_query = html[start : html.index('"', start)].replace("&amp;", "&")
    second = client.get(f"/co-quan/?{next_query}")
    assert second.status_code == 200
    assert "Về trang đầu" in second.content.decode()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "\x00"}, 400),
        ({"q": "x" * 300}, 400),
        ({"province": "zz"}, 404),
        ({"kind": "bank"}, 400),
        ({"cursor": "!!"}, 400),
    ],
)
def test_agency_list_page_explains_bad_input(
    client: Client, reference_data: dict[str, Any], params: dict[str, str], status: int
) -> None:
    response = client.get("/co-quan/", params)
    assert response.status_code == status
    assert 'class="usa-alert usa-alert--error"' in response.content.decode()


def test_agency_page_in_english(client: Client, reference_data: dict[str, Any]) -> None:
    html = client.get("/co-quan/H29.40/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Working hours" in html and "Monday – Friday" in html and "Saturday" in html
    assert "Public administrative service centre" in html
