from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def sms_file(settings: Any, tmp_path: Path) -> Path:
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
