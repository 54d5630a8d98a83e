"""Reads of the statistics: the figures of the periodic TTHC report for a scope and a period.

Scopes drill down national → province → agency → procedure; periods are calendar months, quarters
and years (as the national portal's pages) or the report windows of the reporting regime (15th of
the previous month → 14th, ``shared/domain/reporting.md`` §4 [3RD, RECALL of Decree 09/2019
Art. 12]). Every figure is a sum of rollup rows (:mod:`opendvc.reporting.models`): a province's page
reads its agencies' half-month rows, never a dossier.

The columns are those of Biểu 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): received = carried over +
new (online / in person and post), resolved = early + on time + late, in progress = within time +
overdue, with ``total = resolved + in progress``. As in production (Thanh Hóa, footnote of form
II.06a [PROD-CODE]) dossiers withdrawn after reception or stopped count with "on time". Rates are
recomputed from summed counts, never averaged (``reporting.md`` §5): the on-time rate is
(early + on time + in progress within time) ÷ total (Decision 766, indicator 2.1), the online rate
is received online ÷ received new in the period (indicator 3.3, without its result and sync factors).
"""

from __future__ import annotations

import calendar
import functools
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import Any, Literal

from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.models import Procedure
from opendvc.core.errors import ApiError, NotFound
from opendvc.reporting.models import DailyStat, HalfMonthStat, RollupRevision
from opendvc.reporting.rollup import half_of

PeriodKind = Literal["month", "quarter", "year"]
Window = Literal["calendar", "report"]
Level = Literal["national", "province", "agency", "procedure"]

FLOWS: tuple[str, ...] = (
    "submitted",
    "received_online",
    "received_in_person",
    "received_post",
    "received_digitised",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "returned",
    "supplement_requests",
    "refused",
    "withdrawn",
    "withdrawn_unreceived",
    "stopped",
    "paid_online",
)
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    window: Window
    year: int
    number: int
    start: date
    end: date

    @property
    def label_vi(self) -> str:
        name = {"month": f"Tháng {self.number}/{self.year}", "quarter": f"Quý {self.number}/{self.year}"}.get(
            self.kind, f"Năm {self.year}"
        )
        return name + (" (kỳ báo cáo)" if self.window == "report" else "")

    @property
    def label_en(self) -> str:
        name = {"month": f"{calendar.month_name[self.number]} {self.year}", "quarter": f"Q{self.number} {self.year}"}
        return name.get(self.kind, str(self.year)) + (" (report period)" if self.window == "report" else "")


def _invalid(message_vi: str, message_en: str) -> ApiError:
    return ApiError("period_invalid", message_vi, message_en, status=422)


def period_for(*, kind: str, year: int, number: int | None = None, window: str = "calendar") -> Period:
    """The days of a month, quarter or year; ``window="report"`` shifts it to the 15th → 14th cut-off.

    Report windows (``reporting.md`` §4): a month runs from the 15th of the previous month to the 14th,
    a quarter from the 15th of the month before it to the 14th of its last month, a year from
    15 December of the previous year to 14 December.
    """
    if kind not in ("month", "quarter", "year"):
        raise _invalid("Kỳ thống kê phải là tháng, quý hoặc năm.", "The period must be month, quarter or year.")
    if window not in ("calendar", "report"):
        raise _invalid("Cách tính kỳ không hợp lệ.", "The window must be calendar or report.")
    if not 2000 <= year <= 2100:
        raise _invalid("Năm phải trong khoảng 2000–2100.", "The year must be between 2000 and 2100.")
    if kind == "year":
        number = 1
        first_month, months = 1, 12
    elif kind == "quarter":
        if number is None or not 1 <= number <= 4:
            raise _invalid("Quý phải từ 1 đến 4.", "The quarter must be 1 to 4.")
        first_month, months = 3 * (number - 1) + 1, 3
    else:
        if number is None or not 1 <= number <= 12:
            raise _invalid("Tháng phải từ 1 đến 12.", "The month must be 1 to 12.")
        first_month, months = number, 1
    start = date(year, first_month, 1)
    last_month = first_month + months - 1
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    if window == "report":
        start = (start - timedelta(days=1)).replace(day=15)
        end = end.replace(day=14)
    return Period(kind=kind, window=window, year=year, number=number, start=start, end=end)  # type: ignore[arg-type]


