"""Notifications: rendered, recorded, delivered after commit through the chosen plugin; failures recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from opendvc.accounts.tests.factories import UserFactory
from opendvc.notifications.base import Sender, SendError
from opendvc.notifications.models import Notification
from opendvc.notifications.registry import register
from opendvc.notifications.selectors import notification_list_for, notification_list_for_object
from opendvc.notifications.services import notification_deliver, notification_send

pytestmark = pytest.mark.django_db

PLAIN = "notifications/plain"


class BrokenGateway(Sender):
    channel = "sms"
    verbose_name = "Always fails"

    def send(self, *, to: str, subject: str, body: str, context: Mapping[str, Any]) -> str:
        raise SendError("gateway timeout")


@pytest.fixture
def broken_sms(settings: Any) -> Iterator[None]:
    register("test_broken")(BrokenGateway)
    settings.NOTIFICATION_SENDERS = {"email": "email", "sms": "test_broken"}
    yield
    register.unregister("test_broken")


def test_email_is_rendered_recorded_and_sent(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory.create(email="an@example.com", full_name="Nguyễn Văn An")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            user=user,
            channel="email",
            template_key=PLAIN,
            context={"subject": "Hồ sơ   đã\n được tiếp nhận", "body": "Kính gửi ông An & gia đình"},
        )

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None and notification.message_id.startswith("<")
    assert notification.to == "an@example.com" and notification.recipient == user
    assert notification.subject == "Hồ sơ đã được tiếp nhận"
    assert notification.sender == "email"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.com"]
    assert message.subject == "Hồ sơ đã được tiếp nhận"
    assert message.body == "Kính gửi ông An & gia đình"  # plain text: nothing HTML-escaped
    assert message.extra_headers["Message-ID"] == notification.message_id


def test_sms_is_written_to_the_file_as_a_json_line(
    django_capture_on_commit_callbacks: Any, sms_messages: Callable[[], list[dict[str, Any]]]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(to="0912345678", channel="sms", template_key=PLAIN, context={"body": "Xin chào"})
        notification_send(to="0987654321", channel="sms", template_key=PLAIN, context={"body": "Tạm biệt"})

    lines = sms_messages()
    assert [(line["to"], line["body"]) for line in lines] == [("0912345678", "Xin chào"), ("0987654321", "Tạm biệt")]
    first.refresh_from_db()
    assert first.status == Notification.Status.SENT and first.message_id == lines[0]["id"]
    assert first.subject == ""


def test_nothing_is_sent_when_the_action_rolls_back(
    django_capture_on_commit_callbacks: Any, sms_messages: Callable[[], list[dict[str, Any]]]
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_send(to="0912345678", channel="sms", template_key=PLAIN, context={"body": "x"})
        raise RuntimeError("the business action failed")
    assert callbacks == []
    assert sms_messages() == []
    assert not Notification.objects.exists()


def test_a_delivery_failure_is_recorded_not_raised(broken_sms: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(to="0912345678", channel="sms", template_key=PLAIN, context={"body": "x"})
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "gateway timeout" in notification.error
    assert notification.sent_at is None


def test_a_missing_address_or_template_is_recorded_as_failed(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory.create(email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        no_address = notification_send(user=user, channel="email", template_key=PLAIN, context={"body": "x"})
        no_template = notification_send(to="a@example.com", channel="email", template_key="nowhere", context={})
    assert callbacks == []
    assert no_address.status == Notification.Status.FAILED and "địa chỉ" in no_address.error
    assert no_template.status == Notification.Status.FAILED and "TemplateDoesNotExist" in no_template.error
    assert Notification.objects.filter(status="failed").count() == 2
    assert mail.outbox == []


def test_redacted_values_reach_the_person_but_not_the_record(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            to="a@example.com",
            channel="email",
            template_key=PLAIN,
            context={"subject": "Mã", "body": "Mã của bạn: 123456"},
            redact=("body",),
        )
    notification.refresh_from_db()
    assert "123456" not in notification.body
    assert mail.outbox[0].body == "Mã của bạn: 123456"


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            to="a@example.com", channel="email", template_key=PLAIN, context={"subject": "s", "body": "b"}
        )
    notification_deliver(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_notifications_about_an_object_can_be_listed() -> None:
    user = UserFactory.create()
    other = UserFactory.create()
    about = notification_send(to="0912345678", channel="sms", template_key=PLAIN, context={"body": "x"}, related=user)
    notification_send(to="0912345678", channel="sms", template_key=PLAIN, context={"body": "y"}, related=other)
    by_label = notification_send(
        to="0912345678",
        channel="sms",
        template_key=PLAIN,
        context={"body": "z"},
        related_model="dossiers.dossier",
        related_object_id="H29.17-261124-0001",
    )
    assert list(notification_list_for_object(obj=user)) == [about]
    assert about.related_model == "accounts.user"
    assert list(notification_list_for(related_model="dossiers.dossier", related_object_id="H29.17-261124-0001")) == [
        by_label
    ]


def test_the_registry_refuses_a_sender_for_the_wrong_channel(settings: Any) -> None:
    settings.NOTIFICATION_SENDERS = {"sms": "email"}
    with pytest.raises(ImproperlyConfigured):
        register.for_channel("sms")
    settings.NOTIFICATION_SENDERS = {"sms": "no_such_plugin"}
    with pytest.raises(ImproperlyConfigured):
        register.for_channel("sms")


def test_the_default_plugins_are_registered() -> None:
    assert {(sender.identifier, sender.channel) for sender in register} >= {("email", "email"), ("sms_file", "sms")}
    with pytest.raises(ValueError, match="already registered"):
        register("email")(BrokenGateway)
