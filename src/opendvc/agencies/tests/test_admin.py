"""The admin: units and mappings are read-only reference data; agencies are checked like the service does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opendvc.agencies.models import AdministrativeUnit, Agency

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/agencies/administrativeunit/?q=sai+gon",
        "/admin/agencies/legacyunitmapping/?q=ben+nghe",
        "/admin/agencies/agency/?kind__exact=department",
        "/admin/agencies/agency/add/",
    ],
)
def test_admin_pages_open(admin_client: Client, reference_data: dict[str, Any], url: str) -> None:
    assert admin_client.get(url).status_code == 200


def test_units_cannot_be_added_or_edited_by_hand(admin_client: Client, reference_data: dict[str, Any]) -> None:
    unit = AdministrativeUnit.objects.get(code="79")
    assert admin_client.get("/admin/agencies/administrativeunit/add/").status_code == 403
    response = admin_client.post(f"/admin/agencies/administrativeunit/{unit.pk}/change/", {"name": "X"})
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name == "Thành phố Hồ Chí Minh"


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "000.00.99.H29",
        "name": "Sở Thử nghiệm Thành phố Hồ Chí Minh",
        "kind": "department",
        "parent": str(Agency.objects.get(code="H29").pk),
        "administrative_unit": str(AdministrativeUnit.objects.get(code="79").pk),
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "working_hours": '[{"weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:30"}]',
        "is_active": "on",
    }
    return {**data, **changes}


def test_adding_an_agency_stores_the_canonical_code_and_derived_fields(
    admin_client: Client, reference_data: dict[str, Any]
) -> None:
    response = admin_client.post("/admin/agencies/agency/add/", form())
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.select_related("province").get(code="H29.99")
    assert (agency.level1, agency.depth) == ("H29", 2)
    assert agency.province is not None and agency.province.code == "79"
    assert "so thu nghiem" in agency.search_text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "H29..99"}, "Mã cơ quan gồm các nhóm"),
        ({"code": "H26.99"}, "Mã cơ quan phải bắt đầu bằng mã của cơ quan cấp trên."),
        ({"code": "H29.17"}, "Đã có cơ quan mang mã này."),
        ({"working_hours": '[{"weekdays": [9], "start": "x", "end": "y"}]'}, "Giờ làm việc là danh sách"),
    ],
)
def test_the_admin_refuses_bad_codes_and_hours(
    admin_client: Client, reference_data: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    count = Agency.objects.count()
    response = admin_client.post("/admin/agencies/agency/add/", form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Agency.objects.count() == count
