"""Apply a batch of synchronised records: validate everything first, then write the batch in a few statements.

Per batch of up to 1,000 records, whatever its size: one query per reference table (agencies,
procedures, offerings, accounts), one locked read of the dossiers it names with their sync state, one
insert of the new dossiers, one update of the changed ones, one insert of their events, one upsert of
the sync state and two of the quarantine. Each record is applied whole or not at all: every check runs
before anything is written, and the writes of the batch share one transaction.

Rules (DESIGN.md §5): the same record twice is one effect (same fingerprint → ``unchanged``); a record
older than what is held changes nothing (decided by the record's own event time, ties broken by the
fingerprint so any order ends in the same state); a refused record is kept in quarantine with its
reason until the sender corrects and re-sends it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.fields import DateTimeField, DecimalField, DurationField
from django.db.models.fields.json import JSONField
from django.db.models.fields.related import ForeignKey
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from opendvc.accounts.models import User
from opendvc.agencies.models import Agency
from opendvc.audit.services import audit_record
from opendvc.catalog.models import Procedure, ProcedureVersion, ServiceOffering
from opendvc.core.codes import BIRTH_PROVINCE_CODES, CodeError, parse_agency_code, parse_dossier_code
from opendvc.dossiers.hooks import event_batch_notify
from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.sync import bulk
from opendvc.sync.models import IntegratedSystem, QuarantinedRecord, SyncState
from opendvc.sync.records import (
    FINAL_STATUSES,
    NEEDS_RECEPTION,
    DossierRecord,
    ProgressRecord,
    Rejection,
    payload_key,
)

MAX_BATCH = 1000


@dataclass(slots=True)
class Outcome:
    """What happened to one record: ``created``, ``updated``, ``unchanged`` or ``rejected``."""

    code: str
    result: str
    reason: str = ""
    message_vi: str = ""
    message_en: str = ""
    wire_code: str = "00"

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "result": self.result,
            "reason": self.reason,
            "message": self.message_vi,
            "message_en": self.message_en,
        }


def _rejected(code: str, rejection: Rejection) -> Outcome:
    return Outcome(code, "rejected", rejection.code, rejection.message_vi, rejection.message_en, rejection.wire_code)


# --- reading rows back without building model instances --------------------------------------------

_DOSSIER_FIELDS = [f for f in Dossier._meta.concrete_fields]
_DOSSIER_ATTNAMES = [f.attname for f in _DOSSIER_FIELDS]
_DOSSIER_COLUMNS = ", ".join(f"d.{f.column}" for f in _DOSSIER_FIELDS)


def _from_db(field: Any, value: Any) -> Any:
    """Both databases give JSON as text here (Django decodes it in the field); SQLite also returns
    naive datetimes and durations as integers, PostgreSQL already gives Python values."""
    if isinstance(field, JSONField) and isinstance(value, str):
        return json.loads(value)
    if value is None or connection.vendor == "postgresql":
        return value
    if isinstance(field, DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
    if isinstance(field, DurationField) and isinstance(value, int):
        return timedelta(microseconds=value)
    if isinstance(field, DecimalField) and not isinstance(value, Decimal):
        return Decimal(str(value))
    return value


def _instance(model: type[Model], values: dict[str, Any]) -> Any:
    """A model instance from attribute values, as ``Model.from_db`` would give, without ``__init__``'s cost."""
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = _model_state()
    if model is Dossier:
        instance._loaded_status = values.get("status")  # type: ignore[attr-defined]
    return instance


def _model_state() -> Any:
    from django.db.models.base import ModelState

    state = ModelState()
    state.adding = False
    state.db = "default"
    return state


# --- reference data for a batch ---------------------------------------------------------------------


@dataclass(slots=True)
class _AgencyRow:
    id: int
    code: str
    unit_id: int | None
    province_id: int | None


@dataclass(slots=True)
class _ProcedureRow:
    id: int
    version_id: int | None
    published: bool


def _canonical_agency(code: str) -> str | None:
    try:
        return parse_agency_code(code).canonical
    except CodeError:
        return None


def _scope(system: IntegratedSystem) -> tuple[set[int], set[int]]:
    provinces = set(system.scope_provinces.values_list("id", flat=True))
    agencies = set(system.scope_agencies.values_list("id", flat=True))
    return provinces, agencies


# The reference look-ups of a batch name up to a thousand codes or ids each: one array parameter on
# PostgreSQL (``bulk.in_list``) rather than a thousand bound values for the driver to splice in.


