"""The rollups the listener keeps equal, row for row, what ``reporting_rebuild`` recomputes from the events."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from opendvc.reporting.models import COUNTERS, DailyStat, HalfMonthStat
from opendvc.reporting.services import rollup_rebuild
from opendvc.reporting.tests.history import build_history

pytestmark = pytest.mark.django_db


def _rows(model: Any, *keys: str) -> dict[tuple[Any, ...], tuple[int, ...]]:
    return {
        tuple(row[: len(keys)]): tuple(row[len(keys) :])
        for row in model.objects.values_list(*keys, *COUNTERS)
        if any(row[len(keys) :])
    }


def test_rebuild_from_the_event_log_agrees_exactly_with_the_incremental_rollups(world, clock) -> None:
    build_history(world, clock)
    daily = _rows(DailyStat, "agency_id", "procedure_id", "day")
    half = _rows(HalfMonthStat, "agency_id", "half")
    assert len(daily) > 10 and len(half) >= 3

    checked = rollup_rebuild(check=True)
    assert (checked.differing, checked.differences) == (0, [])
    assert (checked.daily_rows, checked.half_rows) == (len(daily), len(half))

    DailyStat.objects.all().delete()
    HalfMonthStat.objects.all().delete()
    rebuilt = rollup_rebuild()
    assert rebuilt.events == checked.events
    assert _rows(DailyStat, "agency_id", "procedure_id", "day") == daily
    assert _rows(HalfMonthStat, "agency_id", "half") == half


def test_rebuild_check_reports_a_rollup_that_drifted_from_the_events(world, clock) -> None:
    build_history(world, clock)
    row = DailyStat.objects.filter(received_online__gt=0).first()
    assert row is not None
    DailyStat.objects.filter(pk=row.pk).update(received_online=row.received_online + 1)

    err = StringIO()
    with pytest.raises(CommandError, match="1 rollup rows differ"):
        call_command("reporting_rebuild", "--check", stderr=err)
    assert f"daily ({row.agency_id}, {row.procedure_id}, datetime.date" in err.getvalue()

    out = StringIO()
    call_command("reporting_rebuild", stdout=out)
    assert out.getvalue().startswith("Rebuilt: ")
    call_command("reporting_rebuild", "--check", stdout=out)
    assert "Rollups agree with the event log" in out.getvalue()
