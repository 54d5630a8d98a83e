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
    try:
        hooks.event_listener_register(first)
        hooks.event_listener_register(first)
        hooks.event_listener_register(second)
        hooks.event_listeners_notify(dossier=None, event="e")  # type: ignore[arg-type]
    finally:
        hooks._listeners[:] = saved
    assert seen == [("first", "e"), ("second", "e")]


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