def _agencies(codes: set[str]) -> dict[str, _AgencyRow]:
    clause, params = bulk.in_list(sorted(codes))
    rows = bulk.select_rows(
        f"SELECT id, code, administrative_unit_id, province_id FROM {Agency._meta.db_table} "  # noqa: S608
        f"WHERE code {clause}",
        params,
    )
    return {code: _AgencyRow(pk, code, unit, province) for pk, code, unit, province in rows}


def _procedures(codes: set[str]) -> dict[str, _ProcedureRow]:
    clause, params = bulk.in_list(sorted(codes))
    rows = bulk.select_rows(
        f"SELECT p.id, p.code, p.current_version_id, v.status FROM {Procedure._meta.db_table} p "  # noqa: S608
        f"LEFT JOIN {ProcedureVersion._meta.db_table} v ON v.id = p.current_version_id WHERE p.code {clause}",
        params,
    )
    return {
        code: _ProcedureRow(pk, version, status == ProcedureVersion.Status.PUBLISHED)
        for pk, code, version, status in rows
    }


def _offered(agency_ids: set[int], procedure_ids: set[int]) -> set[tuple[int, int]]:
    if not agency_ids or not procedure_ids:
        return set()
    agencies, agency_params = bulk.in_list(sorted(agency_ids))
    procedures, procedure_params = bulk.in_list(sorted(procedure_ids))
    rows = bulk.select_rows(
        f"SELECT agency_id, procedure_id FROM {ServiceOffering._meta.db_table} "  # noqa: S608
        f"WHERE is_active = %s AND agency_id {agencies} AND procedure_id {procedures}",
        [True, *agency_params, *procedure_params],
    )
    return {(agency_id, procedure_id) for agency_id, procedure_id in rows}


def _personal_id_valid(number: str) -> bool:
    """12 digits opening with a birth-registration province code, or a legacy 9-digit ID card number
    (Circular 59/2021/TT-BCA, Art. 7)."""
    if len(number) == 9 and number.isdigit():
        return True
    return len(number) == 12 and number.isdigit() and number[:3] in BIRTH_PROVINCE_CODES


def _record_checks(
    record: DossierRecord,
    *,
    agencies: dict[str, _AgencyRow],
    procedures: dict[str, _ProcedureRow],
    offered: set[tuple[int, int]],
    scope: tuple[set[int], set[int]],
) -> Rejection | None:
    """The data-quality checks that need no stored dossier, in the order a sender would fix them."""
    try:
        dossier_code = parse_dossier_code(record.code)
    except CodeError:
        return Rejection("invalid_dossier_code", record.code)
    agency = agencies.get(record.agency_code)
    if agency is None:
        return Rejection("agency_unknown", record.agency_code)
    if dossier_code.agency.canonical != record.agency_code:
        return Rejection("dossier_code_agency_mismatch", f"{record.code} / {record.agency_code}")
    if agency.unit_id is None:
        return Rejection("agency_without_unit", record.agency_code)
    provinces, agency_ids = scope
    if agency.id not in agency_ids and agency.province_id not in provinces:
        return Rejection("agency_out_of_scope", record.agency_code)
    procedure = procedures.get(record.procedure_code)
    if procedure is None:
        return Rejection("procedure_unknown", record.procedure_code)
    if not procedure.published or procedure.version_id is None:
        return Rejection("procedure_retired", record.procedure_code)
    if (agency.id, procedure.id) not in offered:
        return Rejection("procedure_not_offered", f"{record.procedure_code} @ {record.agency_code}")
    received = record.received_at
    if received is not None and record.returned_at is not None and record.returned_at < received:
        return Rejection("dates_returned_before_received")
    if received is not None and record.due_at is not None and record.due_at < received:
        return Rejection("dates_due_before_received")
    if record.status in NEEDS_RECEPTION and received is None:
        return Rejection("status_jump_impossible", f"{record.status} ← NgayTiepNhan")
    if record.status == 10 and record.returned_at is None:
        return Rejection("status_jump_impossible", "10 ← NgayTra")
    if record.applicant_kind == 1 and not _personal_id_valid(record.applicant_id_number):
        return Rejection("invalid_personal_id", record.applicant_id_number)
    return None


# --- the dossier batch ----------------------------------------------------------------------------

