"""Inbound messages from the providers: VNPay's IPN, the Payment Platform's confirmation and GET_BILL,
the sandbox notification. Each is verified before anything is read, applied idempotently, and
answered in the provider's own codes (VNPay ``RspCode``): 00 confirmed, 01 order not found,
02 already confirmed, 04 invalid amount, 97 invalid signature, 99 anything else. None ever answers 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from opendvc.core.errors import ApiError
from opendvc.payments import selectors, services
from opendvc.payments.providers.base import BadSignature
from opendvc.payments.providers.national import NationalPaymentPlatform
from opendvc.payments.providers.registry import provider_get

logger = logging.getLogger(__name__)

MESSAGES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}


def inbound_apply(*, provider: str, payload: Mapping[str, Any], source: services.Source) -> str:
    """Verify and apply one provider message; the answer code (see the module's docstring)."""
    plugin = provider_get(provider)
    try:
        report = plugin.read_callback(payload)
    except BadSignature:
        logger.warning("%s message with a bad signature refused", provider)
        return "97"
    try:
        settlement = services.payment_report_apply(provider=provider, report=report, source=source)
    except ApiError as error:
        return {"order_not_found": "01", "amount_mismatch": "04", "obligation_paid": "02"}.get(error.code, "99")
    except DatabaseError:
        logger.exception("%s message for %s could not be applied", provider, report.reference)
        return "99"
    if settlement is None:
        return "00" if selectors.order_exists(reference=report.reference, provider=provider) else "01"
    return "02" if settlement.outcome in ("duplicate", "ignored") else "00"


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


@csrf_exempt
@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    code = inbound_apply(provider="vnpay", payload=request.GET.dict(), source="ipn")
    return JsonResponse({"RspCode": code, "Message": MESSAGES[code]})


def _json_callback(request: HttpRequest, *, provider: str, code_key: str, message_key: str) -> JsonResponse:
    """A JSON confirmation POSTed by a provider, answered in that provider's own two fields."""
    body = _json_body(request)
    code = "99" if body is None else inbound_apply(provider=provider, payload=body, source="callback")
    return JsonResponse({code_key: code, message_key: MESSAGES[code]})


@csrf_exempt
@require_POST
def sandbox_callback(request: HttpRequest) -> JsonResponse:
    return _json_callback(request, provider="sandbox", code_key="code", message_key="message")


@csrf_exempt
@require_POST
def national_callback(request: HttpRequest) -> JsonResponse:
    return _json_callback(request, provider="national", code_key="MaLoi", message_key="MoTaLoi")


@csrf_exempt
@require_POST
def national_bill(request: HttpRequest) -> JsonResponse:
    """GET_BILL: the Payment Platform asks what it is about to collect for an order."""
    body = _json_body(request)
    plugin = provider_get("national")
    assert isinstance(plugin, NationalPaymentPlatform)
    if body is None or not plugin.bill_request_valid(body):
        return JsonResponse({"MaLoi": "97", "MoTaLoi": MESSAGES["97"]})
    order = selectors.order_for_bill(reference=str(body.get("MaThamChieu", "")))
    if order is None:
        return JsonResponse({"MaLoi": "01", "MoTaLoi": MESSAGES["01"]})
    return JsonResponse(
        plugin.bill_answer(
            reference=order.reference,
            amount=order.amount,
            currency=order.currency,
            description=order.obligation.description,
            payer=order.obligation.payer_name,
        )
    )
