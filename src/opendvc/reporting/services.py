"""Writes of the statistics: the listener that folds each dossier event into the rollups, and the rebuild.

The listener runs inside the transaction that appends the event (``opendvc.dossiers.hooks``), so a
rollup never counts an event that rolled back. Its writes are ``INSERT … ON CONFLICT DO UPDATE SET
n = n + excluded.n`` — atomic increments, safe with concurrent writers on SQLite and PostgreSQL —
one statement per table for a whole batch, rows in key order so that two writers never wait for
each other in opposite orders.
"""

from __future__ import annotations

import functools
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from opendvc.agencies.models import Agency
from opendvc.audit.services import audit_record
from opendvc.dossiers.models import Attachment, Dossier, DossierEvent
from opendvc.reporting.models import COUNTERS, DailyStat, HalfMonthStat, RollupRevision
from opendvc.reporting.rollup import RECEIVED, EventFacts, event_deltas, half_of, moment

if TYPE_CHECKING:
    from opendvc.accounts.models import User

logger = logging.getLogger(__name__)

DailyKey = tuple[int, int, date]  # agency, procedure, day
HalfKey = tuple[int, date]  # agency, half month
UPSERT_CHUNK = 5000


@dataclass
class Rollups:
    """Counters folded in memory, ready to be added to (or compared with) the tables."""

    daily: dict[DailyKey, Counter[str]] = field(default_factory=dict)
    provinces: dict[int, int | None] = field(default_factory=dict)

    def add(self, *, agency_id: int, procedure_id: int, deltas: Mapping[date, Counter[str]]) -> None:
        """Add one event's counters (``deltas`` is the event's own, not kept by the caller)."""
        for day, counters in deltas.items():
            key = (agency_id, procedure_id, day)
            held = self.daily.get(key)
            if held is None:
                self.daily[key] = counters
            else:
                held.update(counters)

    def halves(self) -> dict[HalfKey, Counter[str]]:
        """The same counters per agency and half month: sums of the daily ones."""
        half: dict[HalfKey, Counter[str]] = {}
        for (agency_id, _procedure_id, day), counters in self.daily.items():
            key = (agency_id, half_of(day))
            held = half.get(key)
            if held is None:
                half[key] = Counter(counters)
            else:
                held.update(counters)
        return half


def _digitised_dossiers(dossier_ids: Iterable[int]) -> set[int]:
    ids = set(dossier_ids)
    if not ids:
        return set()
    if connection.vendor == "postgresql":
        # One array parameter rather than a thousand bound values for the driver to splice in.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT dossier_id FROM {Attachment._meta.db_table} "  # noqa: S608 - model name
                "WHERE kind = %s AND dossier_id = ANY(%s)",
                [Attachment.Kind.SUBMISSION, sorted(ids)],
            )
            return {row[0] for row in cursor.fetchall()}
    return set(
        Attachment.objects.filter(dossier_id__in=ids, kind=Attachment.Kind.SUBMISSION)
        .values_list("dossier_id", flat=True)
        .distinct()
    )


def _synced_digitised(dossier: Dossier) -> bool:
    """A synchronised record says its components were digitised (HoSoCoThanhPhanSoHoa)."""
    sync = (dossier.form_data or {}).get("sync") if isinstance(dossier.form_data, dict) else None
    return bool(isinstance(sync, dict) and sync.get("digitised"))


def _is_reception(event: DossierEvent) -> bool:
    return event.to_status in RECEIVED and event.from_status not in RECEIVED


def _facts(
    *, dossier: Dossier, event: DossierEvent, digitised: set[int], current_due_at: datetime | None
) -> EventFacts:
    return EventFacts(
        at=event.at,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        data=event.data if isinstance(event.data, dict) else {},
        channel=dossier.channel,
        digitised=dossier.pk in digitised
        or _synced_digitised(dossier)
        or bool(isinstance(event.data, dict) and event.data.get("digitised")),
        current_due_at=current_due_at,
        current_finished_at=dossier.finished_at,
    )


def _provinces(agency_ids: Iterable[int]) -> dict[int, int | None]:
    return dict(Agency.objects.filter(pk__in=set(agency_ids)).values_list("pk", "province_id"))


def rollup_apply(*, dossier: Dossier, event: DossierEvent) -> None:
    """Fold one event into the rollups (the listener registered in ``ReportingConfig.ready``)."""
    rollup_apply_batch([(dossier, event)])


def rollup_apply_batch(pairs: list[tuple[Dossier, DossierEvent]]) -> None:
    """Fold events written together (a synchronisation batch) into one upsert per table."""
    if not pairs:
        return
    digitised = _digitised_dossiers(d.pk for d, e in pairs if _is_reception(e))
    rollups = Rollups()
    for dossier, event in pairs:
        facts = _facts(dossier=dossier, event=event, digitised=digitised, current_due_at=dossier.due_at)
        rollups.add(agency_id=dossier.agency_id, procedure_id=dossier.procedure_id, deltas=event_deltas(facts))
    known = {d.agency_id: d.agency.province_id for d, _ in pairs if Dossier.agency.is_cached(d)}  # type: ignore[attr-defined]
    missing = {agency for agency, _, _ in rollups.daily} - set(known)
    rollups.provinces = {**known, **(_provinces(missing) if missing else {})}
    rollups_write(rollups)