#: Dossier fields a record sets, in the order of the rows built by :func:`_dossier_values`.
_SET_FIELDS = [
    "agency",
    "procedure",
    "procedure_version",
    "summary",
    "applicant",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_assurance_level",
    "channel",
    "status",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "refused_at",
    "withdrawn_at",
    "stopped_at",
    "supplement_requests",
    "form_data",
    "updated_at",
]
_SET_ATTNAMES = [f.attname for name in _SET_FIELDS for f in [Dossier._meta.get_field(name)] if hasattr(f, "attname")]
_INSERT_FIELDS = [
    "code",
    "source_system",
    *_SET_FIELDS,
    "created_at",
    "applicant_address",
    "current_step",
    "time_limit_unit",
    "paused_working_time",
    "apologies",
    "form_version",
]
_EVENT_FIELDS = [
    "dossier",
    "seq",
    "at",
    "actor_role",
    "action",
    "from_status",
    "to_status",
    "step",
    "note",
    "data",
    "attachment_ids",
    "prev_hash",
    "hash",
]


def _dossier_values(
    record: DossierRecord, *, agency: _AgencyRow, procedure: _ProcedureRow, applicant_id: int | None, now: datetime
) -> list[Any]:
    status = record.status
    extras = {
        "sync": {
            "receipt_number": record.receipt_number,
            "field_code": record.field_code,
            "paid_online": record.paid_online,
            "digitised": record.digitised,
            "note": record.note,
        }
    }
    return [
        agency.id,
        procedure.id,
        procedure.version_id,
        record.summary,
        applicant_id,
        record.applicant_kind,
        record.applicant_name,
        record.applicant_id_number,
        record.applicant_phone,
        record.applicant_email,
        2 if record.eid_verified else 0,
        record.channel,
        status,
        record.submitted_at,
        record.received_at,
        record.due_at,
        record.finished_at,
        record.returned_at,
        record.refused_at,
        record.event_at if status == 7 else None,
        (record.finished_at or record.event_at) if status == 8 else None,
        1 if status == 5 else 0,
        json.dumps(extras, ensure_ascii=False),
        now,
    ]


def _changed(old: dict[str, Any], new_values: list[Any]) -> list[str]:
    changed = []
    for attname, value in zip(_SET_ATTNAMES, new_values, strict=True):
        if attname in ("updated_at", "form_data"):
            continue
        if old.get(attname) != value:
            changed.append(attname.removesuffix("_id"))
    return changed


def _event(
    *,
    dossier_id: int,
    code: str,
    seq: int,
    prev_hash: str,
    at: datetime,
    action: str,
    from_status: int | None,
    to_status: int,
    note: str,
    data: dict[str, Any],
) -> DossierEvent:
    event: DossierEvent = _instance(
        DossierEvent,
        {
            "id": None,
            "dossier_id": dossier_id,
            "seq": seq,
            "at": at,
            "actor_id": None,
            "actor_role": "system",
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "step": "",
            "assignee_id": None,
            "note": note,
            "data": data,
            "attachment_ids": [],
            "prev_hash": prev_hash,
            "hash": "",
        },
    )
    event.hash = event.compute_hash(dossier_code=code)
    return event


def _event_row(event: DossierEvent) -> list[Any]:
    return [
        event.dossier_id,
        event.seq,
        event.at,
        event.actor_role,
        event.action,
        event.from_status,
        event.to_status,
        event.step,
        event.note,
        json.dumps(event.data, ensure_ascii=False),
        "[]",
        event.prev_hash,
        event.hash,
    ]


def _locked_dossiers(codes: list[str]) -> dict[str, dict[str, Any]]:
    clause, params = bulk.in_list(codes)
    lock = " FOR UPDATE OF d" if connection.features.has_select_for_update_of else ""
    rows = bulk.select_rows(
        f"SELECT {_DOSSIER_COLUMNS}, s.event_at, s.fingerprint, s.last_seq, s.last_hash "  # noqa: S608
        f"FROM {Dossier._meta.db_table} d LEFT JOIN {SyncState._meta.db_table} s ON s.dossier_id = d.id "
        f"WHERE d.code {clause}{lock}",
        params,
    )
    found: dict[str, dict[str, Any]] = {}
    state_field = SyncState._meta.get_field("event_at")
    postgres = connection.vendor == "postgresql"
    convert = [
        (f.attname, f)
        for f in _DOSSIER_FIELDS
        if isinstance(f, JSONField) or (not postgres and isinstance(f, DateTimeField | DurationField | DecimalField))
    ]
    width = len(_DOSSIER_FIELDS)
    for row in rows:
        values = dict(zip(_DOSSIER_ATTNAMES, row[:width], strict=True))
        for attname, field in convert:
            values[attname] = _from_db(field, values[attname])
        tail = row[width:]
        held_at = tail[0] if postgres else _from_db(state_field, tail[0])
        values["_sync"] = (held_at, tail[1], tail[2], tail[3])
        found[values["code"]] = values
    return found


