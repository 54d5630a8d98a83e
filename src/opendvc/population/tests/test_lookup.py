"""Look-ups in the reference population database over HTTP, with the citizen's consent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import requests
from django.core.cache import cache

from opendvc.accounts.tests.factories import UserFactory
from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.population.models import PopulationConsent
from opendvc.population.services import population_answers, population_lookup

pytestmark = pytest.mark.django_db
KEY = "opendvc-population-development-key"


@pytest.fixture
def population(reference_service: Any, settings: Any) -> str:
    base = reference_service("population")
    settings.OPENDVC_POPULATION_URL = base
    cache.clear()
    return base


def lookup(user: Any, personal_id: str, *, consent: bool = True) -> Any:
    return population_lookup(user=user, personal_id=personal_id, purpose="Điền sẵn tờ khai", consent_given=consent)


def test_a_citizen_reads_their_own_record_with_consent(population: str) -> None:
    citizen = UserFactory.create(personal_id="079090001234")
    record = lookup(citizen, "079090001234")
    assert record.full_name == "Nguyễn Văn An" and record.birth_date == date(1990, 5, 15) and record.sex == "male"
    assert record.commune_code == "26740" and record.province_code == "79" and record.warnings == ()
    consent = PopulationConsent.objects.get()
    assert record.consent_id == str(consent.public_id) and consent.outcome == "ok" and consent.user_id == citizen.pk
    assert population_answers(record) == {
        "full_name": "Nguyễn Văn An",
        "personal_id": "079090001234",
        "birth_date": "1990-05-15",
        "sex": "male",
    }
    log = requests.get(
        f"{population}/api/v1/citizens/079090001234/accesses", headers={"Authorization": f"Bearer {KEY}"}, timeout=5
    ).json()["accesses"]
    assert log[-1]["consent_id"] == str(consent.public_id), "the database logs which consent it relied on"
    assert AuditEntry.objects.get(action="population_lookup").outcome == "ok"


def test_without_consent_nothing_is_asked(population: str) -> None:
    citizen = UserFactory.create(personal_id="079090001234")
    with pytest.raises(ApiError) as refused:
        lookup(citizen, "079090001234", consent=False)
    assert refused.value.code == "consent_missing"
    assert not PopulationConsent.objects.exists()
    assert AuditEntry.objects.get(action="population_lookup").reason == "consent_missing"


def test_nobody_can_consent_for_someone_else(population: str) -> None:
    citizen = UserFactory.create(personal_id="079090001234")
    with pytest.raises(ApiError) as refused:
        lookup(citizen, "079185001235")
    assert refused.value.code == "population_not_own_record" and refused.value.status == 403


def test_an_unknown_resident_is_not_found(population: str) -> None:
    citizen = UserFactory.create(personal_id="079090009999")
    with pytest.raises(ApiError) as refused:
        lookup(citizen, "079090009999")
    assert refused.value.code == "population_not_found" and refused.value.status == 404
    assert PopulationConsent.objects.get().outcome == "not_found"


def test_a_record_that_disagrees_with_its_id_structure_is_flagged(population: str) -> None:
    citizen = UserFactory.create(personal_id="001090004321")
    assert lookup(citizen, "001090004321").warnings == ("personal_id_birth_year_mismatch",)


def test_the_lookup_is_rate_limited_per_account(population: str, settings: Any) -> None:
    settings.RATE_LIMITS_PER_MINUTE = {**settings.RATE_LIMITS_PER_MINUTE, "population_lookup": 1}
    citizen = UserFactory.create(personal_id="079090001234")
    lookup(citizen, "079090001234")
    with pytest.raises(ApiError) as refused:
        lookup(citizen, "079090001234")
    assert refused.value.status == 429


def test_an_unreachable_database_says_so(settings: Any) -> None:
    settings.OPENDVC_POPULATION_URL = "http://127.0.0.1:9"
    citizen = UserFactory.create(personal_id="079090001234")
    with pytest.raises(ApiError) as refused:
        lookup(citizen, "079090001234")
    assert refused.value.code == "population_unavailable" and refused.value.status == 503


@pytest.mark.parametrize(
    "consent",
    [
        None,
        {"id": "c1", "subject": "079185001235", "scope": ["identity"], "given_at": "2099-01-01T00:00:00Z"},
        {"id": "c1", "subject": "079090001234", "scope": ["identity"], "given_at": "2020-01-01T00:00:00Z"},
        {"id": "c1", "subject": "079090001234", "scope": ["residence"], "given_at": "2020-01-01T00:00:00Z"},
    ],
    ids=["missing", "someone-else", "too-old", "no-identity-scope"],
)
def test_the_database_itself_refuses_a_lookup_without_a_valid_consent(population: str, consent: Any) -> None:
    body = {"personal_id": "079090001234", "purpose": "x", "consent": consent}
    response = requests.post(
        f"{population}/api/v1/citizens/lookup", json=body, headers={"Authorization": f"Bearer {KEY}"}, timeout=5
    )
    assert response.status_code == 403 and response.json()["error"] == "consent_required"


def test_the_database_refuses_an_unregistered_caller(population: str) -> None:
    response = requests.post(
        f"{population}/api/v1/citizens/lookup", json={}, headers={"Authorization": "Bearer x"}, timeout=5
    )
    assert response.status_code == 401
