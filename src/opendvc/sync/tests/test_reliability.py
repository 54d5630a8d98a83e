"""Replays, shuffled order and a server killed mid-batch: every record is applied whole, once, in event order."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.sync import services
from opendvc.sync.models import SyncState

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REPOSITORY = Path(__file__).resolve().parents[4]


def _records(count: int, *, day0: int = 1, version: int = 0) -> list[dict[str, Any]]:
    """``count`` native records of birth registrations at H29.17, 9,999 codes a day; ``version`` 0 is
    received (2), 1 in progress (4), 2 returned (10)."""
    records = []
    for n in range(count):
        day, sequence = divmod(n, 9999)
        received = datetime(2026, 10, day0 + day, 8, 0, tzinfo=HCM) + timedelta(seconds=n % 30000)
        record = {
            "code": f"H29.17-2610{day0 + day:02d}-{sequence + 1:04d}",
            "agency_code": "H29.17",
            "procedure_code": "1.001193",
            "applicant_name": f"Nguyễn Văn Thử {n}",
            "applicant_id_number": f"079190{n % 1000000:06d}",
            "status": (2, 4, 10)[version],
            "channel": 1 + n % 3,
            "submitted_at": received.isoformat(),
            "received_at": received.isoformat(),
            "due_at": (received + timedelta(days=5)).isoformat(),
            "event_at": (received + timedelta(hours=version)).isoformat(),
        }
        if version == 2:
            record["finished_at"] = (received + timedelta(hours=1, minutes=30)).isoformat()
            record["returned_at"] = (received + timedelta(hours=2)).isoformat()
        records.append(record)
    return records


def _send(system: Any, records: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for start in range(0, len(records), 1000):
        for outcome in services.dossiers_sync(system=system, records=records[start : start + 1000], shape="native"):
            counts[outcome.result] = counts.get(outcome.result, 0) + 1
    return counts


def test_the_same_10000_records_replayed_three_times_leave_exactly_10000_dossiers(sync_world):
    records = _records(10_000)
    assert _send(sync_world.system, records) == {"created": 10_000}
    assert _send(sync_world.system, records) == {"unchanged": 10_000}
    assert _send(sync_world.system, records) == {"unchanged": 10_000}
    assert Dossier.objects.count() == 10_000
    assert DossierEvent.objects.count() == 10_000
    assert SyncState.objects.count() == 10_000


def _state(prefix: str) -> list[tuple[Any, ...]]:
    rows = Dossier.objects.filter(code__startswith=prefix).order_by("code")
    return [
        (d.code.split("-", 2)[2], d.status, d.received_at, d.due_at, d.finished_at, d.returned_at, d.applicant_name)
        for d in rows
    ]


def test_records_shuffled_out_of_order_end_in_the_same_state_as_in_order(sync_world):
    in_order = [r for version in range(3) for r in _records(300, day0=1, version=version)]
    shuffled = [{**r, "code": r["code"].replace("-261001-", "-261002-")} for r in in_order]
    random.Random(20261202).shuffle(shuffled)
    for start in range(0, len(in_order), 300):
        services.dossiers_sync(system=sync_world.system, records=in_order[start : start + 300], shape="native")
    for start in range(0, len(shuffled), 300):
        services.dossiers_sync(system=sync_world.system, records=shuffled[start : start + 300], shape="native")
    ordered, mixed = _state("H29.17-261001"), _state("H29.17-261002")
    assert len(ordered) == 300
    assert [row[1] for row in ordered] == [10] * 300
    assert ordered == mixed


# --- the server killed in the middle of a batch --------------------------------------------------------


def _query(database: Path | None, sql: str) -> list[tuple[Any, ...]]:
    if database is None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


def _server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "opendvc.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [*command, "--timeout", "120", "--log-level", "warning", "--no-control-socket"],
        cwd=REPOSITORY,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the portal did not start")


def _post(url: str, body: Any) -> Any:
    request = urllib.request.Request(  # noqa: S310
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        return json.loads(response.read())


def _dvcqg(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def wire(value: str | None) -> str:
        return datetime.fromisoformat(value).astimezone(HCM).strftime("%Y%m%d%H%M%S") if value else ""

    return [
        {
            "MaHoSo": r["code"],
            "MaTTHC": r["procedure_code"],
            "ChuHoSo": r["applicant_name"],
            "LoaiDoiTuong": 1,
            "SoGiayToChuHoSo": r["applicant_id_number"],
            "TrangThaiHoSo": r["status"],
            "KenhThucHien": r["channel"],
            "NgayNopHoSo": wire(r["submitted_at"]),
            "NgayTiepNhan": wire(r["received_at"]),
            "NgayHenTra": wire(r["due_at"]),
        }
        for r in records
    ]


@pytest.mark.django_db(transaction=True)
def test_server_killed_mid_batch_leaves_each_record_whole_and_resending_completes_it(sync_world, tmp_path):
    """The portal (gunicorn) is killed with SIGKILL while it applies a batch of 1,000 records. Wherever
    the kill lands, each record is either fully there (dossier, event, sync state) or not at all, and
    sending the batch again completes it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "opendvc.config.test_settings", "OPENDVC_VAR_DIR": str(tmp_path)}
    database: Path | None = None
    if connection.vendor == "sqlite":
        database = tmp_path / "portal.sqlite3"
        with sqlite3.connect(database) as target:
            connection.ensure_connection()
            connection.connection.backup(target)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        settings_dict = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    batch = _dvcqg(_records(1000, day0=3))
    server = _server(env, port)
    try:
        session = _post(f"{base}/api/dvcqg/auth", {"username": "lgsp.hcm", "password": "Demo@12345"})["session"]
        call = {"session": session, "madonvi": "H29.17", "service": "DongBoHoSoMC", "isUpdating": False, "data": batch}
        failure: list[BaseException] = []

        def send() -> None:
            try:
                _post(f"{base}/api/dvcqg/service", call)
            except (urllib.error.URLError, ConnectionError, OSError) as error:
                failure.append(error)

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(0.3)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        sender.join(timeout=60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    counts = _whole(database)
    assert counts[0] in (0, 1000)
    server = _server(env, port)
    try:
        session = _post(f"{base}/api/dvcqg/auth", {"username": "lgsp.hcm", "password": "Demo@12345"})["session"]
        reply = _post(f"{base}/api/dvcqg/service", {**call, "session": session})
        assert {r["error_code"] for r in reply["results"]} == {"00"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert _whole(database) == (1000, 1000, 1000)


def _whole(database: Path | None) -> tuple[int, int, int]:
    """Dossiers of the batch, and how many of them have their event and their sync state."""
    dossiers = _query(database, "SELECT COUNT(*) FROM dossiers_dossier WHERE code LIKE 'H29.17-261003-%'")[0][0]
    with_event = _query(
        database,
        "SELECT COUNT(DISTINCT d.id) FROM dossiers_dossier d JOIN dossiers_dossierevent e ON e.dossier_id = d.id "
        "WHERE d.code LIKE 'H29.17-261003-%'",
    )[0][0]
    with_state = _query(
        database,
        "SELECT COUNT(*) FROM dossiers_dossier d JOIN sync_syncstate s ON s.dossier_id = d.id "
        "WHERE d.code LIKE 'H29.17-261003-%'",
    )[0][0]
    assert dossiers == with_event == with_state
    return dossiers, with_event, with_state


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
