"""Simultaneous submissions to one agency get distinct, gapless codes (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from opendvc.catalog.models import RequiredDocument
from opendvc.catalog.services import catalog_revision_bump
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, DossierSequence
from opendvc.dossiers.tests.factories import make_world

SUBMISSIONS = 200
#: PostgreSQL allows 100 connections by default and other suites share the server: 40 threads, each
#: with its own connection, submit the 200 dossiers, all released at once by a barrier.
THREADS = 40


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_get_distinct_gapless_codes(monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the SQLite test database is one in-memory connection shared by threads, "
            "so it cannot show concurrent writers (SQLite itself serialises writers with BEGIN IMMEDIATE)"
        )
    monkeypatch.setattr(services, "dossier_notify_hook", lambda **kwargs: None)
    world = make_world()
    RequiredDocument.objects.filter(version=world.version).update(mandatory=False)
    catalog_revision_bump()
    barrier = threading.Barrier(THREADS)

    def submit_batch(batch: int) -> list[str]:
        try:
            barrier.wait(timeout=30)
            return [
                services.dossier_submit(
                    applicant=world.citizen,
                    agency=world.agency,
                    procedure=world.procedure,
                    procedure_version=1,
                    form_data={"lan": batch * 100 + i},
                    idempotency_key=f"batch-{batch}-{i}",
                ).dossier.code
                for i in range(SUBMISSIONS // THREADS)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        codes = [code for batch in pool.map(submit_batch, range(THREADS)) for code in batch]

    assert len(codes) == SUBMISSIONS
    assert len(set(codes)) == SUBMISSIONS
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert len(prefixes) == 1
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, SUBMISSIONS + 1))
    assert Dossier.objects.count() == SUBMISSIONS
    assert DossierSequence.objects.get(agency=world.agency).last == SUBMISSIONS


@pytest.mark.django_db(transaction=True)
def test_the_same_idempotency_key_twice_at_once_makes_one_dossier(monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on separate connections")
    monkeypatch.setattr(services, "dossier_notify_hook", lambda **kwargs: None)
    world = make_world()
    RequiredDocument.objects.filter(version=world.version).update(mandatory=False)
    catalog_revision_bump()
    barrier = threading.Barrier(8)

    def submit(_: int) -> int:
        try:
            barrier.wait(timeout=30)
            return services.dossier_submit(
                applicant=world.citizen,
                agency=world.agency,
                procedure=world.procedure,
                procedure_version=1,
                form_data={},
                idempotency_key="double-click",
            ).dossier.pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(submit, range(8)))
    assert len(ids) == 1
    assert Dossier.objects.count() == 1
    assert DossierSequence.objects.get(agency=world.agency).last == 1
