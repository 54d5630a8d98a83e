"""The payment pages' forms: what to pay (an obligation's number), how (the provider), a statement file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opendvc.dossiers_web.forms import UswdsFormMixin
from opendvc.payments.models import ObligationKind
from opendvc.payments.providers.registry import provider_get

#: What each provider is called on the page, with a hint that says what happens next.
PROVIDER_LABELS = {
    "national": _("Nền tảng thanh toán của Cổng Dịch vụ công quốc gia (thẻ ATM, ví điện tử, ngân hàng số)"),
    "vnpay": _("VNPAY (thẻ ATM nội địa, thẻ quốc tế, ứng dụng ngân hàng)"),
    "vietqr": _("Chuyển khoản bằng mã VietQR (ứng dụng ngân hàng bất kỳ)"),
    "sandbox": _("Cổng thanh toán thử nghiệm (bản trình diễn)"),
    "desk": _("Nộp tại quầy (tiền mặt, thẻ qua máy POS)"),
}


def provider_choices(names: list[str]) -> list[tuple[str, Any]]:
    return [(name, PROVIDER_LABELS.get(name, provider_get(name).verbose_name)) for name in names]


class ProviderForm(UswdsFormMixin, forms.Form):
    provider = forms.ChoiceField(
        label=_("Chọn cách thanh toán"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn một cách thanh toán."), "invalid_choice": _("Chọn một cách thanh toán.")},
    )

    def __init__(self, *args: Any, providers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = provider_choices(providers)  # type: ignore[attr-defined]


class ObligationLookupForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Bạn muốn nộp khoản nào?"),
        choices=[
            (ObligationKind.TRAFFIC_FINE.value, _("Tiền phạt vi phạm hành chính về giao thông")),
            (ObligationKind.REGISTRATION_FEE.value, _("Lệ phí trước bạ")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn loại khoản cần nộp.")},
    )
    reference = forms.CharField(
        label=_("Số quyết định xử phạt hoặc số tờ khai lệ phí trước bạ"),
        help_text=_("Ghi trên quyết định hoặc tờ khai, ví dụ 01234/QĐ-XPHC hoặc LPTB-79-2611-000123."),
        max_length=64,
        error_messages={"required": _("Nhập số quyết định xử phạt hoặc số tờ khai.")},
    )


class StatementForm(UswdsFormMixin, forms.Form):
    agency = forms.ChoiceField(label=_("Tài khoản của cơ quan"))
    file = forms.FileField(
        label=_("Tệp sao kê (CSV)"),
        help_text=_("Mỗi dòng: mã giao dịch, ngày (dd/mm/yyyy), số tiền, nội dung chuyển khoản. Tối đa 1 MB."),
        error_messages={"required": _("Chọn tệp sao kê ngân hàng.")},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("Tệp sao kê lớn hơn 1 MB; hãy chia thành nhiều tệp."))
        return upload


class PartialRefundForm(UswdsFormMixin, forms.Form):
    """Part of a paid order to return to the payer (a charge collected twice in part)."""

    order_reference = forms.RegexField(
        label=_("Mã giao dịch (MaThamChieu)"),
        help_text=_("Mã tham chiếu của giao dịch đã thu, in trên biên lai, ví dụ OD261204ABCDEFGH23."),
        regex=r"^\s*[Oo][Dd]\d{6}[0-9A-Za-z]{10}\s*$",
        max_length=40,
        error_messages={
            "required": _("Nhập mã giao dịch cần hoàn một phần."),
            "invalid": _("Mã giao dịch gồm OD, 6 chữ số ngày và 10 ký tự, ví dụ OD261204ABCDEFGH23."),
        },
    )
    amount = forms.IntegerField(
        label=_("Số tiền hoàn (đồng)"),
        min_value=1,
        max_value=10_000_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "odvc-input--medium"}),
        error_messages={
            "required": _("Nhập số tiền hoàn."),
            "invalid": _("Nhập số tiền bằng chữ số, không có dấu chấm, ví dụ 50000."),
            "min_value": _("Số tiền hoàn phải lớn hơn 0."),
        },
    )
    reason = forms.CharField(
        label=_("Lý do hoàn"),
        max_length=500,
        help_text=_("Ví dụ: thu trùng phí cấp bản sao trích lục."),
        error_messages={"required": _("Nêu lý do hoàn tiền.")},
    )