def _held_states(codes: list[str]) -> dict[str, tuple[int | None, datetime | None, str | None]]:
    """``code → (source system, event time held, fingerprint held)`` of the dossiers that exist, unlocked."""
    clause, params = bulk.in_list(codes)
    rows = bulk.select_rows(
        f"SELECT d.code, d.source_system_id, s.event_at, s.fingerprint "  # noqa: S608
        f"FROM {Dossier._meta.db_table} d LEFT JOIN {SyncState._meta.db_table} s ON s.dossier_id = d.id "
        f"WHERE d.code {clause}",
        params,
    )
    if connection.vendor == "postgresql":
        return {code: (system_id, held_at, fingerprint) for code, system_id, held_at, fingerprint in rows}
    state_field = SyncState._meta.get_field("event_at")
    return {
        code: (system_id, _from_db(state_field, held_at), fingerprint) for code, system_id, held_at, fingerprint in rows
    }


def _applicants(numbers: set[str]) -> dict[str, int]:
    if not numbers:
        return {}
    clause, params = bulk.in_list(sorted(numbers))
    rows = bulk.select_rows(
        f"SELECT personal_id, id FROM {User._meta.db_table} WHERE personal_id {clause}",  # noqa: S608
        params,
    )
    return {number: pk for number, pk in rows if number}


@dataclass
class _Plan:
    outcomes: list[Outcome]
    rejected: list[tuple[int, Rejection]]


