"""Reads for the online forms: a procedure's form, where it can be submitted, a person's drafts and
their progress, and the answers as people read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from opendvc.accounts.models import User
from opendvc.catalog.models import ChannelKind, Procedure, ProcedureVersion, RequiredDocument, ServiceOffering
from opendvc.core.errors import NotFound
from opendvc.core.text import fold
from opendvc.dossiers.models import Attachment
from opendvc.forms.inputs import date_parts
from opendvc.forms.models import DossierDraft, ProcedureForm
from opendvc.forms.schema import FieldSpec, FormSpec, PageSpec, data_get
from opendvc.forms.validation import FieldError, PlaceBook, form_errors

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"


def procedure_form_for_version(*, version: ProcedureVersion) -> ProcedureForm | None:
    return ProcedureForm.objects.filter(procedure_version=version).select_related("procedure_version").first()


def version_accepts_online(*, version: ProcedureVersion) -> bool:
    """The catalogue lists an online channel for the version (or no channels at all, as dossiers accept)."""
    kinds = {channel.kind for channel in version.channels.all()}
    return not kinds or ChannelKind.ONLINE in kinds


def online_offerings(*, procedure: Procedure) -> list[ServiceOffering]:
    """Agencies that take the procedure's dossiers on the portal, by province and name."""
    return list(
        ServiceOffering.objects.filter(procedure=procedure, is_active=True, agency__is_active=True)
        .select_related("agency", "agency__province")
        .order_by("agency__province__name", "agency__name")
    )


def draft_get(*, user: User, public_id: Any) -> DossierDraft:
    """One of the person's own drafts; anyone else's is ``draft_not_found`` (404), like an unknown one."""
    draft = (
        DossierDraft.objects.filter(public_id=public_id, user=user)
        .select_related("procedure", "procedure_version", "form", "form__procedure_version", "agency", "dossier")
        .first()
        if user.is_authenticated
        else None
    )
    if draft is None:
        raise NotFound("Không tìm thấy hồ sơ đang soạn.", "No such application in progress.", code="draft_not_found")
    return draft


def draft_list(*, user: User) -> QuerySet[DossierDraft]:
    """The person's applications not yet submitted, the most recently touched first."""
    return (
        DossierDraft.objects.filter(user=user, dossier__isnull=True)
        .select_related("procedure_version", "agency", "form", "form__procedure_version")
        .order_by("-updated_at", "-id")
    )


def draft_open_for(*, user: User, procedure: Procedure) -> DossierDraft | None:
    return draft_list(user=user).filter(procedure=procedure).first()


# --- Documents --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    id: int
    name: str
    size: int
    content_type: str


