"""Where standalone obligations come from: the source systems that issue traffic fines and
registration-fee declarations, behind one small interface (``reference/obligations`` over HTTP).

``GET {OPENDVC_OBLIGATIONS_URL}/api/v1/obligations?kind=<kind>&reference=<number>`` with
``Authorization: Bearer <key>`` answers the obligation (amount in VND, payer, issuing agency code,
``status`` ``unpaid`` or ``paid``) or 404 ``not_found``.

``POST {OPENDVC_OBLIGATIONS_URL}/api/v1/obligations/payments`` with the same key and ``X-Signature``
(hex HMAC-SHA256 of the body with the key) tells the source the obligation was paid; the source is
idempotent by ``order_reference`` (``recorded`` the first time, ``already_recorded`` after).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import requests
from django.conf import settings

TIMEOUT_SECONDS = 5


class SourceUnavailable(Exception):
    pass


class SourceNotFound(Exception):
    pass


class SourceRefused(Exception):
    """The source answered a payment report with a definitive refusal (its code is the message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PaymentReport:
    """What the source is told when one of its obligations is paid here."""

    kind: str
    reference: str
    order_reference: str
    amount: int
    currency: str
    paid_at: str
    receipt_number: str


@dataclass(frozen=True)
class SourceObligation:
    kind: str
    reference: str
    amount: int
    currency: str
    description: str
    payer_name: str
    payer_id_number: str
    agency_code: str
    paid: bool


class ObligationSource:
    def fetch(self, *, kind: str, reference: str) -> SourceObligation:
        raise NotImplementedError

    def payment_report(self, report: PaymentReport) -> str:
        """Tell the source the obligation is paid; its answer (``recorded`` or ``already_recorded``).

        :class:`SourceUnavailable` when it cannot be reached (try again later), :class:`SourceRefused`
        when it answers a refusal that sending again would not change.
        """
        raise NotImplementedError


class HttpObligationSource(ObligationSource):
    def fetch(self, *, kind: str, reference: str) -> SourceObligation:
        try:
            response = requests.get(
                f"{settings.OPENDVC_OBLIGATIONS_URL.rstrip('/')}/api/v1/obligations",
                params={"kind": kind, "reference": reference},
                headers={"Authorization": f"Bearer {settings.OBLIGATIONS_API_KEY}"},
                timeout=TIMEOUT_SECONDS,
            )
            payload = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SourceUnavailable(str(error)) from None
        if response.status_code == 404:
            raise SourceNotFound(reference)
        if response.status_code != 200 or not isinstance(payload, dict):
            raise SourceUnavailable(f"HTTP {response.status_code}")
        try:
            return SourceObligation(
                kind=str(payload["kind"]),
                reference=str(payload["reference"]),
                amount=int(payload["amount"]),
                currency=str(payload.get("currency", "VND")),
                description=str(payload.get("description", ""))[:500],
                payer_name=str(payload.get("payer_name", ""))[:255],
                payer_id_number=str(payload.get("payer_id_number", ""))[:20],
                agency_code=str(payload["agency_code"]),
                paid=payload.get("status") == "paid",
            )
        except (KeyError, TypeError, ValueError) as error:
            raise SourceUnavailable(f"unreadable answer: {error}") from None

    def payment_report(self, report: PaymentReport) -> str:
        body = json.dumps(report.__dict__, ensure_ascii=False, sort_keys=True).encode("utf-8")
        key = str(settings.OBLIGATIONS_API_KEY)
        try:
            response = requests.post(
                f"{settings.OPENDVC_OBLIGATIONS_URL.rstrip('/')}/api/v1/obligations/payments",
                data=body,
                headers={
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/json",
                    "X-Signature": hmac.new(key.encode(), body, hashlib.sha256).hexdigest(),
                },
                timeout=TIMEOUT_SECONDS,
            )
            payload = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SourceUnavailable(str(error)[:300]) from None
        if not isinstance(payload, dict) or response.status_code >= 500 or response.status_code in (401, 403):
            raise SourceUnavailable(f"HTTP {response.status_code}")
        if response.status_code == 200 and payload.get("status") in ("recorded", "already_recorded"):
            return str(payload["status"])
        raise SourceRefused(str(payload.get("error") or f"http_{response.status_code}")[:32])


def obligation_source() -> ObligationSource:
    return HttpObligationSource()
