"""The outbound worker against the reference national portal over real HTTP: both sides agree, nothing
is lost or sent twice as two facts, an outage and a lost reply are survived."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import make_world, submission_documents
from opendvc.sync.models import OutboxEntry
from opendvc.sync.outbound import PortalClient, PortalUnavailable, outbox_send, outbox_send_batch
from opendvc.sync.records import wire_date_format

REPOSITORY = Path(__file__).resolve().parents[4]
USERNAME, PASSWORD = "opendvc", "opendvc-national-development-secret"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _get(base: str, path: str) -> Any:
    with urllib.request.urlopen(f"{base}{path}", timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def _native_dossiers(count: int) -> list[Dossier]:
    world = make_world()
    made = []
    for _ in range(count):
        result = services.dossier_submit(
            applicant=world.citizen,
            agency=world.agency,
            procedure=world.procedure,
            procedure_version=1,
            form_data={"ho_ten_tre": "Nguyễn Văn Bình"},
            documents=submission_documents(world),
        )
        made.append(services.dossier_receive(dossier=result.dossier, actor=world.desk))
    return made


def _compare(base: str) -> None:
    records = {r["MaHoSo"]: r for r in _get(base, "/api/records")["records"]}
    ours = Dossier.objects.filter(source_system__isnull=True)
    assert set(records) == set(ours.values_list("code", flat=True))
    for dossier in ours:
        record = records[dossier.code]
        assert record["TrangThaiHoSo"] == dossier.status
        assert record["NgayTiepNhan"] == wire_date_format(dossier.received_at)
        assert record["NgayHenTra"] == wire_date_format(dossier.due_at)
        assert record["MaTTHC"] == dossier.procedure.code
        assert record["NgayCapNhat"] == wire_date_format(dossier.events.order_by("-seq").first().at)  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_sender_pushes_native_dossiers_and_both_sides_agree(reference_service, settings):
    base = reference_service("national_portal")
    settings.OPENDVC_NATIONAL_PORTAL_URL = base
    dossiers = _native_dossiers(3)
    assert OutboxEntry.objects.filter(sent_at__isnull=True).count() == 6  # submit + receive each
    report = outbox_send()
    assert (report.sent, report.records, report.failed_calls) == (6, 3, 0)
    _compare(base)
    facts = _get(base, "/api/facts")["facts"]
    assert sorted(f["MaHoSo"] for f in facts) == sorted(d.code for d in dossiers)
    assert outbox_send().sent == 0


class _ReplyLost(PortalClient):
    """The portal gets the call but the worker dies before it reads the answer."""

    def call(self, service: str, **fields: Any) -> dict[str, Any]:
        super().call(service, **fields)
        raise PortalUnavailable("connection reset while reading the answer")


@pytest.mark.django_db(transaction=True)
def test_a_lost_reply_is_resent_as_the_same_fact(reference_service, settings):
    base = reference_service("national_portal", NATIONAL_PORTAL_PASSWORD="lost-reply-test")
    settings.OPENDVC_NATIONAL_PORTAL_URL = base
    [dossier] = _native_dossiers(1)
    lost = outbox_send_batch(client=_ReplyLost(base, USERNAME, "lost-reply-test"))
    assert lost.failed_calls == 1
    assert OutboxEntry.objects.filter(sent_at__isnull=True).count() == 2
    later = timezone.now() + timedelta(hours=1)
    report = outbox_send_batch(client=PortalClient(base, USERNAME, "lost-reply-test"), now=later)
    assert report.sent == 2
    facts = [f for f in _get(base, "/api/facts")["facts"] if f["MaHoSo"] == dossier.code]
    assert len(facts) == 1
    assert facts[0]["received"] == 2


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(port: int, data: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OPENDVC_VAR_DIR": str(data)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "reference.national_portal.app:application", "--chdir", str(REPOSITORY)]
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning", "--no-control-socket"],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(f"http://127.0.0.1:{port}", "/healthz")
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("the reference national portal did not start")


@pytest.mark.django_db(transaction=True)
def test_receiver_down_then_back_nothing_lost_or_duplicated(settings, tmp_path):
    """The outage here lasts a few send attempts rather than a minute: the worker's behaviour depends on
    the failed calls and the backoff clock (advanced explicitly), not on how long the wall clock runs."""
    port = _spare_port()
    base = f"http://127.0.0.1:{port}"
    settings.OPENDVC_NATIONAL_PORTAL_URL = base
    settings.SYNC_OUTBOX_RETRY_SECONDS = 5
    _native_dossiers(2)
    client = PortalClient(base, USERNAME, PASSWORD, timeout=2)
    now = timezone.now()
    for attempt in range(1, 4):
        report = outbox_send_batch(client=client, now=now)
        assert report.failed_calls == 1
        pending = list(OutboxEntry.objects.filter(sent_at__isnull=True))
        assert len(pending) == 4
        assert {e.attempts for e in pending} == {attempt}
        assert {e.next_attempt_at - now for e in pending} == {timedelta(seconds=5 * 2 ** (attempt - 1))}
        assert outbox_send_batch(client=client, now=now).failed_calls == 0  # not due yet: nothing sent
        now += timedelta(seconds=5 * 2 ** (attempt - 1))
    process = _start(port, tmp_path / "portal")
    try:
        report = outbox_send_batch(client=client, now=now)
        assert (report.sent, report.records) == (4, 2)
        _compare(base)
        facts = _get(base, "/api/facts")["facts"]
        assert len(facts) == 2
        assert all(f["received"] == 1 for f in facts)
        process.terminate()
        process.wait(timeout=10)
        process = _start(port, tmp_path / "portal")
        _compare(base)
    finally:
        process.terminate()
        process.wait(timeout=10)
