"""Dossier codes: {agency code}-{yyMMdd}-{4-digit daily sequence per agency}, gapless, never colliding."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from opendvc.core.codes import parse_dossier_code
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import DossierSequence
from opendvc.dossiers.services import dossier_code_next
from opendvc.dossiers.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 24)


def next_code(agency, day: date = DAY) -> str:
    with transaction.atomic():
        return dossier_code_next(agency=agency, received_on=day)


def test_codes_count_per_agency_and_per_day() -> None:
    hanoi, hcm = AgencyFactory.create(code="H29.17"), AgencyFactory.create(code="H79.10.05")
    assert [next_code(hanoi) for _ in range(3)] == ["H29.17-261124-0001", "H29.17-261124-0002", "H29.17-261124-0003"]
    assert next_code(hcm) == "H79.10.05-261124-0001"
    assert next_code(hanoi, date(2026, 11, 25)) == "H29.17-261125-0001"
    parsed = parse_dossier_code("H29.17-261124-0003")
    assert (parsed.agency.canonical, parsed.received_on, parsed.sequence) == ("H29.17", DAY, 3)


def test_a_rolled_back_submission_gives_its_number_back() -> None:
    agency = AgencyFactory.create()
    next_code(agency)
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_code_next(agency=agency, received_on=DAY)
        raise RuntimeError("submission failed")
    assert next_code(agency).endswith("-0002")


def test_the_ten_thousandth_code_of_a_day_is_refused() -> None:
    agency = AgencyFactory.create()
    DossierSequence.objects.create(agency=agency, day=DAY, last=9998)
    assert next_code(agency).endswith("-9999")
    with pytest.raises(ApiError) as refused:
        next_code(agency)
    assert (refused.value.code, refused.value.status) == ("daily_sequence_exhausted", 409)
    assert DossierSequence.objects.get(agency=agency, day=DAY).last == 9999


@pytest.mark.django_db(transaction=True)
def test_codes_are_only_allocated_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        dossier_code_next(agency=AgencyFactory.create(), received_on=DAY)
