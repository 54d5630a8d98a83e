"""Validation of form data against a procedure version's form, with a message per field saying how to fix it.

The JSON Schema (Draft 2020-12, checked with ``jsonschema``) gives the structure; formats that the
standard does not know are checked here: the personal identification number (Circular 59/2021/TT-BCA,
Art. 7), Vietnamese mobile numbers, tax codes, and dates stored as ISO ``yyyy-mm-dd`` (people type
them as Ngày / Tháng / Năm). The cross-checks the form names in ``ui.checks`` come after: a personal
ID against the birth date and sex given with it, two dates in order, a minimum age.

:func:`form_data_validate` is the dossiers app's ``DOSSIER_FORM_VALIDATOR``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError as SchemaValidationError

from opendvc.accounts.services import email_normalise, phone_normalise, tax_code_clean
from opendvc.agencies.selectors import place_names
from opendvc.core.codes import CodeError, parse_personal_id
from opendvc.core.errors import ApiError
from opendvc.forms.schema import FieldSpec, FormSpec, data_get, pointer_parts, to_pointer

if TYPE_CHECKING:
    from opendvc.catalog.models import ProcedureVersion

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date")
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(ISO_DATE.match(value)) and _iso_date(value) is not None


@FORMAT_CHECKER.checks("vn-personal-id", raises=CodeError)
def _is_personal_id(value: object) -> bool:
    return not isinstance(value, str) or bool(parse_personal_id(value))


@FORMAT_CHECKER.checks("vn-phone", raises=CodeError)
def _is_phone(value: object) -> bool:
    return not isinstance(value, str) or bool(phone_normalise(value))


@FORMAT_CHECKER.checks("vn-tax-code", raises=CodeError)
def _is_tax_code(value: object) -> bool:
    return not isinstance(value, str) or bool(tax_code_clean(value))


@FORMAT_CHECKER.checks("email", raises=CodeError)
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(email_normalise(value))


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class FieldError:
    pointer: str
    message_vi: str
    message_en: str

    def message(self, language: str) -> str:
        return self.message_en if language.startswith("en") else self.message_vi

    def as_detail(self) -> dict[str, str]:
        return {"field": self.pointer, "message_vi": self.message_vi, "message_en": self.message_en}


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _names(field: FieldSpec) -> tuple[str, str]:
    return _lower_first(field.title), _lower_first(field.title_en or field.title)


def _choose(field: FieldSpec) -> bool:
    return field.kind in {"choice", "boolean", "province", "commune"}


def required_error(pointer: str, field: FieldSpec) -> FieldError:
    vi, en = _names(field)
    custom = field.ui.get("required_message")
    if isinstance(custom, Mapping):
        return FieldError(pointer, str(custom.get("vi", "")), str(custom.get("en", custom.get("vi", ""))))
    if field.kind == "confirm":
        return FieldError(pointer, f"Đánh dấu vào ô «{field.title}» để tiếp tục.", f"Tick “{en}” to continue.")
    if _choose(field):
        return FieldError(pointer, f"Chọn {vi}.", f"Choose the {en}.")
    return FieldError(pointer, f"Nhập {vi}.", f"Enter the {en}.")


def date_error(pointer: str, field: FieldSpec) -> FieldError:
    _, en = _names(field)
    return FieldError(
        pointer,
        f"{field.title} phải là một ngày có thật, nhập đủ ngày, tháng, năm, ví dụ 27 3 2026.",
        f"The {en} must be a real date: enter the day, month and year, e.g. 27 3 2026.",
    )


def number_error(pointer: str, field: FieldSpec) -> FieldError:
    vi, en = _names(field)
    return FieldError(pointer, f"Nhập {vi} bằng chữ số, ví dụ 2.", f"Enter the {en} as a number, e.g. 2.")


_FORMAT_MESSAGES: dict[str, tuple[str, str]] = {
    "vn-personal-id": (
        "Nhập số định danh cá nhân gồm 12 chữ số, ví dụ 079090001234.",
        "Enter a 12-digit personal identification number, e.g. 079090001234.",
    ),
    "vn-phone": (
        "Nhập số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09, ví dụ 0912345678.",
        "Enter a 10-digit Vietnamese mobile number starting with 03, 05, 07, 08 or 09, e.g. 0912345678.",
    ),
    "vn-tax-code": (
        "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (ví dụ 0312345673-001).",
        "A tax code is 10 digits, or 10 digits, a hyphen and 3 digits (e.g. 0312345673-001).",
    ),
    "email": (
        "Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com.",
        "Enter an e-mail address in the right form, e.g. name@example.com.",
    ),
}


def _explain(error: SchemaValidationError, field: FieldSpec, pointer: str) -> FieldError:
    """The message for one schema error on one field, in words that say how to put it right."""
    vi, en = _names(field)
    custom = field.ui.get("error", field.schema.get("x-error"))
    validator = str(error.validator)
    value = error.validator_value
    if isinstance(custom, Mapping) and validator == "pattern":
        return FieldError(pointer, str(custom.get("vi", "")), str(custom.get("en", custom.get("vi", ""))))
    if validator == "format":
        if value == "date":
            return date_error(pointer, field)
        message_vi, message_en = _FORMAT_MESSAGES.get(
            str(value), (f"{field.title} chưa đúng định dạng.", f"The {en} is not in the right form.")
        )
        return FieldError(pointer, message_vi, message_en)
    if validator in {"enum", "const", "oneOf", "anyOf"}:
        if field.kind == "confirm":
            return required_error(pointer, field)
        return FieldError(pointer, f"Chọn {vi} trong danh sách.", f"Choose the {en} from the list.")
    if validator == "maxLength":
        return FieldError(
            pointer, f"{field.title} dài tối đa {value} ký tự.", f"The {en} has at most {value} characters."
        )
    if validator == "minLength":
        if error.instance == "":
            return required_error(pointer, field)
        return FieldError(
            pointer, f"{field.title} cần ít nhất {value} ký tự.", f"The {en} needs at least {value} characters."
        )
    if validator in {"minimum", "exclusiveMinimum"}:
        return FieldError(pointer, f"{field.title} phải từ {value} trở lên.", f"The {en} must be at least {value}.")
    if validator in {"maximum", "exclusiveMaximum"}:
        return FieldError(pointer, f"{field.title} không được quá {value}.", f"The {en} must be at most {value}.")
    if validator == "maxItems":
        return FieldError(pointer, f"Khai tối đa {value} dòng.", f"Give at most {value} rows.")
    if validator == "minItems":
        return FieldError(pointer, f"Khai ít nhất {value} dòng.", f"Give at least {value} rows.")
    if validator == "type" and field.kind in {"integer", "number"}:
        return number_error(pointer, field)
    if validator == "pattern":
        return FieldError(pointer, f"{field.title} chưa đúng định dạng.", f"The {en} is not in the right form.")
    return FieldError(pointer, f"Kiểm tra lại {vi}.", f"Check the {en}.")


def _leaf_for(spec: FormSpec, pointer: str) -> tuple[FieldSpec | None, str]:
    """The field (or table column) an error pointer names, and the pointer to report."""
    field, column = spec.field_for(pointer)
    return (column or field), pointer


def _required_leaves(spec: FormSpec, object_pointer: str) -> list[str]:
    """Fields under a missing object that its schema requires, so each gets its own message."""
    prefix = object_pointer + "/"
    depth = len(pointer_parts(object_pointer))
    wanted = []
    for pointer, field in spec.fields.items():
        if not pointer.startswith(prefix):
            continue
        node: Any = spec.schema
        required = True
        for part in field.path[:depth]:
            node = _resolve(spec, node).get("properties", {}).get(part, {})
        for part in field.path[depth:]:
            resolved = _resolve(spec, node)
            if part not in resolved.get("required", []):
                required = False
                break
            node = resolved.get("properties", {}).get(part, {})
        if required:
            wanted.append(pointer)
    return wanted


def _resolve(spec: FormSpec, node: Any) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        return {}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = _resolve(spec, spec.schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}))
        target.update({k: v for k, v in node.items() if k != "$ref"})
        return target
    return dict(node)


def _schema_errors(spec: FormSpec, data: Any) -> Iterable[FieldError]:
    for error in spec.validator.iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, Mapping):
            for name in error.validator_value:
                if name in error.instance:
                    continue
                pointer = to_pointer([*path, name])
                if pointer in spec.fields:
                    yield required_error(pointer, spec.fields[pointer])
                    continue
                field, column = spec.field_for(pointer)
                if column is not None:
                    yield required_error(pointer, column)
                    continue
                inner = _required_leaves(spec, pointer)
                for leaf_pointer in inner:
                    yield required_error(leaf_pointer, spec.fields[leaf_pointer])
                if not inner and field is not None:
                    yield required_error(pointer, field)
            continue
        if error.validator in {"additionalProperties", "unevaluatedProperties"} and isinstance(error.instance, Mapping):
            known = set(_resolve(spec, error.schema).get("properties", {}))
            for name in error.instance:
                if name not in known:
                    pointer = to_pointer([*path, name])
                    yield FieldError(
                        pointer,
                        f"Tờ khai không có mục «{name}»; hãy bỏ mục này.",
                        f"The form has no item “{name}”; remove it.",
                    )
            continue
        pointer = to_pointer(path)
        leaf, _ = _leaf_for(spec, pointer)
        if leaf is None:
            yield FieldError(
                pointer or "/",
                "Dữ liệu tờ khai không đúng cấu trúc của tờ khai.",
                "The form data does not have the form's structure.",
            )
            continue
        yield _explain(error, leaf, pointer)


def _today() -> date:
    return timezone.localdate()


def _custom_errors(spec: FormSpec, data: Any, failed: set[str]) -> Iterable[FieldError]:
    """Checks beyond JSON Schema, run only on answers that passed it."""
    today = _today()
    places = PlaceBook()
    for pointer, field in spec.fields.items():
        if pointer in failed:
            continue
        value = data_get(data, field.path)
        if value is None:
            continue
        if field.kind == "date" and field.ui.get("not_future") and (day := _iso_date(value)) and day > today:
            yield FieldError(
                pointer,
                f"{field.title} không thể sau ngày hôm nay ({today:%d/%m/%Y}).",
                f"The {_names(field)[1]} cannot be after today ({today:%d/%m/%Y}).",
            )
        if field.kind == "province" and places.province_name(str(value)) is None:
            yield FieldError(
                pointer, "Chọn tỉnh, thành phố trong danh sách.", "Choose the province or city from the list."
            )
        if field.kind == "commune":
            province_field = spec.fields.get(field.province)
            province = data_get(data, province_field.path) if province_field else None
            if province is not None and places.commune_name(str(value), province=str(province)) is None:
                yield FieldError(
                    pointer,
                    "Chọn xã, phường, đặc khu thuộc tỉnh, thành phố đã chọn.",
                    "Choose a commune or ward of the chosen province.",
                )
    for check in spec.checks:
        yield from _check(spec, check, data, failed, today)


class PlaceBook:
    """The official names of the provinces and communes a form's answers may name."""

    def __init__(self) -> None:
        self._names = place_names()

    def province_name(self, code: str) -> str | None:
        return self._names.provinces.get(code)

    def commune_name(self, code: str, *, province: str) -> str | None:
        return self._names.communes.get((province, code))


