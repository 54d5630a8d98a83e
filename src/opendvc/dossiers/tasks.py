"""Background work of the dossiers app, run by the task queue (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def dossier_notify(*, dossier_id: int, event_id: int) -> None:
    """Tell the applicant about a change of their dossier (e-mail and SMS), outside the request."""
    from opendvc.dossiers.services import dossier_notify_hook

    dossier_notify_hook(dossier_id=dossier_id, event_id=event_id)