def period_current(*, kind: str = "month", window: str = "calendar", today: date | None = None) -> Period:
    """The period that contains today (for the report window, the one whose cut-off is not passed)."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    if window == "report" and today.day >= 15:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if kind == "year":
        if window == "report" and today >= date(today.year, 12, 15):
            return period_for(kind="year", year=today.year + 1, window=window)
        return period_for(kind="year", year=today.year, window=window)
    number = month if kind == "month" else (month - 1) // 3 + 1
    return period_for(kind=kind, year=year, number=number, window=window)


def _rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The report's figures for one row (a scope or one of its children)."""

    carried_over: int = 0
    in_progress: int = 0
    overdue: int = 0
    flows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLOWS, 0))

    def __getattr__(self, name: str) -> int:
        flows = self.__dict__.get("flows", {})
        if name in flows:
            return int(flows[name])
        raise AttributeError(name)

    def add(self, other: Figures) -> None:
        self.carried_over += other.carried_over
        self.in_progress += other.in_progress
        self.overdue += other.overdue
        for name in FLOWS:
            self.flows[name] += other.flows[name]

    @property
    def received_new(self) -> int:
        return self.flows["received_online"] + self.flows["received_in_person"] + self.flows["received_post"]

    @property
    def received_in_person_or_post(self) -> int:
        return self.flows["received_in_person"] + self.flows["received_post"]

    @property
    def total(self) -> int:
        return self.carried_over + self.received_new

    @property
    def closed_on_time(self) -> int:
        """Biểu 06 column 9: on time, with withdrawals after reception and stops ([PROD-CODE] footnote)."""
        return self.flows["resolved_on_time"] + self.flows["withdrawn"] + self.flows["stopped"]

    @property
    def resolved(self) -> int:
        return self.flows["resolved_early"] + self.closed_on_time + self.flows["resolved_late"]

    @property
    def in_progress_on_time(self) -> int:
        return self.in_progress - self.overdue

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.flows["resolved_early"] + self.closed_on_time + self.in_progress_on_time, self.total)

    @property
    def online_rate(self) -> Decimal | None:
        return _rate(self.flows["received_online"], self.received_new)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "carried_over": self.carried_over,
            "received_new": self.received_new,
            "received_online": self.flows["received_online"],
            "received_in_person": self.flows["received_in_person"],
            "received_post": self.flows["received_post"],
            "received_digitised": self.flows["received_digitised"],
            "resolved": self.resolved,
            "resolved_early": self.flows["resolved_early"],
            "resolved_on_time": self.closed_on_time,
            "resolved_late": self.flows["resolved_late"],
            "in_progress": self.in_progress,
            "in_progress_on_time": self.in_progress_on_time,
            "in_progress_overdue": self.overdue,
            "results_on_time": self.flows["resolved_on_time"],
            "withdrawn": self.flows["withdrawn"],
            "withdrawn_before_reception": self.flows["withdrawn_unreceived"],
            "stopped": self.flows["stopped"],
            "refused": self.flows["refused"],
            "supplement_requests": self.flows["supplement_requests"],
            "returned": self.flows["returned"],
            "paid_online": self.flows["paid_online"],
            "submitted": self.flows["submitted"],
            "online_rate": self.online_rate,
            "on_time_rate": self.on_time_rate,
        }


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class TrendPoint:
    month: date
    received: int
    resolved: int


@dataclass(frozen=True)
class Statistics:
    level: Level
    code: str
    name: str
    period: Period
    as_of: date
    totals: Figures
    children: list[Row]
    child_level: Level | None
    trend: list[TrendPoint]
    parents: list[tuple[Level, str, str]]


# --- Scope lookups -----------------------------------------------------------------------------------


def _province(code: str) -> tuple[AdministrativeUnit, int]:
    """The province of ``code`` and its settled revision (see :func:`settled_revision`), in one statement.

    The revision is read before any rollup row, so the rows a page caches are never older than its key.
    """
    units, revisions = AdministrativeUnit._meta.db_table, RollupRevision._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id, u.code, u.name, (SELECT COALESCE(SUM(r.revision), 0) FROM {revisions} r "  # noqa: S608
            f"WHERE r.scope IN (u.id, %s)) FROM {units} u WHERE u.code = %s AND u.province_id IS NULL "
            "ORDER BY u.id LIMIT 1",
            [RollupRevision.EVERY, code],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"Không có tỉnh, thành phố mã {code}.", f"No province with code {code}.")
    return AdministrativeUnit(pk=row[0], code=row[1], name=row[2]), int(row[3])


