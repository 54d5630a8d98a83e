"""A procedure's form read as pages of fields.

A form is two JSON documents (see ``docs/forms.md``):

* ``schema`` — a JSON Schema (Draft 2020-12) of the data the applicant gives; it is what the server
  validates. Labels are the schema's ``title``, hints its ``description``; the English texts are the
  extension keywords ``x-title-en`` and ``x-description-en``. Local ``$ref`` to ``#/$defs/...`` is
  followed, with the referring node's own keywords (a more precise ``title``) taking precedence.
* ``ui`` — how the data is asked: ``pages`` (one topic each: ``id``, ``title`` as the question,
  ``fields`` as JSON pointers, ``hint``), per-field hints under ``fields`` (widget, prefill from the
  account, the province a commune belongs to, "not in the future"), cross-checks under ``checks``,
  the documents to upload under ``documents`` and the applicant's contact fields under ``contact``.

:func:`form_spec` turns both into a :class:`FormSpec` and refuses a definition whose pages do not
cover the schema's fields exactly, so every answer the schema can require has a page to give it.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
PAGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

FORMAT_KINDS = {
    "date": "date",
    "email": "email",
    "vn-personal-id": "personal_id",
    "vn-phone": "phone",
    "vn-tax-code": "tax_code",
}
WIDGETS = frozenset(
    {
        "text",
        "textarea",
        "date",
        "choice",
        "select",
        "boolean",
        "confirm",
        "integer",
        "number",
        "personal_id",
        "phone",
        "email",
        "tax_code",
        "province",
        "commune",
        "rows",
    }
)
PREFILLS = frozenset({"full_name", "personal_id", "birth_date", "sex", "phone", "email"})
CHECKS = frozenset({"personal_id", "date_order", "min_age"})
#: Radios up to this many options, a select above.
RADIO_MAX = 7


class FormDefinitionError(ValueError):
    """The schema or the presentation hints are not a usable form; ``problems`` says what to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    value: Any
    label: str
    label_en: str

    def text(self, language: str) -> str:
        return self.label_en if language.startswith("en") and self.label_en else self.label


