"""Loading the 2025 administrative units and the pre-2025 map (Resolution 202/2025/QH15)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db.models import Count

from opendvc.agencies.models import AdministrativeUnit, LegacyUnitMapping
from opendvc.agencies.services import administrative_units_load, legacy_unit_mappings_load

pytestmark = pytest.mark.django_db


def test_there_are_34_provinces_and_3321_communes(reference_data: dict[str, Any]) -> None:
    assert reference_data["units"]["provinces"] == 34
    assert reference_data["units"]["communes"] == 3321
    kinds = Counter(AdministrativeUnit.objects.values_list("kind", flat=True))
    assert kinds == {"thanh_pho_trung_uong": 6, "tinh": 28, "phuong": 687, "xa": 2621, "dac_khu": 13}
    assert AdministrativeUnit.objects.filter(province__isnull=True).count() == 34


def test_codes_are_zero_padded_like_the_statistics_office(reference_data: dict[str, Any]) -> None:
    hoan_kiem = AdministrativeUnit.objects.select_related("province").get(code="00070")
    assert hoan_kiem.name == "Phường Hoàn Kiếm"
    assert hoan_kiem.province is not None and hoan_kiem.province.code == "01"
    assert AdministrativeUnit.objects.get(code="79").name == "Thành phố Hồ Chí Minh"
    lengths = Counter(len(code) for code in AdministrativeUnit.objects.values_list("code", flat=True))
    assert lengths == {2: 34, 5: 3321}


def test_loading_again_writes_nothing_and_duplicates_nothing(reference_data: dict[str, Any]) -> None:
    mappings_before = LegacyUnitMapping.objects.count()
    units = administrative_units_load()
    legacy = legacy_unit_mappings_load()
    assert (units["created"], units["updated"]) == (0, 0)
    assert (legacy["created"], legacy["updated"], legacy["deleted"]) == (0, 0, 0)
    assert AdministrativeUnit.objects.count() == 34 + 3321
    assert AdministrativeUnit.objects.values("code").distinct().count() == 34 + 3321
    assert LegacyUnitMapping.objects.count() == mappings_before == legacy["mappings"]


def test_loading_repairs_a_unit_edited_by_hand(reference_data: dict[str, Any]) -> None:
    AdministrativeUnit.objects.filter(code="26740").update(name="Phường Bến Nghé")
    LegacyUnitMapping.objects.filter(old_ward_code="26734").delete()
    units = administrative_units_load()
    legacy = legacy_unit_mappings_load()
    assert (units["created"], units["updated"]) == (0, 1)
    assert AdministrativeUnit.objects.get(code="26740").name == "Phường Sài Gòn"
    assert legacy["created"] >= 1
    assert LegacyUnitMapping.objects.filter(old_ward_code="26734").exists()


def test_every_old_commune_maps_to_a_new_unit_with_one_default(reference_data: dict[str, Any]) -> None:
    legacy = reference_data["legacy"]
    assert legacy["old_wards"] == 10035
    assert legacy["old_units"] == 10035 + 5
    assert legacy["new_units"] == 3321
    defaults = (
        LegacyUnitMapping.objects.filter(is_default=True)
        .exclude(old_ward_code="")
        .values("old_ward_code")
        .annotate(n=Count("id"))
    )
    assert defaults.count() == 10035
    assert not defaults.filter(n__gt=1).exists()
    split = (
        LegacyUnitMapping.objects.exclude(old_ward_code="")
        .values("old_ward_code")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert split.count() == legacy["old_wards_divided"] > 0
    assert AdministrativeUnit.objects.filter(province__isnull=False, legacy_units__isnull=True).count() == 0


def test_the_old_key_is_folded_province_district_and_commune(reference_data: dict[str, Any]) -> None:
    ben_nghe = LegacyUnitMapping.objects.select_related("new_unit").get(old_ward_code="26740")
    assert ben_nghe.old_key == "thanh pho ho chi minh quan 1 phuong ben nghe"
    assert (ben_nghe.old_province_code, ben_nghe.old_district_code) == ("79", "760")
    assert ben_nghe.new_unit.name == "Phường Sài Gòn"
