"""VNPay payment gateway, API 2.1.0.

The payer is sent to ``vpcpay.html`` with the ``vnp_*`` parameters signed (:func:`vnpay_sign`,
HMAC-SHA512, ``vnp_Amount`` in VND × 100). VNPay tells the merchant the result server to server
with the IPN (``GET /payments/vnpay/ipn``), which answers ``{"RspCode", "Message"}``: 00 confirmed,
01 order not found, 02 order already confirmed, 04 invalid amount, 97 invalid signature, 99 other.
The browser's return URL carries the same signed parameters; it is only shown, never settled from.
``querydr`` (``POST /merchant_webapi/api/transaction``) reads a transaction's status; its hash is the
HMAC-SHA512 of the pipe-joined request fields. ``refund`` (the same address, ``vnp_Command=refund``,
``vnp_TransactionType`` 02 for a full refund) is signed over ``vnp_RequestId|vnp_Version|vnp_Command|
vnp_TmnCode|vnp_TransactionType|vnp_TxnRef|vnp_Amount|vnp_TransactionNo|vnp_TransactionDate|
vnp_CreateBy|vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo``; its answer like ``querydr``'s. The refund's
own reference is the ``vnp_RequestId``.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from opendvc.payments.providers.base import (
    PLATFORM_LOCAL,
    BadSignature,
    PaymentProvider,
    PaymentStart,
    ProviderReport,
    ProviderUnavailable,
    RefundResult,
)
from opendvc.payments.providers.http import post_json
from opendvc.payments.providers.registry import register
from opendvc.payments.signing import VNPAY_VERSION, signatures_equal, vnpay_sign, vnpay_verify

if TYPE_CHECKING:
    from opendvc.payments.models import PaymentOrder

QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
#: Refund answers: 00 done; 94 a request already in progress and 99 anything else are asked again later;
#: 02 wrong merchant, 03 malformed, 91 no such transaction, 95 not refundable, 97 bad checksum refuse it.
REFUND_RETRY_CODES = ("94", "99")
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)


def _stamp(value: Any) -> str:
    return str(timezone.localtime(value).strftime("%Y%m%d%H%M%S"))


def pipe_hash(payload: Mapping[str, Any], fields: tuple[str, ...], secret: str) -> str:
    text = "|".join(str(payload.get(key, "")) for key in fields)
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha512).hexdigest()


def outcome_of(response_code: str, transaction_status: str) -> str:
    if response_code == "00" and transaction_status == "00":
        return "succeeded"
    if response_code == "24":
        return "cancelled"
    return "failed"


@register("vnpay")
class VnpayProvider(PaymentProvider):
    verbose_name = "VNPAY"
    platform = PLATFORM_LOCAL

    @property
    def base(self) -> str:
        return f"{settings.OPENDVC_PAYMENT_GATEWAY_URL.rstrip('/')}/vnpay"

    @property
    def secret(self) -> str:
        return str(settings.VNPAY_HASH_SECRET)

    def start(self, order: PaymentOrder, *, return_url: str, notify_url: str, ip: str) -> PaymentStart:
        params = {
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": str(settings.VNPAY_TMN_CODE),
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.reference,
            "vnp_OrderInfo": f"Thanh toan {order.reference}",
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": ip or "127.0.0.1",
            "vnp_CreateDate": _stamp(order.created_at),
            "vnp_ExpireDate": _stamp(order.expires_at),
        }
        params["vnp_SecureHash"] = vnpay_sign(params, self.secret)
        return PaymentStart(redirect_url=f"{self.base}/paymentv2/vpcpay.html?{urlencode(params)}")

    def _report(self, params: Mapping[str, Any]) -> ProviderReport:
        amount = str(params.get("vnp_Amount", ""))
        code = str(params.get("vnp_ResponseCode", ""))
        status = str(params.get("vnp_TransactionStatus", ""))
        return ProviderReport(
            reference=str(params.get("vnp_TxnRef", "")),
            outcome=outcome_of(code, status),  # type: ignore[arg-type]
            amount=int(amount) // 100 if amount.isdigit() and int(amount) % 100 == 0 else -1,
            currency="VND",
            transaction=str(params.get("vnp_TransactionNo", "")),
            bank_code=str(params.get("vnp_BankCode", "")),
            code=code,
            raw=dict(params),
        )

    def read_callback(self, payload: Mapping[str, Any]) -> ProviderReport:
        params = {key: str(value) for key, value in payload.items()}
        if not vnpay_verify(params, self.secret) or params.get("vnp_TmnCode") != str(settings.VNPAY_TMN_CODE):
            raise BadSignature("vnp_SecureHash")
        return self._report(params)

    def read_return(self, params: Mapping[str, str]) -> ProviderReport | None:
        try:
            return self.read_callback(params)
        except BadSignature:
            return None

    def query(self, order: PaymentOrder) -> ProviderReport:
        now = timezone.now()
        message = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": str(settings.VNPAY_TMN_CODE),
            "vnp_TxnRef": order.reference,
            "vnp_OrderInfo": f"Truy van {order.reference}",
            "vnp_TransactionDate": _stamp(order.created_at),
            "vnp_CreateDate": _stamp(now),
            "vnp_IpAddr": "127.0.0.1",
        }
        message["vnp_SecureHash"] = pipe_hash(message, QUERY_REQUEST_FIELDS, self.secret)
        answer = post_json(f"{self.base}/merchant_webapi/api/transaction", message)
        if answer.get("vnp_ResponseCode") == "91":
            return ProviderReport(reference=order.reference, outcome="not_found", code="91")
        if answer.get("vnp_ResponseCode") != "00":
            raise ProviderUnavailable(f"querydr refused: {answer.get('vnp_ResponseCode')}")
        if not signatures_equal(
            str(answer.get("vnp_SecureHash", "")), pipe_hash(answer, QUERY_ANSWER_FIELDS, self.secret)
        ):
            raise ProviderUnavailable("querydr answer with a bad hash")
        status = str(answer.get("vnp_TransactionStatus", ""))
        if status == "01":
            return ProviderReport(reference=order.reference, outcome="pending", code=status)
        report = self._report({**answer, "vnp_ResponseCode": "00" if status == "00" else status})
        return report

    def refund(self, order: PaymentOrder, *, refund_reference: str, amount: int, reason: str) -> RefundResult:
        message = {
            "vnp_RequestId": refund_reference,
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": str(settings.VNPAY_TMN_CODE),
            "vnp_TransactionType": "02" if amount == order.amount else "03",
            "vnp_TxnRef": order.reference,
            "vnp_Amount": str(amount * 100),
            "vnp_TransactionNo": order.provider_transaction,
            "vnp_TransactionDate": _stamp(order.created_at),
            "vnp_CreateBy": "opendvc",
            "vnp_CreateDate": _stamp(timezone.now()),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"Hoan tien {order.reference}",
        }
        message["vnp_SecureHash"] = pipe_hash(message, REFUND_REQUEST_FIELDS, self.secret)
        answer = post_json(f"{self.base}/merchant_webapi/api/transaction", message)
        code = str(answer.get("vnp_ResponseCode", ""))
        if code in REFUND_RETRY_CODES or not code:
            raise ProviderUnavailable(f"refund not taken now: {code}")
        if code != "00":
            return RefundResult(outcome="refused", code=code, raw=answer)
        if not signatures_equal(
            str(answer.get("vnp_SecureHash", "")), pipe_hash(answer, QUERY_ANSWER_FIELDS, self.secret)
        ):
            raise ProviderUnavailable("refund answer with a bad hash")
        if answer.get("vnp_TxnRef") != order.reference or answer.get("vnp_Amount") != str(amount * 100):
            raise ProviderUnavailable("refund answer for another transaction")
        return RefundResult(
            outcome="done", provider_reference=str(answer.get("vnp_ResponseId", ""))[:64], code=code, raw=answer
        )