def _agency(code: str) -> Agency:
    agency = Agency.objects.select_related("province").filter(code=code).first()
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {code}.", f"No agency with code {code}.")
    return agency


def _procedure(code: str) -> Procedure:
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None:
        raise NotFound(f"Không có thủ tục mã {code}.", f"No procedure with code {code}.")
    return procedure


# --- Sums --------------------------------------------------------------------------------------------


def _trend_months(period: Period) -> list[date]:
    """The first days of the twelve calendar months that end with the period's last month."""
    months: list[date] = []
    cursor = period.end.replace(day=1)
    for _ in range(TREND_MONTHS):
        months.append(cursor)
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    months.reverse()
    return months


def _next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


#: How long a cached sum of settled rows is kept; it stays right for as long, its key names its revision.
SETTLED_CACHE_SECONDS = 24 * 3600
RECEIVED_SQL = "received_online + received_in_person + received_post"
RESOLVED_SQL = "resolved_early + resolved_on_time + resolved_late"


@functools.cache
def _recent_sql(*, table: str, time: str, group: str | None, scope: tuple[str, ...]) -> str:
    """The statement that sums the rows from the settled boundary on (identifiers from the models only).

    Written as SQL once per shape rather than through the ORM: the four dozen filtered sums cost more
    to compile on every page than the database takes to compute them. Columns: the period's flows,
    the stocks at its start and at ``stock``, then received and resolved per trend month.
    """
    columns = [f"COALESCE(SUM({name}) FILTER (WHERE {time} >= %(first)s), 0)" for name in FLOWS]
    columns.append(f"COALESCE(SUM(open_delta) FILTER (WHERE {time} < %(first)s), 0)")
    columns.append(f"COALESCE(SUM(open_delta) FILTER (WHERE {time} <= %(stock)s), 0)")
    columns.append(f"COALESCE(SUM(overdue_delta) FILTER (WHERE {time} <= %(stock)s), 0)")
    for i in range(TREND_MONTHS):
        within = f"{time} >= %(month_{i})s AND {time} < %(month_{i + 1})s"
        columns.append(f"COALESCE(SUM({RECEIVED_SQL}) FILTER (WHERE {within}), 0)")
        columns.append(f"COALESCE(SUM({RESOLVED_SQL}) FILTER (WHERE {within}), 0)")
    where = [f"{column} = %({column})s" for column in scope]
    where.append(f"{time} <= %(last)s AND {time} >= %(boundary)s")
    sql = f"SELECT {group or 'NULL'}, {', '.join(columns)} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608
    return sql + (f" GROUP BY {group}" if group else "")


@functools.cache
def _settled_flows_sql(*, table: str, time: str, group: str | None, scope: tuple[str, ...]) -> str:
    """The period's flows over its settled rows only: a scan of the period's rows, not of the history."""
    columns = ", ".join(f"SUM({name})" for name in FLOWS)
    where = [f"{column} = %({column})s" for column in scope]
    where.append(f"{time} >= %(first)s AND {time} <= %(last)s AND {time} < %(boundary)s")
    sql = f"SELECT {group or 'NULL'}, {columns} FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608
    return sql + (f" GROUP BY {group}" if group else "")


@functools.cache
def _settled_stocks_sql(*, table: str, time: str, group: str | None, scope: tuple[str, ...]) -> str:
    """Per group and unit of time, the settled rows' stock deltas and the trend's received and resolved."""
    where = [f"{column} = %({column})s" for column in scope]
    where.append(f"{time} < %(boundary)s")
    sql = (
        f"SELECT {group or 'NULL'}, {time}, SUM(open_delta), SUM(overdue_delta), SUM({RECEIVED_SQL}), "  # noqa: S608
        f"SUM({RESOLVED_SQL}) FROM {table} WHERE {' AND '.join(where)}"
    )
    return sql + f" GROUP BY {group + ', ' if group else ''}{time}"


@functools.cache
def _ahead_sql(*, group: str | None, scope: tuple[str, ...]) -> str:
    """The overdue predictions written ahead for the days after ``as_of`` in its half month, per group."""
    where = [f"{column} = %({column})s" for column in scope]
    where.append("day > %(as_of)s AND day < %(half_end)s")
    sql = (
        f"SELECT {group or 'NULL'}, COALESCE(SUM(overdue_delta), 0) "  # noqa: S608 - model identifiers
        f"FROM {DailyStat._meta.db_table} WHERE {' AND '.join(where)}"
    )
    return sql + (f" GROUP BY {group}" if group else "")


