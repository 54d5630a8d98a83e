"""Working-day calendar: fixed cases around Tết, the spring and National Day holidays, make-up days,
the 15:00 cut-off, working hours and supplement pauses, with the 2026 decisions from the table."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from opendvc.agencies.models import Agency
from opendvc.core.calendar import (
    INTERCONNECTED_CUTOFF,
    LOCAL_TZ,
    CalendarError,
    WorkingCalendar,
    WorkingHours,
    classify_finished,
    classify_open,
    due_at_after_pause,
    due_at_after_pauses,
    due_at_for,
    is_working_day,
    non_working_days,
    working_hours_for,
    working_time_between,
)
from opendvc.core.models import CalendarDay


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def make_agency(code: str = "H29.17", **fields: object) -> Agency:
    levels = code.split(".")
    return Agency.objects.create(code=code, level1=levels[0], depth=len(levels), name=f"Cơ quan {code}", **fields)


# --- Which days count -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tet_binh_ngo_2026_is_nine_days_off_from_the_government_decision() -> None:
    off = non_working_days(start=date(2026, 2, 13), end=date(2026, 2, 23))
    assert [day.date for day in off] == [date(2026, 2, d) for d in range(14, 23)]
    reasons = {day.date: day.reason for day in off}
    assert reasons[date(2026, 2, 17)] == "Tết Nguyên đán (mùng 1 Tết Bính Ngọ)"
    assert reasons[date(2026, 2, 14)] == "Thứ Bảy"
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 23))


@pytest.mark.django_db
def test_the_2026_rows_cite_their_decisions() -> None:
    new_year_swap = CalendarDay.objects.get(date=date(2026, 1, 2), agency=None)
    assert new_year_swap.kind == CalendarDay.Kind.DAY_OFF
    assert "12729/VPCP-KGVX" in new_year_swap.legal_basis
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).legal_basis.startswith("Thông báo 9441/TB-BNV")
    assert CalendarDay.objects.get(date=date(2026, 8, 22)).is_working


def test_tet_dinh_mui_2027_with_its_compensatory_days_comes_from_the_statutory_calendar() -> None:
    calendar = WorkingCalendar(entries=[])
    assert not calendar.is_working_day(date(2027, 2, 6))
    assert "Tết Nguyên đán" in calendar.day(date(2027, 2, 6)).reason
    # Mùng 1 on Saturday and mùng 2 on Sunday: one day off before (29 Tết), one after (mùng 5).
    assert not calendar.is_working_day(date(2027, 2, 4))
    assert not calendar.is_working_day(date(2027, 2, 10))
    assert calendar.is_working_day(date(2027, 2, 3)) and calendar.is_working_day(date(2027, 2, 11))


def test_a_dossier_received_before_tet_2027_is_due_after_it() -> None:
    due = due_at_for(
        received_at=at(2027, 2, 3, 10), amount=2, unit="working_days", calendar=WorkingCalendar(entries=[])
    )
    assert due.due_at == at(2027, 2, 12, 10)
    assert [day.date for day in due.skipped] == [date(2027, 2, d) for d in range(4, 11)]


def test_30_april_and_1_may_on_a_weekend_give_substitute_days() -> None:
    calendar = WorkingCalendar(entries=[])
    # 2033: 30/4 is a Saturday and 1/5 a Sunday, so Monday 2/5 and Tuesday 3/5 are off.
    due = due_at_for(received_at=at(2033, 4, 29), amount=1, unit="working_days", calendar=calendar)
    assert due.due_at == at(2033, 5, 4)
    reasons = {day.date: day.reason for day in due.skipped}
    assert set(reasons) == {date(2033, 4, 30), date(2033, 5, 1), date(2033, 5, 2), date(2033, 5, 3)}
    assert "nghỉ bù" in reasons[date(2033, 5, 2)] and "nghỉ bù" in reasons[date(2033, 5, 3)]
    # 2028: 30/4 is a Sunday; Monday 1/5 is the Labour Day holiday, Tuesday 2/5 the substitute.
    assert not calendar.is_working_day(date(2028, 5, 2))
    assert calendar.is_working_day(date(2028, 5, 3))


@pytest.mark.django_db
def test_30_april_2026_on_a_thursday() -> None:
    due = due_at_for(received_at=at(2026, 4, 29), amount=1, unit="working_days")
    assert due.due_at == at(2026, 5, 4)
    assert [day.reason for day in due.skipped] == [
        "Ngày Chiến thắng (30/4)",
        "Ngày Quốc tế Lao động (1/5)",
        "Thứ Bảy",
        "Chủ nhật",
    ]


@pytest.mark.django_db
def test_national_day_2026_swaps_monday_31_august_with_saturday_22_august() -> None:
    due = due_at_for(received_at=at(2026, 8, 28), amount=1, unit="working_days")
    assert due.due_at == at(2026, 9, 3)
    assert {day.date for day in due.skipped} >= {date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)}
    friday = due_at_for(received_at=at(2026, 8, 21, 14), amount=1, unit="working_days")
    assert friday.due_at == at(2026, 8, 22, 14)
    assert [day.date for day in friday.makeup_days] == [date(2026, 8, 22)]


def test_national_day_and_its_adjacent_day() -> None:
    calendar = WorkingCalendar(entries=[])
    # 2027: 2/9 is a Thursday, the adjacent day off is Friday 3/9.
    assert due_at_for(received_at=at(2027, 9, 1, 10), amount=1, unit="working_days", calendar=calendar).due_at == at(
        2027, 9, 6, 10
    )
    assert "Quốc khánh" in calendar.day(date(2027, 9, 2)).reason


@pytest.mark.django_db
def test_a_make_up_saturday_from_the_table_counts_as_a_working_day() -> None:
    assert is_working_day(date(2026, 1, 10))
    assert not is_working_day(date(2026, 1, 2))
    due = due_at_for(received_at=at(2026, 1, 9, 10), amount=1, unit="working_days")
    assert due.due_at == at(2026, 1, 10, 10)
    assert due.makeup_days[0].reason == "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026"


@pytest.mark.django_db
def test_a_new_table_row_changes_the_calendar() -> None:
    CalendarDay.objects.create(
        date=date(2031, 3, 8), kind=CalendarDay.Kind.MAKEUP_WORKING_DAY, name="Làm bù", legal_basis="Thử nghiệm"
    )
    CalendarDay.objects.create(date=date(2031, 3, 10), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ theo quyết định")
    assert is_working_day(date(2031, 3, 8))
    assert not is_working_day(date(2031, 3, 10))
    assert non_working_days(start=date(2031, 3, 10), end=date(2031, 3, 10))[0].reason == "Nghỉ theo quyết định"


@pytest.mark.django_db
def test_a_local_day_off_applies_to_the_agency_and_the_agencies_under_it_only() -> None:
    province = make_agency("H29")
    department = make_agency("H29.17", parent=province)
    elsewhere = make_agency("H56.14")
    CalendarDay.objects.create(date=date(2030, 3, 12), kind=CalendarDay.Kind.DAY_OFF, name="Lễ hội", agency=province)
    assert not is_working_day(date(2030, 3, 12), agency=province)
    assert not is_working_day(date(2030, 3, 12), agency=department)
    assert is_working_day(date(2030, 3, 12), agency=elsewhere)
    assert is_working_day(date(2030, 3, 12))


@pytest.mark.django_db
def test_an_agency_row_wins_over_the_national_row() -> None:
    agency = make_agency("H29.17")
    CalendarDay.objects.create(date=date(2030, 6, 8), kind=CalendarDay.Kind.MAKEUP_WORKING_DAY, name="Làm bù")
    CalendarDay.objects.create(date=date(2030, 6, 8), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ", agency=agency)
    assert is_working_day(date(2030, 6, 8))
    assert not is_working_day(date(2030, 6, 8), agency=agency)


@pytest.mark.django_db
def test_a_table_row_can_correct_the_statutory_calendar() -> None:
    CalendarDay.objects.create(date=date(2030, 11, 25), kind=CalendarDay.Kind.MAKEUP_WORKING_DAY, name="Đi làm")
    assert is_working_day(date(2030, 11, 25))


# --- Due dates ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dossier_received_on_12_february_2026_with_5_working_days_is_due_after_tet() -> None:
    due = due_at_for(received_at=at(2026, 2, 12, 9, 30), amount=5, unit="working_days")
    assert due.due_at == at(2026, 2, 26, 9, 30)
    assert due.counted_from == due.received_at
    assert len(due.skipped) == 9
    assert str(due.due_at.utcoffset()) == "7:00:00"


@pytest.mark.django_db
def test_due_date_in_another_time_zone_is_read_in_vietnam_time() -> None:
    received = datetime(2026, 2, 11, 19, 30, tzinfo=UTC)  # 02:30 on 12/02 in Vietnam, before opening
    due = due_at_for(received_at=received, amount=5, unit="working_days")
    assert due.received_at == at(2026, 2, 12, 2, 30)
    assert due.counted_from == at(2026, 2, 12, 7, 30)
    assert due.due_at == at(2026, 2, 25, 17)


def test_received_outside_working_hours_counts_from_the_next_working_day() -> None:
    calendar = WorkingCalendar(entries=[])
    saturday = due_at_for(received_at=at(2030, 3, 9, 10), amount=3, unit="working_days", calendar=calendar)
    assert saturday.counted_from == at(2030, 3, 11, 7, 30)
    assert saturday.due_at == at(2030, 3, 13, 17)
    evening = due_at_for(received_at=at(2030, 3, 11, 18), amount=1, unit="working_days", calendar=calendar)
    assert evening.due_at == at(2030, 3, 12, 17)
    early = due_at_for(received_at=at(2030, 3, 11, 6), amount=1, unit="working_days", calendar=calendar)
    assert early.due_at == at(2030, 3, 11, 17)
    lunch = due_at_for(received_at=at(2030, 3, 11, 12), amount=1, unit="working_days", calendar=calendar)
    assert lunch.counted_from == at(2030, 3, 11, 13, 30)
    assert lunch.due_at == at(2030, 3, 12, 13, 30)


def test_interconnected_dossiers_received_after_15_00_count_from_the_next_working_day() -> None:
    calendar = WorkingCalendar(entries=[])
    kwargs = {"amount": 3, "unit": "working_days", "calendar": calendar, "cutoff": INTERCONNECTED_CUTOFF}
    late = due_at_for(received_at=at(2030, 3, 11, 15, 1), **kwargs)  # type: ignore[arg-type]
    assert late.counted_from == at(2030, 3, 12, 7, 30)
    assert late.due_at == at(2030, 3, 14, 17)
    on_the_dot = due_at_for(received_at=at(2030, 3, 11, 15), **kwargs)  # type: ignore[arg-type]
    assert on_the_dot.counted_from == on_the_dot.received_at
    assert on_the_dot.due_at == at(2030, 3, 14, 15)
    friday = due_at_for(received_at=at(2030, 3, 15, 16), **kwargs)  # type: ignore[arg-type]
    assert friday.due_at == at(2030, 3, 20, 17)
    without_cutoff = due_at_for(received_at=at(2030, 3, 11, 15, 1), amount=3, unit="working_days", calendar=calendar)
    assert without_cutoff.due_at == at(2030, 3, 14, 15, 1)


def test_working_hours_skip_lunch_and_the_night() -> None:
    calendar = WorkingCalendar(entries=[])
    assert due_at_for(received_at=at(2030, 3, 11, 11), amount=1, unit="working_hours", calendar=calendar).due_at == at(
        2030, 3, 11, 14
    )
    overnight = due_at_for(received_at=at(2030, 3, 11, 16, 30), amount=2, unit="working_hours", calendar=calendar)
    assert overnight.due_at == at(2030, 3, 12, 9)
    weekend = due_at_for(received_at=at(2030, 3, 15, 16), amount=8, unit="working_hours", calendar=calendar)
    assert weekend.due_at == at(2030, 3, 18, 16, 30)  # 1 h Friday, 4 h Monday morning, 3 h after lunch
    assert [day.reason for day in weekend.skipped] == ["Thứ Bảy", "Chủ nhật"]


def test_half_a_working_day_is_half_of_the_agency_day() -> None:
    calendar = WorkingCalendar(
        entries=[], hours=WorkingHours.parse([{"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "16:00"}])
    )
    due = due_at_for(received_at=at(2030, 3, 11, 8), amount=Decimal("1.5"), unit="working_days", calendar=calendar)
    assert due.due_at == at(2030, 3, 12, 12)


def test_calendar_days_ending_on_a_day_off_move_to_the_next_working_day() -> None:
    calendar = WorkingCalendar(entries=[])
    ends_saturday = due_at_for(received_at=at(2030, 3, 11, 10), amount=5, unit="calendar_days", calendar=calendar)
    assert ends_saturday.due_at == at(2030, 3, 18, 17)
    assert [day.reason for day in ends_saturday.skipped] == ["Thứ Bảy", "Chủ nhật"]
    ends_thursday = due_at_for(received_at=at(2030, 3, 11, 10), amount=10, unit="calendar_days", calendar=calendar)
    assert ends_thursday.due_at == at(2030, 3, 21, 17)
    assert ends_thursday.skipped == []


@pytest.mark.django_db
def test_agency_working_hours_are_used() -> None:
    agency = make_agency(
        "H29.17",
        working_hours=[
            {"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "12:00"},
            {"weekdays": [0, 1, 2, 3, 4], "start": "13:00", "end": "17:00"},
            {"weekdays": [5], "start": "08:00", "end": "11:00"},
        ],
    )
    due = due_at_for(received_at=at(2030, 3, 11, 11), amount=2, unit="working_hours", agency=agency)
    assert due.due_at == at(2030, 3, 11, 14)
    # Saturday opening hours do not make Saturday a working day for time limits.
    friday = due_at_for(received_at=at(2030, 3, 15, 16), amount=2, unit="working_hours", agency=agency)
    assert friday.due_at == at(2030, 3, 18, 9)


@pytest.mark.django_db
def test_unusable_working_hours_fall_back_to_the_default() -> None:
    agency = make_agency("H29.17", working_hours=[{"weekdays": [0], "start": "17:00", "end": "08:00"}])
    assert working_hours_for(agency).on_weekday(0)[0].start == time(7, 30)
    agency.working_hours = []
    assert working_hours_for(agency).regular_day_length == timedelta(hours=7, minutes=30)


def test_working_hours_parse_merges_overlaps_and_refuses_garbage() -> None:
    hours = WorkingHours.parse(
        [
            {"weekdays": [0], "start": "08:00", "end": "10:00"},
            {"weekdays": [0], "start": "09:00", "end": "11:00"},
        ]
    )
    assert [(p.start, p.end) for p in hours.on_weekday(0)] == [(time(8), time(11))]
    for garbage in (None, [], [1], [{"weekdays": [7], "start": "08:00", "end": "09:00"}], [{"weekdays": [0]}]):
        with pytest.raises(ValueError):
            WorkingHours.parse(garbage)


def test_refusals_of_bad_amounts_and_units() -> None:
    calendar = WorkingCalendar(entries=[])
    for amount in (0, -1, "abc", "NaN", "Infinity", 3651, "1e9", True):
        with pytest.raises(CalendarError) as error:
            due_at_for(received_at=at(2030, 3, 11), amount=amount, unit="working_days", calendar=calendar)  # type: ignore[arg-type]
        assert error.value.code == "invalid_amount"
    with pytest.raises(CalendarError, match="whole number"):
        due_at_for(received_at=at(2030, 3, 11), amount="1.5", unit="calendar_days", calendar=calendar)
    with pytest.raises(CalendarError) as error:
        due_at_for(received_at=at(2030, 3, 11), amount=1, unit="months", calendar=calendar)
    assert error.value.code == "invalid_unit"
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at_for(received_at=datetime(2030, 3, 11, 9), amount=1, unit="working_days", calendar=calendar)


def test_the_longest_time_limit_is_computed() -> None:
    due = due_at_for(received_at=at(2026, 3, 2), amount=3650, unit="working_days", calendar=WorkingCalendar(entries=[]))
    assert due.due_at.year == 2040


def test_a_calendar_without_working_days_is_refused_not_looping() -> None:
    closed = WorkingCalendar(
        entries=[], hours=WorkingHours.parse([{"weekdays": [6], "start": "08:00", "end": "09:00"}])
    )
    with pytest.raises(CalendarError) as error:
        due_at_for(received_at=at(2030, 3, 11), amount=1, unit="working_days", calendar=closed)
    assert error.value.code == "no_working_day"


@pytest.mark.django_db
def test_many_due_dates_cost_one_query(django_assert_num_queries: object) -> None:
    calendar = WorkingCalendar()
    with django_assert_num_queries(1):  # type: ignore[operator]
        calendar.preload(date(2026, 1, 1), date(2027, 12, 31))
        for offset in range(60):
            due_at_for(
                received_at=at(2026, 1, 5) + timedelta(days=offset), amount=15, unit="working_days", calendar=calendar
            )


# --- Elapsed time and supplements ------------------------------------------------------------------


def test_working_time_between_counts_working_hours_only() -> None:
    calendar = WorkingCalendar(entries=[])
    elapsed = working_time_between(at(2030, 3, 15, 16), at(2030, 3, 18, 9, 30), calendar=calendar)
    assert elapsed.hours == Decimal("3.00")
    week = working_time_between(at(2030, 3, 11, 9), at(2030, 3, 18, 9), calendar=calendar)
    assert week.days == Decimal("5.00")
    assert working_time_between(at(2030, 3, 18, 9), at(2030, 3, 11, 9), calendar=calendar).days == Decimal("-5.00")


@pytest.mark.django_db
def test_supplement_time_is_not_counted_towards_the_deadline() -> None:
    due = due_at_for(received_at=at(2026, 2, 12, 9), amount=5, unit="working_days").due_at
    moved = due_at_after_pause(due_at=due, paused_from=at(2026, 2, 23, 9), resumed_at=at(2026, 2, 25, 9))
    assert moved == at(2026, 3, 2, 9)


def test_a_pause_over_a_weekend_or_of_no_time_moves_nothing() -> None:
    calendar = WorkingCalendar(entries=[])
    due = at(2030, 3, 20, 10)
    assert (
        due_at_after_pause(
            due_at=due, paused_from=at(2030, 3, 15, 17), resumed_at=at(2030, 3, 18, 7), calendar=calendar
        )
        == due
    )
    assert (
        due_at_after_pause(due_at=due, paused_from=at(2030, 3, 12), resumed_at=at(2030, 3, 12), calendar=calendar)
        == due
    )
    with pytest.raises(CalendarError):
        due_at_after_pause(due_at=due, paused_from=at(2030, 3, 13), resumed_at=at(2030, 3, 12), calendar=calendar)


def test_several_pauses_add_up() -> None:
    calendar = WorkingCalendar(entries=[])
    due = at(2030, 3, 20, 10)
    pauses = [(at(2030, 3, 11, 10), at(2030, 3, 11, 11)), (at(2030, 3, 12, 10), at(2030, 3, 12, 11))]
    assert due_at_after_pauses(due_at=due, pauses=pauses, calendar=calendar) == at(2030, 3, 20, 14)


# --- Timeliness (Decision 766, indicator 2.1) -------------------------------------------------------


def test_finished_dossiers_are_early_on_time_or_late() -> None:
    due = at(2026, 2, 26, 9, 30)
    assert classify_finished(finished_at=at(2026, 2, 25, 16), due_at=due, supplement_requests=0) == "early"
    assert classify_finished(finished_at=at(2026, 2, 26, 8), due_at=due, supplement_requests=1) == "on_time"
    assert classify_finished(finished_at=due, due_at=due, supplement_requests=0) == "on_time"
    assert classify_finished(finished_at=due + timedelta(seconds=1), due_at=due, supplement_requests=0) == "late"


def test_more_than_one_supplement_request_counts_as_late() -> None:
    due = at(2026, 2, 26, 9, 30)
    assert classify_finished(finished_at=at(2026, 2, 13), due_at=due, supplement_requests=2) == "late"


def test_open_dossiers_are_on_time_until_the_due_moment() -> None:
    due = at(2026, 2, 26, 9, 30)
    assert classify_open(now=due, due_at=due) == "on_time"
    assert classify_open(now=due + timedelta(minutes=1), due_at=due) == "overdue"


# --- Loading decided days ------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_calendar_records_decided_days_and_shows_the_year(tmp_path: Path) -> None:
    make_agency("H29")
    decisions = [
        {"date": "2027-02-05", "kind": "holiday", "name": "Tết Nguyên đán", "legal_basis": "Thông báo thử"},
        {"date": "2027-02-13", "kind": "makeup_working_day", "name": "Làm bù", "legal_basis": "Thông báo thử"},
        {"date": "2027-03-15", "kind": "day_off", "name": "Lễ hội địa phương", "agency": "H29"},
    ]
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    call_command("load_calendar", str(path), stdout=StringIO())
    call_command("load_calendar", str(path), stdout=StringIO())  # loading twice changes nothing
    assert CalendarDay.objects.filter(date__year=2027).count() == 3
    assert is_working_day(date(2027, 2, 13))
    shown = StringIO()
    call_command("load_calendar", show=2027, agency="H29", stdout=shown)
    assert "13/02/2027  làm việc  Làm bù" in shown.getvalue()
    assert "15/03/2027  nghỉ      Lễ hội địa phương" in shown.getvalue()


@pytest.mark.django_db
def test_load_calendar_refuses_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"date": "2027-02-05", "kind": "party", "name": "?"}]), encoding="utf-8")
    with pytest.raises(CommandError, match="item 1"):
        call_command("load_calendar", str(path), stdout=StringIO())
    assert not CalendarDay.objects.filter(date__year=2027).exists()


# --- Admin ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_admin_lists_by_year_and_kind_and_refuses_a_duplicate_day(client: Client) -> None:
    user = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    page = client.get("/admin/core/calendarday/", {"year": "2026", "kind": "holiday", "scope": "national"})
    assert page.status_code == 200
    assert "Tết Nguyên đán (mùng 1 Tết Bính Ngọ)" in page.content.decode()
    assert "Làm bù cho ngày nghỉ" not in page.content.decode()
    duplicate = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2026-02-17", "kind": "holiday", "name": "Trùng", "legal_basis": "", "agency": ""},
    )
    assert duplicate.status_code == 200
    assert "Ngày này đã có trong lịch toàn quốc." in duplicate.content.decode()


@pytest.mark.django_db
def test_the_calendar_kept_for_labels_sees_a_day_decided_in_this_process() -> None:
    """The worklist's remaining-days labels come from a calendar kept a minute; a saved day shows at once."""
    from opendvc.core.calendar import DayKind, calendar_day_upsert, display_calendar

    monday, friday = date(2027, 3, 15), date(2027, 3, 19)
    assert display_calendar().working_days_between(monday, friday) == 4
    day = calendar_day_upsert(day=date(2027, 3, 17), kind=DayKind.DAY_OFF, name="Nghỉ bù")
    assert display_calendar().working_days_between(monday, friday) == 3
    day.delete()
    assert display_calendar().working_days_between(monday, friday) == 4
