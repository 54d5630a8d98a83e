"""The event history is append-only and tamper-evident."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from opendvc.audit.models import AppendOnlyError, AuditEntry
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, DossierEvent, DossierStatus
from opendvc.dossiers.selectors import dossier_chain_verify
from opendvc.dossiers.tests.factories import World, submission_documents

pytestmark = pytest.mark.django_db


def received(world: World) -> Dossier:
    dossier = services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={"ghi_chu": "Nộp lần đầu"},
        documents=submission_documents(world),
    ).dossier
    return services.dossier_receive(dossier=dossier, actor=world.desk, note="Đủ thành phần")


def test_the_chain_hashes_each_event_with_the_previous_hash(world: World) -> None:
    dossier = received(world)
    first, second = DossierEvent.objects.filter(dossier=dossier).order_by("seq")
    assert (first.seq, second.seq, first.prev_hash, second.prev_hash) == (1, 2, "", first.hash)
    assert second.hash == second.compute_hash(dossier_code=dossier.code)
    assert len(second.hash) == 64
    assert dossier_chain_verify(dossier=dossier).ok


def test_events_cannot_be_changed_or_deleted_through_the_orm(world: World) -> None:
    event = DossierEvent.objects.filter(dossier=received(world)).first()
    assert event is not None
    event.note = "sửa lại lịch sử"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_an_update_written_by_hand(world: World) -> None:
    event = DossierEvent.objects.filter(dossier=received(world)).first()
    assert event is not None
    table = DossierEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["sửa tay", event.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET reason = %s", ["x"])  # noqa: S608


def test_a_forged_event_breaks_the_chain(world: World) -> None:
    dossier = received(world)
    last = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    forged = DossierEvent(
        dossier=dossier,
        seq=3,
        at=last.at,
        action="result_ready",
        from_status=2,
        to_status=9,
        prev_hash=last.hash,
        hash="0" * 64,
    )
    forged.save()
    check = dossier_chain_verify(dossier=dossier)
    assert (check.ok, check.broken_at, check.reason) == (False, 3, "hash_mismatch")


def test_a_status_changed_without_an_event_is_detected(world: World) -> None:
    dossier = received(world)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.RESULT_READY)
    dossier.refresh_from_db()
    check = dossier_chain_verify(dossier=dossier)
    assert (check.ok, check.reason) == (False, "status_mismatch")


def test_a_missing_event_in_the_middle_is_detected(world: World) -> None:
    dossier = received(world)
    last = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    gap = DossierEvent(
        dossier=dossier, seq=4, at=last.at, action="forward", from_status=2, to_status=2, prev_hash=last.hash
    )
    gap.hash = gap.compute_hash(dossier_code=dossier.code)
    gap.save()
    assert dossier_chain_verify(dossier=dossier).reason == "sequence_gap"


def test_the_chain_check_command_reports_broken_dossiers(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    dossier = received(world)
    out = StringIO()
    call_command("dossier_chain_check", stdout=out)
    assert "1 dossiers checked, 0 broken" in out.getvalue()
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.RETURNED)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("dossier_chain_check", "--agency", world.agency.code, stdout=StringIO(), stderr=err)
    assert f"{dossier.code}: status_mismatch" in err.getvalue()