def _value(spec: FormSpec, data: Any, pointer: Any) -> Any:
    field = spec.fields.get(str(pointer)) if pointer else None
    return data_get(data, field.path) if field else None


def _check(spec: FormSpec, check: Mapping[str, Any], data: Any, failed: set[str], today: date) -> Iterable[FieldError]:
    kind = check.get("type")
    if kind == "personal_id":
        pointer = str(check["id"])
        number = _value(spec, data, pointer)
        if pointer in failed or not isinstance(number, str):
            return
        try:
            parsed = parse_personal_id(number)
        except CodeError:
            return
        born = _iso_date(_value(spec, data, check.get("birth_date")))
        if born is not None and born.year != parsed.birth_year:
            yield FieldError(
                pointer,
                f"Số định danh cá nhân không khớp với năm sinh {born.year}: chữ số thứ 4 đến 6 cho biết năm sinh. "
                "Kiểm tra lại số định danh hoặc ngày sinh.",
                f"The personal ID does not match the birth year {born.year} (digits 4 to 6 give the birth year). "
                "Check the ID or the date of birth.",
            )
        sex = _value(spec, data, check.get("sex")) if check.get("sex") else check.get("sex_is")
        female = {str(check.get("female", "nu")), "female"}
        male = {str(check.get("male", "nam")), "male"}
        if (sex in female and not parsed.is_female) or (sex in male and parsed.is_female):
            said_vi, said_en = ("nữ", "female") if sex in female else ("nam", "male")
            yield FieldError(
                pointer,
                f"Số định danh cá nhân không khớp với giới tính {said_vi}: chữ số thứ 4 là số chẵn với nam, "
                "số lẻ với nữ. Kiểm tra lại số định danh hoặc giới tính.",
                f"The personal ID does not match the sex {said_en} (the 4th digit is even for men, odd for women). "
                "Check the ID or the sex.",
            )
    elif kind == "date_order":
        earlier = _iso_date(_value(spec, data, check.get("earlier")))
        later = _iso_date(_value(spec, data, check.get("later")))
        pointer = str(check.get("report", check.get("later")))
        if earlier and later and earlier > later and pointer not in failed:
            yield FieldError(pointer, str(check.get("message_vi", "")), str(check.get("message_en", "")))
    elif kind == "min_age":
        pointer = str(check["birth_date"])
        born = _iso_date(_value(spec, data, pointer))
        on = _iso_date(_value(spec, data, check.get("on"))) if check.get("on") else today
        years = int(check.get("years", 18))
        if born and on and pointer not in failed and _age(born, on) < years:
            yield FieldError(pointer, str(check.get("message_vi", "")), str(check.get("message_en", "")))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def form_errors(*, spec: FormSpec, data: Any) -> list[FieldError]:
    """Every problem of the data, one per field, in the order of the form's pages."""
    found: dict[str, FieldError] = {}
    for error in _schema_errors(spec, data):
        found.setdefault(error.pointer, error)
    if isinstance(data, Mapping):
        failed = set(found)
        for pointer in found:
            field, _ = spec.field_for(pointer)
            if field is not None:
                failed.add(field.pointer)
        for error in _custom_errors(spec, data, failed):
            found.setdefault(error.pointer, error)
    return sorted(found.values(), key=lambda e: (spec.order(e.pointer), e.pointer))


