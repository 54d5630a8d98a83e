"""What a worker remembers of the catalogue between requests, for as long as the catalogue has not changed.

Every submission reads the same few facts of its procedure — the version in force, where it is
offered, its channels, fees, mandatory documents and form — and the catalogue changes a few times a
day. :func:`catalog_memo` keeps such facts per catalogue revision: one small query of
:class:`~opendvc.catalog.models.CatalogRevision` per request tells whether they still hold (the
revision is read once per request, however many facts the request asks for; outside a request —
the task worker, commands — on every call). Every
change to the catalogue bumps the revision in its own transaction (``catalog_revision_bump``: the
admin, the imports, form publication), so another worker sees the change on its next request. A save
or delete of a catalogue row in this process forgets at once, so code that changes the catalogue and
reads it back in one request never sees its own past.

Remembered objects are shared by later requests: callers must not change them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

T = TypeVar("T")
MEMO_SIZE = 20_000

_memo: dict[tuple[str, Hashable], tuple[tuple[int, str], Any]] = {}
_lock = threading.Lock()
_request = threading.local()  # the revision read by this thread's current request


@receiver(request_started, dispatch_uid="catalog_memo_request_started")
def _request_begins(**_: Any) -> None:
    _request.active, _request.revision = True, None


@receiver(request_finished, dispatch_uid="catalog_memo_request_finished")
def _request_ends(**_: Any) -> None:
    _request.active, _request.revision = False, None


def _revision() -> tuple[int, str]:
    from opendvc.catalog.search import catalog_revision

    if not getattr(_request, "active", False):
        return catalog_revision()
    if _request.revision is None:
        _request.revision = catalog_revision()
    return _request.revision  # type: ignore[no-any-return]


def catalog_memo(namespace: str, key: Hashable, load: Callable[[], T]) -> T:
    """``load()``'s answer for ``key``, computed again only when the catalogue revision has moved."""
    revision = _revision()
    held = _memo.get((namespace, key))
    if held is not None and held[0] == revision:
        return held[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        _memo[(namespace, key)] = (revision, value)
    return value


def catalog_memo_clear(**_: Any) -> None:
    """Forget everything (a catalogue row was saved or deleted in this process, or the revision moved)."""
    _request.revision = None
    with _lock:
        _memo.clear()


def catalog_memo_connect(*models: type) -> None:
    """Forget on every save or delete of these models (called from the apps' ``ready()``)."""
    for model in models:
        post_save.connect(catalog_memo_clear, sender=model, dispatch_uid=f"catalog_memo_save_{model.__name__}")
        post_delete.connect(catalog_memo_clear, sender=model, dispatch_uid=f"catalog_memo_delete_{model.__name__}")
