"""Properties of working-day arithmetic that must hold for every reception moment and time limit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from opendvc.core.calendar import (
    LOCAL_TZ,
    CalendarEntry,
    WorkingCalendar,
    WorkingHours,
    due_at_after_pause,
    due_at_for,
    working_time_between,
)

SCHEDULES = [
    None,  # the default: 07:30–11:30 and 13:30–17:00
    [
        {"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "12:00"},
        {"weekdays": [0, 1, 2, 3, 4], "start": "13:00", "end": "17:00"},
    ],
    [{"weekdays": [0, 1, 2, 3, 4], "start": "07:00", "end": "16:00"}],
]

moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2034, 12, 31), timezones=st.just(LOCAL_TZ))
whole_days = st.integers(min_value=1, max_value=40)
units = st.sampled_from(["working_days", "working_hours", "calendar_days"])
tenths = st.integers(min_value=1, max_value=400).map(lambda n: Decimal(n) / 10)
schedules = st.sampled_from(SCHEDULES)
table_days = st.lists(
    st.tuples(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 6, 30)),
        st.sampled_from(["holiday", "day_off", "makeup_working_day"]),
    ),
    max_size=30,
)


def calendar_of(
    schedule: list[dict[str, object]] | None, rows: list[tuple[date, str]] | None = None
) -> WorkingCalendar:
    """A calendar whose table holds ``rows`` (one row per date, as the table's unique constraint wants)."""
    hours = WorkingHours.parse(schedule) if schedule else None
    table = dict(rows or [])
    return WorkingCalendar(
        hours=hours, entries=[CalendarEntry(day, kind, f"Ngày {kind}") for day, kind in table.items()]
    )


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=tenths, unit=st.sampled_from(["working_days", "working_hours"]), schedule=schedules)
def test_due_moment_is_a_working_day_within_working_hours(
    received: datetime, amount: Decimal, unit: str, schedule: list[dict[str, object]] | None
) -> None:
    calendar = calendar_of(schedule)
    due = due_at_for(received_at=received, amount=amount, unit=unit, calendar=calendar)
    assert calendar.is_working_day(due.due_at.date())
    assert calendar.is_working_moment(local(due.due_at))
    assert due.due_at > received
    assert due.due_at.utcoffset() == timedelta(hours=7)


@settings(max_examples=100, deadline=None)
@given(received=moments, first=whole_days, second=whole_days, schedule=schedules, rows=table_days)
def test_adding_n_then_m_working_days_equals_adding_n_plus_m(
    received: datetime, first: int, second: int, schedule: list[dict[str, object]] | None, rows: list[tuple[date, str]]
) -> None:
    calendar = calendar_of(schedule, rows)
    step = due_at_for(received_at=received, amount=first, unit="working_days", calendar=calendar).due_at
    twice = due_at_for(received_at=step, amount=second, unit="working_days", calendar=calendar).due_at
    once = due_at_for(received_at=received, amount=first + second, unit="working_days", calendar=calendar).due_at
    assert twice == once


@settings(max_examples=100, deadline=None)
@given(received=moments, first=tenths, second=tenths, schedule=schedules)
def test_adding_hours_in_two_steps_equals_adding_them_at_once(
    received: datetime, first: Decimal, second: Decimal, schedule: list[dict[str, object]] | None
) -> None:
    calendar = calendar_of(schedule)
    step = due_at_for(received_at=received, amount=first, unit="working_hours", calendar=calendar).due_at
    twice = due_at_for(received_at=step, amount=second, unit="working_hours", calendar=calendar).due_at
    once = due_at_for(received_at=received, amount=first + second, unit="working_hours", calendar=calendar).due_at
    assert twice == once


