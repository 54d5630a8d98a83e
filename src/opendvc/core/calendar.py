"""The working-day calendar: which days count, an agency's working hours, due dates and timeliness.

Every legal time limit of the one-stop mechanism (Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP) is
counted here. The rules, with their sources (the choices are explained in ``docs/calendar.md``):

* **Working days** are Monday to Friday (civil servants work 40 hours a week, Saturday and Sunday
  off) except public holidays and official days off, plus the Saturdays the Government makes working
  days in exchange for a day off (ngày làm bù).
* **Public holidays** (Labour Code 2019, Art. 112(1)): Tết Dương lịch 1/1; Tết Âm lịch 5 days; Giỗ
  Tổ Hùng Vương 10/3 lunar; Ngày Chiến thắng 30/4; Quốc tế Lao động 1/5; Quốc khánh 2/9 and one
  adjacent day. When a holiday falls on a weekly rest day the next working day is off (Art. 111(3)).
  These, the lunar dates and the compensatory days come from the ``holidays`` package (country VN,
  which also lists the Government's past swaps); :class:`~opendvc.core.models.CalendarDay` rows hold
  each year's decisions (Tết arrangement, swapped days, local days off) and always win.
* **Time limits in working days**: the due moment is the same clock time N working days after
  reception, non-working days skipped — the "hẹn trả" date *and* time of the appointment slip. A dossier
  received outside working hours (or, with a cut-off, after it) is counted from the next working day,
  and is then due at the close of its Nth working day (Civil Code 2015, Art. 147: the day of the event
  is not counted). Interconnected procedures count dossiers received after 15:00 from the next working
  day (Decree 63/2024/NĐ-CP, Art. 6): pass ``cutoff=INTERCONNECTED_CUTOFF``.
* **Time limits in working hours** count only time inside the agency's working hours.
* **Time limits in calendar days** end at the close of the Nth day after reception; when that day is
  not a working day, at the close of the next working day (Civil Code 2015, Art. 147–148).
* **Supplement time is not counted** (Decision 766/QĐ-TTg index, rule 2.1): the due moment moves by
  the working time spent waiting (:func:`due_at_after_pause`); more than one supplement request makes
  the dossier late (:func:`classify_finished`).

All arithmetic is in local wall-clock time of Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving),
so naive local datetimes are safe inside this module; every public function takes and returns aware
datetimes.
"""

from __future__ import annotations

import logging
import re
import time as time_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction
from django.db.models import Q

from opendvc.core.errors import ApiError

if TYPE_CHECKING:
    from opendvc.agencies.models import Agency
    from opendvc.core.models import CalendarDay

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
INTERCONNECTED_CUTOFF = time(15, 0)
"""Decree 63/2024/NĐ-CP, Art. 6: interconnected dossiers received after 15:00 count from the next working day."""
MAX_AMOUNT = Decimal(3650)
# The `holidays` package knows the lunar calendar up to 2100; the longest time limit (3650 working
# days, about 14 years) must end before it.
MIN_YEAR, MAX_YEAR = 1995, 2085
# No real calendar has a year without a working day; past this, the agency's configuration is broken.
_SEARCH_HORIZON_DAYS = 400
_WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ nhật"}
_CLOSED_REASON = "Cơ quan không làm việc"
_MAKEUP_REASON = "Ngày làm bù"

Timeliness = Literal["early", "on_time", "late"]
OpenTimeliness = Literal["on_time", "overdue"]

DEFAULT_WORKING_HOURS_RAW: list[dict[str, object]] = [
    {"weekdays": [0, 1, 2, 3, 4], "start": "07:30", "end": "11:30"},
    {"weekdays": [0, 1, 2, 3, 4], "start": "13:30", "end": "17:00"},
]


class Unit(StrEnum):
    """Units of a legal time limit, as in the procedure catalogue (``catalog.models.TimeUnit``)."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"


class DayKind(StrEnum):
    WORKING = "working"
    MAKEUP_WORKING_DAY = "makeup_working_day"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    DAY_OFF = "day_off"
    CLOSED = "closed"


class CalendarError(ApiError, ValueError):
    """Bad input to the calendar, reported to people in Vietnamese and English (status 400)."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(code, message_vi, message_en, status=400)


