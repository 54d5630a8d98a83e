"""Settled figures are cached under their province's revision: late data and rebuilds reach the pages at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from opendvc.reporting.models import HalfMonthStat, RollupRevision
from opendvc.reporting.selectors import period_for, statistics_for
from opendvc.reporting.services import rollup_rebuild
from opendvc.reporting.tests.history import build_history
from opendvc.sync import services
from opendvc.sync.tests.conftest import SyncWorld, native_dossier, sync_world

pytestmark = pytest.mark.django_db
__all__ = ["sync_world"]
NOVEMBER = period_for(kind="month", year=2026, number=11)
LATER = date(2026, 12, 10)


def _november_online() -> int:
    return statistics_for(period=NOVEMBER, province="79", today=LATER).totals.received_online


def test_a_late_synchronised_record_reaches_a_past_month_already_cached(sync_world: SyncWorld) -> None:
    system = sync_world.system
    services.dossiers_sync(system=system, records=[native_dossier("H29.17-261110-0001")], shape="native")
    assert _november_online() == 1
    with CaptureQueriesContext(connection) as again:
        assert _november_online() == 1
    # province, revision, agency names: the settled sums come from the cache
    assert len(again) == 3

    late = native_dossier("H29.17-261110-0002", event_at="2026-11-11T09:00:00+07:00")
    assert [o.result for o in services.dossiers_sync(system=system, records=[late], shape="native")] == ["created"]
    assert _november_online() == 2


def test_a_rebuild_replaces_every_cached_settled_figure(world, clock) -> None:
    build_history(world, clock)  # October's three online receptions; today is 20 November
    october = period_for(kind="month", year=2026, number=10)
    row = HalfMonthStat.objects.filter(half__lt=date(2026, 11, 1), received_online__gt=0).first()
    assert row is not None
    HalfMonthStat.objects.filter(pk=row.pk).update(received_online=F("received_online") + 5)  # a drifted row
    assert statistics_for(period=october, province="01").totals.received_online == 8
    assert statistics_for(period=october, province="01").totals.received_online == 8  # from the cache

    rollup_rebuild()
    assert statistics_for(period=october, province="01").totals.received_online == 3


def test_events_written_on_their_day_leave_the_revisions_alone(world, clock) -> None:
    build_history(world, clock)  # every event is written at the moment it happens
    assert not RollupRevision.objects.exists()