@functools.cache
def _column_types(
    model: type[DailyStat] | type[HalfMonthStat], names: tuple[str, ...], vendor: str
) -> list[tuple[str, str]]:
    """``(column, SQL type)`` of each field, as ``jsonb_to_recordset`` needs them declared (once per process)."""
    result = []
    for name in names:
        field: Any = model._meta.get_field(name.removesuffix("_id"))
        result.append((str(field.column), str(field.db_type(connection))))
    return result


def _upsert(
    model: type[DailyStat] | type[HalfMonthStat],
    keys: tuple[str, ...],
    folded: Mapping[tuple[Any, ...], Counter[str]],
    provinces: Mapping[int, int | None],
) -> None:
    """Add the folded counters to ``model``'s table: one statement per chunk whose single parameter
    is the chunk as one JSON document (``jsonb_to_recordset`` on PostgreSQL, ``json_each`` on SQLite).

    A row lists only its non-zero counters (the others read as 0), so a batch of 1,000 events is a few
    tens of kilobytes of JSON, parsed by the database, instead of 20,000 bound values the driver
    would splice into the statement one by one. The rows are merged in key order (``ORDER BY``), so
    two writers never wait for each other's rows in opposite orders. Identifiers come from the models;
    values are bound.
    """
    counters_known = frozenset(COUNTERS)
    rows = []
    for key, counters in sorted(folded.items()):
        values = {name: value for name, value in counters.items() if value and name in counters_known}
        if not values:
            continue
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        if (province := provinces.get(key[0])) is not None:
            row["province_id"] = province
        row.update(values)
        rows.append(row)
    if not rows:
        return
    table = model._meta.db_table
    key_columns = _column_types(model, (*keys, "province_id"), connection.vendor)
    counter_columns = _column_types(model, COUNTERS, connection.vendor)
    columns = ", ".join(column for column, _ in (*key_columns, *counter_columns))
    conflict = ", ".join(keys)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTERS)
    order = ", ".join(keys)
    if connection.vendor == "postgresql":
        declared = ", ".join(f"{column} {db_type}" for column, db_type in (*key_columns, *counter_columns))
        select = ", ".join(
            [column for column, _ in key_columns] + [f"coalesce({column}, 0)" for column, _ in counter_columns]
        )
        source = f"jsonb_to_recordset(%s::jsonb) AS r({declared})"
    else:
        select = ", ".join(
            [f"json_extract(value, '$.{column}')" for column, _ in key_columns]
            + [f"coalesce(json_extract(value, '$.{column}'), 0)" for column, _ in counter_columns]
        )
        source = "json_each(%s)"
        order = ", ".join(f"json_extract(value, '$.{column}')" for column in keys)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {select} FROM {source} "  # noqa: S608 - model identifiers
        f"WHERE true ORDER BY {order} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            document = json.dumps(rows[start : start + UPSERT_CHUNK], default=date.isoformat, separators=(",", ":"))
            cursor.execute(sql, [document])


def rollups_write(rollups: Rollups) -> None:
    """Add folded counters to the tables (atomic increments; keys in order)."""
    _upsert(DailyStat, ("agency_id", "procedure_id", "day"), rollups.daily, rollups.provinces)
    _upsert(HalfMonthStat, ("agency_id", "half"), rollups.halves(), rollups.provinces)
    today = timezone.localdate()
    late = {
        rollups.provinces.get(agency)
        for (agency, _, day), counters in rollups.daily.items()
        if day < today and any(counters.values())
    }
    if late:
        rollup_revisions_bump(provinces=late)


