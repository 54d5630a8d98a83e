"""Benchmark: payment confirmations (VNPay IPN) handled per second over HTTP, against a minimal endpoint.

Builds, in PostgreSQL, ``--history`` settled payment orders (the ledger a year of collections
leaves, with their events) and ``--pending`` dossiers waiting for their fees (status 6) spread over
``--agencies`` agencies, each with an open VNPay order. Serves them with the production server
(gunicorn, the project's settings, Redis for the cache) and drives it with ``wrk``:

- the ceiling: ``/livez``, a minimal JSON endpoint through the same stack;
- first IPNs: ``GET /payments/vnpay/ipn`` with VNPay's signed parameters (HMAC-SHA512 verified),
  each for an order not yet confirmed — the order and its obligation locked, the order succeeded
  with its receipt number, the payment event and audit entry, the dossier settled (6 → 4) with its
  hash-chained event, the event listeners and the applicant's notification queued; answer ``00``;
- replayed IPNs: the same messages again — verified, found confirmed, answered ``02``, nothing changed.

Each as a ratio to the ceiling. Afterwards it checks that every order was credited once. Usage
(PostgreSQL only; the database is rebuilt each run):
``.venv/bin/python bench/payments.py [--pending N] [--history N] [--duration S] [--connections N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from harness import ROOT, lua_lines, print_table, production_server, require_wrk, wrk

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opendvc_bench_payments"
REQUEST = """
local counter = 0
request = function()
  counter = counter + 1
  local item = lines[(counter * 2 + slice) %% #lines + 1]
  %(request)s
end
"""
IPN_REQUEST = 'return wrk.format("GET", "/payments/vnpay/ipn?" .. item)'
LIVEZ_REQUEST = 'return wrk.format("GET", "/livez")'


def log(message: str) -> None:
    print(message, flush=True)


def database_prepare(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def script(workdir: Path, request: str, lines: list[str]) -> str:
    data = workdir / f"lines-{len(os.listdir(workdir))}.txt"
    data.write_text("\n".join(lines or ["-"]) + "\n")
    return lua_lines(data) + REQUEST % {"request": request}


def build(*, pending: int, history: int, agencies: int, rng: random.Random) -> list[str]:
    """The ledger and the open orders; returns each open order's signed IPN query string."""
    from django.conf import settings
    from django.utils import timezone

    from opendvc.catalog.models import ServiceOffering
    from opendvc.dossiers.models import Dossier, DossierEvent
    from opendvc.dossiers.tests.factories import AgencyFactory, make_world
    from opendvc.payments.models import Obligation, ObligationKind, OrderStatus, PaymentEvent, PaymentOrder
    from opendvc.payments.signing import vnpay_sign

    world = make_world()
    assert ServiceOffering.objects.filter(agency=world.agency).exists()
    offices = [world.agency, world.other_agency] + [AgencyFactory.create() for _ in range(max(0, agencies - 2))]
    now = timezone.now()

    for start in range(0, history, 20_000):
        size = min(history, start + 20_000) - start
        obligations = Obligation.objects.bulk_create(
            [
                Obligation(
                    kind=ObligationKind.TRAFFIC_FINE,
                    reference=f"{start + i:07d}/QĐ-XPHC",
                    agency=world.agency,
                    description="Phạt vi phạm hành chính về giao thông",
                    payer_name="Nguyễn Văn Thử",
                    amount=rng.choice((200_000, 400_000, 800_000, 1_500_000)),
                    paid_at=now - timedelta(minutes=start + i),
                )
                for i in range(size)
            ],
            batch_size=2000,
        )
        orders = PaymentOrder.objects.bulk_create(
            [
                PaymentOrder(
                    reference=f"OD250101{start + i:010d}",
                    obligation=obligation,
                    provider=rng.choice(("vnpay", "national", "vietqr")),
                    amount=obligation.amount,
                    status=OrderStatus.SUCCEEDED,
                    created_at=obligation.paid_at - timedelta(minutes=2),
                    expires_at=obligation.paid_at + timedelta(minutes=13),
                    settled_at=obligation.paid_at,
                    receipt_number=f"BL-2025-{start + i:010d}",
                )
                for i, obligation in enumerate(obligations)
            ],
            batch_size=2000,
        )
        PaymentEvent.objects.bulk_create(
            [
                PaymentEvent(order=order, at=order.settled_at, action="succeeded", source="ipn", to_status="succeeded")
                for order in orders
            ],
            batch_size=2000,
        )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                code=f"{offices[i % len(offices)].code}-261202-{i:06d}",
                agency=offices[i % len(offices)],
                procedure=world.procedure,
                procedure_version=world.version,
                applicant=world.citizen,
                applicant_name=world.citizen.full_name,
                applicant_id_number=world.citizen.personal_id or "",
                submitted_by=world.citizen,
                channel=2,
                status=6,
                current_step="appraise",
                submitted_at=now - timedelta(days=1),
                received_at=now - timedelta(days=1),
                due_at=now + timedelta(days=6),
                fee_amount=8000,
            )
            for i in range(pending)
        ],
        batch_size=2000,
    )
    events = []
    for dossier in dossiers:
        event = DossierEvent(
            dossier=dossier, seq=1, at=dossier.submitted_at, action="request_payment", to_status=6, from_status=4
        )
        event.hash = event.compute_hash(dossier_code=dossier.code)
        events.append(event)
    DossierEvent.objects.bulk_create(events, batch_size=2000)
    obligations = Obligation.objects.bulk_create(
        [
            Obligation(
                kind=ObligationKind.DOSSIER_FEE,
                reference=d.code,
                dossier=d,
                agency=d.agency,
                description=f"Phí, lệ phí hồ sơ {d.code}",
                payer_name=d.applicant_name,
                amount=8000,
            )
            for d in dossiers
        ],
        batch_size=2000,
    )
    orders = PaymentOrder.objects.bulk_create(
        [
            PaymentOrder(
                reference=f"OD261202{i:010d}",
                obligation=obligation,
                provider="vnpay",
                amount=8000,
                status=OrderStatus.PENDING,
                created_at=now,
                expires_at=now + timedelta(minutes=15),
            )
            for i, obligation in enumerate(obligations)
        ],
        batch_size=2000,
    )
    lines = []
    for i, order in enumerate(orders):
        params = {
            "vnp_Amount": str(order.amount * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{14000000 + i}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": f"Thanh toan {order.reference}",
            "vnp_PayDate": timezone.localtime(now).strftime("%Y%m%d%H%M%S"),
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": str(settings.VNPAY_TMN_CODE),
            "vnp_TransactionNo": str(14000000 + i),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": order.reference,
        }
        params["vnp_SecureHash"] = vnpay_sign(params, str(settings.VNPAY_HASH_SECRET))
        lines.append(urlencode(params))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=30_000, help="open orders (each first IPN used once)")
    parser.add_argument("--history", type=int, default=200_000, help="settled orders already in the ledger")
    parser.add_argument("--agencies", type=int, default=100, help="agencies the waiting dossiers belong to")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its config)")
    args = parser.parse_args()
    require_wrk()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("error: this benchmark needs PostgreSQL (BENCH_DATABASE_URL)")
    workdir = Path(tempfile.mkdtemp(prefix="opendvc-bench-payments-"))
    os.environ.update(
        {
            "DATABASE_URL": url,
            "OPENDVC_VAR_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "opendvc.config.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
            "NOTIFICATION_SMS_FILE": str(workdir / "sms.jsonl"),
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    database_prepare(url)
    import django

    django.setup()
    from django.core.management import call_command

    from opendvc.dossiers.models import DossierEvent
    from opendvc.payments.models import OrderStatus, PaymentOrder

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    lines = build(pending=args.pending, history=args.history, agencies=args.agencies, rng=random.Random(20261202))
    log(
        f"data: {args.history:,} settled orders, {args.pending:,} dossiers of {args.agencies} agencies waiting "
        "with an open VNPay order "
        f"({time.perf_counter() - started:.0f} s)"
    )
    run = {"duration": args.duration, "connections": args.connections, "workdir": workdir}
    with production_server(workers=args.workers) as base:
        wrk(base, script(workdir, LIVEZ_REQUEST, []), **{**run, "duration": 2})
        results = {"ceiling /livez": wrk(base, script(workdir, LIVEZ_REQUEST, []), **run)}
        results["IPN, first delivery (00)"] = wrk(base, script(workdir, IPN_REQUEST, lines), **run)
        by_reference = {line.rsplit("vnp_TxnRef=", 1)[1].split("&", 1)[0]: line for line in lines}
        done = PaymentOrder.objects.filter(reference__startswith="OD261202", status=OrderStatus.SUCCEEDED)
        replays = [by_reference[ref] for ref in done.values_list("reference", flat=True)[:5000]]
        results["IPN, replayed (02)"] = wrk(base, script(workdir, IPN_REQUEST, replays), **run)
    print_table(results, ceiling="ceiling /livez", setup=f"{args.connections} connections, {args.duration} s each")
    first = results["IPN, first delivery (00)"]
    if first.requests > len(lines):
        print(f"note: {first.requests - len(lines)} first-delivery requests were replays; raise --pending")
    settled = DossierEvent.objects.filter(action="payment_settled").count()
    credited = PaymentOrder.objects.filter(reference__startswith="OD261202", status=OrderStatus.SUCCEEDED).count()
    print(f"\ncheck: {credited:,} orders confirmed, {settled:,} dossiers settled (one each: {credited == settled})")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
