"""Every write of the online forms: defining a procedure's form, and an application from its first
page to the submitted dossier.

A draft is saved on every page, so a person can stop and come back ("Hồ sơ đang soạn"). Submission
goes through :func:`opendvc.dossiers.services.dossier_submit` with the draft's own idempotency key,
so a double-clicked "Nộp hồ sơ" makes one dossier. When the catalogue publishes a new version of the
procedure (or its form changes) while a draft is open, the draft moves to it: answers and files are
kept where the new version still asks for them, and the pages to check again are marked.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.accounts.selectors import organisations_for
from opendvc.agencies.models import Agency
from opendvc.catalog.models import Procedure, ProcedureVersion, RequiredDocument
from opendvc.catalog.services import catalog_revision_bump
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import Attachment, Dossier
from opendvc.dossiers.services import ContactInput, DocumentInput, attachment_upload, dossier_submit
from opendvc.forms.inputs import PageInput
from opendvc.forms.models import DossierDraft, ProcedureForm
from opendvc.forms.presenters import POPULATION_SOURCES, SEX_VALUES, account_prefill
from opendvc.forms.schema import FormSpec, PageSpec, data_get, data_set, form_spec_build
from opendvc.forms.selectors import (
    DONE,
    draft_document_tasks,
    draft_progress,
    online_offerings,
    procedure_form_for_version,
    version_accepts_online,
)
from opendvc.forms.validation import FieldError, form_errors
from opendvc.population.services import population_answers, population_lookup

logger = logging.getLogger(__name__)

FILES_PER_DOCUMENT_MAX = 10


# --- Forms of procedure versions ----------------------------------------------------------------------


def procedure_form_save(
    *, version: ProcedureVersion, title: str, schema: dict[str, Any], ui: dict[str, Any], template_reference: str = ""
) -> tuple[ProcedureForm, bool]:
    """Create or replace the form of a procedure version; ``(form, changed)``.

    The definition must be a valid Draft 2020-12 schema whose pages cover its fields
    (:class:`~opendvc.forms.schema.FormDefinitionError` otherwise). A changed form gets the next
    version number, so open drafts and the validator notice it.
    """
    form_spec_build(schema, ui)
    with transaction.atomic():
        form = ProcedureForm.objects.select_for_update().filter(procedure_version=version).first()
        if form is None:
            previous = (
                ProcedureForm.objects.filter(procedure_version__procedure_id=version.procedure_id)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )
            form = ProcedureForm.objects.create(
                procedure_version=version,
                version=(previous or 0) + 1,
                title=title,
                template_reference=template_reference,
                schema=schema,
                ui=ui,
            )
            catalog_revision_bump()
            return form, True
        if (
            form.schema == schema
            and form.ui == ui
            and form.title == title
            and form.template_reference == template_reference
        ):
            return form, False
        if form.schema != schema or form.ui != ui:
            form.version += 1
        form.title, form.template_reference, form.schema, form.ui = title, template_reference, schema, ui
        form.save()
        catalog_revision_bump()
    return form, True


def procedure_form_current(*, procedure: Procedure) -> ProcedureForm | None:
    """The form of the procedure's published version; the previous version's form is carried over
    to a newly published version that has none (the catalogue copies a version without its form)."""
    version = procedure.current_version
    if version is None or version.status != ProcedureVersion.Status.PUBLISHED:
        return None
    form = procedure_form_for_version(version=version)
    if form is not None:
        return form
    previous = (
        ProcedureForm.objects.filter(procedure_version__procedure=procedure)
        .exclude(procedure_version=version)
        .order_by("-procedure_version__number")
        .first()
    )
    if previous is None:
        return None
    form, _ = procedure_form_save(
        version=version,
        title=previous.title,
        schema=copy.deepcopy(previous.schema),
        ui=copy.deepcopy(previous.ui),
        template_reference=previous.template_reference,
    )
    logger.info("form of %s carried over to version %s", procedure.code, version.number)
    return form


# --- Drafts ---------------------------------------------------------------------------------------


def _not_online(procedure: Procedure) -> ApiError:
    return ApiError(
        "procedure_not_online",
        f"Thủ tục {procedure.code} chưa nhận hồ sơ trực tuyến trên cổng.",
        f"Procedure {procedure.code} does not take applications on the portal yet.",
        status=404,
    )


def _check_applicant(user: User) -> None:
    if user.kind == User.Kind.OFFICER:
        raise ApiError(
            "applicant_kind_not_allowed",
            "Tài khoản cán bộ không nộp hồ sơ trực tuyến; hãy đăng ký hồ sơ tại bộ phận một cửa.",
            "Officer accounts do not submit online; register the dossier at the desk instead.",
            status=403,
        )


def draft_start(*, user: User, procedure: Procedure, agency: Agency) -> DossierDraft:
    """Begin an application to ``agency``, which must take the procedure's dossiers online."""
    _check_applicant(user)
    form = procedure_form_current(procedure=procedure)
    version = procedure.current_version
    if form is None or version is None or not version_accepts_online(version=version):
        raise _not_online(procedure)
    if agency.pk not in {offering.agency_id for offering in online_offerings(procedure=procedure)}:
        raise ApiError(
            "procedure_not_offered",
            f"Cơ quan {agency.name} không nhận hồ sơ thủ tục này; hãy chọn cơ quan khác.",
            f"{agency.name} does not take this procedure's applications; choose another agency.",
            status=422,
        )
    return DossierDraft.objects.create(
        user=user,
        procedure=procedure,
        procedure_version=version,
        form=form,
        form_version=form.version,
        agency=agency,
        current_page=form.spec.pages[0].id,
    )


