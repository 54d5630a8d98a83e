from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from opendvc.dossiers.tests.factories import World, make_world


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return make_world()


class Clock:
    """A settable ``timezone.now`` for tests of deadlines (local time Asia/Ho_Chi_Minh)."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def set(self, year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
        self.moment = timezone.make_aware(datetime(year, month, day, hour, minute))
        return self.moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    current = Clock()
    monkeypatch.setattr(timezone, "now", current)
    return current


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable:
    return django_capture_on_commit_callbacks


def local(moment: datetime | None) -> str:
    """An aware moment as ISO 8601 in Asia/Ho_Chi_Minh, for comparing with the dates people read."""
    assert moment is not None
    return timezone.localtime(moment).isoformat()
