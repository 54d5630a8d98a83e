"""Writing agencies: codes in either order (Decision 20/2020/QĐ-TTg), derived fields, refusals, demo data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.agencies.services import DEMO_AGENCIES_PATH, agency_upsert, demo_agencies_load
from opendvc.core.errors import ApiError

pytestmark = pytest.mark.django_db

GIVEN_CODES = {"G01", "G12", "G15", "G18", "H26", "H29", "H26.17", "H29.17"}


def test_a_qcvn_order_code_is_stored_province_first_with_derived_fields(reference_data: dict[str, Any]) -> None:
    tan_dinh = AdministrativeUnit.objects.get(name="Phường Tân Định", province__code="79")
    agency = agency_upsert(
        code="000.00.310.H29",
        name="Ủy ban nhân dân  phường   Tân Định",
        kind=Agency.Kind.COMMUNE_COMMITTEE,
        parent_code="H29",
        administrative_unit_code=tan_dinh.code,
    )
    assert (agency.code, agency.level1, agency.depth) == ("H29.310", "H29", 2)
    assert agency.name == "Ủy ban nhân dân phường Tân Định"
    assert agency.parent is not None and agency.parent.code == "H29"
    assert agency.administrative_unit == tan_dinh
    assert agency.province is not None and agency.province.code == "79"
    assert "uy ban nhan dan phuong tan dinh" in agency.search_text
    assert "h29.310" in agency.search_text
    assert agency.working_hours[0] == {"weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:30"}


def test_a_province_unit_is_its_own_province(reference_data: dict[str, Any]) -> None:
    agency = agency_upsert(
        code="H29.99", name="Sở Thử nghiệm", kind="department", parent_code="H29", administrative_unit_code="79"
    )
    assert agency.province is not None and agency.province.code == "79"


def test_upserting_again_updates_the_same_row(reference_data: dict[str, Any]) -> None:
    before = Agency.objects.count()
    agency_upsert(code="H29.99", name="Sở A", kind="department", parent_code="H29")
    agency = agency_upsert(code="000.00.99.H29", name="Sở B", kind="department", parent_code="H29")
    assert Agency.objects.count() == before + 1
    assert agency.name == "Sở B"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"code": "H29..99"}, "invalid_agency_code"),
        ({"code": "so tu phap"}, "invalid_agency_code"),
        ({"parent_code": "H29.98"}, "unknown_parent_agency"),
        ({"parent_code": "H26"}, "agency_code_not_under_parent"),
        ({"administrative_unit_code": "99999"}, "unknown_administrative_unit"),
        ({"administrative_unit_code": "abc"}, "unknown_administrative_unit"),
        ({"kind": "bank"}, "invalid_agency_kind"),
        ({"name": "   "}, "invalid_agency_name"),
        ({"email": "not-an-address"}, "invalid_email"),
        ({"website": "javascript:alert(1)"}, "invalid_website"),
        ({"working_hours": [{"weekdays": [7], "start": "07:30", "end": "11:30"}]}, "invalid_working_hours"),
        ({"working_hours": [{"weekdays": [0], "start": "17:00", "end": "07:30"}]}, "invalid_working_hours"),
        ({"working_hours": "Mon-Fri"}, "invalid_working_hours"),
    ],
)
def test_refusals_write_nothing(reference_data: dict[str, Any], changes: dict[str, Any], code: str) -> None:
    before = Agency.objects.count()
    arguments: dict[str, Any] = {"code": "H29.99", "name": "Sở Thử nghiệm", "kind": "department", "parent_code": "H29"}
    with pytest.raises(ApiError) as error:
        agency_upsert(**{**arguments, **changes})
    assert error.value.code == code
    assert error.value.message_vi and error.value.message_en
    assert Agency.objects.count() == before


def test_demo_agencies_load_is_idempotent(reference_data: dict[str, Any]) -> None:
    count = Agency.objects.count()
    assert demo_agencies_load() == reference_data["demo"] == count
    assert Agency.objects.count() == count
    assert not Agency.objects.filter(is_sample=False).exists()


def test_demo_has_a_committee_for_each_of_the_34_provinces(reference_data: dict[str, Any]) -> None:
    committees = Agency.objects.filter(kind=Agency.Kind.PROVINCIAL_COMMITTEE).select_related("administrative_unit")
    assert committees.count() == 34
    assert all(c.administrative_unit is not None and c.administrative_unit.is_province for c in committees)
    assert len({c.province_id for c in committees}) == 34
    assert Agency.objects.get(code="H29").province.code == "79"  # type: ignore[union-attr]
    assert Agency.objects.get(code="H26").province.code == "01"  # type: ignore[union-attr]


def test_demo_departments_of_justice_have_the_codes_later_work_relies_on(reference_data: dict[str, Any]) -> None:
    hcm = Agency.objects.select_related("parent", "province").get(code="H29.17")
    hanoi = Agency.objects.select_related("parent", "province").get(code="H26.17")
    assert hcm.name == "Sở Tư pháp Thành phố Hồ Chí Minh" and hcm.parent is not None and hcm.parent.code == "H29"
    assert hanoi.name == "Sở Tư pháp Thành phố Hà Nội" and hanoi.province is not None and hanoi.province.code == "01"


def test_demo_public_service_centres_open_on_saturday_morning(reference_data: dict[str, Any]) -> None:
    centres = Agency.objects.filter(kind=Agency.Kind.PUBLIC_SERVICE_CENTRE)
    assert centres.count() >= 5
    for centre in centres:
        assert {"weekdays": [5], "start": "07:30", "end": "11:30"} in centre.working_hours


def test_every_code_that_was_not_given_says_so_in_a_note() -> None:
    data = json.loads(DEMO_AGENCIES_PATH.read_text(encoding="utf-8"))
    for entry in data["agencies"]:
        assert entry["code"] in GIVEN_CODES or entry.get("note"), entry["code"]
    ministries = {e["code"]: e["name"] for e in data["agencies"] if e["kind"] == "ministry"}
    assert ministries["G01"] == "Bộ Công an" and ministries["G15"] == "Bộ Tư pháp"
    assert ministries["G12"] == "Bộ Tài chính" and ministries["G18"] == "Bộ Y tế"