@dataclass
class DocumentTask:
    """A component of the dossier the applicant uploads on its own page."""

    document: RequiredDocument
    title: str
    title_en: str
    hint: str
    hint_en: str
    required: bool
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.document.pk

    def heading(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def hint_text(self, language: str) -> str:
        return self.hint_en if language.startswith("en") and self.hint_en else self.hint


def _starts(text: str, prefix: str) -> bool:
    return fold(" ".join(text.split())).startswith(fold(" ".join(prefix.split())))


def document_tasks(*, version: ProcedureVersion, spec: FormSpec) -> list[DocumentTask]:
    """The upload pages: the components the form names (found by the start of their catalogue name),
    then any other component the catalogue marks mandatory. Without a list in the form, every component."""
    components = list(RequiredDocument.objects.filter(version=version).order_by("position", "pk"))
    if spec.documents is None:
        return [DocumentTask(d, d.name, "", "", "", d.mandatory is True) for d in components]
    tasks: list[DocumentTask] = []
    for wanted in spec.documents:
        for component in components:
            if any(t.document.pk == component.pk for t in tasks):
                continue
            if _starts(component.name, wanted.match) and (
                not wanted.group or _starts(component.group_title, wanted.group)
            ):
                tasks.append(
                    DocumentTask(
                        component,
                        wanted.title,
                        wanted.title_en,
                        wanted.hint,
                        wanted.hint_en,
                        wanted.required or component.mandatory is True,
                    )
                )
                break
    for component in components:
        if component.mandatory is True and not any(t.document.pk == component.pk for t in tasks):
            tasks.append(DocumentTask(component, component.name, "", "", "", True))
    return tasks


def draft_document_tasks(*, draft: DossierDraft, spec: FormSpec) -> list[DocumentTask]:
    """The upload pages with the files still waiting in the draft (uploads cleaned away are left out)."""
    tasks = document_tasks(version=draft.procedure_version, spec=spec)
    ids = [int(i) for ids in draft.documents.values() for i in ids]
    files = {
        a.pk: a
        for a in Attachment.objects.filter(pk__in=ids, uploaded_by_id=draft.user_id, dossier__isnull=True).only(
            "pk", "original_name", "size", "content_type"
        )
    }
    for task in tasks:
        for attachment_id in draft.documents.get(str(task.id), []):
            attachment = files.get(int(attachment_id))
            if attachment is not None:
                task.files.append(
                    UploadedFile(attachment.pk, attachment.original_name, attachment.size, attachment.content_type)
                )
    return tasks


# --- Progress ---------------------------------------------------------------------------------------


@dataclass
class PageTask:
    page: PageSpec
    status: str
    errors: list[FieldError]


@dataclass
class Progress:
    """The task list: each page and each upload with its state, and whether the draft can be submitted."""

    pages: list[PageTask]
    documents: list[DocumentTask]
    document_status: dict[int, str]
    errors: list[FieldError]

    @property
    def ready(self) -> bool:
        return all(t.status == DONE for t in self.pages) and all(t.files for t in self.documents if t.required)

    @property
    def document_rows(self) -> list[tuple[DocumentTask, str]]:
        return [(task, self.document_status[task.id]) for task in self.documents]

    @property
    def done(self) -> int:
        return sum(t.status == DONE for t in self.pages) + sum(s == DONE for s in self.document_status.values())

    @property
    def total(self) -> int:
        return len(self.pages) + len(self.documents)

    def next_after(self, step: str) -> str | None:
        """The step after ``step`` (``page:<id>`` or ``doc:<id>``) in the order of the task list."""
        steps = self.steps()
        if step in steps and steps.index(step) + 1 < len(steps):
            return steps[steps.index(step) + 1]
        return None

    def previous_before(self, step: str) -> str | None:
        steps = self.steps()
        if step in steps and steps.index(step) > 0:
            return steps[steps.index(step) - 1]
        return None

    def steps(self) -> list[str]:
        return [f"page:{t.page.id}" for t in self.pages] + [f"doc:{t.id}" for t in self.documents]

    def first_unfinished(self) -> str | None:
        for task in self.pages:
            if task.status != DONE:
                return f"page:{task.page.id}"
        for document in self.documents:
            if document.required and not document.files:
                return f"doc:{document.id}"
        return None


def _has_value(draft: DossierDraft, spec: FieldSpec) -> bool:
    typed = draft.typed.get(spec.pointer)
    if isinstance(typed, Mapping):
        typed = "".join(str(v) for v in typed.values())
    elif isinstance(typed, list):
        typed = "".join(str(v) for row in typed for v in (row.values() if isinstance(row, Mapping) else [row]))
    return data_get(draft.form_data, spec.path) is not None or bool(typed)


def draft_progress(*, draft: DossierDraft, spec: FormSpec) -> Progress:
    errors = form_errors(spec=spec, data=draft.form_data)
    by_page: dict[str, list[FieldError]] = {}
    for error in errors:
        owner, _ = spec.field_for(error.pointer)
        page = spec.page_of(owner.pointer) if owner else None
        if page is not None:
            by_page.setdefault(page.id, []).append(error)
    for pointer in draft.typed:
        page = spec.page_of(pointer)
        if page is not None and spec.fields.get(pointer) is not None:
            by_page.setdefault(page.id, [])
    pages = []
    for page in spec.pages:
        page_errors = by_page.get(page.id, [])
        started = any(_has_value(draft, f) for f in page.fields)
        untyped = not any(f.pointer in draft.typed for f in page.fields)
        completed = f"page:{page.id}" in draft.completed
        if completed and not page_errors and untyped:
            status = DONE
        elif started or completed:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        pages.append(PageTask(page, status, page_errors))
    documents = draft_document_tasks(draft=draft, spec=spec)
    document_status = {
        d.id: DONE if d.files or (not d.required and f"doc:{d.id}" in draft.completed) else NOT_STARTED
        for d in documents
    }
    return Progress(pages=pages, documents=documents, document_status=document_status, errors=errors)


# --- Answers as people read them ---------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    pointer: str
    label: str
    value: str
    given: bool
    children: tuple[tuple[AnswerRow, ...], ...] = ()


@dataclass(frozen=True)
class AnswerSection:
    page: PageSpec
    title: str
    rows: tuple[AnswerRow, ...]


def answer_text(
    spec: FormSpec, field_spec: FieldSpec, value: Any, data: Any, language: str, places: PlaceBook | None = None
) -> str:
    """One answer in words: dates dd/mm/yyyy, choices by their label, places by their name."""
    if value is None or value == "":
        return ""
    kind = field_spec.kind
    if kind == "date":
        parts = date_parts(value)
        return f"{int(parts['day']):02d}/{int(parts['month']):02d}/{parts['year']}" if parts["year"] else str(value)
    if kind == "confirm":
        return translation.gettext("Đã xác nhận") if value else ""
    if kind == "boolean":
        return translation.gettext("Có") if value else translation.gettext("Không")
    if kind == "choice":
        return field_spec.option_label(value, language)
    if kind == "province":
        places = places or PlaceBook()
        return places.province_name(str(value)) or str(value)
    if kind == "commune":
        places = places or PlaceBook()
        province_spec = spec.fields.get(field_spec.province)
        province = data_get(data, province_spec.path) if province_spec else None
        return places.commune_name(str(value), province=str(province)) or str(value)
    vietnamese = not language.startswith("en")
    if kind in {"integer", "number"} and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".") if vietnamese else f"{value:,}"
    if kind == "number" and isinstance(value, float):
        return str(value).replace(".", ",") if vietnamese else str(value)
    return str(value)


