"""Set-based writes for the synchronisation path: a batch of 1,000 records in a handful of statements.

The ORM's ``bulk_create`` builds one model instance per row and cannot upsert with a returned id on
every database; here each statement takes whole columns. On PostgreSQL a batch is one
``INSERT … SELECT (e->>0)::bigint, … FROM jsonb_array_elements(%s)`` whose one parameter is the whole
batch as one JSON array of rows: one round trip, one plan whatever the batch size, and no per-value
work in the driver (PostgreSQL parses the JSON and casts each element to its column's type). On SQLite the same
statement runs once per row inside the caller's transaction — cheap, as SQLite lives in the process.

Values are given in Python form (``str``, ``int``, aware ``datetime``, ``timedelta``, JSON as text);
the SQLite branch adapts datetimes and durations the way Django stores them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models


def _column(model: type[models.Model], name: str) -> str:
    field: Any = model._meta.get_field(name)
    return str(field.column)


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[tuple[str, str]]:
    """``(column, postgres array element type)`` for each field name."""
    result = []
    for name in fields:
        field: Any = model._meta.get_field(name)
        db_type = field.db_type(connection) if connection.vendor == "postgresql" else ""
        if db_type and db_type.startswith("serial"):
            db_type = "integer"
        if db_type and db_type.startswith("bigserial"):
            db_type = "bigint"
        result.append((str(field.column), str(db_type or "")))
    return result


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    raise TypeError(f"cannot send {type(value).__name__} to PostgreSQL as JSON")


def _rows_json(rows: Sequence[Sequence[Any]]) -> str:
    """The rows as one JSON array of arrays, in field order; JSON columns travel as their text.

    One ``json.dumps`` call for the whole batch: no dictionary per row, and the JSON columns the caller
    already serialised are not parsed back to be serialised again.
    """
    return json.dumps(rows, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def _sql_type(db_type: str) -> str:
    """The type an element is cast to: character columns as ``text`` (a cast to ``varchar(n)`` would
    cut a long value silently, whereas the insert into the column refuses it)."""
    return "text" if db_type.startswith(("varchar", "char")) else db_type


def _recordset(table: str, columns: list[tuple[str, str]]) -> str:
    """``SELECT`` of the batch document's rows as typed columns named like the table's."""
    values = ", ".join(f"(e->>{i})::{_sql_type(db_type)} AS {column}" for i, (column, db_type) in enumerate(columns))
    return f"SELECT {values} FROM jsonb_array_elements(%s::jsonb) AS e"  # noqa: S608 - model names


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (one value per field); with ``conflict`` fields, skip rows that collide on them
    (``update`` empty) or update those fields from the new row. Returns the ``returning`` columns of the
    rows written (not of the skipped ones)."""
    if not rows:
        return []
    table = model._meta.db_table
    columns = _columns(model, fields)
    names = ", ".join(column for column, _ in columns)
    tail = ""
    if conflict:
        target = ", ".join(_column(model, name) for name in conflict)
        if update:
            sets = ", ".join(f"{_column(model, name)} = excluded.{_column(model, name)}" for name in update)
            tail = f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
        else:
            tail = f" ON CONFLICT ({target}) DO NOTHING"
    back = ""
    if returning:
        back = " RETURNING " + ", ".join(_column(model, name) for name in returning)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            where = " WHERE true" if conflict else ""  # INSERT … SELECT … ON CONFLICT needs a WHERE to parse
            cursor.execute(
                f"INSERT INTO {table} ({names}) {_recordset(table, columns)}{where}{tail}{back}",
                [_rows_json(rows)],
            )
            return [tuple(row) for row in cursor.fetchall()] if returning else []
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders}){tail}{back}"  # noqa: S608
        if not returning:
            cursor.executemany(sql, [[_sqlite_value(v) for v in row] for row in rows])
            return []
        written: list[tuple[Any, ...]] = []
        for row in rows:
            cursor.execute(sql, [_sqlite_value(v) for v in row])
            written.extend(tuple(r) for r in cursor.fetchall())
        return written


def update_rows(model: type[models.Model], key: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set ``fields`` of the rows whose ``key`` is the first value of each row."""
    if not rows:
        return
    table = model._meta.db_table
    columns = _columns(model, [key, *fields])
    key_column = columns[0][0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sets = ", ".join(f"{column} = v.{column}" for column, _ in columns[1:])
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM ({_recordset(table, columns)}) AS v "  # noqa: S608
                f"WHERE t.{key_column} = v.{key_column}",
                [_rows_json(rows)],
            )
            return
        sets = ", ".join(f"{column} = %s" for column, _ in columns[1:])
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {key_column} = %s",  # noqa: S608
            [[_sqlite_value(v) for v in row[1:]] + [_sqlite_value(row[0])] for row in rows],
        )


def select_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return [tuple(row) for row in cursor.fetchall()]


def in_list(values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``= ANY(%s)`` with one array on PostgreSQL, ``IN (%s, …)`` on SQLite."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    if not values:
        return "IN (NULL)", []
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", [_sqlite_value(v) for v in values]


def row_lock() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""
