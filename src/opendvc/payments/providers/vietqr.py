"""Bank transfer by VietQR (NAPAS 247): the QR carries the account, the amount and the order's
reference as the transfer's purpose; the order settles when a bank statement line with that
reference and amount arrives (uploaded or posted by the accountant). There is no status query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings

from opendvc.payments.providers.base import PLATFORM_LOCAL, PaymentProvider, PaymentStart, ProviderReport
from opendvc.payments.providers.registry import register
from opendvc.payments.signing import vietqr_payload

if TYPE_CHECKING:
    from opendvc.payments.models import PaymentOrder


@register("vietqr")
class VietQrTransfer(PaymentProvider):
    verbose_name = "Chuyển khoản VietQR"
    platform = PLATFORM_LOCAL
    can_query = False
    #: A transfer is returned by the accountant from the agency's bank and recorded on the refunds page.
    can_refund = False

    def account(self) -> dict[str, str]:
        """The account transfers go to: bank BIN, number, holder, bank name."""
        return {key: str(value) for key, value in dict(settings.VIETQR_ACCOUNT).items()}

    def start(self, order: PaymentOrder, *, return_url: str, notify_url: str, ip: str) -> PaymentStart:
        account = self.account()
        payload = vietqr_payload(
            bank_bin=account["bin"], account=account["number"], amount=order.amount, purpose=order.reference
        )
        return PaymentStart(qr_payload=payload, account=account)

    def query(self, order: PaymentOrder) -> ProviderReport:
        return ProviderReport(reference=order.reference, outcome="pending")

    def read_callback(self, payload: Mapping[str, Any]) -> ProviderReport:
        raise NotImplementedError("VietQR transfers settle from bank statement lines")