@settings(max_examples=100, deadline=None)
@given(received=moments, smaller=tenths, larger=tenths, unit=units, schedule=schedules, rows=table_days)
def test_more_time_never_gives_an_earlier_due_moment(
    received: datetime,
    smaller: Decimal,
    larger: Decimal,
    unit: str,
    schedule: list[dict[str, object]] | None,
    rows: list[tuple[date, str]],
) -> None:
    if unit == "calendar_days":
        smaller, larger = smaller.to_integral_value(), larger.to_integral_value()
        smaller, larger = max(smaller, Decimal(1)), max(larger, Decimal(1))
    smaller, larger = min(smaller, larger), max(smaller, larger)
    calendar = calendar_of(schedule, rows)
    early = due_at_for(received_at=received, amount=smaller, unit=unit, calendar=calendar).due_at
    late = due_at_for(received_at=received, amount=larger, unit=unit, calendar=calendar).due_at
    assert early <= late


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=whole_days, unit=units, pause_at=moments, schedule=schedules)
def test_a_pause_of_zero_changes_nothing(
    received: datetime, amount: int, unit: str, pause_at: datetime, schedule: list[dict[str, object]] | None
) -> None:
    calendar = calendar_of(schedule)
    due = due_at_for(received_at=received, amount=amount, unit=unit, calendar=calendar).due_at
    assert due_at_after_pause(due_at=due, paused_from=pause_at, resumed_at=pause_at, calendar=calendar) == due


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=whole_days, pause_start=moments, pause_hours=st.integers(0, 24 * 20))
def test_a_pause_moves_the_due_moment_by_the_working_time_waited(
    received: datetime, amount: int, pause_start: datetime, pause_hours: int
) -> None:
    calendar = calendar_of(None)
    due = due_at_for(received_at=received, amount=amount, unit="working_days", calendar=calendar).due_at
    pause_end = pause_start + timedelta(hours=pause_hours)
    moved = due_at_after_pause(due_at=due, paused_from=pause_start, resumed_at=pause_end, calendar=calendar)
    waited = working_time_between(pause_start, pause_end, calendar=calendar).time
    assert moved >= due
    assert working_time_between(due, moved, calendar=calendar).time == waited


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=tenths, unit=units, rows=table_days)
def test_the_due_date_never_falls_on_a_day_off_of_the_table(
    received: datetime, amount: Decimal, unit: str, rows: list[tuple[date, str]]
) -> None:
    if unit == "calendar_days":
        amount = max(amount.to_integral_value(), Decimal(1))
    calendar = calendar_of(None, rows)
    due = due_at_for(received_at=received, amount=amount, unit=unit, calendar=calendar)
    days_off = {day for day, kind in dict(rows).items() if kind != "makeup_working_day"}
    assert due.due_at.date() not in days_off
    assert all(not calendar.is_working_day(day.date) for day in due.skipped)


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=st.integers(min_value=1, max_value=60))
def test_a_calendar_day_time_limit_moves_off_weekends_and_holidays(received: datetime, amount: int) -> None:
    calendar = calendar_of(None)
    result = due_at_for(received_at=received, amount=amount, unit="calendar_days", calendar=calendar)
    due = result.due_at
    assert calendar.is_working_day(due.date())
    assert due.weekday() < 5 or calendar.day(due.date()).kind == "makeup_working_day"
    assert due.date() >= result.counted_from.date() + timedelta(days=amount)
    assert due.date() == result.counted_from.date() + timedelta(days=amount) or result.skipped


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=tenths, schedule=schedules)
def test_working_hours_elapsed_until_the_due_moment_equal_the_time_limit(
    received: datetime, amount: Decimal, schedule: list[dict[str, object]] | None
) -> None:
    calendar = calendar_of(schedule)
    due = due_at_for(received_at=received, amount=amount, unit="working_hours", calendar=calendar)
    elapsed = working_time_between(due.counted_from, due.due_at, calendar=calendar)
    assert elapsed.time == timedelta(hours=float(amount))


days = st.dates(min_value=date(2023, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=days, end=days, schedule=schedules, rows=table_days)
def test_working_days_between_counts_each_working_day_after_start_up_to_end(
    start: date, end: date, schedule: list[dict[str, object]] | None, rows: list[tuple[date, str]]
) -> None:
    calendar = calendar_of(schedule, rows)
    one_by_one = sum(1 for n in range(1, (end - start).days + 1) if calendar.is_working_day(start + timedelta(days=n)))
    assert calendar.working_days_between(start, end) == one_by_one
