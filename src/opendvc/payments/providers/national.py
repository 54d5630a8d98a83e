"""The national Payment Platform of the National Public Service Portal, protocol 1.0.6.

JSON over HTTPS with ``Authorization: Bearer <token>``; every message carries ``MaXacThuc``, the hex
SHA-256 of its fields joined by ``|`` with the partner's secret last (:func:`pp_checksum`):

- INIT ``INIT|1.0.6|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|NgonNgu|
  MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip`` → ``UrlThanhToan``;
- QUERY ``QUERY|1.0.6|MaDoiTac|MaThamChieu|ThoiGianGD`` → ``TrangThaiGD`` 00 paid, 01 waiting,
  02 failed, 03 cancelled, 04 expired, plus the transaction's fields;
- GET_BILL (the platform asks us) ``GET_BILL|1.0.6|MaDoiTac|MaThamChieu|ThoiGianGD`` → the bill;
- the confirmation callback ``LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|
  MaNganHang|ThoiGianGD|ThongTinGiaoDich``, ``MaLoi`` 00 for a successful payment;
- REFUND (hoàn tiền) ``REFUND|1.0.6|MaDoiTac|MaThamChieu|MaYeuCauHoanTien|MaGiaoDich|SoTien|MaTienTe|
  ThoiGianGD`` → ``MaLoi`` 00 with ``TrangThaiHoanTien`` 00, signed over ``LoaiBanTin|MaLoi|MaDoiTac|
  MaThamChieu|MaYeuCauHoanTien|SoTien|MaGiaoDichHoanTien|ThoiGianGD``. The published 1.0.6 text
  describes refunds only as reconciliation work; this message is our reading of it, not confirmed
  (docs/payments.md says what to check with the platform's operator).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from opendvc.payments.providers.base import (
    PLATFORM_NATIONAL,
    BadSignature,
    PaymentProvider,
    PaymentStart,
    ProviderReport,
    ProviderUnavailable,
    RefundResult,
)
from opendvc.payments.providers.http import post_json
from opendvc.payments.providers.registry import register
from opendvc.payments.signing import PP_VERSION, pp_checksum, signatures_equal

if TYPE_CHECKING:
    from opendvc.payments.models import PaymentOrder

INIT_FIELDS = (
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
CALLBACK_FIELDS = (
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "MaGiaoDich",
    "MaNganHang",
    "ThoiGianGD",
    "ThongTinGiaoDich",
)
REFUND_FIELDS = (
    "MaDoiTac",
    "MaThamChieu",
    "MaYeuCauHoanTien",
    "MaGiaoDich",
    "SoTien",
    "MaTienTe",
    "ThoiGianGD",
)
REFUND_ANSWER_FIELDS = (
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "MaYeuCauHoanTien",
    "SoTien",
    "MaGiaoDichHoanTien",
    "ThoiGianGD",
)
QUERY_STATES = {"00": "succeeded", "01": "pending", "02": "failed", "03": "cancelled", "04": "failed"}


def wire_time() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


def callback_checksum(payload: Mapping[str, Any], secret: str) -> str:
    return pp_checksum([payload.get(key, "") for key in CALLBACK_FIELDS], secret)


def short_checksum(kind: str, payload: Mapping[str, Any], secret: str) -> str:
    """QUERY and GET_BILL: ``<kind>|1.0.6|MaDoiTac|MaThamChieu|ThoiGianGD|secret``."""
    fields = [
        kind,
        PP_VERSION,
        payload.get("MaDoiTac", ""),
        payload.get("MaThamChieu", ""),
        payload.get("ThoiGianGD", ""),
    ]
    return pp_checksum(fields, secret)


@register("national")
class NationalPaymentPlatform(PaymentProvider):
    verbose_name = "Nền tảng thanh toán trên Cổng Dịch vụ công quốc gia"
    platform = PLATFORM_NATIONAL
    #: Whether the platform refunds part of a payment is not confirmed (docs/payments.md): not offered.
    can_refund_partial = False

    @property
    def url(self) -> str:
        return f"{settings.OPENDVC_PAYMENT_GATEWAY_URL.rstrip('/')}/pp/api"

    @property
    def secret(self) -> str:
        return str(settings.PAYMENT_PP_SECRET)

    @property
    def partner(self) -> str:
        return str(settings.PAYMENT_PP_PARTNER)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {settings.PAYMENT_PP_TOKEN}"}

    def start(self, order: PaymentOrder, *, return_url: str, notify_url: str, ip: str) -> PaymentStart:
        message: dict[str, Any] = {
            "LoaiBanTin": "INIT",
            "PhienBan": PP_VERSION,
            "MaDoiTac": self.partner,
            "MaThamChieu": order.reference,
            "SoTien": str(order.amount),
            "LoaiHinhThanhToan": "1",
            "MaKenhThanhToan": "1",
            "MaThietBi": "1",
            "NgonNgu": "vi",
            "MaTienTe": order.currency,
            "MaNganHang": "",
            "ThongTinGiaoDich": order.obligation.description[:200],
            "ThoiGianGD": wire_time(),
            "Ip": ip,
            "UrlTraVe": return_url,
            "UrlThongBao": notify_url,
        }
        message["MaXacThuc"] = pp_checksum(["INIT", PP_VERSION, *(message[key] for key in INIT_FIELDS)], self.secret)
        answer = post_json(self.url, message, headers=self._headers())
        if answer.get("MaLoi") != "00" or not answer.get("UrlThanhToan"):
            raise ProviderUnavailable(f"INIT refused: {answer.get('MaLoi')} {answer.get('MoTaLoi', '')}")
        return PaymentStart(redirect_url=str(answer["UrlThanhToan"]))

    def read_callback(self, payload: Mapping[str, Any]) -> ProviderReport:
        if not signatures_equal(str(payload.get("MaXacThuc", "")), callback_checksum(payload, self.secret)):
            raise BadSignature("MaXacThuc")
        if str(payload.get("MaDoiTac", "")) != self.partner:
            raise BadSignature("MaDoiTac")
        amount = str(payload.get("SoTien", ""))
        code = str(payload.get("MaLoi", ""))
        return ProviderReport(
            reference=str(payload.get("MaThamChieu", "")),
            outcome="succeeded" if code == "00" else ("cancelled" if code == "24" else "failed"),
            amount=int(amount) if amount.isdigit() else None,
            currency=str(payload.get("MaTienTe", "")),
            transaction=str(payload.get("MaGiaoDich", "")),
            bank_code=str(payload.get("MaNganHang", "")),
            code=code,
            raw=dict(payload),
        )

    def query(self, order: PaymentOrder) -> ProviderReport:
        message: dict[str, Any] = {
            "LoaiBanTin": "QUERY",
            "PhienBan": PP_VERSION,
            "MaDoiTac": self.partner,
            "MaThamChieu": order.reference,
            "ThoiGianGD": wire_time(),
        }
        message["MaXacThuc"] = short_checksum("QUERY", message, self.secret)
        answer = post_json(self.url, message, headers=self._headers())
        if answer.get("MaLoi") == "01":
            return ProviderReport(reference=order.reference, outcome="not_found", code="01")
        if answer.get("MaLoi") != "00":
            raise ProviderUnavailable(f"QUERY refused: {answer.get('MaLoi')}")
        if not signatures_equal(str(answer.get("MaXacThuc", "")), callback_checksum(answer, self.secret)):
            raise ProviderUnavailable("QUERY answer with a bad MaXacThuc")
        state = str(answer.get("TrangThaiGD", ""))
        amount = str(answer.get("SoTien", ""))
        return ProviderReport(
            reference=order.reference,
            outcome=QUERY_STATES.get(state, "pending"),  # type: ignore[arg-type]
            amount=int(amount) if amount.isdigit() else None,
            currency=str(answer.get("MaTienTe", "")),
            transaction=str(answer.get("MaGiaoDich", "")),
            bank_code=str(answer.get("MaNganHang", "")),
            code=state,
            raw=dict(answer),
        )

    def bill_request_valid(self, payload: Mapping[str, Any]) -> bool:
        """A GET_BILL from the platform carries our partner code and a right ``MaXacThuc``."""
        return str(payload.get("MaDoiTac", "")) == self.partner and signatures_equal(
            str(payload.get("MaXacThuc", "")), short_checksum("GET_BILL", payload, self.secret)
        )

    def bill_answer(
        self, *, reference: str, amount: int, currency: str, description: str, payer: str
    ) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "LoaiBanTin": "GET_BILL",
            "MaLoi": "00",
            "MaDoiTac": self.partner,
            "MaThamChieu": reference,
            "SoTien": str(amount),
            "MaTienTe": currency,
            "MaGiaoDich": "",
            "MaNganHang": "",
            "ThoiGianGD": wire_time(),
            "ThongTinGiaoDich": description[:200],
            "TenNguoiNop": payer,
        }
        answer["MaXacThuc"] = callback_checksum(answer, self.secret)
        return answer

    def refund(self, order: PaymentOrder, *, refund_reference: str, amount: int, reason: str) -> RefundResult:
        message: dict[str, Any] = {
            "LoaiBanTin": "REFUND",
            "PhienBan": PP_VERSION,
            "MaDoiTac": self.partner,
            "MaThamChieu": order.reference,
            "MaYeuCauHoanTien": refund_reference,
            "MaGiaoDich": order.provider_transaction,
            "SoTien": str(amount),
            "MaTienTe": order.currency,
            "ThoiGianGD": wire_time(),
            "LyDo": reason[:200],
        }
        message["MaXacThuc"] = pp_checksum(["REFUND", PP_VERSION, *(message[k] for k in REFUND_FIELDS)], self.secret)
        answer = post_json(self.url, message, headers=self._headers())
        code = str(answer.get("MaLoi", ""))
        if code in ("", "99"):
            raise ProviderUnavailable(f"REFUND not taken now: {code} {answer.get('MoTaLoi', '')}")
        if code != "00":
            return RefundResult(outcome="refused", code=code, raw=answer)
        expected = pp_checksum([answer.get(k, "") for k in REFUND_ANSWER_FIELDS], self.secret)
        if not signatures_equal(str(answer.get("MaXacThuc", "")), expected):
            raise ProviderUnavailable("REFUND answer with a bad MaXacThuc")
        if answer.get("MaYeuCauHoanTien") != refund_reference or answer.get("TrangThaiHoanTien") != "00":
            raise ProviderUnavailable("REFUND answer for another request, or not done yet")
        return RefundResult(
            outcome="done", provider_reference=str(answer.get("MaGiaoDichHoanTien", ""))[:64], code=code, raw=answer
        )