def _unit(model: type[HalfMonthStat] | type[DailyStat], day: date) -> int:
    """A row's place on its table's time axis: consecutive days (or half months) are consecutive numbers."""
    if model is HalfMonthStat:
        return (day.year * 12 + day.month - 1) * 2 + (day.day >= 15)
    return day.toordinal()


@dataclass(frozen=True)
class SettledStocks:
    """Running sums of a scope's settled rows, one per unit of time from ``origin``: any period's stocks.

    A stock at a period boundary is the sum of the stock deltas of every day before it
    (:mod:`opendvc.reporting.models`), so it depends on the whole history, not on the period; the
    trend's months are differences of running sums too. Kept per scope, settled boundary and revision,
    they serve every period of the scope: ``open[g][i]`` is Σ ``open_delta`` of group ``g`` over the
    units ≤ ``origin + i`` (likewise ``overdue``; ``received`` and ``resolved`` are the scope's totals),
    and ``first[g]`` the first unit where ``g`` has a row.
    """

    origin: int
    first: dict[Any, int]
    open: dict[Any, array[int]]
    overdue: dict[Any, array[int]]
    received: array[int]
    resolved: array[int]

    def at(self, sums: array[int], unit: int) -> int:
        """The running sum through ``unit`` (every settled unit is before the boundary)."""
        index = min(unit - self.origin, len(sums) - 1)
        return sums[index] if index >= 0 else 0


def _settled_stocks(
    *, model: type[HalfMonthStat] | type[DailyStat], sql: str, params: Mapping[str, Any], boundary: date
) -> SettledStocks:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [
            (group, _unit(model, day if isinstance(day, date) else date.fromisoformat(day)), *map(int, sums))
            for group, day, *sums in cursor.fetchall()
        ]
    origin = min((row[1] for row in rows), default=0)
    length = _unit(model, boundary) - origin if rows else 0
    first: dict[Any, int] = {}
    deltas: dict[Any, tuple[list[int], list[int]]] = {}
    received, resolved = [0] * length, [0] * length
    for group, unit, open_delta, overdue_delta, received_n, resolved_n in rows:
        if group not in deltas:
            deltas[group] = ([0] * length, [0] * length)
            first[group] = unit
        i = unit - origin
        first[group] = min(first[group], unit)
        deltas[group][0][i] += open_delta
        deltas[group][1][i] += overdue_delta
        received[i] += received_n
        resolved[i] += resolved_n
    return SettledStocks(
        origin=origin,
        first=first,
        open={group: array("q", accumulate(opened)) for group, (opened, _) in deltas.items()},
        overdue={group: array("q", accumulate(overdue)) for group, (_, overdue) in deltas.items()},
        received=array("q", accumulate(received)),
        resolved=array("q", accumulate(resolved)),
    )


def _settled_boundary(*, model: type[HalfMonthStat] | type[DailyStat], today: date) -> date:
    """The first day (or half month) whose rows are read from the tables on every page.

    Rows before it — days up to the day before yesterday, half months ended by then — change only by
    late data, which moves their province's :class:`RollupRevision`; a write counted as of today is
    never late for them, even if its transaction commits a little after midnight.
    """
    recent = min(today, timezone.localdate()) - timedelta(days=1)
    return half_of(recent) if model is HalfMonthStat else recent


def settled_revision(*, province: int | None = None, national: bool = False) -> int:
    """The sum of the revisions a scope's settled figures depend on (see :class:`RollupRevision`)."""
    rows = RollupRevision.objects.all()
    if not national:
        rows = rows.filter(scope__in=[RollupRevision.CENTRAL if province is None else province, RollupRevision.EVERY])
    return int(rows.aggregate(total=Sum("revision", default=0))["total"])


