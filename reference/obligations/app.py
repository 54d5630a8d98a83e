"""Reference source of standalone obligations: traffic fines (by decision number) and registration
fees, lệ phí trước bạ (by declaration number), as the police's and the tax authority's systems hold them.

``GET /api/v1/obligations?kind=traffic_fine|registration_fee&reference=<number>`` with
``Authorization: Bearer <OBLIGATIONS_API_KEY>`` answers the obligation (amount in VND, payer, the
collecting agency's code, ``status`` ``unpaid``/``paid``) or 404 ``not_found``; 401 without the key.
The number is matched ignoring case and spaces. The data is fixed demo data (below).

``POST /api/v1/obligations/payments`` (the same key, and ``X-Signature``: the hex HMAC-SHA256 of the
body with the key) is the portal telling the source that an obligation was paid: ``{"kind",
"reference", "order_reference", "amount", "currency", "paid_at", "receipt_number"}``. The source is
idempotent by ``order_reference``: the first report answers ``recorded``, the same one again
``already_recorded`` (both 200); a payment for an obligation paid some other way is 409
``paid_otherwise``, another amount 400 ``amount_mismatch``. From then on a lookup says ``paid``.
Recorded payments are kept in ``$OPENDVC_VAR_DIR/reference/obligations/payments.sqlite3``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
from collections.abc import Iterable
from typing import Any

from reference.common import Request, Response, StartResponse, data_dir, database, json_response

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (order_reference TEXT PRIMARY KEY, kind TEXT NOT NULL, reference TEXT NOT NULL,
    amount INTEGER NOT NULL, paid_at TEXT NOT NULL, receipt_number TEXT NOT NULL, at REAL NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS payments_one_per_obligation ON payments (kind, reference);
"""

#: (kind, number) → the obligation. Fines follow Decree 168/2024/NĐ-CP; fees Decree 10/2022/NĐ-CP.
OBLIGATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("traffic_fine", "01234/QĐ-XPHC"): {
        "amount": 800000,
        "description": "Phạt vi phạm hành chính: không chấp hành hiệu lệnh đèn tín hiệu giao thông (xe mô tô)",
        "payer_name": "Nguyễn Văn An",
        "payer_id_number": "079090001234",
        "agency_code": "G01.79",
        "status": "unpaid",
    },
    ("traffic_fine", "01235/QĐ-XPHC"): {
        "amount": 400000,
        "description": "Phạt vi phạm hành chính: không đội mũ bảo hiểm khi điều khiển xe mô tô",
        "payer_name": "Trần Thị Bình",
        "payer_id_number": "079185001235",
        "agency_code": "G01.79",
        "status": "unpaid",
    },
    ("traffic_fine", "00999/QĐ-XPHC"): {
        "amount": 250000,
        "description": "Phạt vi phạm hành chính: dừng xe không đúng nơi quy định",
        "payer_name": "Phạm Thị Cúc",
        "payer_id_number": "001195001122",
        "agency_code": "G01.01",
        "status": "paid",
    },
    ("registration_fee", "LPTB-79-2611-000123"): {
        "amount": 1250000,
        "description": "Lệ phí trước bạ xe mô tô (2% giá tính lệ phí 62.500.000 đ)",
        "payer_name": "Nguyễn Văn An",
        "payer_id_number": "079090001234",
        "agency_code": "G12",
        "status": "unpaid",
    },
}


def _fold(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


INDEX = {(kind, _fold(number)): (number, data) for (kind, number), data in OBLIGATIONS.items()}


class ObligationSource:
    def __init__(self) -> None:
        self.api_key = os.environ.get("OBLIGATIONS_API_KEY", "opendvc-obligations-development-key")
        self.db = database(data_dir("obligations") / "payments.sqlite3", SCHEMA)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        return self.route(Request.from_environ(environ))(start_response)

    def route(self, request: Request) -> Response:
        if request.method == "GET" and request.path == "/healthz":
            return json_response({"status": "ok"})
        if (request.method, request.path) not in (
            ("GET", "/api/v1/obligations"),
            ("POST", "/api/v1/obligations/payments"),
        ):
            return json_response({"error": "not_found"}, 404)
        auth = request.headers.get("authorization", "")
        if not hmac.compare_digest(auth.encode(), f"Bearer {self.api_key}".encode()):
            return json_response({"error": "unauthorized"}, 401)
        if request.method == "POST":
            return self.payment_record(request)
        kind = request.query.get("kind", "")
        found = INDEX.get((kind, _fold(request.query.get("reference", ""))))
        if found is None:
            return json_response({"error": "not_found"}, 404)
        number, data = found
        paid_by = self._paid_by(kind, _fold(number))
        answer = {"kind": kind, "reference": _fold(number), "currency": "VND", **data}
        if paid_by:
            answer.update(status="paid", paid_by=paid_by)
        return json_response(answer)

    def _paid_by(self, kind: str, reference: str) -> str:
        row = self.db.execute(
            "SELECT order_reference FROM payments WHERE kind = ? AND reference = ?", (kind, reference)
        ).fetchone()
        return str(row[0]) if row else ""

    def payment_record(self, request: Request) -> Response:
        """The portal reports a payment; idempotent by the order's reference."""
        expected = hmac.new(self.api_key.encode(), request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("x-signature", "").lower().encode(), expected.encode()):
            return json_response({"error": "bad_signature"}, 401)
        try:
            body = request.json()
            kind, order_reference = str(body["kind"]), str(body["order_reference"])
            amount = int(body["amount"])
        except (ValueError, KeyError, TypeError):
            return json_response({"error": "invalid_request"}, 400)
        found = INDEX.get((kind, _fold(str(body.get("reference", "")))))
        if found is None or not order_reference:
            return json_response({"error": "not_found"}, 404)
        number, data = found
        reference = _fold(number)
        row = self.db.execute(
            "SELECT kind, reference FROM payments WHERE order_reference = ?", (order_reference,)
        ).fetchone()
        if row is not None:
            if tuple(row) != (kind, reference):
                return json_response({"error": "order_reference_reused"}, 409)
            return json_response({"status": "already_recorded", "order_reference": order_reference})
        if data["status"] == "paid" or self._paid_by(kind, reference):
            return json_response({"error": "paid_otherwise", "paid_by": self._paid_by(kind, reference)}, 409)
        if amount != data["amount"] or str(body.get("currency", "VND")) != "VND":
            return json_response({"error": "amount_mismatch", "expected": data["amount"]}, 400)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO payments (order_reference, kind, reference, amount, paid_at, receipt_number, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                order_reference,
                kind,
                reference,
                amount,
                str(body.get("paid_at", ""))[:40],
                str(body.get("receipt_number", ""))[:40],
                time.time(),
            ),
        )
        if cursor.rowcount == 0:  # a concurrent report won the race: answer as for a repeat
            return self.payment_record(request)
        return json_response({"status": "recorded", "order_reference": order_reference})


application = ObligationSource()