def _constraints_immediate(immediate: bool = True) -> None:
    """Check the batch's foreign keys as each statement runs rather than all at the commit (PostgreSQL),
    and back to the project's deferred checks once the batch's rows are written.

    The rollup rows a batch adds to are shared with every other batch of the same days and stay
    locked until the commit; checking thousands of deferred foreign keys there would keep the other
    batches waiting for that long too. (Every deferrable constraint of the schema is a foreign key
    created ``INITIALLY DEFERRED``, so ``ALL DEFERRED`` restores exactly what was in force.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if immediate else 'DEFERRED'}")


def dossiers_apply(
    *, system: IntegratedSystem, raw_records: list[Any], records: list[DossierRecord | Rejection], shape: str
) -> list[Outcome]:
    """Apply one batch; ``records[i]`` was read from ``raw_records[i]``. Returns one outcome per record."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _dossiers_apply_once(system=system, raw_records=raw_records, records=records, shape=shape)
        except IntegrityError:
            # Another batch created one of these dossiers between our read and our insert: read again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _dossiers_apply_once(
    *, system: IntegratedSystem, raw_records: list[Any], records: list[DossierRecord | Rejection], shape: str
) -> list[Outcome]:
    now = timezone.now()
    _constraints_immediate()
    outcomes: list[Outcome | None] = [None] * len(records)
    rejections: list[tuple[int, str, Rejection]] = []

    valid: list[tuple[int, DossierRecord]] = []
    for index, record in enumerate(records):
        if isinstance(record, Rejection):
            rejections.append((index, "", record))
            continue
        canonical = _canonical_agency(record.agency_code)
        if canonical is not None:
            record.agency_code = canonical
        valid.append((index, record))

    agencies = _agencies({r.agency_code for _, r in valid})
    procedures = _procedures({r.procedure_code for _, r in valid})
    offered = _offered({a.id for a in agencies.values()}, {p.id for p in procedures.values()})
    scope = _scope(system)

    # The newest record of each dossier wins within the batch; the others are older facts.
    newest: dict[str, tuple[int, DossierRecord]] = {}
    for index, record in valid:
        problem = _record_checks(record, agencies=agencies, procedures=procedures, offered=offered, scope=scope)
        if problem is not None:
            rejections.append((index, record.agency_code, problem))
            continue
        held = newest.get(record.code)
        if held is None or (record.event_at, record.fingerprint) > (held[1].event_at, held[1].fingerprint):
            if held is not None:
                outcomes[held[0]] = Outcome(held[1].code, "unchanged")
            newest[record.code] = (index, record)
        else:
            outcomes[index] = Outcome(record.code, "unchanged")

    # What each dossier holds, read without a lock: a record that changes nothing (the same or an older
    # fact, or a dossier of another system) is settled here. The held state only ever moves forward, so
    # what this read decides stays true. The dossiers a record does change are read again, locked; a
    # dossier not held yet is inserted, and if another batch creates it meanwhile the insert finds it
    # and the batch starts again.
    held_states = _held_states(list(newest)) if newest else {}
    settled: set[str] = set()
    to_lock: list[str] = []
    for code, (index, record) in newest.items():
        state = held_states.get(code)
        if state is None:
            continue
        source_system_id, held_at, held_fingerprint = state
        if source_system_id != system.id:
            rejections.append((index, record.agency_code, Rejection("dossier_owned_elsewhere", code)))
            settled.add(code)
        elif held_at is not None and (record.event_at, record.fingerprint) <= (held_at, held_fingerprint):
            outcomes[index] = Outcome(code, "unchanged")
            settled.add(code)
        else:
            to_lock.append(code)
    existing = _locked_dossiers(to_lock) if to_lock else {}
    applicants = _applicants(
        {r.applicant_id_number for c, (_, r) in newest.items() if c not in settled and r.applicant_id_number}
    )

    inserts: list[tuple[int, DossierRecord, list[Any]]] = []
    updates: list[tuple[int, DossierRecord, dict[str, Any], list[Any]]] = []
    for code, (index, record) in newest.items():
        if code in settled:
            continue
        old = existing.get(code)
        if old is not None:
            if old["source_system_id"] != system.id:
                rejections.append((index, record.agency_code, Rejection("dossier_owned_elsewhere", code)))
                continue
            held_at, held_fingerprint, _, _ = old["_sync"]
            if held_at is not None and (record.event_at, record.fingerprint) <= (held_at, held_fingerprint):
                outcomes[index] = Outcome(code, "unchanged")
                continue
            if old["status"] in FINAL_STATUSES and record.status != old["status"]:
                rejections.append(
                    (
                        index,
                        record.agency_code,
                        Rejection("status_jump_impossible", f"{old['status']} → {record.status}"),
                    )
                )
                continue
        values = _dossier_values(
            record,
            agency=agencies[record.agency_code],
            procedure=procedures[record.procedure_code],
            applicant_id=applicants.get(record.applicant_id_number),
            now=now,
        )
        if old is None:
            inserts.append((index, record, values))
        else:
            updates.append((index, record, old, values))

    created_ids: dict[str, int] = {}
    if inserts:
        defaults = ["", "", "", timedelta(0), 0, ""]
        rows = [[record.code, system.id, *values, now, *defaults] for _, record, values in inserts]
        written = bulk.insert_rows(Dossier, _INSERT_FIELDS, rows, conflict=["code"], returning=["id", "code"])
        created_ids = {code: pk for pk, code in written}
        if len(created_ids) != len(inserts):
            raise IntegrityError("a dossier of the batch was created concurrently")
    if updates:
        bulk.update_rows(Dossier, "id", _SET_FIELDS, [[old["id"], *values] for _, _, old, values in updates])

    events: list[DossierEvent] = []
    pairs: list[tuple[Dossier, DossierEvent]] = []
    states: list[list[Any]] = []
    for index, record, values in inserts:
        dossier_id = created_ids[record.code]
        chain = _record_events(
            record, dossier_id=dossier_id, seq=0, prev_hash="", from_status=None, old=None, system=system
        )
        dossier = _dossier_instance(dossier_id, record.code, system.id, values, now=now, old=None)
        events.extend(chain)
        pairs.extend((dossier, event) for event in chain)
        states.append([dossier_id, system.id, record.event_at, record.fingerprint, chain[-1].seq, chain[-1].hash])
        outcomes[index] = Outcome(record.code, "created")
    for index, record, old, values in updates:
        _, _, last_seq, last_hash = old["_sync"]
        chain = _record_events(
            record,
            dossier_id=old["id"],
            seq=last_seq or 0,
            prev_hash=last_hash or "",
            from_status=old["status"],
            old=old,
            system=system,
            changed=_changed(old, values),
        )
        dossier = _dossier_instance(old["id"], record.code, system.id, values, now=now, old=old)
        events.extend(chain)
        pairs.extend((dossier, event) for event in chain)
        states.append([old["id"], system.id, record.event_at, record.fingerprint, chain[-1].seq, chain[-1].hash])
        outcomes[index] = Outcome(record.code, "updated")

    if events:
        written = bulk.insert_rows(
            DossierEvent, _EVENT_FIELDS, [_event_row(e) for e in events], returning=["id", "dossier", "seq"]
        )
        ids = {(dossier_id, seq): pk for pk, dossier_id, seq in written}
        for event in events:
            event.id = ids[(event.dossier_id, event.seq)]
        bulk.insert_rows(
            SyncState,
            ["dossier", "system", "event_at", "fingerprint", "last_seq", "last_hash"],
            states,
            conflict=["dossier"],
            update=["event_at", "fingerprint", "last_seq", "last_hash"],
        )

    for index, _agency, rejection in rejections:
        outcomes[index] = _rejected(_code_of(records[index], raw_records[index], shape), rejection)
    _quarantine(
        system=system,
        kind=QuarantinedRecord.Kind.DOSSIER,
        shape=shape,
        rejected=[
            (_quarantine_key(records[i], raw_records[i], shape), code, rejection, raw_records[i])
            for i, code, rejection in rejections
        ],
        accepted=[o.code for o in outcomes if o is not None and o.result != "rejected"],
        now=now,
    )
    final = [o for o in outcomes if o is not None]
    assert len(final) == len(records)
    _audit_batch(system=system, action="sync.dossiers", outcomes=final, shape=shape)
    _constraints_immediate(False)
    # Last, so that the rollup rows every batch of the day shares stay locked only until the commit.
    if pairs:
        event_batch_notify(pairs)
    return final


