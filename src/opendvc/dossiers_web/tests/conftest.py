"""Fixtures of the dossier pages' tests: the dossiers tests' world (two agencies, a procedure, one
person per role) and dossiers moved through the real services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from opendvc.accounts.models import User
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, Step
from opendvc.dossiers.services import DocumentInput
from opendvc.dossiers.tests.factories import World, make_world, submission_documents, upload


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NOTIFICATION_SMS_FILE = tmp_path / "outbox" / "sms.jsonl"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def submit(world: World, applicant: User | None = None, **kwargs: Any) -> Dossier:
    """A dossier submitted online by the world's citizen (or ``applicant``), with its mandatory file."""
    person = applicant or world.citizen
    return services.dossier_submit(
        applicant=person,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=1,
        form_data=kwargs.pop("form_data", {"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "01/11/2026"}),
        documents=submission_documents(world, person),
        **kwargs,
    ).dossier


def advance(world: World, dossier: Dossier, *, to: str) -> Dossier:
    """Move a submitted dossier through the services to ``received``, ``appraise``, ``approve``,
    ``issue``, ``supplement`` (asked by the desk), ``payment`` or ``ready``."""
    dossier = services.dossier_receive(dossier=dossier, actor=world.desk)
    if to == "received":
        return dossier
    if to == "supplement":
        return services.dossier_request_supplement(
            dossier=dossier,
            actor=world.desk,
            reasons=["Thiếu bản sao giấy chứng sinh"],
            required_document_ids=[world.optional_doc.pk],
        )
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.desk, to_step=Step.APPRAISE, assignee=world.specialist
    )
    if to == "appraise":
        return dossier
    if to == "payment":
        return services.dossier_request_payment(dossier=dossier, actor=world.specialist)
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.specialist, to_step=Step.APPROVE, assignee=world.leader
    )
    if to == "approve":
        return dossier
    dossier = services.dossier_forward(dossier=dossier, actor=world.leader, to_step=Step.ISSUE, assignee=world.clerk)
    if to == "issue":
        return dossier
    result = upload(world.clerk, name="trich-luc.pdf")
    return services.dossier_result_ready(
        dossier=dossier, actor=world.clerk, documents=[DocumentInput(attachment_id=result.pk)]
    )


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def as_user(user: User) -> Client:
        client.force_login(user)
        return client

    return as_user


class Clock:
    """A settable ``timezone.now`` (local time Asia/Ho_Chi_Minh) for pages that show deadlines."""

    def __init__(self) -> None:
        from django.utils import timezone

        self.moment = timezone.now()

    def set(self, year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> Any:
        from datetime import datetime

        from django.utils import timezone

        self.moment = timezone.make_aware(datetime(year, month, day, hour, minute))
        return self.moment

    def __call__(self) -> Any:
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    current = Clock()
    monkeypatch.setattr(timezone, "now", current)
    return current