# --- Working hours -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """One stretch of working time in a day, ``start`` and ``end`` both inside it."""

    start: time
    end: time

    @property
    def length(self) -> timedelta:
        return _combine(date.min, self.end) - _combine(date.min, self.start)


_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class WorkingHours:
    """An agency's working periods for each weekday (0 = Monday … 6 = Sunday)."""

    weekdays: tuple[tuple[Period, ...], ...]

    @classmethod
    def parse(cls, raw: object) -> WorkingHours:
        """Read ``Agency.working_hours``: ``[{"weekdays": [0, …], "start": "HH:MM", "end": "HH:MM"}, …]``.

        Overlapping periods of one weekday are merged. Raises ``ValueError`` when malformed or empty.
        """
        if not isinstance(raw, list) or not raw:
            raise ValueError("working hours must be a non-empty list")
        days: list[list[Period]] = [[] for _ in range(7)]
        for item in raw:
            if not isinstance(item, dict):
                raise ValueError("a working period must be an object")
            weekdays, start, end = item.get("weekdays"), item.get("start"), item.get("end")
            if not isinstance(start, str) or not isinstance(end, str) or not _HHMM.match(start) or not _HHMM.match(end):
                raise ValueError("start and end must be HH:MM")
            period = Period(time.fromisoformat(start), time.fromisoformat(end))
            if period.start >= period.end:
                raise ValueError("a working period must start before it ends")
            if not isinstance(weekdays, list) or not weekdays:
                raise ValueError("weekdays must be a non-empty list")
            for weekday in weekdays:
                if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                    raise ValueError("weekdays are integers 0 (Monday) to 6 (Sunday)")
                days[weekday].append(period)
        return cls(tuple(_merge(periods) for periods in days))

    def on_weekday(self, weekday: int) -> tuple[Period, ...]:
        return self.weekdays[weekday]

    @property
    def regular(self) -> tuple[Period, ...]:
        """The ordinary day's periods (the first of Monday–Friday that has any), used on make-up days."""
        for periods in (*self.weekdays[:5], *self.weekdays[5:]):
            if periods:
                return periods
        return ()

    @property
    def regular_day_length(self) -> timedelta:
        return sum((p.length for p in self.regular), timedelta())


def _merge(periods: list[Period]) -> tuple[Period, ...]:
    merged: list[Period] = []
    for period in sorted(periods):
        if merged and period.start <= merged[-1].end:
            merged[-1] = Period(merged[-1].start, max(merged[-1].end, period.end))
        else:
            merged.append(period)
    return tuple(merged)


DEFAULT_WORKING_HOURS = WorkingHours.parse(DEFAULT_WORKING_HOURS_RAW)


def working_hours_for(agency: Agency | None) -> WorkingHours:
    """The agency's working hours; the default (Mon–Fri 07:30–11:30, 13:30–17:00) when none or malformed."""
    if agency is None:
        return DEFAULT_WORKING_HOURS
    try:
        return WorkingHours.parse(agency.working_hours)
    except ValueError as error:
        logger.warning("agency %s has unusable working hours (%s); using the default", agency.code, error)
        return DEFAULT_WORKING_HOURS


# --- Holidays from the `holidays` package ------------------------------------------------------------


def _reason_from_library(name: str) -> str:
    parts = []
    for part in name.split("; "):
        part = part.replace("Nguyên Đán", "Nguyên đán")
        if part.startswith("Quốc khánh"):
            part = f"Ngày {part}"
        elif part.startswith("29 Tết"):
            part = f"Tết Nguyên đán ({part})"
        parts.append(part)
    return "; ".join(parts)


