"""Settled figures are cached under their province's revision: late data and rebuilds reach the pages at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
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
    # the province with its revision, agency names: the settled sums come from the cache
    assert len(again) == 2

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


DECEMBER = period_for(kind="month", year=2026, number=12)


def _december() -> tuple[int, int, int]:
    stats = statistics_for(period=DECEMBER, province="79", today=LATER)
    november = next(point for point in stats.trend if point.month == date(2026, 11, 1))
    return stats.totals.carried_over, stats.totals.in_progress, november.received


def test_a_late_record_moves_the_cached_stocks_and_trend_of_every_later_period(sync_world: SyncWorld) -> None:
    """Stocks and the trend are cached per province and revision, whatever the period: a late record reaches them."""
    system = sync_world.system
    services.dossiers_sync(system=system, records=[native_dossier("H29.17-261110-0001")], shape="native")
    assert _november_online() == 1  # caches the province's settled stocks
    assert _december() == (1, 1, 1)  # a dossier received in November and still running
    with CaptureQueriesContext(connection) as again:
        statistics_for(period=period_for(kind="month", year=2026, number=10), province="79", today=LATER)
    # the province with its revision, October's settled flows (no agency has rows by then: no names to
    # read); the stocks come from the cache
    assert len(again) == 2

    late = native_dossier("H29.17-261110-0002", event_at="2026-11-11T09:00:00+07:00")
    assert [o.result for o in services.dossiers_sync(system=system, records=[late], shape="native")] == ["created"]
    assert _december() == (2, 2, 2)


def test_a_rebuild_replaces_cached_stocks(world, clock) -> None:
    build_history(world, clock)  # today is 20 November; some October dossiers are still running
    november = period_for(kind="month", year=2026, number=11)
    expected = statistics_for(period=november, province="01").totals.carried_over
    row = HalfMonthStat.objects.filter(half__lt=date(2026, 11, 1)).first()
    assert row is not None
    HalfMonthStat.objects.filter(pk=row.pk).update(open_delta=F("open_delta") + 5)  # a drifted row
    cache.clear()
    assert statistics_for(period=november, province="01").totals.carried_over == expected + 5
    assert statistics_for(period=november, province="01").totals.carried_over == expected + 5  # from the cache

    rollup_rebuild()
    assert statistics_for(period=november, province="01").totals.carried_over == expected
