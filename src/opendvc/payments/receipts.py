"""The e-receipt (biên lai điện tử) of a successful payment as PDF, laid out like the one-stop forms.

Decree 123/2020/NĐ-CP (amended by Decree 70/2025/NĐ-CP) lets agencies that collect fees and charges
issue electronic receipts; the receipt names the collecting agency, the payer, what was paid, the
amount in figures and words, how and when it was paid, and its number. Everything printed comes from
the order and its obligation, so a receipt printed again later is the same receipt.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from opendvc.dossiers.documents import (
    DEFAULT_PUBLIC_URL,
    agency_block,
    html_to_pdf,
    place_date_line,
    qr_svg,
    short_moment,
)
from opendvc.payments.models import PaymentOrder

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)",
        "form_number": "Số",
        "republic": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "payer": "Người nộp",
        "payer_id": "Số giấy tờ",
        "content": "Nội dung thu",
        "reference": "Số tham chiếu",
        "amount": "Số tiền",
        "method": "Hình thức thanh toán",
        "order": "Mã giao dịch (MaThamChieu)",
        "transaction": "Mã giao dịch của kênh thanh toán",
        "paid_at": "Thời điểm thanh toán",
        "note": "Biên lai điện tử có giá trị như biên lai giấy. Quét mã QR để kiểm tra biên lai trên Cổng.",
        "collector": "ĐƠN VỊ THU",
    },
    "en": {
        "title": "RECEIPT FOR FEES AND CHARGES (ELECTRONIC)",
        "form_number": "No.",
        "republic": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence - Freedom - Happiness",
        "payer": "Paid by",
        "payer_id": "ID number",
        "content": "For",
        "reference": "Reference",
        "amount": "Amount",
        "method": "Paid through",
        "order": "Order reference (MaThamChieu)",
        "transaction": "Provider's transaction",
        "paid_at": "Paid at",
        "note": "This electronic receipt has the value of a paper one. Scan the QR code to check it on the portal.",
        "collector": "COLLECTING AGENCY",
    },
}
METHODS = {
    "vi": {
        "national": "Nền tảng thanh toán trên Cổng Dịch vụ công quốc gia",
        "vnpay": "VNPAY",
        "vietqr": "Chuyển khoản VietQR",
        "sandbox": "Cổng thanh toán thử nghiệm",
        "desk": "Nộp tại Bộ phận Một cửa (tiền mặt hoặc thẻ qua máy POS)",
    },
    "en": {
        "national": "Payment Platform of the National Public Service Portal",
        "vnpay": "VNPAY",
        "vietqr": "VietQR bank transfer",
        "sandbox": "Sandbox gateway",
        "desk": "Paid at the one-stop desk (cash or card terminal)",
    },
}


def _amount(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đ"


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(number: int, full: bool) -> str:
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif units:
        if full or hundreds:
            words.append("lẻ")
        words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(value: int) -> str:
    """Đồng in Vietnamese words, as receipts write them: 1.250.000 → "Một triệu hai trăm năm mươi nghìn đồng"."""
    if value == 0:
        return "Không đồng"
    groups: list[int] = []
    while value:
        value, group = divmod(value, 1000)
        groups.append(group)
    units = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        words.append(_three(group, full=index != len(groups) - 1))
        if units[index]:
            words.append(units[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def receipt_context(*, order: PaymentOrder, lang: str = "vi") -> dict[str, Any]:
    lang = "en" if lang.startswith("en") else "vi"
    obligation = order.obligation
    agency = obligation.agency
    public = str(getattr(settings, "OPENDVC_PUBLIC_URL", DEFAULT_PUBLIC_URL)).rstrip("/")
    settled = timezone.localtime(order.settled_at) if order.settled_at else None
    return {
        "lang": lang,
        "t": TEXTS[lang],
        "title": TEXTS[lang]["title"],
        "number": order.receipt_number,
        "agency": agency_block(agency),
        "place_date": place_date_line(agency, settled.date() if settled else None, lang),  # type: ignore[arg-type]
        "order": order,
        "obligation": obligation,
        "amount": _amount(order.amount),
        "amount_words": amount_in_words(order.amount),
        "method": METHODS[lang].get(order.provider, order.provider),
        "paid_at": short_moment(order.settled_at),
        "qr": qr_svg(f"{public}/thanh-toan/don/{order.reference}/"),
    }


def receipt_render(*, order: PaymentOrder, lang: str = "vi") -> bytes:
    return html_to_pdf(render_to_string("payments/receipt_pdf.html", receipt_context(order=order, lang=lang)))