def _record_events(
    record: DossierRecord,
    *,
    dossier_id: int,
    seq: int,
    prev_hash: str,
    from_status: int | None,
    old: dict[str, Any] | None,
    system: IntegratedSystem,
    changed: list[str] | None = None,
) -> list[DossierEvent]:
    """The events a record adds: the status it reached (``sync_status``, with the due and finish dates
    and whether components were digitised, which the statistics read) and, when it first says the fees
    were paid online, ``payment_settled`` (``data["online"]``)."""
    data: dict[str, Any] = {
        "system": system.code,
        "fingerprint": record.fingerprint,
        "digitised": record.digitised,
        "due_at": _iso(record.due_at),
        "finished_at": _iso(record.finished_at),
    }
    if old is not None:
        data["previous_due_at"] = _iso(old.get("due_at"))
    if changed is not None:
        data["changed"] = changed
    chain = [
        _event(
            dossier_id=dossier_id,
            code=record.code,
            seq=seq + 1,
            prev_hash=prev_hash,
            at=record.event_at,
            action="sync_status",
            from_status=from_status,
            to_status=record.status,
            note=record.note,
            data=data,
        )
    ]
    paid_before = bool(old and (old.get("form_data") or {}).get("sync", {}).get("paid_online"))
    if record.paid_online and not paid_before:
        chain.append(
            _event(
                dossier_id=dossier_id,
                code=record.code,
                seq=seq + 2,
                prev_hash=chain[0].hash,
                at=record.event_at,
                action="payment_settled",
                from_status=record.status,
                to_status=record.status,
                note="",
                data={"system": system.code, "online": True, "gateway": record.paid_online},
            )
        )
    return chain


def _iso(moment: datetime | None) -> str | None:
    """Dates in event data as the statistics read them (``reporting.rollup.moment``)."""
    return None if moment is None else moment.isoformat()


@functools.cache
def _new_dossier_defaults() -> tuple[tuple[str, Any], ...]:
    """Each column's default for a dossier built in memory (the mutable ones, ``form_data``, are
    replaced by every record)."""
    return tuple((f.attname, None if isinstance(f, ForeignKey) else f.get_default()) for f in _DOSSIER_FIELDS)


def _dossier_instance(
    dossier_id: int, code: str, system_id: int, values: list[Any], *, now: datetime, old: dict[str, Any] | None
) -> Dossier:
    if old is not None:
        attributes = {k: v for k, v in old.items() if not k.startswith("_")}
    else:
        attributes = dict(_new_dossier_defaults())
        attributes["created_at"] = now
    attributes.update(zip(_SET_ATTNAMES, values, strict=True))
    attributes["form_data"] = json.loads(attributes["form_data"])
    attributes.update({"id": dossier_id, "code": code, "source_system_id": system_id})
    return _instance(Dossier, attributes)  # type: ignore[no-any-return]


def _code_of(record: Any, raw: Any, shape: str) -> str:
    if isinstance(record, DossierRecord | ProgressRecord):
        return record.code
    from opendvc.sync.records import record_code

    return record_code(raw, "MaHoSo" if shape == "dvcqg" else "code")


def _quarantine_key(record: Any, raw: Any, shape: str) -> str:
    return _code_of(record, raw, shape) or payload_key(raw)


