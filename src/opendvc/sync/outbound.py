"""The outbound worker: OpenDVC's own dossiers pushed to the national portal by the DVCQG protocol.

:mod:`opendvc.sync.outbox` writes an :class:`~opendvc.sync.models.OutboxEntry` with every event of a
native dossier, in the event's transaction. This worker (``manage.py sync_outbox_send``, and the
periodic job ``sync_outbox_send``) takes the due entries in order, and for each dossier sends its state
as of its latest event — ``NgayCapNhat`` is that event's time, so the record's identity is
(``MaHoSo``, ``NgayCapNhat``). Sending it again after a crash (the reply lost, the entries not yet
marked) is the same fact again, which the receiver, idempotent by code and time, keeps once.

A failed call (network, timeout, 5xx, a refused session) leaves the entries pending with an exponential
backoff (``SYNC_OUTBOX_RETRY_SECONDS`` doubled per attempt up to ``SYNC_OUTBOX_RETRY_MAX_SECONDS``); a
record the portal refuses keeps its entry pending with the portal's message, on the same backoff, until
it is corrected. Several workers may run: on PostgreSQL each claims its entries with ``SKIP LOCKED``.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.sync.dvcqg import dossier_to_wire
from opendvc.sync.models import OutboxEntry

logger = logging.getLogger(__name__)


class PortalUnavailable(Exception):
    """The national portal did not answer, or answered with an error for the whole call."""


@dataclass
class SendReport:
    sent: int = 0
    records: int = 0
    refused: int = 0
    failed_calls: int = 0
    errors: list[str] = field(default_factory=list)


class PortalClient:
    """A session with the national portal; it logs in again when the portal says the session ended."""

    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.timeout = timeout
        self.session = ""

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the configured portal address
            f"{self.base_url}{path}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                answer = json.loads(error.read() or b"{}")
            except ValueError:
                answer = {}
            if error.code >= 500 or not isinstance(answer, dict):
                raise PortalUnavailable(f"HTTP {error.code}") from None
        except (OSError, ValueError) as error:
            raise PortalUnavailable(str(error) or type(error).__name__) from None
        if not isinstance(answer, dict):
            raise PortalUnavailable("the answer is not a JSON object")
        return answer

    def login(self) -> None:
        answer = self._post("/api/dvcqg/auth", {"username": self.username, "password": self.password})
        if str(answer.get("error_code")) not in ("0", "00") or not answer.get("session"):
            raise PortalUnavailable(f"login refused: {answer.get('message', answer.get('error_code'))}")
        self.session = str(answer["session"])

    def call(self, service: str, **fields: Any) -> dict[str, Any]:
        for _ in range(2):
            if not self.session:
                self.login()
            answer = self._post("/api/dvcqg/service", {"session": self.session, "service": service, **fields})
            if str(answer.get("error_code")) == "92":
                self.session = ""
                continue
            if str(answer.get("error_code")) != "00":
                raise PortalUnavailable(f"{service}: {answer.get('message', answer.get('error_code'))}")
            return answer
        raise PortalUnavailable("the portal refused every new session")


_client: PortalClient | None = None


def portal_client() -> PortalClient:
    global _client
    url = settings.OPENDVC_NATIONAL_PORTAL_URL
    if _client is None or _client.base_url != url.rstrip("/"):
        _client = PortalClient(url, settings.NATIONAL_PORTAL_USERNAME, settings.NATIONAL_PORTAL_PASSWORD)
    return _client


def _backoff(attempts: int) -> timedelta:
    base = settings.SYNC_OUTBOX_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.SYNC_OUTBOX_RETRY_MAX_SECONDS))


def _claim(now: datetime, limit: int) -> list[OutboxEntry]:
    queryset = OutboxEntry.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset[:limit])


def _records_for(dossier_ids: list[int]) -> tuple[dict[int, dict[str, Any]], dict[int, int]]:
    """Each dossier as of its latest event: the wire record and that event's id."""
    latest = dict(
        DossierEvent.objects.filter(dossier_id__in=dossier_ids)
        .values("dossier_id")
        .annotate(last=Max("id"))
        .values_list("dossier_id", "last")
    )
    events = {e.dossier_id: e for e in DossierEvent.objects.filter(id__in=latest.values())}
    # DuocThanhToanTrucTuyen: 1 through the national Payment Platform, 2 through a local gateway;
    # the payments app records which as the event's ``platform`` (``gateway`` for synchronised ones).
    paid: dict[int, int] = {}
    for dossier_id, data in DossierEvent.objects.filter(
        dossier_id__in=dossier_ids, action="payment_settled", data__online=True
    ).values_list("dossier_id", "data"):
        platform = (data or {}).get("platform") or (data or {}).get("gateway")
        paid[dossier_id] = platform if platform in (1, 2) else 1
    dossiers = Dossier.objects.filter(id__in=dossier_ids).select_related("agency", "procedure", "procedure_version")
    records = {}
    for dossier in dossiers:
        event = events[dossier.id]
        records[dossier.id] = dossier_to_wire(dossier, paid_online=paid.get(dossier.id, 0), updated_at=event.at)
    return records, latest


