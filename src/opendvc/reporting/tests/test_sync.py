"""Synchronised dossiers reach the statistics through the batch listener, and the rebuild agrees."""

from __future__ import annotations

from datetime import date

import pytest

from opendvc.reporting.selectors import period_for, statistics_for
from opendvc.reporting.services import rollup_rebuild
from opendvc.sync import services
from opendvc.sync.tests.conftest import SyncWorld, native_dossier, sync_world

pytestmark = pytest.mark.django_db
__all__ = ["sync_world"]


def test_synchronised_batches_are_counted_like_native_dossiers(sync_world: SyncWorld) -> None:
    system = sync_world.system
    records = [
        native_dossier("H29.17-261110-0001"),
        native_dossier("H29.17-261110-0002", channel=1, digitised=True),
        native_dossier(
            "H29.17-261110-0003",
            status=10,
            finished_at="2026-11-12T10:00:00",
            returned_at="2026-11-12T15:00:00",
            event_at="2026-11-12T15:00:00+07:00",
            paid_online=1,
        ),
    ]
    outcomes = services.dossiers_sync(system=system, records=records, shape="native")
    assert [o.result for o in outcomes] == ["created", "created", "created"]
    later = native_dossier(
        "H29.17-261110-0001", status=9, finished_at="2026-11-20T10:00:00", event_at="2026-11-20T10:00:00+07:00"
    )
    assert [o.result for o in services.dossiers_sync(system=system, records=[later], shape="native")] == ["updated"]

    stats = statistics_for(
        period=period_for(kind="month", year=2026, number=11), province="79", today=date(2026, 11, 30)
    )
    f = stats.totals
    assert (f.received_online, f.received_in_person, f.received_digitised) == (2, 1, 1)
    assert (f.resolved_early, f.resolved_late, f.returned, f.paid_online) == (1, 1, 1, 1)
    assert (f.in_progress, f.overdue) == (1, 1)  # the second, due 13/11, still running on 30/11
    assert rollup_rebuild(check=True).differing == 0
