"""Database triggers that make a table append-only, for SQLite and PostgreSQL.

The ORM already refuses changes (:class:`~opendvc.audit.models.AppendOnlyModel`); the trigger also
stops an ``UPDATE`` written by hand in a database shell. On PostgreSQL row deletes are refused too;
``TRUNCATE`` (an operator's deliberate act, used by the test suite's flush) is not a row delete. On
SQLite only updates are refused, because Django's flush deletes rows one table at a time.
"""

from __future__ import annotations

from typing import Any

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION opendvc_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
"""


def append_only_forward(table: str) -> Any:
    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_PG_FUNCTION, params=None)
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION opendvc_append_only();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END;"
            )

    return forward


def append_only_reverse(table: str) -> Any:
    def reverse(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        elif vendor == "sqlite":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only";')

    return reverse