def _under(pointer: str, fields: frozenset[str]) -> bool:
    return pointer in fields or any(pointer.startswith(f + "/") for f in fields)


def draft_page_save(*, draft: DossierDraft, page: PageSpec, spec: FormSpec, given: PageInput) -> list[FieldError]:
    """Save one page's answers; returns the page's problems (empty when the page is done).

    Answers that are right are kept even when another answer on the page is not, and what was
    typed wrongly is kept as typed, so coming back shows the page as it was left.
    """
    data = copy.deepcopy(draft.form_data)
    for field_spec in page.fields:
        data_set(data, field_spec.path, given.values.get(field_spec.pointer))
    pointers = page.pointers
    errors: dict[str, FieldError] = {}
    for error in given.errors:
        errors.setdefault(error.pointer, error)
    for error in form_errors(spec=spec, data=data):
        if _under(error.pointer, pointers):
            errors.setdefault(error.pointer, error)
    wrong_fields = {f.pointer for f in page.fields if any(_under(p, frozenset({f.pointer})) for p in errors)}
    typed = {k: v for k, v in draft.typed.items() if k not in pointers}
    for field_spec in page.fields:
        if field_spec.pointer in wrong_fields:
            typed[field_spec.pointer] = given.typed.get(field_spec.pointer)
            if field_spec.kind != "rows":
                data_set(data, field_spec.path, None)
    completed = [step for step in draft.completed if step != f"page:{page.id}"]
    if not errors:
        completed.append(f"page:{page.id}")
    draft.form_data, draft.typed, draft.completed, draft.current_page = data, typed, completed, page.id
    draft.save(update_fields=["form_data", "typed", "completed", "current_page", "updated_at"])
    return sorted(errors.values(), key=lambda e: (spec.order(e.pointer), e.pointer))


@dataclass(frozen=True)
class PopulationPrefill:
    filled: tuple[str, ...]
    warnings: tuple[str, ...]


def draft_population_prefill(
    *, draft: DossierDraft, page: PageSpec, user: User, consent_given: bool
) -> PopulationPrefill:
    """Fill the page's own-details fields from the national population database, with the person's
    consent (Decree 13/2023/NĐ-CP on personal data, Art. 11; Decree 59/2022/NĐ-CP, Art. 17: data the
    State holds is reused, not asked again). What the database says replaces what was typed; the
    page's other account details (phone, e-mail) are offered as on a fresh page. The page is not
    marked done: the person still checks it and presses "Lưu và tiếp tục".

    Refusals are :func:`opendvc.population.services.population_lookup`'s (``consent_missing``,
    ``population_not_found``, ``population_unavailable``…); nothing is written when it refuses.
    """
    record = population_lookup(
        user=user,
        personal_id=user.personal_id or "",
        purpose=f"Điền tờ khai: {draft.procedure_version.name}"[:200],
        consent_given=consent_given,
    )
    answers = population_answers(record)
    data = copy.deepcopy(draft.form_data)
    typed = dict(draft.typed)
    filled: list[str] = []
    for field_spec in page.fields:
        source = field_spec.ui.get("prefill")
        if source in POPULATION_SOURCES:
            value = answers.get(str(source))
            if source == "sex" and value is not None:
                value = SEX_VALUES.get(value)
            if value is None:
                continue
            filled.append(field_spec.pointer)
        elif source and data_get(data, field_spec.path) is None and field_spec.pointer not in typed:
            value = account_prefill(field_spec, user)
        else:
            continue
        data_set(data, field_spec.path, value)
        typed.pop(field_spec.pointer, None)
    draft.form_data, draft.typed = data, typed
    draft.save(update_fields=["form_data", "typed", "updated_at"])
    return PopulationPrefill(tuple(filled), record.warnings)