def form_invalid(errors: list[FieldError]) -> ApiError:
    count = len(errors)
    first = errors[0]
    return ApiError(
        "form_invalid",
        f"Tờ khai còn {count} chỗ cần sửa. {first.message_vi}",
        f"The form has {count} answer(s) to correct. {first.message_en}",
        status=422,
        details=[error.as_detail() for error in errors],
    )


def form_data_validate(*, version: ProcedureVersion, data: Any, form_version: str = "") -> None:
    """Validate ``form_data`` for a dossier of ``version`` (the dossiers app's ``DOSSIER_FORM_VALIDATOR``).

    A version without an online form accepts any data. An empty ``data`` with no ``form_version`` is
    a dossier whose form was filled on paper (registered at the desk) and is accepted. A
    ``form_version`` other than the current form's is ``form_version_stale``; otherwise the data must
    satisfy the form (``form_invalid`` with one detail per field).
    """
    from opendvc.catalog.memo import catalog_memo
    from opendvc.forms.selectors import procedure_form_for_version

    form = catalog_memo("procedure_form", version.pk, lambda: procedure_form_for_version(version=version))
    if form is None:
        return
    if form_version and form_version != form.label:
        raise ApiError(
            "form_version_stale",
            f"Tờ khai đã được cập nhật (phiên bản {form.label}); hãy mở lại hồ sơ đang soạn để kiểm tra "
            "thông tin trước khi nộp.",
            f"The form has been updated (version {form.label}); open your application again and check it "
            "before submitting.",
            status=409,
        )
    if not data and not form_version:
        return
    errors = form_errors(spec=form.spec, data=data)
    if errors:
        raise form_invalid(errors)
