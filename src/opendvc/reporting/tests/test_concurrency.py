"""Simultaneous events on one rollup key all count (PostgreSQL: INSERT … ON CONFLICT increments)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import Sum

from opendvc.catalog.models import RequiredDocument
from opendvc.catalog.services import catalog_revision_bump
from opendvc.dossiers import services
from opendvc.dossiers.tests.factories import make_world
from opendvc.reporting.models import DailyStat, HalfMonthStat
from opendvc.reporting.services import rollup_rebuild

THREADS = 10
EACH = 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_and_receptions_are_all_counted(monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on separate connections")
    monkeypatch.setattr(services, "dossier_notify_hook", lambda **kwargs: None)
    world = make_world()
    RequiredDocument.objects.filter(version=world.version).update(mandatory=False)
    catalog_revision_bump()
    barrier = threading.Barrier(THREADS)

    def work(batch: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(EACH):
                dossier = services.dossier_submit(
                    applicant=world.citizen,
                    agency=world.agency,
                    procedure=world.procedure,
                    procedure_version=1,
                    form_data={"lan": batch * 100 + i},
                    idempotency_key=f"batch-{batch}-{i}",
                ).dossier
                services.dossier_receive(dossier=dossier, actor=world.desk)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(work, range(THREADS)))

    daily = DailyStat.objects.aggregate(s=Sum("submitted"), r=Sum("received_online"), o=Sum("open_delta"))
    half = HalfMonthStat.objects.aggregate(s=Sum("submitted"), r=Sum("received_online"), o=Sum("open_delta"))
    assert daily == half == {"s": THREADS * EACH, "r": THREADS * EACH, "o": THREADS * EACH}
    assert rollup_rebuild(check=True).differing == 0
