"""What one event adds to the rollups (the fold shared by the listener and the rebuild)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from opendvc.reporting.rollup import EventFacts, event_deltas, half_of


def at(day: int, hour: int = 9, month: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def facts(**kwargs: Any) -> EventFacts:
    values: dict[str, Any] = {
        "at": at(5),
        "action": "x",
        "from_status": None,
        "to_status": 1,
        "data": {},
        "channel": 2,
        "digitised": False,
        "current_due_at": None,
    }
    values.update(kwargs)
    return EventFacts(**values)


def test_reception_counts_the_channel_and_predicts_the_first_overdue_day() -> None:
    deltas = event_deltas(
        facts(
            action="receive",
            from_status=1,
            to_status=2,
            channel=3,
            digitised=True,
            data={"due_at": "2026-10-12T10:00:00+07:00"},
        )
    )
    assert deltas == {
        date(2026, 10, 5): Counter(received_post=1, received_digitised=1, open_delta=1),
        date(2026, 10, 13): Counter(overdue_delta=1),
    }


def test_finishing_before_the_due_day_takes_the_prediction_back() -> None:
    due = at(12, 10)
    deltas = event_deltas(
        facts(
            action="result_ready",
            from_status=4,
            to_status=9,
            at=at(8),
            current_due_at=due,
            data={"due_at": due.isoformat()},
        )
    )
    assert deltas == {
        date(2026, 10, 8): Counter(resolved_early=1, open_delta=-1),
        date(2026, 10, 13): Counter(overdue_delta=-1),
    }


def test_finishing_after_the_due_day_ends_the_overdue_on_that_day() -> None:
    due = at(12, 10)
    deltas = event_deltas(facts(action="result_ready", from_status=4, to_status=9, at=at(20), current_due_at=due))
    assert deltas == {date(2026, 10, 20): Counter(resolved_late=1, open_delta=-1, overdue_delta=-1)}


def test_finishing_on_the_due_day_after_the_due_hour_is_late_and_before_it_on_time() -> None:
    due = at(12, 10)
    late = event_deltas(facts(from_status=4, to_status=9, at=at(12, 11), current_due_at=due))
    on_time = event_deltas(facts(from_status=4, to_status=9, at=at(12, 8), current_due_at=due))
    assert late[date(2026, 10, 12)]["resolved_late"] == 1
    assert on_time[date(2026, 10, 12)]["resolved_on_time"] == 1


def test_a_supplement_request_stops_the_overdue_clock_and_the_supplement_moves_it() -> None:
    due = at(12, 10)
    request = event_deltas(facts(action="request_supplement", from_status=4, to_status=5, at=at(6), current_due_at=due))
    assert request == {date(2026, 10, 6): Counter(supplement_requests=1), date(2026, 10, 13): Counter(overdue_delta=-1)}
    moved = at(15, 10)
    supply = event_deltas(
        facts(
            action="supply",
            from_status=5,
            to_status=4,
            at=at(9),
            current_due_at=moved,
            data={"due_at": moved.isoformat(), "previous_due_at": due.isoformat()},
        )
    )
    assert supply == {date(2026, 10, 16): Counter(overdue_delta=1)}


def test_an_apology_moves_the_prediction_of_an_overdue_dossier_from_today() -> None:
    old, new = at(12, 10), at(28, 17)
    deltas = event_deltas(
        facts(
            action="apologise",
            from_status=4,
            to_status=4,
            at=at(20),
            current_due_at=new,
            data={"due_at": new.isoformat(), "previous_due_at": old.isoformat()},
        )
    )
    assert deltas == {date(2026, 10, 20): Counter(overdue_delta=-1), date(2026, 10, 29): Counter(overdue_delta=1)}


def test_online_payment_and_withdrawal_before_reception() -> None:
    paid = event_deltas(facts(action="payment_settled", from_status=6, to_status=4, data={"online": True}))
    assert paid == {date(2026, 10, 5): Counter(paid_online=1)}
    at_desk = event_deltas(facts(action="payment_settled", from_status=6, to_status=4, data={"online": "yes"}))
    assert at_desk == {}
    assert event_deltas(facts(action="withdraw", from_status=1, to_status=7)) == {
        date(2026, 10, 5): Counter(withdrawn_unreceived=1)
    }


def test_a_synchronised_record_arriving_already_returned_is_received_and_resolved_at_once() -> None:
    deltas = event_deltas(
        facts(
            action="sync",
            from_status=None,
            to_status=10,
            channel=1,
            data={"due_at": at(8, 17).isoformat(), "finished_at": at(8).isoformat()},
        )
    )
    assert deltas == {date(2026, 10, 5): Counter(submitted=1, received_in_person=1, resolved_on_time=1, returned=1)}


def test_half_months_start_on_the_1st_and_the_15th() -> None:
    assert [half_of(date(2026, 2, d)) for d in (1, 14, 15, 28)] == [
        date(2026, 2, 1),
        date(2026, 2, 1),
        date(2026, 2, 15),
        date(2026, 2, 15),
    ]
