"""Forms of the account pages: they read what people typed; the rules live in ``services.py``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from opendvc.accounts.models import User
from opendvc.accounts.services import citizen_registration_check
from opendvc.core.errors import ApiError

# Where a service's ``details[].field`` is shown on a page whose fields are named differently.
SERVICE_FIELD_TO_FORM_FIELD = {"birth_date": "birth_day", "password": "password1"}


class UswdsFormMixin:
    """USWDS classes on the inputs, the error class on fields with errors, and service errors shown
    beside the fields they concern."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            css = "usa-select" if isinstance(widget, forms.Select) else "usa-input"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is not None and "usa-input--error" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} usa-input--error".strip()

    def add_service_error(self, error: ApiError) -> None:
        """Show an ``ApiError`` from a service: each ``details`` entry beside its field, else on top."""
        language = translation.get_language() or "vi"
        placed = False
        for detail in error.details:
            field = SERVICE_FIELD_TO_FORM_FIELD.get(detail.get("field", ""), detail.get("field", ""))
            messages = detail.get("messages") or {}
            message = messages.get("en" if language.startswith("en") else "vi") or detail.get("message", "")
            if field in self.fields and message:  # type: ignore[attr-defined]
                self.add_error(field, message)  # type: ignore[attr-defined]
                placed = True
        if not placed:
            self.add_error(None, error.message(language))  # type: ignore[attr-defined]
        self._mark_errors()


def _numeric(max_length: int, autocomplete: str = "off") -> forms.TextInput:
    return forms.TextInput(
        attrs={"inputmode": "numeric", "pattern": "[0-9]*", "maxlength": max_length, "autocomplete": autocomplete}
    )


class RegistrationForm(UswdsFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Họ, chữ đệm và tên"),
        help_text=_("Viết đầy đủ, có dấu, như trên thẻ căn cước. Ví dụ: Nguyễn Văn An."),
        max_length=200,
        error_messages={"required": _("Nhập họ, chữ đệm và tên.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        help_text=_("Gồm 12 chữ số, in trên thẻ căn cước hoặc căn cước công dân. Số này là tên đăng nhập của bạn."),
        max_length=20,
        error_messages={"required": _("Nhập số định danh cá nhân gồm 12 chữ số.")},
        widget=_numeric(12),
    )
    birth_day = forms.CharField(label=_("Ngày"), required=False, max_length=2, widget=_numeric(2, "bday-day"))
    birth_month = forms.CharField(label=_("Tháng"), required=False, max_length=2, widget=_numeric(2, "bday-month"))
    birth_year = forms.CharField(label=_("Năm"), required=False, max_length=4, widget=_numeric(4, "bday-year"))
    sex = forms.ChoiceField(label=_("Giới tính"), required=False, choices=User.Sex.choices, widget=forms.RadioSelect)
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        help_text=_("Chúng tôi gửi mã xác thực đến số này bằng tin nhắn."),
        max_length=20,
        error_messages={"required": _("Nhập số điện thoại di động, ví dụ 0912345678.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"),
        help_text=_("Để nhận thông báo về hồ sơ qua thư điện tử."),
        required=False,
        max_length=254,
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        help_text=_("Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá dễ đoán và không giống thông tin cá nhân."),
        strip=False,
        error_messages={"required": _("Nhập mật khẩu.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        error_messages={"required": _("Nhập lại mật khẩu để chắc chắn bạn không gõ nhầm.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [(data.get(name) or "").strip() for name in ("birth_day", "birth_month", "birth_year")]
        data["birth_date"] = None
        if any(parts):
            if not all(part.isdigit() for part in parts):
                self.add_error(
                    "birth_day",
                    _("Nhập đủ ngày, tháng và năm sinh bằng chữ số, ví dụ 27 3 1990 — hoặc để trống cả ba ô."),
                )
            else:
                day, month, year = (int(part) for part in parts)
                try:
                    born = date(year, month, day)
                except ValueError:
                    self.add_error("birth_day", _("Ngày sinh phải là một ngày có thật, ví dụ 27 3 1990."))
                else:
                    if born.year < 1900 or born > timezone.localdate():
                        self.add_error(
                            "birth_day", _("Năm sinh phải từ 1900 đến nay; ngày sinh không được ở tương lai.")
                        )
                    else:
                        data["birth_date"] = born
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Hai mật khẩu không giống nhau. Nhập lại mật khẩu ở cả hai ô."))
        self._add_rule_problems()
        return data

    def _add_rule_problems(self) -> None:
        """The service's rules on what was typed so far, beside the fields that have no error yet,
        so people see every problem at once (a wrong ID even while the phone is still missing)."""
        if "birth_day" in self.errors:
            self.cleaned_data["birth_date"] = None
        _, problems = citizen_registration_check(**self.registration_data())
        language = translation.get_language() or "vi"
        for problem in problems:
            field = SERVICE_FIELD_TO_FORM_FIELD.get(problem.field, problem.field)
            if field in self.fields and field not in self.errors and self.data.get(field, "") != "":
                self.add_error(field, problem.message_en if language.startswith("en") else problem.message_vi)

    def registration_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data.get("full_name", ""),
            "personal_id": data.get("personal_id", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "password": data.get("password1", ""),
            "birth_date": data.get("birth_date"),
            "sex": data.get("sex", ""),
        }


class LoginForm(UswdsFormMixin, AuthenticationForm):
    """Django's login form (fields ``username`` and ``password``) with Vietnamese labels and messages."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Kiểm tra lại (chú ý chữ hoa, chữ thường) rồi đăng nhập lại."
        ),
        "inactive": _("Tài khoản này đang bị khóa. Liên hệ bộ phận hỗ trợ để được mở lại."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["username"].help_text = _(
            "Công dân: số định danh cá nhân 12 chữ số. Doanh nghiệp: mã số thuế. Cán bộ: tên đăng nhập được cấp."
        )
        self.fields["username"].error_messages["required"] = _("Nhập tên đăng nhập.")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].label = _("Mật khẩu")
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu.")


class VerificationForm(UswdsFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        help_text=_("Gồm 6 chữ số, có hiệu lực 15 phút."),
        max_length=12,
        error_messages={"required": _("Nhập mã xác thực gồm 6 chữ số.")},
        widget=_numeric(6, "one-time-code"),
    )


class OtpForm(UswdsFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        help_text=_("Gồm 6 chữ số, đang hiện trong ứng dụng xác thực trên điện thoại của bạn; mã đổi sau mỗi 30 giây."),
        max_length=12,
        error_messages={"required": _("Nhập mã xác thực gồm 6 chữ số.")},
        widget=_numeric(6, "one-time-code"),
    )


TOKEN_LIFETIMES = [
    ("", _("Không hết hạn")),
    ("30", _("30 ngày")),
    ("90", _("90 ngày")),
    ("365", _("1 năm")),
]


class AccessTokenForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Tên mã truy cập"),
        help_text=_("Để bạn nhận ra mã này sau, ví dụ “Phần mềm kế toán”."),
        max_length=100,
        error_messages={
            "required": _("Đặt tên cho mã truy cập, ví dụ “Phần mềm kế toán”."),
            "max_length": _("Tên mã truy cập dài tối đa 100 ký tự."),
        },
    )
    lifetime = forms.ChoiceField(label=_("Thời hạn"), required=False, choices=TOKEN_LIFETIMES)

    def token_data(self) -> dict[str, Any]:
        days = self.cleaned_data.get("lifetime") or ""
        return {
            "name": self.cleaned_data["name"],
            "expires_at": timezone.now() + timedelta(days=int(days)) if days else None,
        }
