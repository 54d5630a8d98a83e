"""The data-quality pages: who may open them, and an officer sees only the agencies they serve."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.accounts.models import OfficerRole, User
from opendvc.accounts.services import officer_role_grant
from opendvc.sync.models import QuarantinedRecord
from opendvc.sync.tests.conftest import Dvcqg, SyncWorld, dvcqg_dossier

pytestmark = pytest.mark.django_db

LIST = "/can-bo/dong-bo/chat-luong-du-lieu/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _officer(world: SyncWorld) -> User:
    officer = User.objects.create(username="desk.hcm", kind=User.Kind.OFFICER)
    officer_role_grant(user=officer, agency_id=world.justice.pk, role=OfficerRole.Role.DESK)
    return officer


def _held(dvcqg: Dvcqg) -> tuple[QuarantinedRecord, QuarantinedRecord]:
    dvcqg.sync(
        [
            dvcqg_dossier("H29.17-261110-0001", MaTTHC="1.999999"),
            dvcqg_dossier("H29.40-261110-0002", MaDonVi="H29.40", MaTTHC="1.999999"),
        ]
    )
    return (
        QuarantinedRecord.objects.get(dossier_code="H29.17-261110-0001"),
        QuarantinedRecord.objects.get(dossier_code="H29.40-261110-0002"),
    )


def test_an_officer_opens_a_record_of_their_agency_with_the_record_as_received(
    dvcqg: Dvcqg, sync_world: SyncWorld
) -> None:
    own, _ = _held(dvcqg)
    client = _client(_officer(sync_world))
    listing = client.get(LIST).content.decode()
    assert f"{LIST}{own.pk}/" in listing and "H29.40-261110-0002" not in listing
    page = client.get(f"{LIST}{own.pk}/?reason=procedure_unknown")
    assert page.status_code == 200
    text = page.content.decode()
    assert own.message_vi in text and "Chưa khắc phục" in text
    assert "&quot;MaTTHC&quot;: &quot;1.999999&quot;" in text
    assert f'href="{LIST}?reason=procedure_unknown"' in text


def test_a_record_of_another_agency_is_not_found_and_a_citizen_is_refused(dvcqg: Dvcqg, sync_world: SyncWorld) -> None:
    _, other = _held(dvcqg)
    assert _client(_officer(sync_world)).get(f"{LIST}{other.pk}/").status_code == 404
    citizen = User.objects.create(username="079190001234", kind=User.Kind.CITIZEN)
    assert _client(citizen).get(f"{LIST}{other.pk}/").status_code == 403
    assert _client(citizen).get(LIST).status_code == 403
    assert Client().get(f"{LIST}{other.pk}/").status_code == 302  # to the login page
    staff = User.objects.create(username="operator", kind=User.Kind.OFFICER, is_staff=True)
    assert _client(staff).get(f"{LIST}{other.pk}/").status_code == 200


def test_the_page_speaks_english_when_asked(dvcqg: Dvcqg, sync_world: SyncWorld) -> None:
    own, _ = _held(dvcqg)
    client = _client(_officer(sync_world))
    client.cookies["django_language"] = "en"
    text = client.get(f"{LIST}{own.pk}/").content.decode()
    assert own.message_en in text and "Quarantined record H29.17-261110-0001" in text