def outbox_send_batch(*, client: PortalClient | None = None, now: datetime | None = None) -> SendReport:
    """Send one batch of due entries; returns what happened. Never raises for the portal's failures."""
    report = SendReport()
    client = client or portal_client()
    now = now or timezone.now()
    with transaction.atomic():
        entries = _claim(now, settings.SYNC_OUTBOX_BATCH)
        if not entries:
            return report
        dossier_ids = sorted({e.dossier_id for e in entries})
        records, latest = _records_for(dossier_ids)
        by_unit: dict[str, list[dict[str, Any]]] = {}
        for record in records.values():
            unit = settings.NATIONAL_PORTAL_UNIT or record["MaDonVi"]
            by_unit.setdefault(unit, []).append(record)
        accepted: set[str] = set()
        refused: dict[str, str] = {}
        try:
            for unit, batch in by_unit.items():
                answer = client.call("DongBoHoSoMC", madonvi=unit, isUpdating=True, data=batch)
                for result in answer.get("results") or []:
                    code = str(result.get("MaHoSo", ""))
                    if str(result.get("error_code")) == "00":
                        accepted.add(code)
                    else:
                        refused[code] = str(result.get("message") or result.get("error_code"))
        except PortalUnavailable as error:
            report.failed_calls += 1
            report.errors.append(str(error))
            logger.warning("national portal unavailable: %s", error)
            for entry in entries:
                entry.attempts += 1
                entry.next_attempt_at = now + _backoff(entry.attempts)
                entry.last_error = str(error)[:2000]
            OutboxEntry.objects.bulk_update(entries, ["attempts", "next_attempt_at", "last_error"])
            return report
        codes = {pk: r["MaHoSo"] for pk, r in records.items()}
        done, retry = [], []
        for entry in entries:
            code = codes.get(entry.dossier_id, "")
            if code in accepted and entry.event_id <= latest.get(entry.dossier_id, 0):
                done.append(entry.id)
            else:
                entry.attempts += 1
                entry.next_attempt_at = now + _backoff(entry.attempts)
                entry.last_error = refused.get(code, "không có kết quả cho bản ghi này / no result for this record")[
                    :2000
                ]
                retry.append(entry)
        OutboxEntry.objects.filter(id__in=done).update(sent_at=now, attempts=F("attempts") + 1, last_error="")
        if retry:
            OutboxEntry.objects.bulk_update(retry, ["attempts", "next_attempt_at", "last_error"])
        report.sent = len(done)
        report.records = len(accepted)
        report.refused = len(refused)
    return report


def outbox_send(*, client: PortalClient | None = None, max_batches: int = 1000) -> SendReport:
    """Send every due entry, batch after batch, until none is due or a call fails."""
    total = SendReport()
    for _ in range(max_batches):
        report = outbox_send_batch(client=client)
        total.sent += report.sent
        total.records += report.records
        total.refused += report.refused
        total.failed_calls += report.failed_calls
        total.errors += report.errors
        if report.failed_calls or (report.sent == 0 and report.refused == 0):
            break
        if report.sent == 0:
            break
    return total


def outbox_send_job() -> None:
    """The periodic job (``settings.PERIODIC_JOBS``)."""
    report = outbox_send()
    logger.info("outbox: %s entries sent, %s records, %s refused", report.sent, report.records, report.refused)


def outbox_pending_count() -> int:
    return OutboxEntry.objects.filter(sent_at__isnull=True).count()
