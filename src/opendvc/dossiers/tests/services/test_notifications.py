"""The applicant hears about every status change, after the commit, by e-mail and SMS."""

from __future__ import annotations

import pytest

from opendvc.dossiers import services
from opendvc.dossiers.models import Step
from opendvc.dossiers.tests.factories import World, submission_documents

pytestmark = pytest.mark.django_db


def test_status_changes_are_notified_after_commit_and_internal_steps_are_not(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from opendvc.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier = services.dossier_submit(
            applicant=world.citizen,
            agency=world.agency,
            procedure=world.procedure,
            procedure_version=1,
            form_data={},
            documents=submission_documents(world),
        ).dossier
    assert callbacks
    sent = Notification.objects.filter(recipient=world.citizen).order_by("channel")
    assert [(n.channel, n.to) for n in sent] == [("email", world.citizen.email), ("sms", world.citizen.phone)]
    email = sent[0]
    assert dossier.code in email.subject and "Mới đăng ký" in email.subject
    assert "Mới đăng ký" in email.body
    assert sent[1].body.startswith(f"OpenDVC: Ho so {dossier.code} - moi dang ky")

    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_receive(dossier=dossier, actor=world.desk)
        dossier = services.dossier_forward(
            dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
        )
    assert Notification.objects.filter(recipient=world.citizen).count() == 4
    assert "Ngày hẹn trả kết quả" in Notification.objects.filter(channel="email").latest("id").body


def test_nothing_is_sent_for_a_refused_action(world: World, django_capture_on_commit_callbacks) -> None:
    from opendvc.notifications.models import Notification

    dossier = services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data={},
        documents=submission_documents(world),
    ).dossier
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.dossier_return(dossier=dossier, actor=world.desk)
    assert not Notification.objects.exists()


def test_without_the_notifications_app_the_hook_only_logs(world: World, monkeypatch, caplog) -> None:
    import builtins

    real_import = builtins.__import__

    def no_notifications(name: str, *args: object, **kwargs: object) -> object:
        if name == "opendvc.notifications.services":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_notifications)
    caplog.set_level("INFO", logger="opendvc.dossiers.services")
    services.dossier_notify_hook(dossier_id=0, event_id=0)
    assert "notifications app absent" in caplog.text


@pytest.mark.django_db(transaction=True)  # db_worker closes its connection when done: not inside a test transaction
def test_with_the_database_queue_the_request_only_queues_the_notification(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:
    """In production the worker sends (``db_worker``): the submission does not wait for the mail server."""
    from django.core.management import call_command

    from opendvc.notifications.models import Notification

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_submit(
            applicant=world.citizen,
            agency=world.agency,
            procedure=world.procedure,
            procedure_version=1,
            form_data={},
            documents=submission_documents(world),
        )
    assert not Notification.objects.exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert Notification.objects.filter(recipient=world.citizen).count() == 2
