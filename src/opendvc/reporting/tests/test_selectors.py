"""The report's figures for a scope and a period, from the rollups of a realistic history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opendvc.core.errors import ApiError
from opendvc.reporting.selectors import period_current, period_for, statistics_for
from opendvc.reporting.tests.history import build_history

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def test_report_window_runs_from_the_15th_of_the_previous_month_to_the_14th() -> None:
    november = period_for(kind="month", year=2026, number=11, window="report")
    assert (november.start, november.end) == (date(2026, 10, 15), date(2026, 11, 14))
    month = period_for(kind="month", year=2026, number=1, window="report")
    assert (month.start, month.end) == (date(2025, 12, 15), date(2026, 1, 14))
    quarter = period_for(kind="quarter", year=2026, number=2, window="report")
    assert (quarter.start, quarter.end) == (date(2026, 3, 15), date(2026, 6, 14))
    year = period_for(kind="year", year=2026, window="report")
    assert (year.start, year.end) == (date(2025, 12, 15), date(2026, 12, 14))
    calendar_quarter = period_for(kind="quarter", year=2026, number=4)
    assert (calendar_quarter.start, calendar_quarter.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_current(kind="month", window="report", today=date(2026, 12, 20)).number == 1
    assert period_current(kind="quarter", today=date(2026, 11, 20)).number == 4


@pytest.mark.parametrize(
    ("kind", "number", "year"), [("week", 1, 2026), ("month", 13, 2026), ("quarter", 0, 2026), ("year", None, 1999)]
)
def test_an_impossible_period_is_refused(kind: str, number: int | None, year: int) -> None:
    with pytest.raises(ApiError) as refused:
        period_for(kind=kind, year=year, number=number)
    assert (refused.value.code, refused.value.status) == ("period_invalid", 422)


def test_october_figures_of_the_agency_follow_the_periodic_report(world, clock) -> None:
    build_history(world, clock)
    stats = statistics_for(period=period_for(kind="month", year=2026, number=10), agency=world.agency.code, today=TODAY)
    f = stats.totals
    assert (f.carried_over, f.received_online, f.received_in_person, f.received_post) == (0, 3, 2, 1)
    assert (f.resolved_early, f.closed_on_time, f.resolved_late, f.resolved) == (1, 3, 1, 5)
    assert (f.resolved_on_time, f.withdrawn, f.stopped) == (1, 1, 1)
    assert (f.in_progress, f.in_progress_on_time, f.overdue) == (1, 0, 1)
    assert f.total == f.resolved + f.in_progress == 6
    assert (f.refused, f.withdrawn_unreceived, f.supplement_requests, f.returned) == (1, 1, 1, 1)
    assert (f.submitted, f.received_digitised) == (8, 3)
    assert (f.on_time_rate, f.online_rate) == (Decimal("66.67"), Decimal("50.00"))
    assert [row.code for row in stats.children] == [world.procedure.code]


def test_province_page_counts_overdue_as_of_today_not_the_predictions_of_later_days(world, clock) -> None:
    build_history(world, clock)
    november = period_for(kind="month", year=2026, number=11)
    province = statistics_for(period=november, province="01", today=TODAY)
    agency = statistics_for(period=november, agency=world.agency.code, today=TODAY)
    for f in (province.totals, agency.totals):
        assert (f.carried_over, f.received_new, f.total) == (1, 2, 3)
        assert (f.in_progress, f.overdue, f.in_progress_on_time, f.supplement_requests) == (3, 1, 2, 1)
    assert [(row.code, row.figures.total) for row in province.children] == [(world.agency.code, 3)]
    later = statistics_for(period=november, province="01", today=date(2026, 11, 30))
    assert later.totals.overdue == 2  # the dossier due on 23/11 is overdue by the end of the month


def test_report_window_and_national_figures_agree_with_the_agency(world, clock) -> None:
    build_history(world, clock)
    window = period_for(kind="month", year=2026, number=11, window="report")
    national = statistics_for(period=window, today=TODAY)
    f = national.totals
    assert (f.carried_over, f.received_new, f.resolved_late, f.closed_on_time, f.in_progress, f.overdue) == (
        3,
        0,
        1,
        1,
        1,
        1,
    )
    assert [(row.code, row.name) for row in national.children] == [("01", "Thành phố Hà Nội")]
    assert national.children[0].figures.as_dict() == f.as_dict()
    assert len(national.trend) == 12 and national.trend[-1].month == date(2026, 11, 1)
    assert [(p.month.month, p.received, p.resolved) for p in national.trend[-2:]] == [(10, 6, 3), (11, 0, 0)]


def test_unknown_scope_codes_are_not_found(world) -> None:
    period = period_for(kind="year", year=2026)
    for kwargs in ({"province": "99"}, {"agency": "H99.1"}, {"agency": world.agency.code, "procedure": "9.999999"}):
        with pytest.raises(ApiError) as refused:
            statistics_for(period=period, **kwargs)  # type: ignore[arg-type]
        assert refused.value.status == 404
