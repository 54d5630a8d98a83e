"""The audit log: who did what, from where, allowed or refused — and it cannot be rewritten."""

from __future__ import annotations

import pytest

from opendvc.accounts.models import User
from opendvc.audit.models import AppendOnlyError, AuditEntry
from opendvc.audit.selectors import audit_entries_for
from opendvc.audit.services import audit_context, audit_record

pytestmark = pytest.mark.django_db


def test_an_entry_records_actor_object_outcome_and_the_request_context() -> None:
    user = User.objects.create(username="desk.hn", kind=User.Kind.OFFICER)
    with audit_context(ip="203.0.113.5", request_id="req-1"):
        entry = audit_record(
            action="dossier.receive",
            actor=user,
            actor_role="desk",
            object_type="dossier",
            object_id="H29.17-261124-0001",
            data={"due_at": __import__("datetime").date(2026, 11, 30)},
        )
    assert (entry.actor, entry.actor_role, entry.outcome, entry.ip, entry.request_id) == (
        user,
        "desk",
        "ok",
        "203.0.113.5",
        "req-1",
    )
    assert entry.data == {"due_at": "2026-11-30"}
    outside = audit_record(action="x", outcome=AuditEntry.Outcome.REFUSED, reason="transition_not_allowed")
    assert (outside.ip, outside.request_id, outside.actor) == (None, "", None)
    assert list(audit_entries_for(object_type="dossier", object_id="H29.17-261124-0001")) == [entry]


def test_an_unknown_outcome_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        audit_record(action="x", outcome="maybe")


def test_entries_are_append_only() -> None:
    entry = audit_record(action="dossier.submit")
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
