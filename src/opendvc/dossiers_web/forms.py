"""Forms of the dossier pages: they read what people typed; the rules live in the dossiers services.

Each officer action has its own form, rendered with the action as prefix so several can share the
dossier page. Files are uploaded when the form is first sent (so the confirmation page can name
them) and carried to the confirmation as attachment ids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opendvc.accounts.forms import UswdsFormMixin as AccountsFormMixin
from opendvc.dossiers.models import ApplicantKind, Channel, DossierStatus
from opendvc.dossiers.selectors import WORKLISTS, WorklistFilters
from opendvc.dossiers.transitions import Action

ACCEPTED_FILES = "application/pdf,image/jpeg,image/png"
ACCEPTED_FILES_TEXT = _("Tệp PDF, JPG hoặc PNG, mỗi tệp tối đa 10 MB.")
UNIT_CHOICES = [
    ("working_days", _("ngày làm việc")),
    ("working_hours", _("giờ làm việc")),
    ("calendar_days", _("ngày")),
]
#: A new appointment set by an apology falls at the end of the working day.
APPOINTMENT_TIME = time(17, 0)


def _numeric(max_length: int, *, autocomplete: str = "off", css: str = "") -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "maxlength": str(max_length),
            "autocomplete": autocomplete,
            "class": css,
        }
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each still goes through the service's checks on upload."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def date_from_parts(form: forms.Form, prefix: str, *, label: object) -> date | None:
    """A date from the three fields ``<prefix>_day``/``_month``/``_year``; all empty means none."""
    parts = [form.cleaned_data.get(f"{prefix}_{name}") for name in ("day", "month", "year")]
    if all(part in (None, "") for part in parts):
        return None
    try:
        day, month, year = (int(str(part)) for part in parts)
        return date(year, month, day)
    except (TypeError, ValueError):
        form.add_error(
            f"{prefix}_day",
            _("%(label)s phải là một ngày có thật, ví dụ 24 11 2026.") % {"label": label},
        )
        return None


def _day(*, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("date part", "Ngày"),
        required=required,
        max_length=2,
        widget=_numeric(2, css="odvc-date__day"),
    )


def _month(*, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("date part", "Tháng"),
        required=required,
        max_length=2,
        widget=_numeric(2, css="odvc-date__month"),
    )


def _year(*, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("date part", "Năm"),
        required=required,
        max_length=4,
        widget=_numeric(4, css="odvc-date__year"),
    )


class UswdsFormMixin(AccountsFormMixin):
    """The accounts pages' USWDS classes, with the right ones for checkboxes, radios, files and text areas."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "usa-checkbox__input"
            elif isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "usa-radio__input"
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "usa-checkbox__input"
            elif isinstance(widget, forms.FileInput):
                widget.attrs["class"] = "odvc-file"
            elif isinstance(widget, forms.Textarea):
                widget.attrs["class"] = widget.attrs.get("class", "").replace("usa-input", "").strip() or "usa-textarea"

    def _mark_errors(self) -> None:
        super()._mark_errors()
        for name in self.errors:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is not None and isinstance(
                field.widget, forms.CheckboxInput | forms.RadioSelect | forms.FileInput
            ):
                field.widget.attrs["class"] = field.widget.attrs["class"].replace(" usa-input--error", "")


# --- Worklist filters -----------------------------------------------------------------------------------