@lru_cache(maxsize=128)
def _library_holidays(year: int) -> dict[date, str]:
    """Statutory holidays and compensatory days of ``year`` (Labour Code 2019, Art. 111–112)."""
    return {
        day: _reason_from_library(str(name))
        for day, name in holidays.country_holidays("VN", years=year, language="vi").items()
    }


@lru_cache(maxsize=1)
def _library_makeup_days() -> dict[date, str]:
    """Make-up working days of the Government's past swaps known to the ``holidays`` package.

    The package lists each swap as a day off "substituted from" a weekend day that becomes a working
    day; it exposes only the day off, so the working day is read from its table of swaps.
    """
    try:
        from holidays.countries.vietnam import VietnamStaticHolidays
    except ImportError:  # pragma: no cover - a future package layout
        return {}
    result: dict[date, str] = {}
    for year, entries in getattr(VietnamStaticHolidays, "special_public_holidays", {}).items():
        swaps = (entries,) if entries and isinstance(entries[0], int) else entries
        for swap in swaps:
            try:
                month, day, from_month, from_day, *rest = swap
                day_off = date(year, month, day)
                worked = date(rest[0] if rest else year, from_month, from_day)
            except (TypeError, ValueError):  # pragma: no cover - an entry of another shape
                continue
            result[worked] = f"{_MAKEUP_REASON} (cho ngày nghỉ {day_off:%d/%m/%Y})"
    return result


# --- The calendar ------------------------------------------------------------------------------------


class ExplainedDay(NamedTuple):
    """A day and why it was skipped (or, for make-up days, why it counted)."""

    date: date
    reason: str


SkippedDay = ExplainedDay


@dataclass(frozen=True)
class DayInfo:
    date: date
    working: bool
    kind: DayKind
    reason: str


@dataclass(frozen=True)
class CalendarEntry:
    """A decided day as the calendar reads it (a :class:`~opendvc.core.models.CalendarDay` row)."""

    date: date
    kind: str
    name: str
    agency_code: str | None = None


def _scope_codes(agency: Agency | None) -> list[str]:
    """``H29.17.05`` → ``["H29", "H29.17", "H29.17.05"]``: rows of these agencies apply."""
    if agency is None:
        return []
    levels = agency.code.split(".")
    return [".".join(levels[: i + 1]) for i in range(len(levels))]


def calendar_entries(*, start: date, end: date, agency: Agency | None = None) -> list[CalendarEntry]:
    """The decided days between ``start`` and ``end`` that apply nationally or to ``agency`` (one query)."""
    from opendvc.core.models import CalendarDay

    scope = Q(agency__isnull=True)
    codes = _scope_codes(agency)
    if codes:
        scope |= Q(agency__code__in=codes)
    rows = CalendarDay.objects.filter(scope, date__range=(start, end)).values_list(
        "date", "kind", "name", "agency__code"
    )
    return [CalendarEntry(day, kind, name, code) for day, kind, name, code in rows]


@transaction.atomic
def calendar_day_upsert(
    *, day: date, kind: str, name: str, legal_basis: str = "", agency: Agency | None = None
) -> CalendarDay:
    """Record a decided day (national when ``agency`` is None), replacing the row of the same date and scope."""
    from opendvc.core.models import CalendarDay

    row = CalendarDay.objects.filter(date=day, agency=agency).first() or CalendarDay(date=day, agency=agency)
    row.kind, row.name, row.legal_basis = kind, name, legal_basis
    row.full_clean()
    row.save()
    return row


