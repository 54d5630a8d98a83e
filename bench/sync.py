"""Benchmark: inbound synchronisation over HTTP, batches of 1,000 records, against the raw PostgreSQL ceiling.

Builds a fresh PostgreSQL database with the 2025 administrative units, the demo agencies and the demo
catalogue (the real procedures of ``tthc-sample.json``), registers an integrated system allowed for
every province, and serves it with the production server (gunicorn, the project's settings, Redis for
the cache). ``--connections`` keep-alive clients (4) then post ``POST /api/v1/sync/dossiers`` with an
OAuth2 client-credentials token, each request a batch of 1,000 realistic records (every agency ×
procedure the catalogue offers, statuses 2–10 with their dates, citizens' personal IDs), every batch
exactly once — a driver of our own rather than ``wrk``, which drops a request whose connection fails
and so cannot promise that — and measures:

- **first sync**: ``--records`` (1,000,000) new records, sustained records/s;
- **full replay**: the same records again, all ``unchanged``;
- **ceiling**: in the same run, the same rows written the fastest way PostgreSQL has — ``COPY`` into a
  temporary table, then one ``INSERT … ON CONFLICT DO UPDATE`` merge into a copy of the dossier table
  (with its indexes) — timed batch by batch of 1,000 like the HTTP path;

and prints each as records/s with the ratio to the ceiling (``/livez`` through the same stack, by
``wrk``, is the usual reference for the server itself). After each run it checks the database:
exactly one dossier, one event and one sync state per record, nothing more after the replay.
Usage: ``.venv/bin/python bench/sync.py [--records N] [--connections N]`` (``BENCH_DATABASE_URL``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import ROOT, Result, print_table, production_server, require_wrk, wrk

sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opendvc_bench_sync"
BATCH = 1000
BASE = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=7)  # 2026-01-01 00:00 in Asia/Ho_Chi_Minh
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Minh Đức", "Võ Thị Hạnh"]

STATUSES = [2, 4, 4, 9, 10, 10, 5, 3]


def _iso(moment: datetime) -> str:
    return (moment + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S+07:00")


def batch_body(batch: int, pairs: list[tuple[str, str]]) -> bytes:
    """Batch ``batch`` of the run: records batch·1000 … batch·1000+999, the same every time it is built."""
    parts = []
    for i in range(batch * BATCH, (batch + 1) * BATCH):
        agency, procedure = pairs[i % len(pairs)]
        day, seq = divmod(i, 9999)
        received = BASE.replace(tzinfo=None) + timedelta(days=day, seconds=28800 + i % 28800)
        status = STATUSES[i % 8]
        extra = ""
        if status in (9, 10):
            extra += f',"finished_at":"{_iso(received + timedelta(days=1))}"'
        if status == 10:
            extra += f',"returned_at":"{_iso(received + timedelta(seconds=90000))}"'
        local_day = (BASE.replace(tzinfo=None) + timedelta(days=day, hours=7)).strftime("%y%m%d")
        parts.append(
            f'{{"code":"{agency}-{local_day}-{seq + 1:04d}","agency_code":"{agency}","procedure_code":"{procedure}",'
            f'"applicant_kind":1,"applicant_name":"{NAMES[i % len(NAMES)]}",'
            f'"applicant_id_number":"0791{i % 100:02d}{i % 1000000:06d}","applicant_phone":"09{i % 100000000:08d}",'
            f'"summary":"Hồ sơ đồng bộ số {i}","status":{status},"channel":{i % 3 + 1},'
            f'"submitted_at":"{_iso(received - timedelta(seconds=600))}","received_at":"{_iso(received)}",'
            f'"due_at":"{_iso(received + timedelta(days=5))}",'
            f'"event_at":"{_iso(received + timedelta(seconds=90000 + status * 60))}"{extra}}}'
        )
    return ('{"records":[' + ",".join(parts) + "]}").encode()


def drive(base: str, *, token: str, pairs: list[tuple[str, str]], batches: int, connections: int) -> Result:
    """Post every batch exactly once over ``connections`` keep-alive connections; a batch whose call
    fails (a socket error, a non-2xx answer) counts as an error and is sent again — the endpoint is
    idempotent. Each connection builds its next body while the others are being answered, as a
    sending system does."""
    import http.client
    import threading

    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    lock = threading.Lock()
    state = {"next": 0, "errors": 0}
    latencies: list[float] = []

    def worker() -> None:
        link = http.client.HTTPConnection(host, port, timeout=120)
        while True:
            with lock:
                batch = state["next"]
                state["next"] += 1
            if batch >= batches:
                break
            body = batch_body(batch, pairs)
            while True:
                began = time.perf_counter()
                try:
                    link.request("POST", "/api/v1/sync/dossiers", body=body, headers=headers)
                    answer = link.getresponse()
                    answer.read()
                    ok = 200 <= answer.status < 300
                except (OSError, http.client.HTTPException):
                    link.close()
                    link = http.client.HTTPConnection(host, port, timeout=120)
                    ok = False
                if ok:
                    with lock:
                        latencies.append(time.perf_counter() - began)
                    break
                with lock:
                    state["errors"] += 1
        link.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else 0.0

    return Result(
        rps=batches / elapsed,
        p50_ms=percentile(0.50),
        p95_ms=percentile(0.95),
        p99_ms=percentile(0.99),
        requests=batches,
        errors=int(state["errors"]),
    )


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def database_prepare(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def world_build() -> tuple[list[tuple[str, str]], str, str]:
    """Reference data, the integrated system and its OAuth2 client; returns the (agency, procedure)
    pairs the catalogue offers, the client id and secret."""
    from django.core.management import call_command

    from opendvc.agencies.models import AdministrativeUnit
    from opendvc.catalog.models import ProcedureVersion, ServiceOffering
    from opendvc.sync.services import integrated_system_create, integrated_system_oauth_client_create

    quiet = open(os.devnull, "w")  # noqa: SIM115
    for command in ("load_administrative_units", "load_demo_agencies", "load_demo_catalog"):
        call_command(command, stdout=quiet)
    system = integrated_system_create(
        code="bench.lgsp",
        name="Hệ thống đo hiệu năng",
        operator="OpenDVC",
        password="Bench@12345",  # noqa: S106 - a throwaway benchmark database
        provinces=AdministrativeUnit.objects.filter(province__isnull=True),
        rate_limit_per_minute=10_000_000,
    )
    pairs = sorted(
        ServiceOffering.objects.filter(
            is_active=True,
            agency__administrative_unit__isnull=False,
            procedure__current_version__status=ProcedureVersion.Status.PUBLISHED,
        ).values_list("agency__code", "procedure__code")
    )
    client_id, secret = integrated_system_oauth_client_create(system=system)
    return pairs, client_id, secret


def token_get(base: str, client_id: str, secret: str) -> str:
    body = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    ).encode()
    with urllib.request.urlopen(f"{base}/o/token/", data=body, timeout=30) as response:
        return str(json.loads(response.read())["access_token"])


def counts() -> tuple[int, int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM dossiers_dossier), (SELECT COUNT(*) FROM dossiers_dossierevent "
            "WHERE action = 'sync_status'), (SELECT COUNT(*) FROM sync_syncstate)"
        )
        row = cursor.fetchone()
    connection.close()
    return int(row[0]), int(row[1]), int(row[2])


# --- the ceiling: COPY into a temporary table and one merge, per batch of 1,000 ----------------------

CEILING_COLUMNS = [
    "code",
    "agency_id",
    "procedure_id",
    "procedure_version_id",
    "summary",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_assurance_level",
    "channel",
    "status",
    "current_step",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "time_limit_unit",
    "supplement_requests",
    "paused_working_time",
    "apologies",
    "form_data",
    "form_version",
    "created_at",
    "updated_at",
]


def ceiling(url: str, *, pairs: list[tuple[str, str]], total_records: int) -> float:
    """Records/s of COPY + merge for the same rows, counting only the database's time."""
    import psycopg

    statuses = [2, 4, 4, 9, 10, 10, 5, 3]
    with psycopg.connect(url, autocommit=True) as connection:
        ids = dict(connection.execute("SELECT code, id FROM agencies_agency").fetchall())
        procedures = {
            code: (pk, version)
            for code, pk, version in connection.execute("SELECT code, id, current_version_id FROM catalog_procedure")
        }
        connection.execute("DROP TABLE IF EXISTS bench_ceiling_dossier")
        connection.execute("CREATE TABLE bench_ceiling_dossier (LIKE dossiers_dossier INCLUDING ALL)")
        names = ", ".join(CEILING_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in CEILING_COLUMNS if c not in ("code", "created_at"))
        spent = 0.0
        now = datetime.now(UTC).isoformat()
        for start in range(0, total_records, BATCH):
            buffer = io.StringIO()
            for i in range(start, min(start + BATCH, total_records)):
                agency, procedure = pairs[i % len(pairs)]
                day, seq = divmod(i, 9999)
                received = BASE + timedelta(days=day, seconds=28800 + i % 28800)
                status = statuses[i % 8]
                finished = (received + timedelta(days=1)).isoformat() if status in (9, 10) else "\\N"
                returned = (received + timedelta(seconds=90000)).isoformat() if status == 10 else "\\N"
                local_day = (BASE + timedelta(days=day, hours=7)).strftime("%y%m%d")
                pk, version = procedures[procedure]
                row = [
                    f"{agency}-{local_day}-{seq + 1:04d}",
                    str(ids[agency]),
                    str(pk),
                    str(version),
                    f"Hồ sơ đồng bộ số {i}",
                    "1",
                    NAMES[i % len(NAMES)],
                    f"0791{i % 100:02d}{i % 1000000:06d}",
                    f"09{i % 100000000:08d}",
                    "",
                    "",
                    "0",
                    str(i % 3 + 1),
                    str(status),
                    "",
                    (received - timedelta(seconds=600)).isoformat(),
                    received.isoformat(),
                    (received + timedelta(days=5)).isoformat(),
                    finished,
                    returned,
                    "",
                    "0",
                    "0",
                    "0",
                    "{}",
                    "",
                    now,
                    now,
                ]
                buffer.write("\t".join(row) + "\n")
            data = buffer.getvalue()
            began = time.perf_counter()
            with connection.transaction():
                connection.execute(
                    f"CREATE TEMP TABLE incoming ON COMMIT DROP AS "
                    f"SELECT {names} FROM bench_ceiling_dossier WITH NO DATA"
                )
                with connection.cursor().copy(f"COPY incoming ({names}) FROM STDIN") as copy:
                    copy.write(data)
                connection.execute(
                    f"INSERT INTO bench_ceiling_dossier ({names}) SELECT {names} FROM incoming "
                    f"ON CONFLICT (code) DO UPDATE SET {updates}"
                )
            spent += time.perf_counter() - began
        connection.execute("DROP TABLE bench_ceiling_dossier")
    return total_records / spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--connections", type=int, default=4, help="concurrent batches in flight")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the config's)")
    args = parser.parse_args()
    require_wrk()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("error: this benchmark needs PostgreSQL (BENCH_DATABASE_URL)")
    total_batches = -(-args.records // BATCH)
    records = total_batches * BATCH
    workdir = Path(tempfile.mkdtemp(prefix="opendvc-bench-sync-"))
    os.environ.update(
        {
            "DATABASE_URL": url,
            "OPENDVC_VAR_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "opendvc.config.settings",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
            "GUNICORN_TIMEOUT": "120",
        }
    )
    database_prepare(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    pairs, client_id, secret = world_build()
    connection.close()
    log(f"{len(pairs)} agency × procedure pairs offered; {records:,} records in {total_batches:,} batches")

    results: dict[str, Result] = {}
    with production_server(workers=args.workers or None) as base:
        run = {"duration": 3600, "connections": args.connections, "workdir": workdir}
        results["ceiling /livez"] = wrk(
            base, 'request = function() return wrk.format("GET", "/livez") end\n', **{**run, "duration": 5}
        )
        token = token_get(base, client_id, secret)
        log("first sync…")
        drive_args = {"pairs": pairs, "batches": total_batches, "connections": args.connections}
        results["first sync (created)"] = drive(base, token=token, **drive_args)
        first = counts()
        log(f"after the first sync: {first[0]:,} dossiers, {first[1]:,} events, {first[2]:,} sync states")
        token = token_get(base, client_id, secret)
        log("full replay…")
        results["full replay (unchanged)"] = drive(base, token=token, **drive_args)
        replay = counts()
        log(f"after the replay: {replay[0]:,} dossiers, {replay[1]:,} events, {replay[2]:,} sync states")
    log("ceiling: COPY + merge…")
    raw = ceiling(url, pairs=pairs, total_records=records)

    print_table(
        results,
        ceiling="ceiling /livez",
        setup=f"{records:,} records, batches of {BATCH}, {args.connections} connections",
    )
    print(f"\n{'':28} {'records/s':>10} {'of ceiling':>11}")
    print(f"{'COPY + merge (ceiling)':28} {raw:10.0f} {1:11.0%}")
    for label in ("first sync (created)", "full replay (unchanged)"):
        result = results[label]
        rate = result.rps * BATCH
        print(f"{label:28} {rate:10.0f} {rate / raw:11.0%}")
    problems = []
    if first != (records, records, records):
        problems.append(f"first sync left {first}, expected {records:,} of each")
    if replay != first:
        problems.append(f"the replay changed the database: {first} → {replay}")
    for label in ("first sync (created)", "full replay (unchanged)"):
        if results[label].errors:
            problems.append(f"{label}: {results[label].errors} requests failed")
    if problems:
        sys.exit("error: " + "; ".join(problems))


if __name__ == "__main__":
    main()