@dataclass(frozen=True)
class FieldSpec:
    """One answer: where it lives in the data (``pointer``), how it is asked and whether it must be given."""

    pointer: str
    path: tuple[str, ...]
    schema: Mapping[str, Any]
    kind: str
    required: bool
    title: str
    title_en: str = ""
    hint: str = ""
    hint_en: str = ""
    options: tuple[Option, ...] = ()
    ui: Mapping[str, Any] = field(default_factory=dict)
    columns: tuple[FieldSpec, ...] = ()
    rows: int = 0
    province: str = ""

    @property
    def key(self) -> str:
        return self.path[-1]

    @property
    def html_id(self) -> str:
        return "f-" + "-".join(self.path)

    @property
    def input_id(self) -> str:
        """The element an error links to: the day of a date, the first choice, the first cell of a table."""
        if self.kind == "date":
            return f"{self.html_id}-day"
        if self.kind in {"choice", "boolean"} and self.widget != "select":
            return f"{self.html_id}-0"
        if self.kind == "rows" and self.columns:
            return f"{self.html_id}-0-{self.columns[0].key}"
        return self.html_id

    @property
    def widget(self) -> str:
        if self.kind == "choice" and (self.ui.get("widget") == "select" or len(self.options) > RADIO_MAX):
            return "select"
        return self.kind

    def label(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def hint_text(self, language: str) -> str:
        return self.hint_en if language.startswith("en") and self.hint_en else self.hint

    def option_label(self, value: Any, language: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.text(language)
        return str(value)


@dataclass(frozen=True)
class PageSpec:
    id: str
    title: str
    title_en: str
    hint: str
    hint_en: str
    fields: tuple[FieldSpec, ...]

    def heading(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def hint_text(self, language: str) -> str:
        return self.hint_en if language.startswith("en") and self.hint_en else self.hint

    @property
    def pointers(self) -> frozenset[str]:
        return frozenset(f.pointer for f in self.fields)


@dataclass(frozen=True)
class DocumentSpec:
    """A component of the dossier to upload, found in the catalogue by the start of its name."""

    match: str
    title: str
    title_en: str = ""
    hint: str = ""
    hint_en: str = ""
    group: str = ""
    required: bool = False

    def heading(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def hint_text(self, language: str) -> str:
        return self.hint_en if language.startswith("en") and self.hint_en else self.hint


@dataclass(frozen=True)
class FormSpec:
    schema: Mapping[str, Any]
    pages: tuple[PageSpec, ...]
    fields: Mapping[str, FieldSpec]
    documents: tuple[DocumentSpec, ...] | None
    checks: tuple[Mapping[str, Any], ...]
    contact: Mapping[str, str]

    @cached_property
    def validator(self) -> Draft202012Validator:
        """The schema's validator, built once per form definition (the spec itself is kept per process)."""
        from opendvc.forms.validation import FORMAT_CHECKER

        return Draft202012Validator(self.schema, format_checker=FORMAT_CHECKER)

    def page(self, page_id: str) -> PageSpec | None:
        return next((page for page in self.pages if page.id == page_id), None)

    def page_of(self, pointer: str) -> PageSpec | None:
        return next((page for page in self.pages if pointer in page.pointers), None)

    def field_for(self, pointer: str) -> tuple[FieldSpec | None, FieldSpec | None]:
        """The field an error pointer falls in, and the column for a table's cell (``/rows/0/year``)."""
        parts = pointer_parts(pointer)
        for length in range(len(parts), 0, -1):
            spec = self.fields.get(to_pointer(parts[:length]))
            if spec is None:
                continue
            column = None
            if spec.kind == "rows" and len(parts) > length + 1:
                column = next((c for c in spec.columns if c.key == parts[length + 1]), None)
            return spec, column
        return None, None

    def order(self, pointer: str) -> int:
        """Where a field comes in the form, for listing errors in the order people meet them."""
        spec, _ = self.field_for(pointer)
        keys = list(self.fields)
        return keys.index(spec.pointer) if spec is not None else len(keys)


def to_pointer(parts: Any) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _text(node: Mapping[str, Any], key: str) -> str:
    value = node.get(key, "")
    return value if isinstance(value, str) else ""


class _Reader:
    def __init__(self, schema: Mapping[str, Any], ui: Mapping[str, Any]) -> None:
        self.schema = schema
        self.defs = schema.get("$defs", {}) if isinstance(schema.get("$defs", {}), Mapping) else {}
        self.ui_fields = ui.get("fields", {}) if isinstance(ui.get("fields", {}), Mapping) else {}
        self.problems: list[str] = []

    def resolve(self, node: Any, depth: int = 0) -> dict[str, Any]:
        if not isinstance(node, Mapping):
            return {}
        ref = node.get("$ref")
        if ref is None:
            return dict(node)
        if depth > 10 or not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            self.problems.append(f"chỉ dùng được $ref tới #/$defs/… ({ref!r})")
            return {k: v for k, v in node.items() if k != "$ref"}
        target = self.defs.get(ref.removeprefix("#/$defs/"))
        if target is None:
            self.problems.append(f"không có định nghĩa {ref}")
        resolved = self.resolve(target, depth + 1)
        resolved.update({k: v for k, v in node.items() if k != "$ref"})
        return resolved

    def leaves(self, node: Any, path: tuple[str, ...], required: bool) -> Iterator[FieldSpec]:
        resolved = self.resolve(node)
        properties = resolved.get("properties")
        pointer = to_pointer(path)
        if resolved.get("type") == "object" and isinstance(properties, Mapping) and pointer not in self.ui_fields:
            needed = set(resolved.get("required", []))
            for key, child in properties.items():
                if not KEY.match(str(key)):
                    self.problems.append(f"tên trường «{key}» chỉ gồm chữ thường không dấu, chữ số và dấu _")
                yield from self.leaves(child, (*path, str(key)), required and key in needed)
            return
        yield self.leaf(resolved, path, required)

    def leaf(self, node: dict[str, Any], path: tuple[str, ...], required: bool) -> FieldSpec:
        pointer = to_pointer(path)
        ui = self.ui_fields.get(pointer, {})
        if not isinstance(ui, Mapping):
            ui = {}
        kind = self.kind(node, ui, pointer)
        options = self.options(node)
        if kind == "choice" and not options:
            self.problems.append(f"{pointer}: lựa chọn cần enum hoặc oneOf với const")
        columns: tuple[FieldSpec, ...] = ()
        rows = 0
        if kind == "rows":
            items = self.resolve(node.get("items", {}))
            needed = set(items.get("required", []))
            columns = tuple(
                self.leaf(self.resolve(child), (*path, str(key)), key in needed)
                for key, child in (items.get("properties") or {}).items()
            )
            if not columns or any(c.kind in {"rows", "province", "commune"} for c in columns):
                self.problems.append(f"{pointer}: bảng cần items là object với các cột đơn giản")
            rows = int(ui.get("rows", node.get("maxItems", 3)) or 3)
        province = ""
        if kind == "commune":
            province = str(ui.get("province") or to_pointer((*path[:-1], "tinh")))
        return FieldSpec(
            province=province,
            pointer=pointer,
            path=path,
            schema=node,
            kind=kind,
            required=required,
            title=_text(node, "title") or path[-1],
            title_en=_text(node, "x-title-en"),
            hint=_text(ui, "hint") or _text(node, "description"),
            hint_en=_text(ui, "hint_en") or _text(node, "x-description-en"),
            options=options,
            ui=ui,
            columns=columns,
            rows=rows,
        )

    def kind(self, node: Mapping[str, Any], ui: Mapping[str, Any], pointer: str) -> str:
        widget = ui.get("widget", node.get("x-widget"))
        if widget is not None:
            if widget not in WIDGETS:
                self.problems.append(f"{pointer}: không có kiểu nhập «{widget}»")
            return "choice" if widget == "select" else str(widget)
        kind_of_type = {"boolean": "boolean", "integer": "integer", "number": "number", "array": "rows"}
        node_type = node.get("type")
        if node_type == "boolean" and node.get("const") is True:
            return "confirm"
        if node_type in kind_of_type:
            return kind_of_type[str(node_type)]
        if "enum" in node or "oneOf" in node:
            return "choice"
        if node.get("format") in FORMAT_KINDS:
            return FORMAT_KINDS[str(node["format"])]
        if int(node.get("maxLength", 0) or 0) > 200:
            return "textarea"
        return "text"

    def options(self, node: Mapping[str, Any]) -> tuple[Option, ...]:
        if isinstance(node.get("enum"), list):
            return tuple(Option(value, str(value), "") for value in node["enum"])
        if isinstance(node.get("oneOf"), list):
            return tuple(
                Option(option["const"], _text(option, "title") or str(option["const"]), _text(option, "x-title-en"))
                for option in (self.resolve(o) for o in node["oneOf"])
                if "const" in option
            )
        return ()


def _documents(ui: Mapping[str, Any], problems: list[str]) -> tuple[DocumentSpec, ...] | None:
    raw = ui.get("documents")
    if raw is None:
        return None
    if not isinstance(raw, list):
        problems.append("ui.documents phải là một danh sách")
        return ()
    documents = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping) or not _text(item, "match") or not _text(item, "title"):
            problems.append(f"ui.documents[{index}] cần «match» và «title»")
            continue
        documents.append(
            DocumentSpec(
                match=_text(item, "match"),
                title=_text(item, "title"),
                title_en=_text(item, "title_en"),
                hint=_text(item, "hint"),
                hint_en=_text(item, "hint_en"),
                group=_text(item, "group"),
                required=bool(item.get("required", False)),
            )
        )
    return tuple(documents)


def _check_checks(checks: Any, fields: Mapping[str, FieldSpec], problems: list[str]) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(checks, list):
        problems.append("ui.checks phải là một danh sách")
        return ()
    pointer_keys = {
        "personal_id": ("id", "birth_date", "sex"),
        "date_order": ("earlier", "later"),
        "min_age": ("birth_date", "on"),
    }
    for index, check in enumerate(checks):
        if not isinstance(check, Mapping) or check.get("type") not in CHECKS:
            problems.append(f"ui.checks[{index}]: loại kiểm tra phải là một trong {sorted(CHECKS)}")
            continue
        for key in pointer_keys[str(check["type"])]:
            pointer = check.get(key)
            if pointer is not None and pointer not in fields:
                problems.append(f"ui.checks[{index}].{key}: không có trường {pointer}")
    return tuple(c for c in checks if isinstance(c, Mapping))


def form_spec_build(schema: Any, ui: Any) -> FormSpec:
    """Read a form definition, or raise :class:`FormDefinitionError` listing every problem."""
    problems: list[str] = []
    if not isinstance(schema, Mapping) or not isinstance(ui, Mapping):
        raise FormDefinitionError(["schema và ui phải là đối tượng JSON"])
    dialect = schema.get("$schema", SCHEMA_DIALECT)
    if dialect != SCHEMA_DIALECT:
        problems.append(f"schema phải theo Draft 2020-12 ($schema = {SCHEMA_DIALECT})")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise FormDefinitionError([f"schema không hợp lệ: {error.message}"]) from None
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), Mapping):
        problems.append("schema gốc phải là object có properties")
        raise FormDefinitionError(problems)
    reader = _Reader(schema, ui)
    leaves = {spec.pointer: spec for spec in reader.leaves(schema, (), True)}
    problems.extend(reader.problems)

    for pointer, options in reader.ui_fields.items():
        if pointer not in leaves:
            problems.append(f"ui.fields: không có trường {pointer}")
            continue
        if not isinstance(options, Mapping):
            continue
        if options.get("prefill") is not None and options["prefill"] not in PREFILLS:
            problems.append(f"{pointer}: prefill phải là một trong {sorted(PREFILLS)}")

    for pointer, spec in leaves.items():
        if spec.kind == "commune" and getattr(leaves.get(spec.province), "kind", "") != "province":
            problems.append(f"{pointer}: xã, phường cần trường tỉnh, thành phố ({spec.province or 'province'})")

    raw_pages = ui.get("pages")
    pages: list[PageSpec] = []
    placed: dict[str, str] = {}
    if not isinstance(raw_pages, list) or not raw_pages:
        problems.append("ui.pages phải là danh sách trang, mỗi trang một chủ đề")
        raw_pages = []
    for index, raw in enumerate(raw_pages):
        if not isinstance(raw, Mapping):
            problems.append(f"ui.pages[{index}] phải là đối tượng")
            continue
        page_id = _text(raw, "id")
        if not PAGE_ID.match(page_id) or any(p.id == page_id for p in pages):
            problems.append(f"ui.pages[{index}]: id «{page_id}» phải là chữ thường, số, dấu - và không trùng")
        if not _text(raw, "title"):
            problems.append(f"ui.pages[{index}]: thiếu title (câu hỏi của trang)")
        fields = []
        for pointer in raw.get("fields", []) or []:
            if pointer not in leaves:
                problems.append(f"ui.pages[{index}]: không có trường {pointer}")
            elif pointer in placed:
                problems.append(f"{pointer} đã ở trang {placed[pointer]}")
            else:
                placed[pointer] = page_id
                fields.append(leaves[pointer])
        if not fields:
            problems.append(f"ui.pages[{index}]: trang không có trường nào")
        pages.append(
            PageSpec(
                id=page_id,
                title=_text(raw, "title"),
                title_en=_text(raw, "title_en"),
                hint=_text(raw, "hint"),
                hint_en=_text(raw, "hint_en"),
                fields=tuple(fields),
            )
        )
    for pointer in leaves:
        if pointer not in placed:
            problems.append(f"{pointer} không ở trang nào")
    checks = _check_checks(ui.get("checks", []), leaves, problems)
    documents = _documents(ui, problems)
    contact = ui.get("contact", {})
    if not isinstance(contact, Mapping) or any(
        key not in {"phone", "email", "address"} or value not in leaves for key, value in contact.items()
    ):
        problems.append("ui.contact chỉ gồm phone, email, address trỏ tới các trường có trong tờ khai")
        contact = {}
    if problems:
        raise FormDefinitionError(problems)
    ordered = {spec.pointer: spec for page in pages for spec in page.fields}
    return FormSpec(
        schema=schema,
        pages=tuple(pages),
        fields=ordered,
        documents=documents,
        checks=checks,
        contact=dict(contact),
    )


@lru_cache(maxsize=256)
def _spec_cached(text: str) -> FormSpec:
    document = json.loads(text)
    return form_spec_build(document["schema"], document["ui"])


def form_spec(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> FormSpec:
    """The form's pages and fields, read once per distinct definition in this process."""
    return _spec_cached(json.dumps({"schema": schema, "ui": ui}, sort_keys=True, ensure_ascii=False))


def data_get(data: Any, path: tuple[str, ...]) -> Any:
    node = data
    for part in path:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def data_set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set (or, for ``None``, remove) the answer at ``path``; objects left empty are removed."""
    node: Any = data
    parents = []
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[part] = child
        parents.append((node, part))
        node = child
    if value is None:
        node.pop(path[-1], None)
        for parent, part in reversed(parents):
            if parent[part]:
                break
            del parent[part]
    else:
        node[path[-1]] = copy.deepcopy(value)
