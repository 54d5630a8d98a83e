"""Catalogue facts remembered between requests hold exactly until the catalogue changes."""

from __future__ import annotations

import pytest

from opendvc.catalog.memo import catalog_memo
from opendvc.catalog.models import ServiceOffering
from opendvc.catalog.services import catalog_revision_bump
from opendvc.dossiers.tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_a_fact_is_read_once_until_the_revision_moves() -> None:
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert [catalog_memo("t", "k", load) for _ in range(3)] == [1, 1, 1]
    assert catalog_memo("t", "other", load) == 2, "each key is its own fact"
    catalog_revision_bump()  # another worker changed the catalogue
    assert catalog_memo("t", "k", load) == 3


def test_a_catalogue_row_saved_in_this_process_is_seen_at_once() -> None:
    world = make_world()

    def offered() -> bool:
        return catalog_memo(
            "offered", world.procedure.pk, lambda: ServiceOffering.objects.filter(agency=world.agency).exists()
        )

    assert offered()
    ServiceOffering.objects.filter(agency=world.agency).delete()  # rows deleted one by one send their signals
    assert not offered()
