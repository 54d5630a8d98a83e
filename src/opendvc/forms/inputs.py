"""What a person typed on one page, read into form data.

Dates come as three boxes (Ngày / Tháng / Năm) and are stored as ISO ``yyyy-mm-dd``; numbers accept
the Vietnamese decimal comma and thousands dots; names keep every diacritic (NFC) with spaces tidied.
Whatever cannot be read is kept as typed, with a message, so the page shows it back unchanged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from opendvc.accounts.services import phone_normalise
from opendvc.core.codes import CodeError
from opendvc.forms.schema import FieldSpec, PageSpec
from opendvc.forms.validation import FieldError, date_error, number_error

DATE_PARTS = ("day", "month", "year")


@dataclass
class PageInput:
    """The page's answers (``None`` = not given), what was typed for each field, and what could not be read."""

    values: dict[str, Any] = field(default_factory=dict)
    typed: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def _text(raw: str) -> str:
    return unicodedata.normalize("NFC", " ".join(raw.split()))


def _number(raw: str, *, integer: bool) -> int | float | None:
    value = raw.strip().replace(" ", "")
    if integer or "," in value:
        # Vietnamese numbers: dots group thousands, a comma starts the decimals (1.250,5).
        value = value.replace(".", "").replace(",", ".")
    try:
        number = int(value) if integer else float(value)
    except ValueError:
        return None
    if not integer and float(number).is_integer():
        return int(number)
    return number


def date_from_parts(parts: Mapping[str, str]) -> tuple[str | None, bool]:
    """``(ISO date or None, ok)``: three empty boxes are no answer; anything else must be a real date."""
    typed = {part: (parts.get(part) or "").strip() for part in DATE_PARTS}
    if not any(typed.values()):
        return None, True
    try:
        day, month, year = (int(typed[part]) for part in DATE_PARTS)
        if len(typed["year"]) != 4:
            raise ValueError("year")
        return date(year, month, day).isoformat(), True
    except ValueError:
        return None, False


def date_parts(value: Any) -> dict[str, str]:
    """An ISO date as the three boxes show it (``2026-03-07`` → 7, 3, 2026)."""
    if isinstance(value, Mapping):
        return {part: str(value.get(part, "")) for part in DATE_PARTS}
    if isinstance(value, str) and len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return {part: "" for part in DATE_PARTS}
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    return {part: "" for part in DATE_PARTS}


def _scalar(field: FieldSpec, raw: str) -> tuple[Any, bool]:
    """``(value, ok)`` for a one-box answer; an empty box is ``(None, True)``."""
    kind = field.kind
    if kind in {"textarea"}:
        value = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").strip())
        return (value or None), True
    if kind == "confirm":
        return (True if raw == "true" else None), True
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw), True
    raw = raw.strip()
    if not raw:
        return None, True
    if kind in {"integer", "number"}:
        number = _number(raw, integer=kind == "integer")
        return (number, True) if number is not None else (None, False)
    if kind == "personal_id":
        return "".join(raw.split()), True
    if kind == "phone":
        try:
            return phone_normalise(raw), True
        except CodeError:
            return raw, True
    if kind == "choice":
        for option in field.options:
            if str(option.value) == raw:
                return option.value, True
        return raw, True
    if kind in {"email", "tax_code", "province", "commune"}:
        return raw, True
    return _text(raw), True


def page_input_parse(page: PageSpec, post: Mapping[str, Any]) -> PageInput:
    """Read the page's boxes from a POST (``QueryDict`` or a plain mapping of strings)."""
    result = PageInput()
    for spec in page.fields:
        name = spec.html_id
        if spec.kind == "date":
            parts = {part: str(post.get(f"{name}-{part}", "")) for part in DATE_PARTS}
            value, ok = date_from_parts(parts)
            result.typed[spec.pointer] = parts
            if not ok:
                result.errors.append(date_error(spec.pointer, spec))
            result.values[spec.pointer] = value
        elif spec.kind == "rows":
            rows: list[dict[str, Any]] = []
            typed_rows: list[dict[str, str]] = []
            for index in range(spec.rows):
                typed_row = {c.key: str(post.get(f"{name}-{index}-{c.key}", "")) for c in spec.columns}
                typed_rows.append(typed_row)
                row: dict[str, Any] = {}
                for column in spec.columns:
                    value, ok = _scalar(column, typed_row[column.key])
                    if not ok:
                        result.errors.append(number_error(f"{spec.pointer}/{len(rows)}/{column.key}", column))
                    if value is not None:
                        row[column.key] = value
                if any(v.strip() for v in typed_row.values()):
                    rows.append(row)
            result.typed[spec.pointer] = typed_rows
            result.values[spec.pointer] = rows or None
        else:
            raw = str(post.get(name, ""))
            value, ok = _scalar(spec, raw)
            result.typed[spec.pointer] = raw
            if not ok:
                result.errors.append(number_error(spec.pointer, spec))
            result.values[spec.pointer] = value
    return result
