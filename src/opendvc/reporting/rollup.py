"""What one dossier event adds to the statistics: the fold shared by the live listener and the rebuild.

Both paths call :func:`event_deltas` with the same inputs, so the rollups the listener keeps and the
ones ``reporting_rebuild`` recomputes from the event log agree exactly. The rules follow the periodic
report on TTHC dossiers, Biểu 06/VPCP/KSTT (Circular 01/2020/TT-VPCP; counting rules as implemented
in production, ``shared/domain/reporting.md`` §6.2 [PROD-CODE]):

* **received** (nhận giải quyết): the event that takes a dossier from "not received" (1, or nothing
  yet for a synchronised record) to a status that implies reception (2, 4, 5, 6, 8, 9, 10), counted
  on its day by channel (KenhThucHien) and whether its components were digitised;
* **resolved** (đã giải quyết): the first status 9 or 10 (NgayKetThucXuLy), early when finished on
  a day before the due day, on time when finished ≤ NgayHenTra, late otherwise. NgayHenTra has
  already been moved by every supplement pause (``dossiers.services.dossier_supplement_submit``), so
  the time waiting for a supplement is not counted (Decision 766/QĐ-TTg, indicator 2.1);
* **running** (đang giải quyết): statuses 2, 4, 5, 6; **overdue** when running, not waiting for a
  supplement (5), and NgayHenTra is before the day considered (``NgayHenTra < DenNgay``);
* refused (3), withdrawn (7; after reception or before), stopped (8), supplement requests (each
  entry into 5), results returned (10), online payments (``payment_settled`` with
  ``data["online"] is True``).

Events that set or move NgayHenTra carry it as ``data["due_at"]`` (and the one replaced as
``data["previous_due_at"]``); every synchronised event does, even when the record has none. For other
events the due date in force is the dossier's as the event found it: the listener reads the dossier,
the rebuild the last ``data["due_at"]`` an earlier event of the chain carried. NgayKetThucXuLy is the
event's ``data["finished_at"]``, else the dossier's ``finished_at`` as the event left it, else the
event's time — so a sender correcting a due or finish date later changes the later events' counts,
never the earlier ones, on both paths.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from opendvc.dossiers.models import Channel, DossierStatus

S = DossierStatus

#: Statuses of a dossier being handled: the legal clock runs or is paused (Biểu 06 "đang giải quyết").
RUNNING = frozenset({S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED})
#: Statuses that can only be reached after reception (7, withdrawal, may come before it).
RECEIVED = frozenset(RUNNING | {S.STOPPED, S.RESULT_READY, S.RETURNED})
RESOLVED = frozenset({S.RESULT_READY, S.RETURNED})

CHANNEL_COUNTER: dict[int, str] = {
    Channel.ONLINE: "received_online",
    Channel.IN_PERSON: "received_in_person",
    Channel.POST: "received_post",
}


@dataclass(frozen=True)
class EventFacts:
    """What the fold reads of one event and its dossier."""

    at: datetime
    action: str
    from_status: int | None
    to_status: int
    data: dict[str, Any]
    channel: int
    digitised: bool
    current_due_at: datetime | None
    current_finished_at: datetime | None = None


def moment(value: Any) -> datetime | None:
    """A date-time stored in an event's JSON data (ISO 8601), or ``None``."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        parsed = parse_datetime(value)
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed
    return None


def local_day(value: datetime) -> date:
    """The day in Asia/Ho_Chi_Minh (``TIME_ZONE``): the statistics' days never follow a time zone
    activated for a request."""
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def half_of(day: date) -> date:
    """The half month a day belongs to: the 1st (days 1–14) or the 15th (days 15–end)."""
    return day.replace(day=1 if day.day < 15 else 15)


def overdue_from(*, status: int | None, due_at: datetime | None) -> date | None:
    """The first day at whose end a dossier in ``status`` counts as overdue, or ``None`` if it cannot.

    Overdue when ``NgayHenTra < DenNgay`` (Biểu 06, [PROD-CODE]): from the day after the due day.
    A dossier waiting for a supplement is counted within time (its clock is stopped).
    """
    if status not in RUNNING or status == S.SUPPLEMENT_REQUESTED or due_at is None:
        return None
    return local_day(due_at) + timedelta(days=1)


def resolution(*, finished_at: datetime, due_at: datetime | None) -> str:
    """``resolved_early`` / ``resolved_on_time`` / ``resolved_late`` (Biểu 06 columns 8–10).

    Without an appointment date (a synchronised record may lack NgayHenTra) the dossier is on time.
    """
    if due_at is None:
        return "resolved_on_time"
    if finished_at > due_at:
        return "resolved_late"
    if local_day(finished_at) < local_day(due_at):
        return "resolved_early"
    return "resolved_on_time"


def event_deltas(facts: EventFacts) -> dict[date, Counter[str]]:
    """The counters one event adds, by day (a prediction of overdue may fall on a later day)."""
    day = local_day(facts.at)
    out: dict[date, Counter[str]] = {}

    def add(on: date, counter: str, amount: int = 1) -> None:
        out.setdefault(on, Counter())[counter] += amount

    old, new, data = facts.from_status, facts.to_status, facts.data
    due_after = moment(data["due_at"]) if "due_at" in data else facts.current_due_at
    due_before = moment(data["previous_due_at"]) if "previous_due_at" in data else due_after

    if old is None:
        add(day, "submitted")
    if new in RECEIVED and old not in RECEIVED:
        add(day, CHANNEL_COUNTER.get(facts.channel, "received_in_person"))
        if facts.digitised:
            add(day, "received_digitised")
    if new != old:
        if new == S.REFUSED:
            add(day, "refused")
        elif new == S.SUPPLEMENT_REQUESTED:
            add(day, "supplement_requests")
        elif new == S.WITHDRAWN:
            add(day, "withdrawn" if old in RECEIVED else "withdrawn_unreceived")
        elif new == S.STOPPED:
            add(day, "stopped")
        if new in RESOLVED and old not in RESOLVED:
            finished = moment(data.get("finished_at")) or facts.current_finished_at or facts.at
            add(day, resolution(finished_at=finished, due_at=due_after))
        if new == S.RETURNED:
            add(day, "returned")
    if facts.action == "payment_settled" and data.get("online") is True and data.get("first_online", True):
        add(day, "paid_online")  # once per dossier: a later online payment of the same dossier is not counted

    was_running, is_running = old in RUNNING, new in RUNNING
    if was_running != is_running:
        add(day, "open_delta", 1 if is_running else -1)
    before = overdue_from(status=old, due_at=due_before)
    after = overdue_from(status=new, due_at=due_after)
    if before != after:
        if before is not None:
            add(max(before, day), "overdue_delta", -1)
        if after is not None:
            add(max(after, day), "overdue_delta", 1)

    for counters in out.values():
        for name in [name for name, value in counters.items() if value == 0]:
            del counters[name]
    return {on: counters for on, counters in out.items() if counters}
