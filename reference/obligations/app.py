"""Reference source of standalone obligations: traffic fines (by decision number) and registration
fees, lệ phí trước bạ (by declaration number), as the police's and the tax authority's systems hold them.

``GET /api/v1/obligations?kind=traffic_fine|registration_fee&reference=<number>`` with
``Authorization: Bearer <OBLIGATIONS_API_KEY>`` answers the obligation (amount in VND, payer, the
collecting agency's code, ``status`` ``unpaid``/``paid``) or 404 ``not_found``; 401 without the key.
The number is matched ignoring case and spaces. The data is fixed demo data (below).
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Iterable
from typing import Any

from reference.common import Request, StartResponse, json_response

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

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        if request.method == "GET" and request.path == "/healthz":
            return json_response({"status": "ok"})(start_response)
        if request.method != "GET" or request.path != "/api/v1/obligations":
            return json_response({"error": "not_found"}, 404)(start_response)
        auth = request.headers.get("authorization", "")
        if not hmac.compare_digest(auth.encode(), f"Bearer {self.api_key}".encode()):
            return json_response({"error": "unauthorized"}, 401)(start_response)
        kind = request.query.get("kind", "")
        found = INDEX.get((kind, _fold(request.query.get("reference", ""))))
        if found is None:
            return json_response({"error": "not_found"}, 404)(start_response)
        number, data = found
        return json_response({"kind": kind, "reference": _fold(number), "currency": "VND", **data})(start_response)


application = ObligationSource()
