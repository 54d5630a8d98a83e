"""Fields as a page shows them: the value to put back in each box, its message, its options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from opendvc.accounts.models import User
from opendvc.agencies.selectors import commune_list, province_list
from opendvc.core.errors import ApiError
from opendvc.forms.inputs import date_parts
from opendvc.forms.models import DossierDraft
from opendvc.forms.schema import FieldSpec, FormSpec, PageSpec, data_get, pointer_parts
from opendvc.forms.validation import FieldError

#: Account details a field may be prefilled with (``ui.fields[pointer].prefill``).
SEX_VALUES = {"male": "nam", "female": "nu"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass(frozen=True)
class Cell:
    column: FieldSpec
    id: str
    name: str
    label: str
    value: str
    error: str


@dataclass
class FieldView:
    spec: FieldSpec
    label: str
    hint: str
    value: str = ""
    parts: Mapping[str, str] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    error: str = ""
    commune_source: str = ""
    commune_target: str = ""

    @property
    def describedby(self) -> str:
        ids = []
        if self.hint or self.spec.kind == "date":
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def id(self) -> str:
        return self.spec.html_id

    @property
    def widget(self) -> str:
        return self.spec.widget

    @property
    def optional(self) -> bool:
        return not self.spec.required

    @property
    def max_length(self) -> int | None:
        value = self.spec.schema.get("maxLength")
        return int(value) if isinstance(value, int) else None

    @property
    def autocomplete(self) -> str:
        return str(self.spec.ui.get("autocomplete", ""))

    @property
    def width_class(self) -> str:
        widths = {"personal_id": "usa-input--lg", "phone": "usa-input--lg", "tax_code": "usa-input--lg"}
        widths |= {"integer": "usa-input--sm", "number": "usa-input--md"}
        return widths.get(self.spec.kind, "")


def error_anchor(spec: FormSpec, pointer: str) -> str:
    """The id of the box an error message links to."""
    owner, column = spec.field_for(pointer)
    if owner is None:
        return "main-content"
    if column is not None:
        parts = pointer_parts(pointer)
        index = parts[len(owner.path)] if len(parts) > len(owner.path) else "0"
        return f"{owner.html_id}-{index}-{column.key}"
    return owner.input_id


POPULATION_SOURCES = frozenset({"full_name", "personal_id", "birth_date", "sex"})


def population_offer(page: PageSpec, user: User) -> bool:
    """Offer to fill the page from the population database: the page asks for the person's own
    details and the account has a personal ID to look up (Decree 59/2022/NĐ-CP, Art. 17 — data the
    State already holds is not asked again)."""
    return bool(getattr(user, "personal_id", "")) and any(
        f.ui.get("prefill") in POPULATION_SOURCES for f in page.fields
    )


def account_prefill(spec: FieldSpec, user: User) -> Any:
    """What the account already says for a field marked ``ui.prefill``, as the form stores it."""
    source = spec.ui.get("prefill")
    if source == "birth_date":
        return user.birth_date.isoformat() if user.birth_date else None
    if source == "sex":
        return SEX_VALUES.get(user.sex or "")
    if source in {"full_name", "personal_id", "phone", "email"}:
        return getattr(user, str(source), "") or None
    return None


def page_is_fresh(draft: DossierDraft, page: PageSpec) -> bool:
    """Nothing saved or typed on the page yet: the account's details may be offered."""
    return (
        all(data_get(draft.form_data, f.path) is None and f.pointer not in draft.typed for f in page.fields)
        and f"page:{page.id}" not in draft.completed
    )


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def field_views(
    *,
    spec: FormSpec,
    page: PageSpec,
    draft: DossierDraft,
    user: User,
    language: str,
    errors: Sequence[FieldError] = (),
    typed: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> list[FieldView]:
    """The page's fields with what to show in them: what was just typed, else what was saved,
    else (on a page never filled in) the account's details."""
    typed = draft.typed if typed is None else typed
    data = draft.form_data if data is None else data
    fresh = page_is_fresh(draft, page)
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(error.pointer, error.message(language))
    views = []
    for field_spec in page.fields:
        if field_spec.pointer in typed:
            value: Any = typed[field_spec.pointer]
        else:
            value = data_get(data, field_spec.path)
            if value is None and fresh:
                value = account_prefill(field_spec, user)
            if value is None and fresh and field_spec.required:
                # Only for answers that must be given: a default in an optional section would start it.
                value = field_spec.schema.get("default")
        view = FieldView(
            spec=field_spec,
            label=field_spec.label(language),
            hint=field_spec.hint_text(language),
            error=messages.get(field_spec.pointer, ""),
        )
        if field_spec.kind == "date":
            view.parts = date_parts(value)
        elif field_spec.kind == "rows":
            view.rows = _rows(field_spec, value, messages, language)
            if not view.error:
                view.error = next((m for p, m in messages.items() if p.startswith(field_spec.pointer + "/")), "")
        else:
            view.value = _text_value(value)
        if field_spec.kind in {"choice", "boolean"}:
            view.choices = _choices(field_spec, view.value, language)
        elif field_spec.kind == "province":
            view.choices = [
                Choice(unit.code, unit.name, unit.code == view.value, "")
                for unit in province_list().only("code", "name")
            ]
        elif field_spec.kind == "commune":
            province_spec = spec.fields.get(field_spec.province)
            province = ""
            if province_spec is not None:
                province = _text_value(
                    typed.get(province_spec.pointer)
                    if province_spec.pointer in typed
                    else data_get(data, province_spec.path)
                )
                view.commune_source = province_spec.html_id
            view.choices = commune_choices(province, view.value)
        views.append(view)
    for view in views:
        if view.commune_source:
            source = next((v for v in views if v.id == view.commune_source), None)
            if source is not None:
                source.commune_target = view.id
    return views


def commune_choices(province: str, selected: str) -> list[Choice]:
    if not province:
        return []
    try:
        units = commune_list(province_code=province)
        return [Choice(unit.code, unit.name, unit.code == selected, "") for unit in units]
    except ApiError:
        return []


def _choices(field_spec: FieldSpec, selected: str, language: str) -> list[Choice]:
    if field_spec.kind == "boolean":
        options = [("true", _("Có")), ("false", _("Không"))]
    else:
        options = [(_text_value(o.value), o.text(language)) for o in field_spec.options]
    return [
        Choice(value, label, value == selected, f"{field_spec.html_id}-{index}")
        for index, (value, label) in enumerate(options)
    ]


def _rows(field_spec: FieldSpec, value: Any, messages: Mapping[str, str], language: str) -> list[list[Cell]]:
    rows = value if isinstance(value, list) else []
    count = max(field_spec.rows, len(rows))
    table = []
    for index in range(count):
        row = rows[index] if index < len(rows) and isinstance(rows[index], Mapping) else {}
        table.append(
            [
                Cell(
                    column=column,
                    id=f"{field_spec.html_id}-{index}-{column.key}",
                    name=f"{field_spec.html_id}-{index}-{column.key}",
                    label=column.label(language),
                    value=_text_value(row.get(column.key)),
                    error=messages.get(f"{field_spec.pointer}/{index}/{column.key}", ""),
                )
                for column in field_spec.columns
            ]
        )
    return table