class WorkingCalendar:
    """The calendar of one agency (or the national calendar), loading decided days once per range.

    Build one and pass it to :func:`due_at_for` and friends to compute many due dates with a single
    query: the decided days of the years used are read together (:meth:`preload`), then everything is
    answered from memory. ``entries`` replaces the database entirely (for tests and previews).
    """

    def __init__(
        self,
        *,
        agency: Agency | None = None,
        hours: WorkingHours | None = None,
        entries: Iterable[CalendarEntry] | None = None,
    ) -> None:
        self.agency = agency
        self.hours = hours or working_hours_for(agency)
        self._use_database = entries is None
        self._entries: dict[date, CalendarEntry] = {}
        self._loaded_years: set[int] = set()
        self._days: dict[date, DayInfo] = {}
        self._year_counts: dict[int, list[int]] = {}
        if entries is not None:
            self._add_entries(entries)

    # Loading ----------------------------------------------------------------------------------------

    def _add_entries(self, entries: Iterable[CalendarEntry]) -> None:
        for entry in entries:
            current = self._entries.get(entry.date)
            # The most specific scope wins: a deeper agency code over a shallower one over national.
            if current is None or len(entry.agency_code or "") > len(current.agency_code or ""):
                self._entries[entry.date] = entry

    def preload(self, start: date, end: date) -> None:
        """Read the decided days of every year from ``start`` to ``end`` not read yet, in one query."""
        if not self._use_database:
            return
        first, last = max(start.year, date.min.year), min(end.year, date.max.year)
        missing = [year for year in range(first, last + 1) if year not in self._loaded_years]
        if not missing:
            return
        self._add_entries(
            calendar_entries(start=date(missing[0], 1, 1), end=date(missing[-1], 12, 31), agency=self.agency)
        )
        self._loaded_years.update(range(missing[0], missing[-1] + 1))
        self._days.clear()
        self._year_counts.clear()

    # Days -------------------------------------------------------------------------------------------

    def day(self, day: date) -> DayInfo:
        """Whether ``day`` counts, and the reason shown to people when it does not."""
        info = self._days.get(day)
        if info is None:
            if self._use_database and day.year not in self._loaded_years:
                self.preload(day, date(min(day.year + 1, date.max.year), 12, 31))
            info = self._day_info(day)
            self._days[day] = info
        return info

    def _day_info(self, day: date) -> DayInfo:
        entry = self._entries.get(day)
        if entry is not None:
            if entry.kind == DayKind.MAKEUP_WORKING_DAY:
                return self._with_hours(DayInfo(day, True, DayKind.MAKEUP_WORKING_DAY, entry.name or _MAKEUP_REASON))
            kind = DayKind.HOLIDAY if entry.kind == DayKind.HOLIDAY else DayKind.DAY_OFF
            return DayInfo(day, False, kind, entry.name)
        holiday = _library_holidays(day.year).get(day)
        if holiday is not None:
            kind = DayKind.DAY_OFF if "thay cho" in holiday else DayKind.HOLIDAY
            return DayInfo(day, False, kind, holiday)
        makeup = _library_makeup_days().get(day)
        if makeup is not None:
            return self._with_hours(DayInfo(day, True, DayKind.MAKEUP_WORKING_DAY, makeup))
        if day.weekday() >= 5:
            return DayInfo(day, False, DayKind.WEEKEND, _WEEKEND_NAMES[day.weekday()])
        return self._with_hours(DayInfo(day, True, DayKind.WORKING, ""))

    def _with_hours(self, info: DayInfo) -> DayInfo:
        if not self._periods_of(info):
            return DayInfo(info.date, False, DayKind.CLOSED, _CLOSED_REASON)
        return info

    def _periods_of(self, info: DayInfo) -> tuple[Period, ...]:
        if info.kind == DayKind.MAKEUP_WORKING_DAY and info.date.weekday() >= 5:
            return self.hours.regular
        return self.hours.on_weekday(info.date.weekday())

    def is_working_day(self, day: date) -> bool:
        return self.day(day).working

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``: how many remain from ``start`` until ``end`` (0 if none).

        Counted from each year's running totals, so a dossier overdue for two years costs two
        subtractions, not seven hundred look-ups.
        """
        if end <= start:
            return 0
        self.preload(start, end)
        count = 0
        for year in range(start.year, end.year + 1):
            counts = self._counts_of(year)
            january_first = date(year, 1, 1)
            low = (start - january_first).days + 1 if year == start.year else 0
            high = (end - january_first).days + 1 if year == end.year else len(counts) - 1
            count += counts[high] - counts[low]
        return count

    def _counts_of(self, year: int) -> list[int]:
        """``counts[i]``: the working days among the first ``i`` days of ``year``."""
        counts = self._year_counts.get(year)
        if counts is None:
            counts = [0]
            day = date(year, 1, 1)
            while day.year == year:
                counts.append(counts[-1] + self.is_working_day(day))
                if day == date.max:
                    break
                day += timedelta(days=1)
            self._year_counts[year] = counts
        return counts

    def periods(self, day: date) -> tuple[Period, ...]:
        """The working periods of ``day``; none when it is not a working day."""
        info = self.day(day)
        return self._periods_of(info) if info.working else ()

    def non_working_days(self, start: date, end: date) -> list[ExplainedDay]:
        """Every day from ``start`` to ``end`` (inclusive) that does not count, with its reason."""
        self.preload(start, end)
        return [ExplainedDay(d, info.reason) for d in _dates(start, end) if not (info := self.day(d)).working]

    def makeup_days(self, start: date, end: date) -> list[ExplainedDay]:
        """Make-up days from ``start`` to ``end``: weekend days that count as working days."""
        self.preload(start, end)
        return [
            ExplainedDay(d, info.reason)
            for d in _dates(start, end)
            if (info := self.day(d)).kind == DayKind.MAKEUP_WORKING_DAY
        ]

    # Moments (naive local wall-clock datetimes) ------------------------------------------------------

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(_combine(day, p.start), _combine(day, p.end)) for p in self.periods(day)]

    def next_working_day(self, day: date, *, count: int = 1) -> date:
        """The ``count``-th working day after ``day`` (``count=0``: ``day`` itself if it is one)."""
        current = day
        remaining = count
        if remaining == 0:
            remaining, current = 1, current - timedelta(days=1)
        idle = 0
        while remaining:
            current = _next_date(current)
            if self.is_working_day(current):
                remaining -= 1
                idle = 0
            else:
                idle = _guard_idle(idle)
        return current

    def working_moment_at_or_after(self, moment: datetime) -> datetime:
        """The first moment ≥ ``moment`` inside working hours (period bounds included)."""
        day, idle = moment.date(), 0
        while True:
            for start, end in self._spans(day):
                if moment <= end:
                    return max(moment, start)
            day = _next_date(day)
            moment = _combine(day, time.min)
            idle = _guard_idle(idle)

    def is_working_moment(self, moment: datetime) -> bool:
        return any(start <= moment <= end for start, end in self._spans(moment.date()))

    def add_working_time(self, moment: datetime, amount: timedelta) -> datetime:
        """``moment`` plus ``amount`` of working time (only time inside working hours is counted)."""
        remaining = amount
        current = self.working_moment_at_or_after(moment)
        day, idle = current.date(), 0
        while True:
            for start, end in self._spans(day):
                if end < current:
                    continue
                begin = max(start, current)
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
            day = _next_date(day)
            current = _combine(day, time.min)
            idle = _guard_idle(idle) if not self._spans(day) else 0

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside [start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_time_between(end, start)
        total = timedelta()
        for day in _dates(start.date(), end.date()):
            for span_start, span_end in self._spans(day):
                overlap = min(end, span_end) - max(start, span_start)
                if overlap > timedelta():
                    total += overlap
        return total

    def clamp_into_day(self, day: date, clock: time) -> datetime:
        """``clock`` on working day ``day``, moved to the day's next working moment (or its close)."""
        spans = self._spans(day)
        moment = _combine(day, clock)
        for start, end in spans:
            if moment <= end:
                return max(moment, start)
        return spans[-1][1]

    def opening(self, day: date) -> datetime:
        return self._spans(day)[0][0]

    def closing(self, day: date) -> datetime:
        return self._spans(day)[-1][1]