def form_answers(*, spec: FormSpec, data: Any, language: str | None = None) -> list[AnswerSection]:
    """The answers page by page, each with the field's label: for the check-your-answers page, and for
    the dossier pages when they show a dossier submitted with an online form."""
    language = language or translation.get_language() or "vi"
    places = PlaceBook()
    sections = []
    for page in spec.pages:
        rows = []
        for field_spec in page.fields:
            value = data_get(data, field_spec.path)
            if field_spec.kind == "rows":
                children = tuple(
                    tuple(
                        AnswerRow(
                            f"{field_spec.pointer}/{index}/{column.key}",
                            column.label(language),
                            answer_text(spec, column, row.get(column.key), data, language, places),
                            row.get(column.key) is not None,
                        )
                        for column in field_spec.columns
                    )
                    for index, row in enumerate(value or [])
                    if isinstance(row, Mapping)
                )
                rows.append(AnswerRow(field_spec.pointer, field_spec.label(language), "", bool(children), children))
                continue
            text = answer_text(spec, field_spec, value, data, language, places)
            rows.append(AnswerRow(field_spec.pointer, field_spec.label(language), text, bool(text)))
        sections.append(AnswerSection(page, page.heading(language), tuple(rows)))
    return sections


def dossier_form_answers(*, procedure_version: ProcedureVersion, data: Any) -> list[AnswerSection] | None:
    """A submitted dossier's answers under its form's labels; ``None`` when the version has no online form."""
    form = procedure_form_for_version(version=procedure_version)
    return form_answers(spec=form.spec, data=data) if form is not None else None