class WorklistFilterForm(UswdsFormMixin, forms.Form):
    tab = forms.CharField(required=False, widget=forms.HiddenInput)
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    status = forms.TypedChoiceField(
        label=_("Trạng thái"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả trạng thái")), *DossierStatus.choices],
    )
    from_day = _day()
    from_month = _month()
    from_year = _year()
    to_day = _day()
    to_month = _month()
    to_year = _year()

    def __init__(self, *args: Any, procedures: Callable[[], list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        def choices() -> list[tuple[str, Any]]:
            return [("", _("Tất cả thủ tục")), *[(code, f"{code} — {name[:90]}") for code, name in procedures()]]

        # Read only when the list is drawn or a chosen procedure is checked: most pages need neither.
        cast(forms.ChoiceField, self.fields["procedure"]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["received_from"] = date_from_parts(self, "from", label=_("Ngày bắt đầu"))
        data["received_to"] = date_from_parts(self, "to", label=_("Ngày kết thúc"))
        if data["received_from"] and data["received_to"] and data["received_from"] > data["received_to"]:
            self.add_error("to_day", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        if data.get("tab") not in WORKLISTS:
            data["tab"] = ""
        return data

    def filters(self) -> WorklistFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return WorklistFilters(
            procedure=data.get("procedure") or "",
            status=data.get("status"),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
        )


# --- Public tracking ---------------------------------------------------------------------------------


class TrackForm(UswdsFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("Mã in trên giấy tiếp nhận, ví dụ H29.17-261124-0001."),
        error_messages={"required": _("Nhập mã hồ sơ, ví dụ H29.17-261124-0001.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    factor = forms.CharField(
        label=_("4 chữ số cuối của số định danh cá nhân hoặc số điện thoại của người nộp"),
        max_length=4,
        min_length=4,
        help_text=_("Ví dụ: số điện thoại 0901234567 thì nhập 4567."),
        error_messages={
            "required": _("Nhập 4 chữ số cuối của số định danh cá nhân hoặc số điện thoại."),
            "min_length": _("Nhập đủ 4 chữ số."),
        },
        widget=_numeric(4, css="odvc-input--short"),
    )

    def clean_factor(self) -> str:
        value = (self.cleaned_data.get("factor") or "").strip()
        if not value.isdigit():
            raise forms.ValidationError(_("Chỉ nhập chữ số, ví dụ 4567."))
        return value


# --- Officer actions ----------------------------------------------------------------------------------


class ActionForm(UswdsFormMixin, forms.Form):
    """An officer action's inputs; ``summary()`` lists them for the confirmation page."""

    action: Action
    has_files = False

    def summary(self) -> list[tuple[str, str]]:
        rows = []
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput) or isinstance(field, forms.FileField):
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.TypedChoiceField):
                labels = choice_labels(field.choices)
                if isinstance(value, list):
                    value = "; ".join(str(labels.get(str(v), v)) for v in value)
                else:
                    value = labels.get(str(value), value)
            rows.append((str(field.label), str(value)))
        return rows


def choice_labels(choices: Any) -> dict[str, str]:
    """``{value: label}`` of a choice list, groups flattened (a group's label prefixes its options)."""
    labels: dict[str, str] = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            for inner_value, inner_label in label:
                labels[str(inner_value)] = f"{inner_label} — {value}"
        else:
            labels[str(value)] = str(label)
    return labels


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class NoteField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Ghi chú"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}))
        super().__init__(**kwargs)


class ReceiveForm(ActionForm):
    action = Action.RECEIVE
    time_amount = forms.DecimalField(
        label=_("Thời hạn giải quyết"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(3650),
        decimal_places=2,
        help_text=_("Danh mục chưa quy định thời hạn cho kênh này; nhập theo văn bản quy định thủ tục."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "odvc-input--short"}),
    )
    time_unit = forms.ChoiceField(label=_("Đơn vị"), required=False, choices=UNIT_CHOICES)
    note = NoteField()

    def __init__(self, *args: Any, needs_limit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_limit = needs_limit
        if not needs_limit:
            del self.fields["time_amount"]
            del self.fields["time_unit"]
        else:
            self.fields["time_amount"].required = True
            self.fields["time_amount"].error_messages["required"] = _(
                "Nhập thời hạn giải quyết, ví dụ 5 (ngày làm việc)."
            )

    def summary(self) -> list[tuple[str, str]]:
        rows = super().summary()
        return [row for row in rows if row[0] not in (str(_("Thời hạn giải quyết")), str(_("Đơn vị")))]


class ReasonsForm(ActionForm):
    action = Action.REFUSE
    reasons = forms.CharField(
        label=_("Lý do từ chối"),
        max_length=4000,
        help_text=_("Mỗi lý do một dòng. Lý do được in trên Phiếu từ chối (Mẫu 03) gửi công dân."),
        error_messages={"required": _("Nêu ít nhất một lý do từ chối tiếp nhận.")},
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )

    def reason_list(self) -> list[str]:
        return _lines(self.cleaned_data["reasons"])


class SupplementRequestForm(ActionForm):
    action = Action.REQUEST_SUPPLEMENT
    reasons = forms.CharField(
        label=_("Nội dung cần bổ sung, hoàn thiện"),
        max_length=4000,
        help_text=_(
            "Mỗi yêu cầu một dòng, nói rõ giấy tờ nào và vì sao. Nội dung in trên Phiếu yêu cầu bổ sung (Mẫu 02)."
        ),
        error_messages={"required": _("Nêu rõ giấy tờ cần bổ sung và lý do.")},
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )
    documents = forms.TypedMultipleChoiceField(
        label=_("Thành phần hồ sơ cần bổ sung"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, documents: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["documents"]).choices = [(pk, name[:200]) for pk, name in documents]
        if not documents:
            del self.fields["documents"]

    def reason_list(self) -> list[str]:
        return _lines(self.cleaned_data["reasons"])


class FilesMixin(forms.Form):
    """Files uploaded on the first send, carried to the confirmation as attachment ids."""

    has_files = True
    files_required = False
    attachments = forms.CharField(required=False, widget=forms.HiddenInput)

    def attachment_ids(self) -> list[int]:
        raw = self.cleaned_data.get("attachments") or ""
        return [int(part) for part in raw.split(",") if part.strip().isdigit()]


class SupplyForm(FilesMixin, ActionForm):
    action = Action.SUPPLY
    uploads = MultipleFileField(label=_("Giấy tờ bổ sung"), required=False, help_text=ACCEPTED_FILES_TEXT)
    note = NoteField(label=_("Nội dung đã bổ sung"))


class ForwardForm(ActionForm):
    """The next step and its officer in one choice (``step:username``), grouped by step: no script needed."""

    action = Action.FORWARD
    target = forms.ChoiceField(
        label=_("Chuyển cho"),
        help_text=_("Chỉ hiện những cán bộ có vai trò thực hiện bước đó tại cơ quan."),
        error_messages={"required": _("Chọn người xử lý bước tiếp theo.")},
    )
    note = NoteField(label=_("Ý kiến, ghi chú"))

    def __init__(self, *args: Any, targets: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = targets

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        step, _sep, username = str(data.get("target") or "").partition(":")
        data["to_step"], data["assignee"] = step, username
        return data


class PaymentForm(ActionForm):
    action = Action.REQUEST_PAYMENT
    amount = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        required=False,
        min_value=1,
        max_value=10_000_000_000,
        help_text=_("Để trống để dùng mức phí, lệ phí trong danh mục thủ tục."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "odvc-input--medium"}),
    )
    description = forms.CharField(
        label=_("Nội dung khoản thu"),
        required=False,
        max_length=300,
        help_text=_("Ví dụ: phí thẩm định bổ sung. Mỗi lần yêu cầu là một khoản nộp riêng."),
    )
    note = NoteField()


class PaymentSettledForm(ActionForm):
    """The desk records fees taken at the counter: the number of the receipt handed to the payer (or the
    card terminal's transaction), which the accountant matches with the cash and slips handed over."""

    action = Action.PAYMENT_SETTLED
    reference = forms.RegexField(
        label=_("Số biên lai hoặc mã giao dịch"),
        help_text=_(
            "Số biên lai đã giao cho người nộp, hoặc mã giao dịch trên máy POS, ví dụ BL-0001 hoặc POS 778899."
        ),
        max_length=100,
        regex=r"^(?=.*\d)[\w][\w .,/:#-]*$",
        strip=True,
        error_messages={
            "required": _("Nhập số biên lai hoặc mã giao dịch máy POS đã giao cho người nộp."),
            "invalid": _(
                "Số biên lai hoặc mã giao dịch phải có chữ số và chỉ gồm chữ, số, dấu cách và các dấu - / . , : #, "
                "ví dụ BL-0001 hoặc POS 778899."
            ),
            "max_length": _("Số biên lai hoặc mã giao dịch dài tối đa 100 ký tự."),
        },
    )


class WithdrawReasonForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )


class StopForm(ActionForm):
    action = Action.STOP
    legal_reason = forms.CharField(
        label=_("Lý do dừng giải quyết"),
        max_length=2000,
        error_messages={"required": _("Nêu lý do dừng giải quyết theo quy định.")},
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        required=False,
        max_length=500,
        help_text=_("Ví dụ: khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP."),
    )


class ResultReadyForm(FilesMixin, ActionForm):
    action = Action.RESULT_READY
    files_required = True
    uploads = MultipleFileField(label=_("Văn bản kết quả"), required=False, help_text=ACCEPTED_FILES_TEXT)
    note = NoteField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("uploads") and not data.get("attachments"):
            self.add_error("uploads", _("Đính kèm văn bản kết quả giải quyết (PDF hoặc ảnh)."))
        return data


class ReturnForm(ActionForm):
    action = Action.RETURN
    note = NoteField(label=_("Hình thức trả kết quả"), help_text=_("Ví dụ: trả trực tiếp tại bộ phận một cửa."))


class ApologiseForm(ActionForm):
    action = Action.APOLOGISE
    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"),
        max_length=2000,
        error_messages={"required": _("Nêu lý do hồ sơ chậm.")},
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )
    due_day = _day(required=True)
    due_month = _month(required=True)
    due_year = _year(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in ("day", "month", "year"):
            self.fields[f"due_{part}"].error_messages["required"] = _(
                "Nhập đủ ngày, tháng, năm của ngày hẹn trả mới, ví dụ 30 11 2026."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(f"due_{part}") for part in ("day", "month", "year")):
            day = date_from_parts(self, "due", label=_("Ngày hẹn trả mới"))
            if day is not None:
                data["new_due_at"] = timezone.make_aware(datetime.combine(day, APPOINTMENT_TIME))
        return data

    def summary(self) -> list[tuple[str, str]]:
        parts = {str(self.fields[f"due_{part}"].label) for part in ("day", "month", "year")}
        rows = [row for row in super().summary() if row[0] not in parts]
        due = self.cleaned_data.get("new_due_at")
        if due is not None:
            rows.append((str(_("Ngày hẹn trả mới")), timezone.localtime(due).strftime("%H:%M %d/%m/%Y")))
        return rows


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.RECEIVE: ReceiveForm,
    Action.REFUSE: ReasonsForm,
    Action.REQUEST_SUPPLEMENT: SupplementRequestForm,
    Action.SUPPLY: SupplyForm,
    Action.FORWARD: ForwardForm,
    Action.REQUEST_PAYMENT: PaymentForm,
    Action.PAYMENT_SETTLED: PaymentSettledForm,
    Action.STOP: StopForm,
    Action.RESULT_READY: ResultReadyForm,
    Action.RETURN: ReturnForm,
    Action.APOLOGISE: ApologiseForm,
}

#: The address segment of each action (``/can-bo/ho-so/<code>/thao-tac/<slug>/``).
ACTION_SLUGS: dict[str, str] = {action: action.replace("_", "-") for action in ACTION_FORMS}
SLUG_ACTIONS: dict[str, str] = {slug: action for action, slug in ACTION_SLUGS.items()}


# --- Citizen supplement -------------------------------------------------------------------------------


class CitizenSupplyForm(UswdsFormMixin, forms.Form):
    """One file input per component the officer asked for, plus one for anything else."""

    other = MultipleFileField(label=_("Giấy tờ khác"), required=False, help_text=ACCEPTED_FILES_TEXT)
    note = forms.CharField(
        label=_("Lời nhắn cho cơ quan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )

    def __init__(self, *args: Any, documents: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.document_fields: list[str] = []
        fields = {}
        for pk, name in documents:
            key = f"doc_{pk}"
            fields[key] = MultipleFileField(label=name[:300], required=False, help_text=ACCEPTED_FILES_TEXT)
            self.document_fields.append(key)
        self.fields = {**fields, **self.fields}
        if documents:
            self.fields["other"].label = _("Giấy tờ khác")
        else:
            self.fields["other"].label = _("Giấy tờ bổ sung")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in [*self.document_fields, "other"]):
            first = self.document_fields[0] if self.document_fields else "other"
            self.add_error(first, _("Chọn ít nhất một tệp giấy tờ bổ sung."))
        return data

    def files_by_document(self) -> list[tuple[int | None, Any]]:
        items: list[tuple[int | None, Any]] = []
        for name in self.document_fields:
            items.extend((int(name.removeprefix("doc_")), f) for f in self.cleaned_data.get(name) or [])
        items.extend((None, f) for f in self.cleaned_data.get("other") or [])
        return items


# --- Desk registration (assisted) -----------------------------------------------------------------------


class RegisterForm(UswdsFormMixin, forms.Form):
    agency = forms.ChoiceField(label=_("Cơ quan tiếp nhận"))
    procedure = forms.ChoiceField(label=_("Thủ tục"))
    channel = forms.TypedChoiceField(
        label=_("Hồ sơ nộp qua"),
        coerce=int,
        choices=[(Channel.IN_PERSON, _("Trực tiếp tại bộ phận một cửa")), (Channel.POST, _("Dịch vụ bưu chính"))],
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
    )
    applicant_kind = forms.TypedChoiceField(
        label=_("Người nộp là"),
        coerce=int,
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
    )
    applicant_name = forms.CharField(
        label=_("Họ, chữ đệm và tên"),
        max_length=255,
        error_messages={"required": _("Nhập họ, chữ đệm và tên của người nộp như trên giấy tờ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    applicant_id = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế"),
        max_length=20,
        required=False,
        help_text=_(
            "Số định danh cá nhân gồm 12 chữ số. Nếu công dân đã có tài khoản, hồ sơ hiện trong tài khoản của họ."
        ),
        widget=_numeric(20, css="odvc-input--medium"),
    )
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Để gửi tin nhắn báo tình trạng hồ sơ."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "class": "odvc-input--medium"}),
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    uploads = MultipleFileField(label=_("Bản quét giấy tờ"), required=False, help_text=ACCEPTED_FILES_TEXT)
    receive_now = forms.BooleanField(
        label=_("Tiếp nhận ngay (cấp Giấy tiếp nhận và hẹn trả kết quả)"), required=False, initial=True
    )
    time_amount = forms.DecimalField(
        label=_("Thời hạn giải quyết"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(3650),
        decimal_places=2,
        help_text=_("Chỉ nhập khi danh mục chưa quy định thời hạn cho thủ tục này."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "odvc-input--short"}),
    )
    time_unit = forms.ChoiceField(label=_("Đơn vị"), required=False, choices=UNIT_CHOICES)
    consent = forms.BooleanField(
        label=_("Người nộp đồng ý để cán bộ nộp hồ sơ thay và lưu các thông tin trên để giải quyết thủ tục."),
        error_messages={"required": _("Hỏi và đánh dấu sự đồng ý của người nộp trước khi đăng ký hồ sơ.")},
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[int, str]],
        procedures: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [(str(pk), name) for pk, name in agencies]
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].initial = str(agencies[0][0])
        cast(forms.ChoiceField, self.fields["procedure"]).choices = [
            ("", _("Chọn thủ tục")),
            *[(code, f"{code} — {name[:100]}") for code, name in procedures],
        ]
        self.fields["procedure"].error_messages["required"] = _("Chọn thủ tục của hồ sơ.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("time_amount") is not None and not data.get("time_unit"):
            self.add_error("time_unit", _("Chọn đơn vị của thời hạn."))
        if data.get("applicant_kind") == ApplicantKind.CITIZEN and data.get("applicant_id"):
            digits = "".join(str(data["applicant_id"]).split())
            if not (digits.isdigit() and len(digits) == 12):
                self.add_error("applicant_id", _("Nhập số định danh cá nhân gồm 12 chữ số."))
        return data