#: How long a process keeps the national calendar it shows remaining working days with.
DISPLAY_CALENDAR_SECONDS = 60
_display: tuple[float, WorkingCalendar] | None = None


def display_calendar() -> WorkingCalendar:
    """The national calendar for labels in lists ("còn 3 ngày làm việc"), kept by the process a minute.

    A worklist shows twenty such labels on every page; reading the decided days again for each page
    cost more than the list itself. A day decided in the table shows in these labels within
    :data:`DISPLAY_CALENDAR_SECONDS` in every process (at once in the one that saved it). Due dates
    are never computed with it: :func:`due_at_for` and the services build their own calendar, which
    reads the table.
    """
    global _display
    now = time_module.monotonic()
    if _display is None or now - _display[0] > DISPLAY_CALENDAR_SECONDS:
        _display = (now, WorkingCalendar())
    return _display[1]


def display_calendar_forget(**_: object) -> None:
    """Forget the kept calendar (a decided day was saved or deleted here; tests start afresh)."""
    global _display
    _display = None


def _guard_idle(idle: int) -> int:
    idle += 1
    if idle > _SEARCH_HORIZON_DAYS:
        raise CalendarError(
            "no_working_day",
            f"Không có ngày làm việc nào trong {_SEARCH_HORIZON_DAYS} ngày liên tiếp: kiểm tra lịch và giờ làm việc.",
            f"No working day in {_SEARCH_HORIZON_DAYS} consecutive days: check the calendar and working hours.",
        )
    return idle


