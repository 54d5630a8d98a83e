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


def test_a_changed_due_date_moves_the_overdue_and_late_counts_and_the_rebuild_agrees(sync_world: SyncWorld) -> None:
    """NgayHenTra travels with every synchronised event, so the live rollups and the rebuild classify
    a dossier by the due date in force when each event happened, not by the last one received."""
    system = sync_world.system

    def send(*records: dict[str, object]) -> list[str]:
        return [o.result for o in services.dossiers_sync(system=system, records=list(records), shape="native")]

    # Extended from 13/11 to 25/11 while in progress, then finished on 20/11: early, not late.
    extended = "H29.17-261110-0011"
    # Shortened from 25/11 to 13/11 (a corrected appointment) and still running on 30/11: overdue.
    shortened = "H29.17-261110-0012"
    # Submitted without NgayHenTra, received by a progress step, given 13/11 later: overdue once, not twice.
    undated = "H29.17-261110-0013"
    assert (
        send(
            native_dossier(extended),
            native_dossier(shortened, due_at="2026-11-25T17:00:00"),
            native_dossier(undated, status=1, received_at=None, due_at=None, event_at="2026-11-10T08:15:00+07:00"),
        )
        == ["created"] * 3
    )
    progress = [{"code": undated, "at": "2026-11-10T09:00:00+07:00", "status": 2, "handler": "Trần Thị Mai"}]
    assert [o.result for o in services.progress_sync(system=system, records=progress, shape="native")] == ["updated"]
    assert (
        send(
            native_dossier(extended, due_at="2026-11-25T17:00:00", event_at="2026-11-12T10:00:00+07:00"),
            native_dossier(shortened, event_at="2026-11-12T10:00:00+07:00"),
            native_dossier(undated, status=4, received_at="2026-11-10T09:00:00", event_at="2026-11-11T08:00:00+07:00"),
        )
        == ["updated"] * 3
    )
    finished = native_dossier(
        extended,
        status=9,
        due_at="2026-11-25T17:00:00",
        finished_at="2026-11-20T10:00:00",
        event_at="2026-11-20T10:00:00+07:00",
    )
    assert send(finished) == ["updated"]
    # Finished on its due day without NgayKetThucXuLy (the event's time stands), corrected a day later.
    corrected = "H29.17-261110-0014"
    assert send(native_dossier(corrected, status=9, event_at="2026-11-13T10:00:00+07:00")) == ["created"]
    assert send(
        native_dossier(
            corrected,
            status=10,
            finished_at="2026-11-14T10:00:00",
            returned_at="2026-11-14T15:00:00",
            event_at="2026-11-14T15:00:00+07:00",
        )
    ) == ["updated"]

    f = statistics_for(
        period=period_for(kind="month", year=2026, number=11), province="79", today=date(2026, 11, 30)
    ).totals
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (1, 1, 0)
    assert (f.in_progress, f.overdue) == (2, 2)
    mid = statistics_for(
        period=period_for(kind="month", year=2026, number=11), province="79", today=date(2026, 11, 14)
    ).totals
    assert (mid.in_progress, mid.overdue) == (3, 2)  # on 14/11: the shortened and the undated, not the extended
    checked = rollup_rebuild(check=True)
    assert (checked.differing, checked.differences) == (0, [])
