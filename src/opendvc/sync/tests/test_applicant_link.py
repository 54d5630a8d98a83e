"""Synchronised dossiers join the citizen's "my dossiers" once the national e-ID vouches for their ID,
whether the account existed at synchronisation time or came later."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from opendvc.accounts.eid import EidIdentity
from opendvc.accounts.models import User
from opendvc.accounts.services import citizen_register, eid_account_link
from opendvc.audit.models import AuditEntry
from opendvc.dossiers.models import Dossier
from opendvc.sync import services
from opendvc.sync.tests.conftest import SyncWorld, native_dossier

pytestmark = pytest.mark.django_db

NUMBER = "079190001234"


def _identity(number: str = NUMBER) -> EidIdentity:
    return EidIdentity(subject=f"sub-{number}", personal_id=number, full_name="Nguyễn Thị Mai Anh", assurance_level=2)


def _sync(world: SyncWorld, *records: dict[str, Any]) -> list[str]:
    return [o.result for o in services.dossiers_sync(system=world.system, records=list(records), shape="native")]


def _my_dossiers(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/ho-so-cua-toi/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_citizen_who_registers_after_the_sync_sees_the_dossiers_once_the_e_id_verifies_the_id(
    sync_world: SyncWorld,
) -> None:
    assert (
        _sync(
            sync_world,
            native_dossier("H29.17-261110-0001"),
            native_dossier("H29.17-261110-0002"),
            native_dossier("H29.17-261110-0003", applicant_id_number="079190009999"),
        )
        == ["created"] * 3
    )
    citizen = citizen_register(
        full_name="Nguyễn Thị Mai Anh", personal_id=NUMBER, phone="0912345678", password="Khó-đoán-2026!"
    )
    before = _my_dossiers(citizen)
    assert "H29.17-261110-0001" not in before  # a typed ID number proves nothing yet

    user, created = eid_account_link(identity=_identity())
    assert (user.pk, created) == (citizen.pk, False)
    after = _my_dossiers(user)
    assert "H29.17-261110-0001" in after and "H29.17-261110-0002" in after
    assert "H29.17-261110-0003" not in after
    assert AuditEntry.objects.filter(action="sync.applicant_link", actor=user, data__dossiers=2).count() == 1

    eid_account_link(identity=_identity())  # the next e-ID login links nothing more and audits nothing
    assert Dossier.objects.filter(applicant=user).count() == 2
    assert AuditEntry.objects.filter(action="sync.applicant_link").count() == 1


def test_an_account_created_by_the_first_e_id_login_sees_the_dossiers_synchronised_before(
    sync_world: SyncWorld,
) -> None:
    assert _sync(sync_world, native_dossier("H29.17-261110-0001")) == ["created"]
    assert not User.objects.filter(personal_id=NUMBER).exists()
    user, created = eid_account_link(identity=_identity())
    assert created
    assert "H29.17-261110-0001" in _my_dossiers(user)


def test_at_synchronisation_time_only_a_verified_account_is_linked(sync_world: SyncWorld) -> None:
    User.objects.create(username=NUMBER, personal_id=NUMBER, kind=User.Kind.CITIZEN)
    verified = User.objects.create(
        username="079190005678", personal_id="079190005678", kind=User.Kind.CITIZEN, eid_verified_at=timezone.now()
    )
    assert _sync(
        sync_world,
        native_dossier("H29.17-261110-0001"),
        native_dossier("H29.17-261110-0002", applicant_id_number="079190005678"),
    ) == ["created", "created"]
    assert Dossier.objects.get(code="H29.17-261110-0001").applicant is None
    assert Dossier.objects.get(code="H29.17-261110-0002").applicant == verified


def test_a_business_record_or_an_officer_account_is_never_linked_by_number(sync_world: SyncWorld) -> None:
    officer = User.objects.create(
        username="officer.hcm", personal_id=NUMBER, kind=User.Kind.OFFICER, eid_verified_at=timezone.now()
    )
    assert _sync(
        sync_world,
        native_dossier("H29.17-261110-0001"),
        native_dossier("H29.17-261110-0002", applicant_kind=2, applicant_id_number="0312345673"),
    ) == ["created", "created"]
    assert services.synced_dossiers_link(user=officer) == 0
    assert Dossier.objects.filter(applicant__isnull=False).count() == 0


def test_the_link_finds_the_dossiers_through_the_partial_index_not_a_scan(sync_world: SyncWorld) -> None:
    query = Dossier.objects.filter(
        applicant_id_number=NUMBER, applicant__isnull=True, source_system__isnull=False
    ).order_by()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "dossier_synced_applicant" in plan  # the filter of synced_dossiers_link, which updates unordered