def _next_date(day: date) -> date:
    if day >= date.max - timedelta(days=1):
        raise CalendarError(
            "invalid_datetime", "Thời điểm nằm ngoài phạm vi lịch.", "The moment is outside the calendar's range."
        )
    return day + timedelta(days=1)


def _dates(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _combine(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock)


def _to_local(moment: datetime, name: str = "moment") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _to_aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=LOCAL_TZ)


def _calendar_for(agency: Agency | None, calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is None:
        return WorkingCalendar(agency=agency)
    if agency is not None and calendar.agency is not None and calendar.agency.pk != agency.pk:
        raise ValueError("the calendar belongs to another agency")
    return calendar


def is_working_day(day: date, *, agency: Agency | None = None, calendar: WorkingCalendar | None = None) -> bool:
    """Whether ``day`` counts towards a time limit at ``agency`` (national calendar when none)."""
    return _calendar_for(agency, calendar).is_working_day(day)


def non_working_days(
    *, start: date, end: date, agency: Agency | None = None, calendar: WorkingCalendar | None = None
) -> list[ExplainedDay]:
    """The days off from ``start`` to ``end`` with their reasons, for the calendar page."""
    return _calendar_for(agency, calendar).non_working_days(start, end)


# --- Due dates -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDate:
    """A computed due moment and its explanation for the citizen's and the officer's pages."""

    received_at: datetime
    counted_from: datetime
    due_at: datetime
    amount: Decimal
    unit: Unit
    skipped: list[ExplainedDay] = field(default_factory=list)
    makeup_days: list[ExplainedDay] = field(default_factory=list)


def clean_amount(amount: object, unit: Unit) -> Decimal:
    """A time limit amount: a number > 0 and ≤ 3650, whole for calendar days; ``invalid_amount`` otherwise."""
    error = CalendarError(
        "invalid_amount",
        "Thời hạn phải là một số lớn hơn 0 và không quá 3650 (số nguyên khi tính theo ngày).",
        "The amount must be a number greater than 0 and at most 3650 (a whole number for calendar days).",
    )
    if isinstance(amount, bool):
        raise error
    try:
        value = Decimal(str(amount).strip()) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise error from None
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        raise error
    value = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    if value <= 0 or (unit == Unit.CALENDAR_DAYS and value != value.to_integral_value()):
        raise error
    return value


def clean_unit(unit: object) -> Unit:
    try:
        return Unit(str(unit).strip())
    except ValueError:
        raise CalendarError(
            "invalid_unit",
            "Đơn vị thời hạn phải là working_days (ngày làm việc), working_hours (giờ làm việc) "
            "hoặc calendar_days (ngày).",
            "The unit must be working_days, working_hours or calendar_days.",
        ) from None


def _counting_start(calendar: WorkingCalendar, received: datetime, cutoff: time | None) -> datetime:
    """The moment counting starts: reception itself when inside working hours (and before the cut-off)."""
    if cutoff is not None and received.time() > cutoff:
        return calendar.working_moment_at_or_after(_combine(_next_date(received.date()), time.min))
    return calendar.working_moment_at_or_after(received)


def _whole_working_days_due(calendar: WorkingCalendar, counted_from: datetime, days: int, moved: bool) -> datetime:
    if days == 0:
        return counted_from
    if moved and counted_from == calendar.opening(counted_from.date()):
        # Counted from the next working day: due at the close of its Nth working day (Civil Code Art. 147).
        return calendar.closing(calendar.next_working_day(counted_from.date(), count=days - 1))
    return calendar.clamp_into_day(calendar.next_working_day(counted_from.date(), count=days), counted_from.time())


def due_at_for(
    *,
    received_at: datetime,
    amount: Decimal | int | str,
    unit: Unit | str,
    agency: Agency | None = None,
    cutoff: time | None = None,
    calendar: WorkingCalendar | None = None,
) -> DueDate:
    """The due moment of a time limit of ``amount`` ``unit`` for a dossier received at ``received_at``.

    ``working_days``: the same clock time ``amount`` working days later (the appointment slip's "hẹn
    trả"); received outside working hours or after ``cutoff`` → counted from the next working day and
    due at the close of its Nth working day (Civil Code 2015, Art. 147; Decree 63/2024, Art. 6 for the
    15:00 cut-off). A fraction of a day is that fraction of the agency's ordinary working day.
    ``working_hours``: working time only. ``calendar_days``: the close of the Nth day, moved to the
    next working day's close when that day is off (Civil Code 2015, Art. 148).
    """
    unit = clean_unit(unit)
    value = clean_amount(amount, unit)
    calendar = _calendar_for(agency, calendar)
    received = _to_local(received_at, "received_at")
    if not MIN_YEAR <= received.year <= MAX_YEAR:
        raise CalendarError(
            "invalid_datetime",
            f"Thời điểm tiếp nhận phải trong các năm {MIN_YEAR}–{MAX_YEAR}.",
            f"The reception time must be within the years {MIN_YEAR}–{MAX_YEAR}.",
        )
    span_days = int(value * 2) + 60 if unit != Unit.WORKING_HOURS else int(value / 3) + 60
    calendar.preload(received.date(), received.date() + timedelta(days=span_days))

    counted_from = _counting_start(calendar, received, cutoff)
    moved = counted_from > received
    last_day = counted_from.date() + timedelta(days=int(value))
    if unit == Unit.WORKING_HOURS:
        due = calendar.add_working_time(counted_from, timedelta(hours=float(value)))
    elif unit == Unit.WORKING_DAYS:
        whole = int(value)
        due = _whole_working_days_due(calendar, counted_from, whole, moved)
        fraction = value - whole
        if fraction:
            extra = timedelta(seconds=float(fraction) * calendar.hours.regular_day_length.total_seconds())
            # Never past the next whole day, so that more time never gives an earlier due moment.
            due = min(
                calendar.add_working_time(due, extra),
                _whole_working_days_due(calendar, counted_from, whole + 1, moved),
            )
    else:
        due_day = last_day if calendar.is_working_day(last_day) else calendar.next_working_day(last_day)
        due = calendar.closing(due_day)

    if unit == Unit.CALENDAR_DAYS:
        skipped = [
            *calendar.non_working_days(received.date(), counted_from.date() - timedelta(days=1)),
            *calendar.non_working_days(last_day, due.date() - timedelta(days=1)),
        ]
    else:
        skipped = calendar.non_working_days(received.date(), due.date())
    return DueDate(
        received_at=_to_aware(received),
        counted_from=_to_aware(counted_from),
        due_at=_to_aware(due),
        amount=value,
        unit=unit,
        skipped=skipped,
        makeup_days=calendar.makeup_days(counted_from.date(), due.date()),
    )


# --- Elapsed time and supplements ------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingDuration:
    """Working time elapsed; ``days`` in ordinary working days of the agency (7.5 h by default)."""

    time: timedelta
    day_length: timedelta

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.time.total_seconds()) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def days(self) -> Decimal:
        if not self.day_length:
            return Decimal(0)
        ratio = Decimal(self.time.total_seconds()) / Decimal(self.day_length.total_seconds())
        return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def working_time_between(
    start: datetime, end: datetime, *, agency: Agency | None = None, calendar: WorkingCalendar | None = None
) -> WorkingDuration:
    """Working time from ``start`` to ``end`` at ``agency`` (negative when ``end`` comes first)."""
    calendar = _calendar_for(agency, calendar)
    local_start, local_end = _to_local(start, "start"), _to_local(end, "end")
    calendar.preload(min(local_start, local_end).date(), max(local_start, local_end).date())
    return WorkingDuration(calendar.working_time_between(local_start, local_end), calendar.hours.regular_day_length)


