"""Filling the applicant's own details from the population database, with consent, against the
reference population service over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from opendvc.dossiers.tests.factories import World
from opendvc.forms.models import DossierDraft
from opendvc.forms.tests.flows.helpers import page_url, start
from opendvc.population.models import PopulationConsent

pytestmark = pytest.mark.django_db
OWN_DETAILS = "nguoi-yeu-cau"


@pytest.fixture
def population(reference_service: Any, settings: Any) -> str:
    base = reference_service("population")
    settings.OPENDVC_POPULATION_URL = base
    cache.clear()
    return base


@pytest.fixture
def draft(world: World, citizen_client: Client) -> DossierDraft:
    """The demo citizen's account, whose record the population database holds (born 15/05/1990)."""
    world.citizen.personal_id = "079090001234"
    world.citizen.full_name = "Nguyen Van An"
    world.citizen.birth_date = None
    world.citizen.phone = "0901234567"
    world.citizen.save()
    return start(citizen_client, world)


def test_the_own_details_page_offers_the_population_database(draft: DossierDraft, citizen_client: Client) -> None:
    html = citizen_client.get(page_url(draft, OWN_DETAILS)).content.decode()
    assert "Lấy thông tin từ Cơ sở dữ liệu quốc gia về dân cư" in html
    assert 'name="dong-y"' in html and 'for="dong-y"' in html, "the consent box is labelled"
    other = citizen_client.get(page_url(draft, "ten-tre")).content.decode()
    assert 'name="dong-y"' not in other, "a page about the child does not offer the applicant's own record"


def test_with_consent_the_page_is_filled_from_the_record_and_left_for_the_person_to_check(
    population: str, draft: DossierDraft, citizen_client: Client
) -> None:
    response = citizen_client.post(page_url(draft, OWN_DETAILS), {"action": "population", "dong-y": "1"})
    assert response.status_code == 302 and response["Location"] == page_url(draft, OWN_DETAILS)
    draft.refresh_from_db()
    assert draft.form_data["nguoi_yeu_cau"]["ho_ten"] == "Nguyễn Văn An", "the record's name replaces the typed one"
    assert draft.form_data["nguoi_yeu_cau"]["so_dinh_danh"] == "079090001234"
    assert draft.form_data["nguoi_yeu_cau"]["ngay_sinh"] == "1990-05-15"
    assert draft.form_data["nguoi_yeu_cau"]["dien_thoai"] == "0901234567", "the account's phone is still offered"
    assert f"page:{OWN_DETAILS}" not in draft.completed
    consent = PopulationConsent.objects.get()
    assert consent.outcome == "ok" and consent.purpose.startswith("Điền tờ khai: ")
    page = citizen_client.get(response["Location"]).content.decode()
    assert "Đã điền thông tin của bạn từ Cơ sở dữ liệu quốc gia về dân cư" in page
    assert 'value="Nguyễn Văn An"' in page and 'value="1990"' in page


def test_without_consent_nothing_is_looked_up_or_changed(
    population: str, draft: DossierDraft, citizen_client: Client
) -> None:
    before = dict(draft.form_data)
    response = citizen_client.post(page_url(draft, OWN_DETAILS), {"action": "population"})
    assert response.status_code == 400
    assert "Đánh dấu ô “Tôi đồng ý”" in response.content.decode()
    assert 'aria-describedby="dong-y-error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_data == before
    assert not PopulationConsent.objects.exists()


def test_when_the_database_cannot_be_reached_the_person_types_the_details(
    settings: Any, draft: DossierDraft, citizen_client: Client
) -> None:
    settings.OPENDVC_POPULATION_URL = "http://127.0.0.1:9"
    before = dict(draft.form_data)
    response = citizen_client.post(page_url(draft, OWN_DETAILS), {"action": "population", "dong-y": "1"})
    assert response.status_code == 200
    assert "Bạn hãy tự nhập thông tin" in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_data == before


def test_an_account_without_a_personal_id_is_not_offered_the_lookup(world: World, citizen_client: Client) -> None:
    world.citizen.personal_id = None
    world.citizen.save()
    draft = start(citizen_client, world)
    assert 'name="dong-y"' not in citizen_client.get(page_url(draft, OWN_DETAILS)).content.decode()