def _quarantine(
    *,
    system: IntegratedSystem,
    kind: str,
    shape: str,
    rejected: list[tuple[str, str, Rejection, Any]],
    accepted: list[str],
    now: datetime,
) -> None:
    """Keep refused records with their reason (one row per dossier code, attempts counted) and mark
    the quarantined records now accepted as resolved."""
    if rejected:
        rows = {}
        for raw_key, agency_code, rejection, raw in rejected:
            key = _storable(raw_key)[:100]
            payload = _storable(raw if isinstance(raw, dict) else {"value": raw})
            rows[key] = [
                system.id,
                kind,
                key,
                _storable(agency_code or _raw_agency(raw))[:40],
                rejection.code,
                rejection.message_vi,
                rejection.message_en,
                json.dumps(payload, ensure_ascii=False, default=str),
                shape,
                1,
                now,
                now,
                None,
            ]
        table = QuarantinedRecord._meta.db_table
        bulk.insert_rows(
            QuarantinedRecord,
            [
                "system",
                "kind",
                "dossier_code",
                "agency_code",
                "reason",
                "message_vi",
                "message_en",
                "payload",
                "shape",
                "attempts",
                "first_at",
                "last_at",
                "resolved_at",
            ],
            list(rows.values()),
            conflict=["system", "kind", "dossier_code"],
            update=["agency_code", "reason", "message_vi", "message_en", "payload", "shape", "last_at", "resolved_at"],
        )
        clause, params = bulk.in_list(list(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET attempts = attempts + 1 WHERE system_id = %s AND kind = %s "  # noqa: S608
                f"AND dossier_code {clause} AND first_at < %s",
                [system.id, kind, *params, bulk._sqlite_value(now) if connection.vendor != "postgresql" else now],
            )
    if accepted:
        clause, params = bulk.in_list(accepted)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {QuarantinedRecord._meta.db_table} SET resolved_at = %s "  # noqa: S608
                f"WHERE system_id = %s AND kind = %s AND resolved_at IS NULL AND dossier_code {clause}",
                [bulk._sqlite_value(now) if connection.vendor != "postgresql" else now, system.id, kind, *params],
            )


