"""Where standalone obligations come from: the source systems that issue traffic fines and
registration-fee declarations, behind one small interface (``reference/obligations`` over HTTP).

``GET {OPENDVC_OBLIGATIONS_URL}/api/v1/obligations?kind=<kind>&reference=<number>`` with
``Authorization: Bearer <key>`` answers the obligation (amount in VND, payer, issuing agency code,
``status`` ``unpaid`` or ``paid``) or 404 ``not_found``.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings

TIMEOUT_SECONDS = 5


class SourceUnavailable(Exception):
    pass


class SourceNotFound(Exception):
    pass


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


def obligation_source() -> ObligationSource:
    return HttpObligationSource()