def draft_document_add(*, draft: DossierDraft, required_document_id: int, file: Any) -> Attachment:
    """Upload a file for one component of the dossier (checked by content and size by the dossiers app)."""
    key = str(required_document_id)
    if len(draft.documents.get(key, [])) >= FILES_PER_DOCUMENT_MAX:
        raise ApiError(
            "too_many_files",
            f"Mỗi giấy tờ tải lên tối đa {FILES_PER_DOCUMENT_MAX} tệp; hãy xóa bớt tệp trước khi tải thêm.",
            f"At most {FILES_PER_DOCUMENT_MAX} files per document; remove one before adding another.",
            status=422,
        )
    attachment = attachment_upload(user=draft.user, file=file)
    with transaction.atomic():
        locked = DossierDraft.objects.select_for_update().get(pk=draft.pk)
        documents = dict(locked.documents)
        documents[key] = [*documents.get(key, []), attachment.pk]
        locked.documents = documents
        locked.current_page = f"doc-{required_document_id}"
        locked.save(update_fields=["documents", "current_page", "updated_at"])
    draft.documents, draft.current_page = locked.documents, locked.current_page
    return attachment


def draft_document_remove(*, draft: DossierDraft, required_document_id: int, attachment_id: int) -> bool:
    """Take a file off the draft; the upload itself is cleaned away later with the other unused ones."""
    key = str(required_document_id)
    with transaction.atomic():
        locked = DossierDraft.objects.select_for_update().get(pk=draft.pk)
        files = [i for i in locked.documents.get(key, []) if int(i) != attachment_id]
        removed = len(files) != len(locked.documents.get(key, []))
        documents = dict(locked.documents)
        if files:
            documents[key] = files
        else:
            documents.pop(key, None)
        locked.documents = documents
        locked.save(update_fields=["documents", "updated_at"])
    draft.documents = locked.documents
    return removed


def draft_document_done(*, draft: DossierDraft, required_document_id: int) -> None:
    """The applicant has been through an upload page (an optional document may stay without a file)."""
    step = f"doc:{required_document_id}"
    if step not in draft.completed:
        draft.completed = [*draft.completed, step]
        draft.save(update_fields=["completed", "updated_at"])


@dataclass(frozen=True)
class DraftMoved:
    """What changed when a draft moved to the procedure's current version."""

    version_number: int
    form_label: str
    dropped_documents: int


def draft_refresh(*, draft: DossierDraft) -> DraftMoved | None:
    """Move the draft to the procedure's current version and form when either changed since it began.

    Answers are kept (the pages the new form rejects show as "Đang làm"); files are kept for the
    components of the new version with the same name. ``procedure_not_online`` when the procedure no
    longer takes applications online.
    """
    procedure = Procedure.objects.select_related("current_version").get(pk=draft.procedure_id)
    form = procedure_form_current(procedure=procedure)
    version = procedure.current_version
    if form is None or version is None or not version_accepts_online(version=version):
        raise _not_online(procedure)
    if draft.procedure_version_id == version.pk and draft.form_id == form.pk and draft.form_version == form.version:
        return None
    old_names = dict(RequiredDocument.objects.filter(version_id=draft.procedure_version_id).values_list("pk", "name"))
    new_ids: dict[str, int] = {}
    for pk, name in RequiredDocument.objects.filter(version=version).order_by("position").values_list("pk", "name"):
        new_ids.setdefault(name, pk)
    documents: dict[str, list[int]] = {}
    dropped = 0
    for key, ids in draft.documents.items():
        target = new_ids.get(old_names.get(int(key), ""))
        if target is None:
            dropped += len(ids)
        else:
            documents.setdefault(str(target), []).extend(ids)
    spec = form.spec
    page_ids = {f"page:{page.id}" for page in spec.pages}
    draft.procedure_version = version
    draft.form = form
    draft.form_version = form.version
    draft.documents = documents
    draft.completed = [step for step in draft.completed if step in page_ids]
    draft.typed = {k: v for k, v in draft.typed.items() if k in spec.fields}
    draft.save()
    return DraftMoved(version_number=version.number, form_label=form.label, dropped_documents=dropped)