def _part_sums(sql: str, params: Mapping[str, Any]) -> dict[Any, list[int]]:
    """Each group's sums; a sum over no row at all (``NULL``, ungrouped) is no group."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: [int(value) for value in row[1:]] for row in cursor.fetchall() if row[1] is not None}


def _sums(
    *,
    model: type[HalfMonthStat] | type[DailyStat],
    scope: Mapping[str, int],
    group: str | None,
    period: Period,
    as_of: date,
    today: date,
    revision: int,
) -> tuple[dict[Any, Figures], list[TrendPoint]]:
    """Flows inside the period, stocks at its start and at ``as_of``, per ``group``, and the trend.

    The trend is received (new) and resolved per calendar month over the twelve months that end with
    the period, summed over the groups. Every figure is a sum over rows, so it is the sum of its
    settled rows and its recent ones (read each time; none for a past period). Of the settled rows,
    the stocks and the trend come from the scope's :class:`SettledStocks` (cached under the scope's
    ``revision``, for every period), the flows from a sum over the period's rows (cached likewise,
    per period).
    """
    if model is HalfMonthStat:
        time, first, last, stock_last = "half", period.start, half_of(period.end), half_of(as_of)
    else:
        time, first, last, stock_last = "day", period.start, period.end, as_of
    months = _trend_months(period)
    boundary = _settled_boundary(model=model, today=today)
    adapt = connection.ops.adapt_datefield_value
    params: dict[str, Any] = {
        "first": adapt(first),
        "last": adapt(last),
        "stock": adapt(stock_last),
        "boundary": adapt(boundary),
        **scope,
    }
    for i, month in enumerate([*months, _next_month(months[-1])]):
        params[f"month_{i}"] = adapt(month)
    shape: dict[str, Any] = {"table": model._meta.db_table, "time": time, "group": group, "scope": tuple(scope)}
    prefix = f"{shape['table']}:{group}:{','.join(f'{column}={value}' for column, value in scope.items())}"
    key = f"reporting:stocks:1:{prefix}:{boundary}:{revision}"
    stocks: SettledStocks | None = cache.get(key)
    if stocks is None:
        stocks = _settled_stocks(model=model, sql=_settled_stocks_sql(**shape), params=params, boundary=boundary)
        cache.set(key, stocks, SETTLED_CACHE_SECONDS)
    flows: dict[Any, list[int]] = {}
    if first < boundary:
        key = f"reporting:flows:1:{prefix}:{first}:{last}:{boundary}:{revision}"
        cached: dict[Any, list[int]] | None = cache.get(key)
        if cached is None:
            cached = _part_sums(_settled_flows_sql(**shape), params)
            cache.set(key, cached, SETTLED_CACHE_SECONDS)
        flows = cached
    recent = _part_sums(_recent_sql(**shape), params) if last >= boundary else {}
    unit_first, unit_last, unit_stock = _unit(model, first), _unit(model, last), _unit(model, stock_last)
    groups = {g for g, unit in stocks.first.items() if unit <= unit_last} | set(flows) | set(recent)
    count = len(FLOWS)
    empty: array[int] = array("q")
    result: dict[Any, Figures] = {}
    for g in groups:
        values = list(flows.get(g) or [0] * count)
        opened, overdue = stocks.open.get(g, empty), stocks.overdue.get(g, empty)
        figures = Figures(
            carried_over=stocks.at(opened, unit_first - 1),
            in_progress=stocks.at(opened, unit_stock),
            overdue=stocks.at(overdue, unit_stock),
            flows=dict(zip(FLOWS, values, strict=True)),
        )
        live = recent.get(g)
        if live is not None:
            for i, name in enumerate(FLOWS):
                figures.flows[name] += live[i]
            figures.carried_over += live[count]
            figures.in_progress += live[count + 1]
            figures.overdue += live[count + 2]
        result[g] = figures
    trend = []
    for i, month in enumerate(months):
        low, high = _unit(model, month) - 1, min(_unit(model, _next_month(month)) - 1, unit_last)
        received = stocks.at(stocks.received, high) - stocks.at(stocks.received, low)
        resolved = stocks.at(stocks.resolved, high) - stocks.at(stocks.resolved, low)
        for live in recent.values():
            received += live[count + 3 + 2 * i]
            resolved += live[count + 4 + 2 * i]
        trend.append(TrendPoint(month=month, received=received, resolved=resolved))
    if model is HalfMonthStat and as_of < stock_last + _half_length(stock_last) - timedelta(days=1):
        # The half month of ``as_of`` also holds overdue predictions for its days still to come.
        params["as_of"] = adapt(as_of)
        params["half_end"] = adapt(stock_last + _half_length(stock_last))
        for g, (ahead,) in _part_sums(_ahead_sql(group=group, scope=tuple(scope)), params).items():
            held = result.get(g)
            if held is not None:
                held.overdue -= ahead
    return result, trend


def _half_length(half: date) -> timedelta:
    if half.day == 1:
        return timedelta(days=14)
    return timedelta(days=calendar.monthrange(half.year, half.month)[1] - 14)


def _ordered(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r.figures.total, r.code))


def statistics_for(
    *,
    period: Period,
    province: str | None = None,
    agency: str | None = None,
    procedure: str | None = None,
    today: date | None = None,
) -> Statistics:
    """The figures of one scope (the nation, a province, an agency, or one procedure of an agency)."""
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    if as_of < period.start:
        as_of = period.start - timedelta(days=1)
    common: dict[str, Any] = {"period": period, "as_of": as_of}
    if agency is not None:
        unit = _agency(agency)
        revision = settled_revision(province=unit.province_id)
        parents: list[tuple[Level, str, str]] = [("national", "", "")]
        if unit.province is not None:
            parents.append(("province", unit.province.code, unit.province.name))
        if procedure is not None:
            proc = _procedure(procedure)
            scope = {"agency_id": unit.pk, "procedure_id": proc.pk}
            sums, trend = _sums(model=DailyStat, scope=scope, group=None, today=today, revision=revision, **common)
            totals = sums.get(None, Figures())
            parents.append(("agency", unit.code, unit.name))
            return Statistics(
                level="procedure",
                code=proc.code,
                name=proc.current_version.name if proc.current_version else proc.code,
                totals=totals,
                children=[],
                child_level=None,
                trend=trend,
                parents=parents,
                **common,
            )
        scope = {"agency_id": unit.pk}
        by_procedure, trend = _sums(
            model=DailyStat, scope=scope, group="procedure_id", today=today, revision=revision, **common
        )
        names = {
            p.pk: (p.code, p.current_version.name if p.current_version else p.code)
            for p in Procedure.objects.select_related("current_version").filter(pk__in=list(by_procedure))
        }
        children = [Row(code=names[k][0], name=names[k][1], figures=f) for k, f in by_procedure.items() if k in names]
        return _scope_result(
            level="agency",
            code=unit.code,
            name=unit.name,
            children=children,
            child_level="procedure",
            trend=trend,
            parents=parents,
            **common,
        )
    if province is not None:
        unit_p, revision = _province(province)
        scope = {"province_id": unit_p.pk}
        by_agency, trend = _sums(
            model=HalfMonthStat,
            scope=scope,
            group="agency_id",
            today=today,
            revision=revision,
            **common,
        )
        agencies = {
            pk: (code, name)
            for pk, code, name in Agency.objects.filter(pk__in=list(by_agency)).values_list("pk", "code", "name")
        }
        children = [
            Row(code=agencies[k][0], name=agencies[k][1], figures=f) for k, f in by_agency.items() if k in agencies
        ]
        return _scope_result(
            level="province",
            code=unit_p.code,
            name=unit_p.name,
            children=children,
            child_level="agency",
            trend=trend,
            parents=[("national", "", "")],
            **common,
        )
    by_province, trend = _sums(
        model=HalfMonthStat,
        scope={},
        group="province_id",
        today=today,
        revision=settled_revision(national=True),
        **common,
    )
    units = {
        pk: (code, name)
        for pk, code, name in AdministrativeUnit.objects.filter(
            pk__in=[k for k in by_province if k is not None]
        ).values_list("pk", "code", "name")
    }
    children = [Row(code=units[k][0], name=units[k][1], figures=f) for k, f in by_province.items() if k in units]
    if None in by_province:
        children.append(Row(code="", name=gettext("Bộ, ngành trung ương"), figures=by_province[None]))
    return _scope_result(
        level="national",
        code="",
        name=gettext("Cả nước"),
        children=children,
        child_level="province",
        trend=trend,
        parents=[],
        **common,
    )


def _scope_result(*, children: list[Row], **kwargs: Any) -> Statistics:
    totals = Figures()
    for row in children:
        totals.add(row.figures)
    return Statistics(totals=totals, children=_ordered(children), **kwargs)


def figures_rows(stats: Statistics) -> Mapping[str, Any]:
    """The figures of a scope as plain data (the API's answer)."""
    return {
        "level": stats.level,
        "code": stats.code,
        "name": stats.name,
        "period": {
            "kind": stats.period.kind,
            "window": stats.period.window,
            "year": stats.period.year,
            "number": stats.period.number,
            "start": stats.period.start,
            "end": stats.period.end,
            "as_of": stats.as_of,
        },
        "totals": stats.totals.as_dict(),
        "child_level": stats.child_level,
        "children": [{"code": r.code, "name": r.name, **r.figures.as_dict()} for r in stats.children],
        "trend": [
            {"month": p.month.strftime("%Y-%m"), "received": p.received, "resolved": p.resolved} for p in stats.trend
        ],
    }
