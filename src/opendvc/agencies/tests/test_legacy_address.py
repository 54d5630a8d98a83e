"""Old (pre-2025) addresses typed by people resolve to the 2025 units (Resolution 202/2025/QH15)."""

from __future__ import annotations

from typing import Any

import pytest

from opendvc.agencies.models import LegacyUnitMapping
from opendvc.agencies.selectors import legacy_address_resolve

pytestmark = pytest.mark.django_db


def names(units: list[Any]) -> list[str]:
    return [unit.name for unit in units]


@pytest.mark.parametrize(
    ("province", "district", "ward"),
    [
        ("Thành phố Hồ Chí Minh", "Quận 1", "Phường Bến Nghé"),
        ("thanh pho ho chi minh", "quan 1", "phuong ben nghe"),
        ("Hồ Chí Minh", "", "Bến Nghé"),
        ("TP. HCM", "Q.1", "P. Bến Nghé"),
        ("  HỒ CHÍ MINH ", "QUẬN 01", "BẾN NGHÉ"),
    ],
)
def test_ben_nghe_district_1_is_now_sai_gon_ward(
    reference_data: dict[str, Any], province: str, district: str, ward: str
) -> None:
    units = legacy_address_resolve(province=province, district=district, ward=ward)
    assert [(u.code, u.name) for u in units] == [("26740", "Phường Sài Gòn")]
    assert units[0].province is not None and units[0].province.code == "79"


def test_an_old_commune_now_in_another_province(reference_data: dict[str, Any]) -> None:
    units = legacy_address_resolve(province="Tỉnh Bà Rịa - Vũng Tàu", district="Huyện Côn Đảo", ward="")
    assert names(units) == ["Đặc khu Côn Đảo"]
    assert units[0].province is not None and units[0].province.name == "Thành phố Hồ Chí Minh"


def test_a_split_commune_gives_every_new_unit_with_its_seat_first(reference_data: dict[str, Any]) -> None:
    units = legacy_address_resolve(province="Cần Thơ", district="Huyện Thới Lai", ward="Xã Tân Thạnh")
    assert names(units) == ["Xã Trường Thành", "Xã Tân Thạnh"]


def test_every_split_commune_lists_its_default_unit_first(reference_data: dict[str, Any]) -> None:
    split_codes = (
        LegacyUnitMapping.objects.filter(is_default=False).exclude(old_ward_code="").values_list("old_ward_code")
    )
    for mapping in LegacyUnitMapping.objects.filter(old_ward_code__in=split_codes[:25], is_default=True):
        units = legacy_address_resolve(
            province=mapping.old_province_name, district=mapping.old_district_name, ward=mapping.old_ward_name
        )
        expected = set(
            LegacyUnitMapping.objects.filter(old_ward_code=mapping.old_ward_code).values_list("new_unit", flat=True)
        )
        assert units[0].pk == mapping.new_unit_id
        assert {unit.pk for unit in units} == expected


def test_the_district_narrows_a_commune_name_used_in_several_districts(reference_data: dict[str, Any]) -> None:
    anywhere = legacy_address_resolve(province="TP Hồ Chí Minh", ward="Phường 1")
    in_district_3 = legacy_address_resolve(province="TP Hồ Chí Minh", district="Quận 3", ward="Phường 1")
    assert len(in_district_3) == 1
    assert len(anywhere) > 1 and in_district_3[0] in anywhere


@pytest.mark.parametrize(
    ("province", "district", "ward"),
    [
        ("Atlantis", "", "Phường Bến Nghé"),
        ("Hồ Chí Minh", "", "Phường Không Có"),
        ("Hồ Chí Minh", "Quận 3", "Phường Bến Nghé"),
        ("", "", ""),
        ("Hồ Chí Minh", "", ""),
        ("\x00", "\x00", "\x00"),
    ],
)
def test_an_unknown_address_resolves_to_nothing(
    reference_data: dict[str, Any], province: str, district: str, ward: str
) -> None:
    assert legacy_address_resolve(province=province, district=district, ward=ward) == []