def rollup_revisions_bump(*, provinces: Iterable[int | None] | None = None) -> None:
    """Mark the settled figures of these provinces (``None``: agencies without one; all: every scope) changed.

    Called with the rollup writes of days before today (late data), inside their transaction, in key
    order like them; the statistics pages key their cached settled sums by these revisions
    (:class:`~opendvc.reporting.models.RollupRevision`).
    """
    every = RollupRevision.EVERY
    scopes = sorted({every} if provinces is None else {RollupRevision.CENTRAL if p is None else p for p in provinces})
    table = RollupRevision._meta.db_table
    values = ", ".join(["(%s, 1)"] * len(scopes))
    sql = (
        f"INSERT INTO {table} (scope, revision) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (scope) DO UPDATE SET revision = {table}.revision + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, scopes)


# --- Rebuild ------------------------------------------------------------------------------------------


def rollups_from_events(*, chunk_size: int = 5000) -> tuple[Rollups, int]:
    """Fold the whole event log, dossier by dossier in chain order, exactly as the listener did.

    Returns the rollups and the number of events read.
    """
    rollups = Rollups()
    digitised = _digitised_dossiers(
        Attachment.objects.filter(kind=Attachment.Kind.SUBMISSION, dossier__isnull=False).values_list(
            "dossier_id", flat=True
        )
    ) | set(Dossier.objects.filter(form_data__sync__digitised=True).values_list("pk", flat=True))
    rows = (
        DossierEvent.objects.order_by("dossier_id", "seq")
        .values_list(
            "dossier_id",
            "at",
            "action",
            "from_status",
            "to_status",
            "data",
            "dossier__agency_id",
            "dossier__procedure_id",
            "dossier__channel",
            "dossier__due_at",
            "dossier__finished_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    count = 0
    current: int | None = None
    # The due date in force: the last one an event of this dossier carried (which may be none, a
    # synchronised record without NgayHenTra), else the dossier's own until an event sets one.
    due: datetime | None = None
    due_known = False
    # NgayKetThucXuLy likewise, as of the event itself: a record that reaches 9 without it is
    # counted at the event's time, whatever a later correction says.
    finished_at: datetime | None = None
    finished_known = False
    for (
        dossier_id,
        at,
        action,
        from_status,
        to_status,
        data,
        agency_id,
        procedure_id,
        channel,
        dossier_due,
        finished,
    ) in rows:
        count += 1
        data = data if isinstance(data, dict) else {}
        if dossier_id != current:
            current, due, due_known = dossier_id, None, False
            finished_at, finished_known = None, False
        if "finished_at" in data:
            # The listener sees the dossier as this event left it.
            finished_at, finished_known = moment(data["finished_at"]), True
        facts = EventFacts(
            at=at,
            action=action,
            from_status=from_status,
            to_status=to_status,
            data=data,
            channel=channel,
            digitised=dossier_id in digitised or bool(data.get("digitised")),
            current_due_at=due if due_known else dossier_due,
            current_finished_at=finished_at if finished_known else finished,
        )
        rollups.add(agency_id=agency_id, procedure_id=procedure_id, deltas=event_deltas(facts))
        if "due_at" in data:
            due, due_known = moment(data["due_at"]), True
    rollups.provinces = _provinces(agency for agency, _, _ in rollups.daily)
    return rollups, count


def _table_rows(model: type[DailyStat] | type[HalfMonthStat], keys: tuple[str, ...]) -> dict[Any, tuple[int, ...]]:
    return {
        tuple(row[: len(keys)]): tuple(row[len(keys) :])
        for row in model.objects.values_list(*keys, *COUNTERS).iterator(chunk_size=5000)
        if any(row[len(keys) :])
    }


def _folded_rows(folded: Mapping[Any, Counter[str]]) -> dict[Any, tuple[int, ...]]:
    return {
        key: values
        for key, counters in folded.items()
        if any(values := tuple(counters.get(name, 0) for name in COUNTERS))
    }


@dataclass(frozen=True)
class RebuildResult:
    events: int
    daily_rows: int
    half_rows: int
    #: Keys whose stored counters differ from the recomputed ones (``check`` mode), at most 20 of them.
    differences: list[str]
    differing: int


def rollup_rebuild(*, check: bool = False, actor: User | None = None) -> RebuildResult:
    """Recompute the rollups from the event log; with ``check``, only compare them with what is stored.

    The tables are locked for the duration on PostgreSQL: listeners of events committed meanwhile
    wait and add their counts on top of the rebuilt rows, so nothing is lost or counted twice.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {DailyStat._meta.db_table}, {HalfMonthStat._meta.db_table} IN EXCLUSIVE MODE"
                )
        rollups, events = rollups_from_events()
        daily = _folded_rows(rollups.daily)
        half = _folded_rows(rollups.halves())
        differences: list[str] = []
        differing = 0
        if check:
            for label, stored, folded in (
                ("daily", _table_rows(DailyStat, ("agency_id", "procedure_id", "day")), daily),
                ("half", _table_rows(HalfMonthStat, ("agency_id", "half")), half),
            ):
                for key in sorted(set(stored) | set(folded), key=str):
                    if stored.get(key) != folded.get(key):
                        differing += 1
                        if len(differences) < 20:
                            differences.append(f"{label} {key}: stored {stored.get(key)} rebuilt {folded.get(key)}")
        else:
            DailyStat.objects.all().delete()
            HalfMonthStat.objects.all().delete()
            rollups_write(rollups)
            rollup_revisions_bump()
        audit_record(
            action="reporting.rebuild_check" if check else "reporting.rebuild",
            actor=actor,
            object_type="reporting",
            data={"events": events, "daily_rows": len(daily), "half_rows": len(half), "differing": differing},
        )
    return RebuildResult(
        events=events, daily_rows=len(daily), half_rows=len(half), differences=differences, differing=differing
    )
