"""Drop the indexes that every dossier insert maintains and no query needs.

- The single-column indexes of foreign keys that lead a composite index already. Only the indexes
  go: the foreign-key constraints stay as they are (altering the fields would drop and re-create
  them, checking every row of two of the largest tables again).
- PostgreSQL's ``varchar_pattern_ops`` copy of the dossier code's unique index, which Django adds
  for ``LIKE 'prefix%'`` searches: dossiers are found by their whole code (the unique index).
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


DROPPED = [
    ("dossiers_dossier_agency_id_966dcf7a", "dossiers_dossier", "agency_id"),
    ("dossiers_dossier_applicant_id_3ba18564", "dossiers_dossier", "applicant_id"),
    ("dossiers_dossier_organisation_id_e15aa38d", "dossiers_dossier", "organisation_id"),
    ("dossiers_dossierevent_dossier_id_90237d93", "dossiers_dossierevent", "dossier_id"),
]
PATTERN_INDEX = ("dossiers_dossier_code_6d68c351_like", "dossiers_dossier", "code varchar_pattern_ops")  # PostgreSQL


def indexes_drop(apps: Any, schema_editor: Any) -> None:
    for name, _table, _columns in [*DROPPED, PATTERN_INDEX]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def indexes_create(apps: Any, schema_editor: Any) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, table, columns in [*DROPPED, *([PATTERN_INDEX] if postgresql else [])]:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_identity"),
        ("agencies", "0001_initial"),
        ("dossiers", "0006_synced_applicant_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="agency",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dossiers",
                        to="agencies.agency",
                        verbose_name="cơ quan tiếp nhận",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="applicant",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="dossiers",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="tài khoản chủ hồ sơ",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="dossiers",
                        to="accounts.organisation",
                        verbose_name="doanh nghiệp, tổ chức",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierevent",
                    name="dossier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="dossiers.dossier",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(indexes_drop, indexes_create)],
        ),
    ]