def _storable(value: Any) -> Any:
    """The record as received, minus NUL characters, which PostgreSQL's text and jsonb cannot hold."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _raw_agency(raw: Any) -> str:
    if isinstance(raw, dict):
        value = raw.get("MaDonVi") or raw.get("agency_code") or ""
        return str(value) if isinstance(value, str | int) else ""
    return ""


def _audit_batch(*, system: IntegratedSystem, action: str, outcomes: list[Outcome], shape: str) -> None:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.result] = counts.get(outcome.result, 0) + 1
    audit_record(
        action=action,
        actor_role="system",
        object_type="integrated_system",
        object_id=system.code,
        data={"shape": shape, **counts},
    )


# --- progress -------------------------------------------------------------------------------------


def progress_apply(
    *, system: IntegratedSystem, raw_records: list[Any], records: list[ProgressRecord | Rejection], shape: str
) -> list[Outcome]:
    """Apply progress records (``CapNhatTienDoHoSoMC``): each is an event of a dossier the system
    already synchronised. A step newer than what is held also moves the dossier's status; an older one
    is recorded in the history without changing it; the same step twice is one event."""
    with transaction.atomic():
        return _progress_apply_once(system=system, raw_records=raw_records, records=records, shape=shape)


def _progress_apply_once(
    *, system: IntegratedSystem, raw_records: list[Any], records: list[ProgressRecord | Rejection], shape: str
) -> list[Outcome]:
    now = timezone.now()
    outcomes: list[Outcome | None] = [None] * len(records)
    rejections: list[tuple[int, str, Rejection]] = []
    valid = [(i, r) for i, r in enumerate(records) if isinstance(r, ProgressRecord)]
    for index, record in enumerate(records):
        if isinstance(record, Rejection):
            rejections.append((index, "", record))
    existing = _locked_dossiers(sorted({r.code for _, r in valid})) if valid else {}
    fingerprints = {(r.code, r.fingerprint()) for _, r in valid}
    seen = _progress_seen({existing[c]["id"]: c for c, _ in fingerprints if c in existing}, fingerprints)

    heads: dict[int, tuple[int, str]] = {}
    moved: dict[int, tuple[int, datetime, str]] = {}
    events: list[DossierEvent] = []
    pairs: list[tuple[Dossier, DossierEvent]] = []
    for index, record in sorted(valid, key=lambda item: (item[1].at, item[1].fingerprint())):
        old = existing.get(record.code)
        if old is None:
            rejections.append((index, "", Rejection("dossier_unknown", record.code)))
            continue
        if old["source_system_id"] != system.id:
            rejections.append((index, "", Rejection("dossier_owned_elsewhere", record.code)))
            continue
        fingerprint = record.fingerprint()
        if (record.code, fingerprint) in seen:
            outcomes[index] = Outcome(record.code, "unchanged")
            continue
        seen.add((record.code, fingerprint))
        held_at, held_fingerprint, last_seq, last_hash = old["_sync"]
        seq, prev_hash = heads.get(old["id"], (last_seq or 0, last_hash or ""))
        current = moved.get(old["id"], (old["status"], held_at, held_fingerprint))
        newer = current[1] is None or record.at > current[1]
        if newer and current[0] in FINAL_STATUSES and record.status != current[0]:
            rejections.append((index, "", Rejection("status_jump_impossible", f"{current[0]} → {record.status}")))
            continue
        to_status = record.status if newer else current[0]
        event = _event(
            dossier_id=old["id"],
            code=record.code,
            seq=seq + 1,
            prev_hash=prev_hash,
            at=record.at,
            action="sync_progress",
            from_status=current[0],
            to_status=to_status,
            note=record.content,
            data={
                "system": system.code,
                "fingerprint": fingerprint,
                "status": record.status,
                "handler": record.handler,
                "title": record.title,
                "department": record.department,
                "late": not newer,
            },
        )
        heads[old["id"]] = (event.seq, event.hash)
        if newer:
            moved[old["id"]] = (record.status, record.at, fingerprint)
        events.append(event)
        attributes = {k: v for k, v in old.items() if not k.startswith("_")}
        attributes["status"] = to_status
        pairs.append((_instance(Dossier, attributes), event))
        outcomes[index] = Outcome(record.code, "updated")

    if moved:
        bulk.update_rows(
            Dossier, "id", ["status", "updated_at"], [[pk, status, now] for pk, (status, _, _) in moved.items()]
        )
    if events:
        written = bulk.insert_rows(
            DossierEvent, _EVENT_FIELDS, [_event_row(e) for e in events], returning=["id", "dossier", "seq"]
        )
        ids = {(dossier_id, seq): pk for pk, dossier_id, seq in written}
        for event in events:
            event.id = ids[(event.dossier_id, event.seq)]
        state_rows = []
        by_id = {values["id"]: values for values in existing.values()}
        for dossier_id, (seq, head) in heads.items():
            held_at, held_fingerprint, _, _ = by_id[dossier_id]["_sync"]
            if dossier_id in moved:
                held_at, held_fingerprint = moved[dossier_id][1], moved[dossier_id][2]
            state_rows.append([dossier_id, system.id, held_at, held_fingerprint, seq, head])
        bulk.insert_rows(
            SyncState,
            ["dossier", "system", "event_at", "fingerprint", "last_seq", "last_hash"],
            state_rows,
            conflict=["dossier"],
            update=["event_at", "fingerprint", "last_seq", "last_hash"],
        )
    for index, _agency, rejection in rejections:
        outcomes[index] = _rejected(_code_of(records[index], raw_records[index], shape), rejection)
    _quarantine(
        system=system,
        kind=QuarantinedRecord.Kind.PROGRESS,
        shape=shape,
        rejected=[
            (
                _quarantine_key(records[i], raw_records[i], shape) + _progress_suffix(records[i]),
                code,
                rejection,
                raw_records[i],
            )
            for i, code, rejection in rejections
        ],
        accepted=[],
        now=now,
    )
    final = [o for o in outcomes if o is not None]
    _audit_batch(system=system, action="sync.progress", outcomes=final, shape=shape)
    if pairs:
        event_batch_notify(pairs)
    return final


def _progress_suffix(record: Any) -> str:
    return f"@{record.at:%Y%m%d%H%M%S}" if isinstance(record, ProgressRecord) else ""


def _progress_seen(ids: dict[int, str], fingerprints: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The progress steps already recorded for these dossiers (by fingerprint, kept in the event data)."""
    if not ids:
        return set()
    rows = DossierEvent.objects.filter(dossier_id__in=list(ids), action="sync_progress").values_list(
        "dossier_id", "data"
    )
    seen = set()
    for dossier_id, data in rows:
        key = (ids[dossier_id], (data or {}).get("fingerprint", ""))
        if key in fingerprints:
            seen.add(key)
    return seen


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
