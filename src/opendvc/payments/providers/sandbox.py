"""The sandbox gateway (``reference/payment_gateway``, ``/sandbox``): a bank-like page where the payer
chooses success, failure, cancel or timeout. Messages are JSON signed with HMAC-SHA256:

- create: ``merchant|reference|amount|currency|return_url|notify_url``;
- notification (callback and query answer): ``reference|status|amount|currency|transaction``;
- refund (``POST /sandbox/refunds``): ``merchant|refund_reference|reference|amount|currency``, answered
  ``status`` ``done`` or ``refused`` signed over ``refund_reference|reference|status|amount|code``; the
  same ``refund_reference`` again answers the first result (money returned once).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings

from opendvc.payments.providers.base import (
    PLATFORM_LOCAL,
    BadSignature,
    PaymentProvider,
    PaymentStart,
    ProviderReport,
    ProviderUnavailable,
    RefundResult,
)
from opendvc.payments.providers.http import get_json, post_json
from opendvc.payments.providers.registry import register
from opendvc.payments.signing import hmac_sha256, signatures_equal

if TYPE_CHECKING:
    from opendvc.payments.models import PaymentOrder

OUTCOMES = {"succeeded": "succeeded", "failed": "failed", "cancelled": "cancelled", "pending": "pending"}


def refund_answer_signature(payload: Mapping[str, Any], secret: str) -> str:
    fields = [payload.get(key, "") for key in ("refund_reference", "reference", "status", "amount", "code")]
    return hmac_sha256("|".join(str(value) for value in fields), secret)


def notification_signature(payload: Mapping[str, Any], secret: str) -> str:
    fields = [payload.get(key, "") for key in ("reference", "status", "amount", "currency", "transaction")]
    return hmac_sha256("|".join(str(value) for value in fields), secret)


@register("sandbox")
class SandboxProvider(PaymentProvider):
    verbose_name = "Cổng thanh toán thử nghiệm"
    platform = PLATFORM_LOCAL

    @property
    def base(self) -> str:
        return f"{settings.OPENDVC_PAYMENT_GATEWAY_URL.rstrip('/')}/sandbox"

    @property
    def secret(self) -> str:
        return str(settings.PAYMENT_SANDBOX_SECRET)

    def start(self, order: PaymentOrder, *, return_url: str, notify_url: str, ip: str) -> PaymentStart:
        merchant = str(settings.PAYMENT_SANDBOX_MERCHANT)
        body: dict[str, Any] = {
            "merchant": merchant,
            "reference": order.reference,
            "amount": order.amount,
            "currency": order.currency,
            "description": order.obligation.description[:200],
            "return_url": return_url,
            "notify_url": notify_url,
        }
        text = "|".join(
            str(body[k]) for k in ("merchant", "reference", "amount", "currency", "return_url", "notify_url")
        )
        body["signature"] = hmac_sha256(text, self.secret)
        answer = post_json(f"{self.base}/orders", body)
        if not answer.get("pay_url"):
            raise ProviderUnavailable(str(answer.get("error", "no pay_url")))
        return PaymentStart(redirect_url=str(answer["pay_url"]))

    def _report(self, payload: Mapping[str, Any]) -> ProviderReport:
        if not signatures_equal(str(payload.get("signature", "")), notification_signature(payload, self.secret)):
            raise BadSignature("sandbox notification signature")
        status = str(payload.get("status", ""))
        amount = payload.get("amount")
        return ProviderReport(
            reference=str(payload.get("reference", "")),
            outcome=OUTCOMES.get(status, "failed"),  # type: ignore[arg-type]
            amount=int(str(amount)) if str(amount).isdigit() else None,
            currency=str(payload.get("currency", "")),
            transaction=str(payload.get("transaction", "")),
            code=status,
            raw=dict(payload),
        )

    def read_callback(self, payload: Mapping[str, Any]) -> ProviderReport:
        return self._report(payload)

    def read_return(self, params: Mapping[str, str]) -> ProviderReport | None:
        try:
            return self._report(params) if params.get("signature") else None
        except BadSignature:
            return None

    def query(self, order: PaymentOrder) -> ProviderReport:
        answer = get_json(
            f"{self.base}/orders/{order.reference}",
            headers={"X-Signature": hmac_sha256(order.reference, self.secret)},
        )
        if answer.get("error") == "not_found":
            return ProviderReport(reference=order.reference, outcome="not_found")
        try:
            return self._report(answer)
        except BadSignature:
            raise ProviderUnavailable("query answer with a bad signature") from None

    def refund(self, order: PaymentOrder, *, refund_reference: str, amount: int, reason: str) -> RefundResult:
        body: dict[str, Any] = {
            "merchant": str(settings.PAYMENT_SANDBOX_MERCHANT),
            "refund_reference": refund_reference,
            "reference": order.reference,
            "amount": amount,
            "currency": order.currency,
            "reason": reason[:200],
        }
        text = "|".join(str(body[k]) for k in ("merchant", "refund_reference", "reference", "amount", "currency"))
        body["signature"] = hmac_sha256(text, self.secret)
        answer = post_json(f"{self.base}/refunds", body)
        if answer.get("error") == "bad_signature":
            return RefundResult(outcome="refused", code="bad_signature", raw=answer)
        if not signatures_equal(str(answer.get("signature", "")), refund_answer_signature(answer, self.secret)):
            raise ProviderUnavailable("refund answer with a bad signature")
        if answer.get("refund_reference") != refund_reference or answer.get("status") not in ("done", "refused"):
            raise ProviderUnavailable("refund answer for another request")
        return RefundResult(
            outcome="done" if answer["status"] == "done" else "refused",
            provider_reference=str(answer.get("transaction", ""))[:64],
            code=str(answer.get("code", ""))[:32],
            raw=answer,
        )
