"""Reference data for the agencies tests: the 2025 units, the pre-2025 map and the demo agencies.

Loading all 3,355 units and 10,602 mappings takes a second or two, so it happens once per test
worker for this package and is removed afterwards (other apps' tests create their own units).
Each test still runs in its own transaction, rolled back at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from opendvc.agencies.models import AdministrativeUnit, Agency, LegacyUnitMapping
from opendvc.agencies.services import administrative_units_load, demo_agencies_load, legacy_unit_mappings_load

UNIT_COUNT = 34 + 3321


def _load() -> dict[str, Any]:
    return {
        "units": administrative_units_load(),
        "legacy": legacy_unit_mappings_load(),
        "demo": demo_agencies_load(),
    }


def _remove() -> None:
    LegacyUnitMapping.objects.all().delete()
    for depth in sorted(set(Agency.objects.values_list("depth", flat=True)), reverse=True):
        Agency.objects.filter(depth=depth).delete()
    AdministrativeUnit.objects.filter(province__isnull=False).delete()
    AdministrativeUnit.objects.all().delete()


@pytest.fixture(scope="package")
def loaded_reference_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        loaded = _load()
    yield loaded
    with django_db_blocker.unblock():
        _remove()


@pytest.fixture
def reference_data(loaded_reference_data: dict[str, Any], db: None) -> dict[str, Any]:
    """The loaded data, reloaded inside this test if a transactional test elsewhere flushed it."""
    if AdministrativeUnit.objects.count() != UNIT_COUNT or not Agency.objects.filter(code="H29.17").exists():
        _load()
    return loaded_reference_data