def draft_incomplete(*, draft: DossierDraft, spec: FormSpec) -> ApiError | None:
    """Why the draft cannot be submitted yet (pages not done, mandatory files missing), or ``None``."""
    progress = draft_progress(draft=draft, spec=spec)
    if progress.ready:
        return None
    details: list[dict[str, Any]] = [
        {"page": task.page.id, "title": task.page.title} for task in progress.pages if task.status != DONE
    ]
    details += [
        {"required_document_id": task.id, "title": task.title}
        for task in progress.documents
        if task.required and not task.files
    ]
    return ApiError(
        "draft_incomplete",
        "Hồ sơ chưa khai xong: hãy hoàn thành các phần còn lại và tải lên các giấy tờ bắt buộc.",
        "The application is not finished: complete the remaining parts and upload the mandatory documents.",
        status=422,
        details=details,
    )


def _contact(draft: DossierDraft, spec: FormSpec) -> ContactInput:
    values = {key: data_get(draft.form_data, spec.fields[pointer].path) for key, pointer in spec.contact.items()}
    return ContactInput(
        phone=str(values.get("phone") or ""),
        email=str(values.get("email") or ""),
        address=str(values.get("address") or ""),
    )


def draft_submit(*, draft: DossierDraft) -> Dossier:
    """Submit the draft as a dossier (status 1, channel online), once.

    The draft's row is locked and carries its idempotency key to ``dossier_submit``, so two clicks
    (or two tabs) give the same dossier. A refusal by the dossiers app (stale version, missing
    mandatory component, invalid answers…) is raised unchanged and leaves the draft as it was.
    """
    refusal: ApiError | None = None
    with transaction.atomic():
        locked = (
            DossierDraft.objects.select_for_update(of=("self",))
            .select_related("user", "agency", "procedure", "procedure_version")
            .get(pk=draft.pk)
        )
        if locked.dossier_id is not None:
            return Dossier.objects.get(pk=locked.dossier_id)
        user = locked.user
        earlier = Dossier.objects.filter(submitted_by=user, idempotency_key=locked.idempotency_key).first()
        if earlier is not None:
            locked.dossier, locked.submitted_at = earlier, earlier.submitted_at
            locked.save(update_fields=["dossier", "submitted_at", "updated_at"])
            draft.dossier, draft.submitted_at = earlier, earlier.submitted_at
            return earlier
        form = ProcedureForm.objects.select_related("procedure_version").get(pk=locked.form_id or 0)
        spec = form.spec
        incomplete = draft_incomplete(draft=locked, spec=spec)
        if incomplete is not None:
            raise incomplete
        documents = [
            DocumentInput(attachment_id=file.id, required_document_id=task.id)
            for task in draft_document_tasks(draft=locked, spec=spec)
            for file in task.files
        ]
        organisation = organisations_for(user=user).first() if user.kind == User.Kind.BUSINESS else None
        try:
            result = dossier_submit(
                applicant=user,
                agency=locked.agency,
                procedure=locked.procedure,
                procedure_version=locked.procedure_version.number,
                form_data=locked.form_data,
                documents=documents,
                form_version=form.label,
                idempotency_key=locked.idempotency_key,
                organisation=organisation,
                contact=_contact(locked, spec),
            )
        except ApiError as error:
            # Committed without the dossier, so the dossiers app's audit entry of the refusal stays.
            refusal = error
        else:
            locked.dossier = result.dossier
            locked.submitted_at = timezone.now()
            locked.save(update_fields=["dossier", "submitted_at", "updated_at"])
    if refusal is not None:
        raise refusal
    draft.dossier, draft.submitted_at = locked.dossier, locked.submitted_at
    return result.dossier


def draft_delete(*, draft: DossierDraft) -> None:
    """Throw away an application not yet submitted (its uploads are cleaned away later)."""
    DossierDraft.objects.filter(pk=draft.pk, dossier__isnull=True).delete()
