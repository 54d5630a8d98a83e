"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from opendvc.audit.models import AuditEntry


def audit_entries_for(*, object_type: str, object_id: str | int) -> QuerySet[AuditEntry]:
    """Entries about one object, newest first."""
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-at", "-id")
