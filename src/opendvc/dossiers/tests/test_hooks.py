"""Event listeners see every appended event inside its transaction."""

from __future__ import annotations

from typing import Any

import pytest

from opendvc.dossiers import hooks, services
from opendvc.dossiers.models import DossierEvent
from opendvc.dossiers.tests.factories import World, submission_documents


def test_listener_registered_once_and_called_in_order() -> None:
    seen: list[tuple[str, Any]] = []

    def first(*, dossier: Any, event: Any) -> None:
        seen.append(("first", event))

    def second(*, dossier: Any, event: Any) -> None:
        seen.append(("second", event))

    saved = list(hooks._listeners)
    hooks._listeners.clear()  # without the apps' own listeners (the statistics rollups)
    try:
        hooks.event_listener_register(first)
        hooks.event_listener_register(first)
        hooks.event_listener_register(second)
        hooks.event_listeners_notify(dossier=None, event="e")  # type: ignore[arg-type]
    finally:
        hooks._listeners[:] = saved
    assert seen == [("first", "e"), ("second", "e")]


def test_batch_notify_uses_batch_form_or_falls_back_to_each_event() -> None:
    singles: list[Any] = []
    batches: list[list[Any]] = []

    def per_event(*, dossier: Any, event: Any) -> None:
        singles.append(event)

    def folding(*, dossier: Any, event: Any) -> None:
        raise AssertionError("the batch form must be used for a batch")

    saved, saved_batch = list(hooks._listeners), dict(hooks._batch_forms)
    hooks._listeners.clear()
    try:
        hooks.event_listener_register(per_event)
        hooks.event_listener_register(folding, batch=batches.append)
        hooks.event_batch_notify([(None, "a"), (None, "b")])  # type: ignore[list-item]
        hooks.event_batch_notify([])
    finally:
        hooks._listeners[:] = saved
        hooks._batch_forms.clear()
        hooks._batch_forms.update(saved_batch)
    assert singles == ["a", "b"]
    assert batches == [[(None, "a"), (None, "b")]]


@pytest.mark.django_db
def test_submission_notifies_listener_with_the_saved_event(world: World) -> None:
    seen: list[DossierEvent] = []

    def listener(*, dossier: Any, event: DossierEvent) -> None:
        assert event.pk is not None
        seen.append(event)

    saved = list(hooks._listeners)
    hooks.event_listener_register(listener)
    try:
        dossier = services.dossier_submit(
            applicant=world.citizen,
            agency=world.agency,
            procedure=world.procedure,
            procedure_version=1,
            form_data={"ho_ten_tre": "Nguyễn Văn Bình"},
            documents=submission_documents(world),
        ).dossier
    finally:
        hooks._listeners[:] = saved
    assert [e.dossier_id for e in seen] == [dossier.pk]