def due_at_after_pause(
    *,
    due_at: datetime,
    paused_from: datetime,
    resumed_at: datetime,
    agency: Agency | None = None,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """The due moment once a pause (waiting for a supplement) has ended: later by the working time waited.

    Time waiting for the applicant to supplement the dossier is not counted towards the time limit
    (Decree 118/2025/NĐ-CP; Decision 766/QĐ-TTg index rule 2.1, ``docs/calendar.md``). A pause that
    spans no working time leaves the due moment as it was.
    """
    calendar = _calendar_for(agency, calendar)
    local_due = _to_local(due_at, "due_at")
    local_from, local_to = _to_local(paused_from, "paused_from"), _to_local(resumed_at, "resumed_at")
    if local_to < local_from:
        raise CalendarError(
            "invalid_pause",
            "Thời điểm tiếp tục phải sau thời điểm tạm dừng.",
            "The pause must end after it starts.",
        )
    calendar.preload(local_from.date(), max(local_to, local_due).date() + timedelta(days=60))
    waited = calendar.working_time_between(local_from, local_to)
    if not waited:
        return due_at
    return _to_aware(calendar.add_working_time(local_due, waited)).astimezone(due_at.tzinfo)


def due_at_after_pauses(
    *,
    due_at: datetime,
    pauses: Sequence[tuple[datetime, datetime]],
    agency: Agency | None = None,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """:func:`due_at_after_pause` for every (paused_from, resumed_at) pause in turn."""
    calendar = _calendar_for(agency, calendar)
    for paused_from, resumed_at in pauses:
        due_at = due_at_after_pause(due_at=due_at, paused_from=paused_from, resumed_at=resumed_at, calendar=calendar)
    return due_at


# --- Timeliness (Decision 766/QĐ-TTg, indicator 2.1) -----------------------------------------------


def classify_finished(*, finished_at: datetime, due_at: datetime, supplement_requests: int) -> Timeliness:
    """Early, on time or late for a finished dossier (Decision 766 index, indicator 2.1).

    On time when ``finished_at ≤ due_at`` — ``due_at`` already moved by the supplement pauses. More
    than one supplement request counts as late whatever the dates ([OPERATOR-SPEC] in
    ``domain/766-index.md``). "Early" (trước hạn) means finished on a day before the due day, in local
    time; the index counts early and on-time dossiers together.
    """
    _to_local(finished_at, "finished_at")
    _to_local(due_at, "due_at")
    if supplement_requests > 1 or finished_at > due_at:
        return "late"
    if _to_local(finished_at).date() < _to_local(due_at).date():
        return "early"
    return "on_time"


def classify_open(*, now: datetime, due_at: datetime) -> OpenTimeliness:
    """A dossier still in progress is within time until its due moment has passed (766 indicator 2.1)."""
    _to_local(now, "now")
    _to_local(due_at, "due_at")
    return "on_time" if now <= due_at else "overdue"
