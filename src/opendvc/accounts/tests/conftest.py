from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from opendvc.accounts.tests.factories import AgencyFactory
from opendvc.agencies.models import Agency


@pytest.fixture(autouse=True)
def sms_file(settings: Any, tmp_path: Path) -> Path:
    """Each test's SMS messages go to its own file."""
    path = tmp_path / "outbox" / "sms.jsonl"
    settings.NOTIFICATION_SMS_FILE = path
    return path


@pytest.fixture
def sms_messages(sms_file: Path) -> Callable[[], list[dict[str, Any]]]:
    def read() -> list[dict[str, Any]]:
        if not sms_file.exists():
            return []
        return [json.loads(line) for line in sms_file.read_text(encoding="utf-8").splitlines()]

    return read


@pytest.fixture
def last_sms_code(sms_messages: Callable[[], list[dict[str, Any]]]) -> Callable[[], str]:
    def read() -> str:
        match = re.search(r"\b(\d{6})\b", sms_messages()[-1]["body"])
        assert match, "no 6-digit code in the last SMS"
        return match.group(1)

    return read


@pytest.fixture
def last_email_code() -> Callable[[], str]:
    def read() -> str:
        match = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
        assert match, "no 6-digit code in the last e-mail"
        return match.group(1)

    return read


@pytest.fixture
def agency_hcm(db: None) -> Agency:
    return AgencyFactory.create(code="H29.17", name="Sở Tư pháp Thành phố Hồ Chí Minh")


@pytest.fixture
def agency_hn(db: None) -> Agency:
    return AgencyFactory.create(code="H26.17", name="Sở Tư pháp Thành phố Hà Nội")
