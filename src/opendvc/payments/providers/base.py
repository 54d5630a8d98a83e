"""What a payment provider does for the portal: start a payment, read an inbound message, answer a query,
return money paid twice (a refund)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from opendvc.payments.models import PaymentOrder

#: DuocThanhToanTrucTuyen: 1 through the national portal's Payment Platform, 2 through a local gateway.
PLATFORM_NATIONAL = 1
PLATFORM_LOCAL = 2

Outcome = Literal["succeeded", "failed", "cancelled", "pending", "not_found"]


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered something unreadable; nothing changes on our side."""


class BadSignature(Exception):
    """An inbound message whose signature does not verify: it is refused and changes nothing."""


@dataclass(frozen=True)
class PaymentStart:
    """How the payer continues: to the provider's page (``redirect_url``) or with a QR code to scan."""

    redirect_url: str = ""
    qr_payload: str = ""
    account: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderReport:
    """What the provider says happened to one order (a callback, a return, or a query's answer)."""

    reference: str
    outcome: Outcome
    amount: int | None = None
    currency: str = "VND"
    transaction: str = ""
    bank_code: str = ""
    code: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    """The provider's answer to a refund request: the money went back (``done``) or it refused.

    A provider that cannot be reached raises :class:`ProviderUnavailable` instead: the refund stays
    requested and is sent again with the same reference, which the provider uses to refund once.
    """

    outcome: Literal["done", "refused"]
    provider_reference: str = ""
    code: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


class PaymentProvider:
    name: ClassVar[str] = ""
    verbose_name: ClassVar[str] = ""
    platform: ClassVar[int] = PLATFORM_LOCAL
    #: False for a provider without a status query (a bank transfer settles from the statement).
    can_query: ClassVar[bool] = True
    #: False when a refund is a bank transfer the accountant makes and records by hand.
    can_refund: ClassVar[bool] = True
    #: Whether ``refund`` may return part of an order (VNPay 2.1.0 ``vnp_TransactionType`` 03). A manual
    #: refund (``can_refund`` False) can always be partial: the accountant transfers what is due.
    can_refund_partial: ClassVar[bool] = True

    def start(self, order: PaymentOrder, *, return_url: str, notify_url: str, ip: str) -> PaymentStart:
        raise NotImplementedError

    def query(self, order: PaymentOrder) -> ProviderReport:
        raise NotImplementedError

    def read_callback(self, payload: Mapping[str, Any]) -> ProviderReport:
        """Verify and read a confirmation the provider sends; :class:`BadSignature` when forged."""
        raise NotImplementedError

    def read_return(self, params: Mapping[str, str]) -> ProviderReport | None:
        """What the browser's return says (shown to the payer, never settled from); ``None`` if unsigned."""
        return None

    def refund(self, order: PaymentOrder, *, refund_reference: str, amount: int, reason: str) -> RefundResult:
        """Ask the provider to return ``amount`` of a paid order, idempotent by ``refund_reference``."""
        raise NotImplementedError
