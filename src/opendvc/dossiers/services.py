"""Every write to a dossier: submission, registration at the desk, and each step of its lifecycle.

Each service is keyword-only and runs in one ``transaction.atomic`` block that

1. locks the dossier row and checks the action against :data:`~opendvc.dossiers.transitions.TRANSITIONS`
   and the actor's scope (an officer must hold the role at the dossier's agency, an applicant must
   own the dossier — otherwise ``dossier_not_found``, 404, exactly as for an unknown code);
2. changes the dossier's projection and appends the matching :class:`DossierEvent` to its hash chain;
3. writes an audit entry and schedules the applicant's notification for after the commit.

A refused action writes nothing but an audit entry with outcome ``refused`` and the error's code.

The legal frame is the one-stop mechanism of Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP
(reception, Form 01 appointment, Form 02 supplements, Form 03 refusal, Form 04 apology, Form 05
stop); deadlines are counted by :mod:`opendvc.core.calendar`, supplement time excluded (Decision
766/QĐ-TTg).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from opendvc.accounts.models import Organisation, User
from opendvc.accounts.selectors import officer_role_list, organisations_for
from opendvc.agencies.models import Agency
from opendvc.audit.models import AuditEntry
from opendvc.audit.services import audit_record
from opendvc.catalog.memo import catalog_memo
from opendvc.catalog.models import Channel as CatalogChannel
from opendvc.catalog.models import Fee, Procedure, ProcedureVersion, RequiredDocument, ServiceOffering, TimeUnit
from opendvc.core import calendar as working_calendar
from opendvc.core.errors import ApiError
from opendvc.core.text import fold
from opendvc.dossiers.files import EXTENSIONS, SNIFF_BYTES, max_upload_bytes, safe_original_name, sniff_content_type
from opendvc.dossiers.hooks import event_listeners_notify
from opendvc.dossiers.models import (
    CATALOG_CHANNEL_KIND,
    STATUS_LABELS_EN,
    ApplicantKind,
    Attachment,
    Channel,
    Dossier,
    DossierEvent,
    DossierSequence,
    DossierStatus,
    Role,
    Step,
)
from opendvc.dossiers.scope import dossier_not_found, dossier_roles_for
from opendvc.dossiers.transitions import (
    ACTION_LABELS_EN,
    PREVIOUS,
    SAME,
    Action,
    Transition,
    transition_for_roles,
)
from opendvc.dossiers.workflow import PROCESSING_STEPS, StepSpec, step_allowance, step_spec, workflow_for

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

DAILY_SEQUENCE_MAX = 9999
FORM_DATA_MAX_BYTES = 256 * 1024
PENDING_UPLOADS_MAX = 100
TEXT_MAX = 2000


# --- Inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInput:
    """An uploaded attachment (see :func:`attachment_upload`) and the dossier component it stands for."""

    attachment_id: int
    required_document_id: int | None = None


@dataclass(frozen=True)
class ApplicantInput:
    """The dossier's owner as written on the dossier (chủ hồ sơ)."""

    name: str
    kind: int = ApplicantKind.CITIZEN
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class ContactInput:
    """Contact details the applicant gives for this dossier, replacing the account's."""

    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class TimeLimit:
    amount: Decimal
    unit: str


@dataclass(frozen=True)
class SubmitResult:
    dossier: Dossier
    created: bool


# --- Errors ---------------------------------------------------------------------------------------


def _status_vi(status: int) -> str:
    with translation.override("vi"):
        return str(DossierStatus(status).label)


def _action_vi(action: str) -> str:
    with translation.override("vi"):
        return str(Action(action).label)


def transition_not_allowed(*, action: str, status: int) -> ApiError:
    return ApiError(
        "transition_not_allowed",
        f"Không thể {_action_vi(action)} khi hồ sơ đang ở trạng thái «{_status_vi(status)}» "
        "hoặc bạn không có vai trò thực hiện thao tác này.",
        f"You cannot {ACTION_LABELS_EN[action]} while the dossier is '{STATUS_LABELS_EN[status]}', "
        "or your role does not allow it.",
        status=409,
    )


def _invalid(code: str, message_vi: str, message_en: str, **kwargs: Any) -> ApiError:
    return ApiError(code, message_vi, message_en, status=kwargs.pop("status", 422), **kwargs)


# --- Code allocation --------------------------------------------------------------------------------


def dossier_code_next(*, agency: Agency, received_on: date) -> str:
    """The next dossier code ``{agency code}-{yyMMdd}-{NNNN}`` of the agency for that day.

    Gapless and collision-free under concurrency on SQLite and PostgreSQL: one statement creates the
    (agency, day) row at 1 or increments it (``INSERT … ON CONFLICT DO UPDATE SET last = last + 1
    RETURNING last``); the row lock it takes is held until the caller's transaction ends (SQLite
    serialises writers). A rolled-back submission rolls its number back too. Must run inside the
    caller's transaction.

    The format has four digits (DESIGN.md §4), so an agency can issue 9,999 codes a day; the
    10,000th is refused with ``daily_sequence_exhausted`` rather than widening the code.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside the caller's transaction.")
    table = connection.ops.quote_name(DossierSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - the table's own name
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 WHERE {table}.last < %s "
            "RETURNING last",
            [agency.pk, received_on, DAILY_SEQUENCE_MAX],
        )
        row = cursor.fetchone()
    if row is None:
        raise ApiError(
            "daily_sequence_exhausted",
            f"Cơ quan {agency.code} đã cấp đủ {DAILY_SEQUENCE_MAX:,} mã hồ sơ trong ngày {received_on:%d/%m/%Y}; "
            "vui lòng tiếp nhận vào ngày làm việc kế tiếp.".replace(",", "."),
            f"Agency {agency.code} has issued all {DAILY_SEQUENCE_MAX:,} dossier codes for {received_on:%Y-%m-%d}; "
            "receive it on the next working day.",
            status=409,
        )
    last = int(row[0])
    return f"{agency.code}-{received_on:%y%m%d}-{last:04d}"


# --- Attachments ----------------------------------------------------------------------------------


def attachment_upload(*, user: User, file: UploadedFile | File) -> Attachment:
    """Store one uploaded file, not yet part of any dossier; checks size and type by content.

    Accepted: PDF, JPEG, PNG, recognised by their first bytes (an ``.exe`` renamed ``.pdf`` is refused
    with ``file_type_not_allowed``); at most ``DOSSIER_MAX_UPLOAD_BYTES`` (default 10 MB, else
    ``file_too_large``). The SHA-256 of the content is recorded. The stored name is random; the
    person's file name is kept only as ``original_name``.
    """
    limit = max_upload_bytes()
    original_name = safe_original_name(getattr(file, "name", "") or "")
    try:
        _check_upload(user=user, file=file, limit=limit)
        file.seek(0)
        head = file.read(SNIFF_BYTES)
        content_type = sniff_content_type(head or b"")
        if content_type is None:
            raise ApiError(
                "file_type_not_allowed",
                "Chỉ nhận tệp PDF, JPEG hoặc PNG; nội dung tệp này không phải một trong các định dạng đó.",
                "Only PDF, JPEG or PNG files are accepted; this file's content is none of them.",
                status=415,
            )
        file.seek(0)
        digest = hashlib.sha256()
        size = 0
        for chunk in file.chunks():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            digest.update(chunk)
        file.seek(0)
    except ApiError as error:
        audit_record(
            action="attachment.upload",
            actor=user,
            object_type="attachment",
            outcome=AuditEntry.Outcome.REFUSED,
            reason=error.code,
            data={"name": original_name},
        )
        raise
    attachment = Attachment(
        original_name=original_name,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}", file, save=False)
    stored_name = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
            audit_record(
                action="attachment.upload",
                actor=user,
                object_type="attachment",
                object_id=attachment.pk,
                data={"sha256": attachment.sha256, "size": size, "content_type": content_type},
            )
    except Exception:
        attachment.file.storage.delete(stored_name)
        raise
    return attachment


def _too_large(limit: int) -> ApiError:
    megabytes = limit / (1024 * 1024)
    return ApiError(
        "file_too_large",
        f"Tệp vượt quá dung lượng cho phép ({megabytes:g} MB).",
        f"The file exceeds the size limit ({megabytes:g} MB).",
        status=413,
    )


def _check_upload(*, user: User, file: UploadedFile | File, limit: int) -> None:
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if size == 0:
        raise _invalid("file_empty", "Tệp rỗng.", "The file is empty.")
    pending = Attachment.objects.filter(uploaded_by=user, dossier__isnull=True).count()
    if pending >= PENDING_UPLOADS_MAX:
        raise ApiError(
            "too_many_pending_uploads",
            f"Bạn có {pending} tệp đã tải lên nhưng chưa gắn vào hồ sơ nào; hãy nộp hoặc chờ hệ thống dọn bớt.",
            f"You have {pending} uploaded files not yet part of a dossier; submit them or wait for the clean-up.",
            status=429,
        )


def attachment_purge_unbound(*, older_than: timedelta = timedelta(days=2)) -> int:
    """Remove uploads never bound to a dossier (abandoned submissions) and their files."""
    cutoff = timezone.now() - older_than
    removed = 0
    for attachment in Attachment.objects.filter(dossier__isnull=True, uploaded_at__lt=cutoff).iterator():
        name = attachment.file.name
        deleted, _ = Attachment.objects.filter(pk=attachment.pk, dossier__isnull=True).delete()
        if deleted:
            attachment.file.storage.delete(name)
            removed += 1
    return removed


def _attachments_bind(
    *,
    dossier: Dossier,
    owner: User | None,
    documents: Sequence[DocumentInput],
    kind: str,
    version_id: int | None,
    now: datetime,
    version_document_ids: frozenset[int] | None = None,
) -> list[int]:
    """Attach the owner's pending uploads to the dossier; refuse unknown, foreign or reused ones.

    ``version_document_ids`` — the version's components, when the caller already holds them. Each
    file is bound by one conditional update (the owner's, not yet in a dossier); the files that did
    not bind are named in the refusal, and the caller's transaction undoes those already bound."""
    ids = [doc.attachment_id for doc in documents]
    if len(set(ids)) != len(ids):
        raise _invalid(
            "attachment_duplicated",
            "Một tệp được khai cho nhiều thành phần hồ sơ.",
            "The same file is given for several components.",
        )
    if not ids:
        return []
    required_ids = {doc.required_document_id for doc in documents if doc.required_document_id is not None}
    if required_ids:
        known = (
            version_document_ids
            if version_document_ids is not None
            else set(
                RequiredDocument.objects.filter(pk__in=required_ids, version_id=version_id).values_list("pk", flat=True)
            )
        )
        unknown = sorted(required_ids - known)
        if unknown:
            raise _invalid(
                "required_document_unknown",
                "Thành phần hồ sơ không thuộc thủ tục này.",
                "A component does not belong to this procedure.",
                details=[{"required_document_id": i} for i in unknown],
            )
    missing = []
    for doc in documents:
        bound = (
            Attachment.objects.filter(pk=doc.attachment_id, uploaded_by=owner, dossier__isnull=True).update(
                dossier=dossier, kind=kind, required_document_id=doc.required_document_id, bound_at=now
            )
            if owner is not None
            else 0
        )
        if not bound:
            missing.append(doc.attachment_id)
    if missing:
        raise _invalid(
            "attachment_not_found",
            "Không tìm thấy tệp đính kèm đã tải lên (hoặc tệp đã thuộc hồ sơ khác).",
            "An uploaded attachment was not found (or already belongs to another dossier).",
            details=[{"attachment_id": i} for i in missing],
        )
    return ids


# --- Events, audit, notifications -------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _event_append(
    *,
    dossier: Dossier,
    at: datetime,
    actor: User | None,
    role: str,
    action: str,
    from_status: int | None,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    attachment_ids: Sequence[int] = (),
    first: bool = False,
) -> DossierEvent:
    """Append the next event of the dossier's chain (``first`` for a dossier just created); the dossier
    row is locked by the caller."""
    previous = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").values_list("seq", "hash")
    last = None if first else previous.first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        at=at,
        actor=actor,
        actor_role=role,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        step=dossier.current_step,
        assignee_id=dossier.assignee_id,
        note=note,
        data=_json_safe(dict(data or {})),
        attachment_ids=list(attachment_ids),
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash(dossier_code=dossier.code)
    event.save()
    event_listeners_notify(dossier=dossier, event=event)
    return event


def _audit_ok(*, dossier: Dossier, actor: User | None, role: str, action: str, event: DossierEvent) -> None:
    audit_record(
        action=f"dossier.{action}",
        actor=actor,
        actor_role=role,
        object_type="dossier",
        object_id=dossier.code,
        data={"seq": event.seq, "from_status": event.from_status, "to_status": event.to_status},
    )


def _audit_refused(*, object_id: str, actor: User | None, action: str, error: ApiError, data: Any = None) -> None:
    audit_record(
        action=f"dossier.{action}",
        actor=actor,
        object_type="dossier",
        object_id=object_id,
        outcome=AuditEntry.Outcome.REFUSED,
        reason=error.code,
        data=data or {},
    )


#: Actions the applicant hears about; forwarding between internal steps is not one of them.
NOTIFIED_ACTIONS = frozenset(
    {
        Action.SUBMIT,
        Action.REGISTER,
        Action.RECEIVE,
        Action.REFUSE,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLY,
        Action.REQUEST_PAYMENT,
        Action.PAYMENT_SETTLED,
        Action.WITHDRAW,
        Action.STOP,
        Action.RESULT_READY,
        Action.RETURN,
        Action.APOLOGISE,
    }
)


def dossier_notify_hook(*, dossier_id: int, event_id: int) -> None:
    """Tell the applicant about a change, by e-mail and SMS, through the notifications app.

    Runs after the commit (scheduled with ``transaction.on_commit``); a failure is logged and never
    undoes the dossier's change. Without the notifications app it only logs.
    """
    try:
        from opendvc.notifications.services import notification_send
    except ImportError:
        logger.info("dossier %s event %s: notifications app absent, nothing sent", dossier_id, event_id)
        return
    event = DossierEvent.objects.select_related("dossier", "dossier__agency", "dossier__applicant").get(pk=event_id)
    dossier = event.dossier
    if event.action not in NOTIFIED_ACTIONS:
        return
    context = {
        "dossier": dossier,
        "code": dossier.code,
        "agency_name": dossier.agency.name,
        "status": _status_vi(dossier.status),
        "status_ascii": fold(_status_vi(dossier.status)),
        "action": _action_vi(event.action),
        "note": event.note,
        "due_at": dossier.due_at,
        "event": event,
    }
    for channel, address in (("email", dossier.applicant_email), ("sms", dossier.applicant_phone)):
        if not address and (dossier.applicant is None or not _account_address(dossier.applicant, channel)):
            continue
        try:
            notification_send(
                channel=channel,
                template_key="dossiers/status_changed",
                context=context,
                user=dossier.applicant,
                to=address or None,
                related=dossier,
            )
        except Exception:
            logger.exception("dossier %s event %s: %s notification failed", dossier.code, event.seq, channel)


def _account_address(user: User, channel: str) -> str:
    return (user.email if channel == "email" else user.phone) or ""


def _schedule_notification(dossier: Dossier, event: DossierEvent) -> None:
    """Queue the applicant's notification once the change is committed; the request does not wait for it.

    A queue that cannot take the task is logged (``robust``): the dossier's change stands.
    """
    from opendvc.dossiers.tasks import dossier_notify

    transaction.on_commit(partial(dossier_notify.enqueue, dossier_id=dossier.pk, event_id=event.pk), robust=True)


# --- The lifecycle pipeline -----------------------------------------------------------------------


@dataclass
class _Act:
    dossier: Dossier
    actor: User | None
    role: str
    rule: Transition
    action: str
    now: datetime = field(default_factory=lambda: timezone.now())


@contextmanager
def _acting(*, dossier: Dossier, actor: User | None, action: Action) -> Iterator[_Act]:
    """Lock the dossier, check scope and the transition table; on refusal audit it and write nothing else.

    Only the dossier's row is locked, not its agency's: every transaction that writes for the agency
    checks its foreign keys against that row at commit, and would wait for this one — while this one
    waits for the statistics rollup row the other already holds.
    """
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=dossier.pk)
            if actor is None:
                roles = [Role.SYSTEM.value]
            else:
                roles = dossier_roles_for(dossier=locked, user=actor)
                if not roles:
                    raise dossier_not_found()
            rule = transition_for_roles(action=action, status=locked.status, roles=roles, step=locked.current_step)
            if rule is None:
                raise transition_not_allowed(action=action, status=locked.status)
            yield _Act(dossier=locked, actor=actor, role=rule.role.value, rule=rule, action=action.value)
    except ApiError as error:
        _audit_refused(object_id=dossier.code, actor=actor, action=action, error=error, data={"status": dossier.status})
        raise


def _apply(
    act: _Act,
    *,
    changes: Mapping[str, Any],
    note: str = "",
    data: Mapping[str, Any] | None = None,
    attachment_ids: Sequence[int] = (),
) -> DossierEvent:
    """Write the projection's changes and the event that explains them, then audit and notify."""
    dossier = act.dossier
    from_status = dossier.status
    target = act.rule.to_status
    values = dict(changes)
    if target == PREVIOUS:
        values["status"] = dossier.paused_status or from_status
    elif target != SAME:
        values["status"] = int(target)
    values["updated_at"] = act.now
    Dossier.objects.filter(pk=dossier.pk).update(**values)
    expressions = [name for name, value in values.items() if hasattr(value, "resolve_expression")]
    for name, value in values.items():
        if name not in expressions:
            setattr(dossier, name, value)
    if expressions:
        dossier.refresh_from_db(fields=expressions)
    dossier._loaded_status = dossier.status
    event = _event_append(
        dossier=dossier,
        at=act.now,
        actor=act.actor,
        role=act.role,
        action=act.action,
        from_status=from_status,
        note=note,
        data=data,
        attachment_ids=attachment_ids,
    )
    _audit_ok(dossier=dossier, actor=act.actor, role=act.role, action=act.action, event=event)
    _schedule_notification(dossier, event)
    return event


def _clean_text(value: str, *, limit: int = TEXT_MAX) -> str:
    return (value or "").strip()[:limit]


def _reasons(reasons: Sequence[str], *, code: str = "reasons_required") -> list[str]:
    cleaned = [_clean_text(r) for r in reasons if r and r.strip()]
    if not cleaned:
        raise _invalid(code, "Hãy nêu rõ lý do.", "State the reasons.")
    return cleaned


def _due_for_step(*, dossier: Dossier, spec: StepSpec | None, started_at: datetime) -> datetime | None:
    if spec is None:
        return None
    allowance = step_allowance(spec=spec, total_amount=dossier.time_limit_amount, total_unit=dossier.time_limit_unit)
    if allowance is None:
        return None
    amount, unit = allowance
    return working_calendar.due_at_for(received_at=started_at, amount=amount, unit=unit, agency=dossier.agency).due_at


# --- Submission and registration --------------------------------------------------------------------


@dataclass(frozen=True)
class _SubmissionTerms:
    """What the catalogue says about applying for one procedure: read once per catalogue revision
    (:func:`opendvc.catalog.memo.catalog_memo`), not on every submission. Shared between requests."""

    version: ProcedureVersion | None
    offered_agency_ids: frozenset[int]
    channel_kinds: frozenset[str]
    mandatory: tuple[tuple[int, str], ...]
    document_ids: frozenset[int]
    fees: tuple[Fee, ...]


def _submission_terms(*, procedure: Procedure) -> _SubmissionTerms:
    def load() -> _SubmissionTerms:
        version = (
            ProcedureVersion.objects.filter(procedure_id=procedure.pk, status=ProcedureVersion.Status.PUBLISHED)
            .prefetch_related("fees")
            .first()
        )
        offered = ServiceOffering.objects.filter(procedure_id=procedure.pk, is_active=True).values_list(
            "agency_id", flat=True
        )
        if version is None:
            return _SubmissionTerms(None, frozenset(offered), frozenset(), (), frozenset(), ())
        documents = list(
            RequiredDocument.objects.filter(version=version)
            .order_by("position", "pk")
            .values_list("pk", "name", "mandatory")
        )
        return _SubmissionTerms(
            version=version,
            offered_agency_ids=frozenset(offered),
            channel_kinds=frozenset(CatalogChannel.objects.filter(version=version).values_list("kind", flat=True)),
            mandatory=tuple((pk, name) for pk, name, mandatory in documents if mandatory),
            document_ids=frozenset(pk for pk, _, _ in documents),
            fees=tuple(version.fees.all()),
        )

    return catalog_memo("dossier_submission_terms", procedure.pk, load)


def _published_version(
    *, terms: _SubmissionTerms, procedure: Procedure, expected_number: int | None
) -> ProcedureVersion:
    if terms.version is None:
        raise ApiError(
            "procedure_not_published",
            f"Thủ tục {procedure.code} hiện không được áp dụng.",
            f"Procedure {procedure.code} is not currently in force.",
            status=409,
        )
    version = copy.copy(terms.version)  # the remembered row is shared; this request gets its own
    version.procedure = procedure  # the caller's object: no second read of the procedure
    if expected_number is not None and version.number != expected_number:
        raise ApiError(
            "procedure_version_stale",
            f"Thủ tục {procedure.code} đã được cập nhật (phiên bản {version.number}); hãy tải lại tờ khai và kiểm tra "
            "lại thông tin trước khi nộp.",
            f"Procedure {procedure.code} has been updated (version {version.number}); reload the form and check your "
            "answers before submitting.",
            status=409,
        )
    return version


def _check_offered(*, terms: _SubmissionTerms, agency: Agency, procedure: Procedure) -> None:
    if agency.pk not in terms.offered_agency_ids:
        raise _invalid(
            "procedure_not_offered",
            f"Cơ quan {agency.code} không cung cấp thủ tục {procedure.code}.",
            f"Agency {agency.code} does not offer procedure {procedure.code}.",
        )


def _check_channel(*, terms: _SubmissionTerms, channel: int) -> None:
    if terms.channel_kinds and CATALOG_CHANNEL_KIND[channel] not in terms.channel_kinds:
        raise _invalid(
            "channel_not_offered",
            f"Thủ tục này không thực hiện qua kênh «{Channel(channel).label}».",
            "This procedure is not available through this channel.",
        )


def _check_form(*, version: ProcedureVersion, form_version: str, form_data: Any) -> dict[str, Any]:
    """Basic shape and size checks, then the form plugin named by ``DOSSIER_FORM_VALIDATOR`` if any.

    The plugin is a callable ``(*, version, form_version, data) -> None`` that raises ``ApiError``
    (``form_data_invalid`` with details, ``form_version_stale``…); the forms app provides it.
    """
    if not isinstance(form_data, Mapping):
        raise _invalid(
            "form_data_invalid", "Dữ liệu tờ khai phải là một đối tượng JSON.", "Form data must be an object."
        )
    encoded = json.dumps(form_data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    if len(encoded) > FORM_DATA_MAX_BYTES:
        raise _invalid(
            "form_data_too_large",
            f"Dữ liệu tờ khai vượt quá {FORM_DATA_MAX_BYTES // 1024} KB.",
            f"Form data exceeds {FORM_DATA_MAX_BYTES // 1024} KB.",
        )
    validator_path = getattr(settings, "DOSSIER_FORM_VALIDATOR", "")
    if validator_path:
        import_string(validator_path)(version=version, form_version=form_version, data=form_data)
    return dict(json.loads(encoded))


def _check_mandatory(*, terms: _SubmissionTerms, documents: Sequence[DocumentInput]) -> None:
    """Every component marked mandatory in the catalogue must have a file (Decree 118/2025, Art. 15)."""
    given = {doc.required_document_id for doc in documents}
    missing = [(pk, name) for pk, name in terms.mandatory if pk not in given]
    if missing:
        names = "; ".join(name[:120] for _, name in missing)
        raise _invalid(
            "mandatory_document_missing",
            f"Thiếu thành phần hồ sơ bắt buộc: {names}.",
            f"Mandatory components are missing: {names}.",
            details=[{"required_document_id": pk, "name": name} for pk, name in missing],
        )


def _fee_total(*, terms: _SubmissionTerms, channel: int) -> int | None:
    """The sum of the catalogue's fees that apply to the channel, when the catalogue gives figures."""
    kind = CATALOG_CHANNEL_KIND[channel]
    amounts = [
        fee.amount
        for fee in terms.fees
        if fee.amount is not None and (not fee.channel_kinds or kind in fee.channel_kinds)
    ]
    return sum(amounts) if amounts else None


def _applicant_snapshot(
    *, user: User, organisation: Organisation | None, contact: ContactInput | None
) -> dict[str, Any]:
    contact = contact or ContactInput()
    snapshot: dict[str, Any]
    if organisation is not None:
        snapshot = {
            "applicant_kind": ApplicantKind.BUSINESS,
            "applicant_name": organisation.name,
            "applicant_id_number": organisation.tax_code,
            "applicant_address": organisation.address,
        }
    else:
        snapshot = {
            "applicant_kind": ApplicantKind.CITIZEN,
            "applicant_name": user.full_name or user.get_full_name() or user.username,
            "applicant_id_number": user.personal_id or "",
            "applicant_address": "",
        }
    snapshot["applicant_phone"] = (contact.phone or user.phone or "")[:20]
    snapshot["applicant_email"] = contact.email or user.email or ""
    snapshot["applicant_address"] = str(contact.address or snapshot["applicant_address"])[:500]
    snapshot["applicant_assurance_level"] = user.assurance_level
    return snapshot


def _check_assurance(*, version: ProcedureVersion, user: User) -> None:
    """A procedure may require a level-2 e-ID account to apply online (Decree 69/2024/NĐ-CP, Art. 12;
    Decree 45/2020/NĐ-CP, Art. 11): the account's level, kept from its last e-ID login, must reach it."""
    required = version.required_assurance_level
    if required and user.assurance_level < required:
        raise ApiError(
            "assurance_level_required",
            f"Thủ tục này yêu cầu tài khoản định danh điện tử mức {required}. Hãy đăng nhập bằng VNeID "
            f"(tài khoản mức {required}) rồi nộp lại; tài khoản của bạn hiện ở mức {user.assurance_level}.",
            f"This procedure requires a level-{required} e-ID account. Log in with VNeID (level {required}) and "
            f"submit again; your account is at level {user.assurance_level}.",
            status=403,
            details=[{"required_level": required, "account_level": user.assurance_level}],
        )


def _check_applicant(*, user: User, organisation: Organisation | None) -> None:
    if user.kind == User.Kind.OFFICER:
        raise ApiError(
            "applicant_kind_not_allowed",
            "Tài khoản cán bộ không nộp hồ sơ trực tuyến; hãy đăng ký hồ sơ tại bộ phận một cửa.",
            "Officer accounts do not submit online; register the dossier at the desk instead.",
            status=403,
        )
    if organisation is not None:
        if not organisations_for(user=user).filter(pk=organisation.pk).exists():
            raise ApiError(
                "not_a_representative",
                "Bạn không phải người đại diện của doanh nghiệp, tổ chức này.",
                "You do not represent this organisation.",
                status=403,
            )
        return
    if user.kind == User.Kind.BUSINESS:
        raise _invalid(
            "organisation_required",
            "Hãy chọn doanh nghiệp, tổ chức mà bạn nộp hồ sơ thay mặt.",
            "Choose the organisation you are submitting for.",
        )
    if not user.personal_id:
        raise _invalid(
            "applicant_identity_missing",
            "Tài khoản chưa có số định danh cá nhân.",
            "The account has no personal identification number.",
        )


def _existing_submission(*, submitted_by: User, idempotency_key: str | None) -> Dossier | None:
    if not idempotency_key:
        return None
    # Nearly every key is new: ask for the id alone (an index-only read) before reading a whole dossier.
    found = Dossier.objects.filter(submitted_by=submitted_by, idempotency_key=idempotency_key).values_list("pk")
    pk = found.first()
    return Dossier.objects.get(pk=pk[0]) if pk is not None else None


def _idempotent_replay(*, existing: Dossier, procedure: Procedure, agency: Agency) -> SubmitResult:
    if existing.procedure_id != procedure.pk or existing.agency_id != agency.pk:
        raise ApiError(
            "idempotency_key_reused",
            "Khóa chống nộp trùng này đã dùng cho một hồ sơ khác.",
            "This idempotency key was already used for a different dossier.",
            status=409,
        )
    return SubmitResult(dossier=existing, created=False)


def _idempotency_key_clean(key: str | None) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > 64:
        raise _invalid("idempotency_key_invalid", "Khóa chống nộp trùng dài tối đa 64 ký tự.", "At most 64 characters.")
    return key


def dossier_submit(
    *,
    applicant: User,
    agency: Agency,
    procedure: Procedure,
    procedure_version: int,
    form_data: Mapping[str, Any],
    documents: Sequence[DocumentInput] = (),
    form_version: str = "",
    idempotency_key: str | None = None,
    organisation: Organisation | None = None,
    contact: ContactInput | None = None,
) -> SubmitResult:
    """A citizen or business submits a dossier online (status 1, channel 2).

    ``procedure_version`` is the version number the applicant's form was built from: if the
    catalogue has published a newer one since, the submission is refused (``procedure_version_stale``)
    rather than filed under rules the applicant has not seen. The dossier keeps that version forever.

    The same ``idempotency_key`` from the same person returns the dossier already created (a
    double-clicked submit makes one dossier), with ``created=False``.

    The dossier code carries the submission date: for online dossiers the portal's electronic
    acknowledgement is the reception of the submission (Decree 118/2025/NĐ-CP, Art. 15), and the
    code, printed on every later form, must not change when the desk checks the dossier.
    """
    key = _idempotency_key_clean(idempotency_key)
    existing = _existing_submission(submitted_by=applicant, idempotency_key=key)
    if existing is not None:
        return _idempotent_replay(existing=existing, procedure=procedure, agency=agency)
    try:
        _check_applicant(user=applicant, organisation=organisation)
        terms = _submission_terms(procedure=procedure)
        _check_offered(terms=terms, agency=agency, procedure=procedure)
        version = _published_version(terms=terms, procedure=procedure, expected_number=procedure_version)
        _check_channel(terms=terms, channel=Channel.ONLINE)
        _check_assurance(version=version, user=applicant)
        data = _check_form(version=version, form_version=form_version, form_data=form_data)
        _check_mandatory(terms=terms, documents=documents)
        snapshot = _applicant_snapshot(user=applicant, organisation=organisation, contact=contact)
        try:
            with transaction.atomic():
                dossier = _dossier_create(
                    agency=agency,
                    terms=terms,
                    version=version,
                    channel=Channel.ONLINE,
                    applicant=applicant,
                    organisation=organisation,
                    submitted_by=applicant,
                    snapshot=snapshot,
                    form_data=data,
                    form_version=form_version,
                    idempotency_key=key,
                    documents=documents,
                    attachments_owner=applicant,
                    action=Action.SUBMIT,
                    role=Role.APPLICANT,
                )
        except IntegrityError:
            existing = _existing_submission(submitted_by=applicant, idempotency_key=key)
            if existing is None:
                raise
            return _idempotent_replay(existing=existing, procedure=procedure, agency=agency)
    except ApiError as error:
        _audit_refused(
            object_id="", actor=applicant, action=Action.SUBMIT, error=error, data={"procedure": procedure.code}
        )
        raise
    return SubmitResult(dossier=dossier, created=True)


def _dossier_create(
    *,
    agency: Agency,
    terms: _SubmissionTerms,
    version: ProcedureVersion,
    channel: int,
    applicant: User | None,
    organisation: Organisation | None,
    submitted_by: User,
    snapshot: Mapping[str, Any],
    form_data: dict[str, Any],
    form_version: str,
    idempotency_key: str | None,
    documents: Sequence[DocumentInput],
    attachments_owner: User,
    action: Action,
    role: Role,
) -> Dossier:
    now = timezone.now()
    code = dossier_code_next(agency=agency, received_on=timezone.localdate(now))
    dossier = Dossier.objects.create(
        code=code,
        agency=agency,
        procedure=version.procedure,  # already in hand: the answer built from the dossier reads it again otherwise
        procedure_version=version,
        summary=version.name[:500],
        applicant=applicant,
        organisation=organisation,
        submitted_by=submitted_by,
        channel=channel,
        status=DossierStatus.SUBMITTED,
        submitted_at=now,
        fee_amount=_fee_total(terms=terms, channel=channel),
        form_data=form_data,
        form_version=form_version[:64],
        idempotency_key=idempotency_key,
        **snapshot,
    )
    attachment_ids = _attachments_bind(
        dossier=dossier,
        owner=attachments_owner,
        documents=documents,
        kind=Attachment.Kind.SUBMISSION,
        version_id=version.pk,
        now=now,
        version_document_ids=terms.document_ids,
    )
    event = _event_append(
        dossier=dossier,
        first=True,
        at=now,
        actor=submitted_by,
        role=role,
        action=action,
        from_status=None,
        data={
            "channel": channel,
            "procedure": version.procedure.code,
            "procedure_version": version.number,
            "documents": [
                {"attachment_id": d.attachment_id, "required_document_id": d.required_document_id} for d in documents
            ],
        },
        attachment_ids=attachment_ids,
    )
    _audit_ok(dossier=dossier, actor=submitted_by, role=role, action=action, event=event)
    _schedule_notification(dossier, event)
    return dossier


def dossier_register(
    *,
    officer: User,
    agency: Agency,
    procedure: Procedure,
    channel: int,
    applicant: ApplicantInput,
    applicant_user: User | None = None,
    organisation: Organisation | None = None,
    form_data: Mapping[str, Any] | None = None,
    documents: Sequence[DocumentInput] = (),
    form_version: str = "",
    idempotency_key: str | None = None,
    receive_now: bool = False,
    time_limit: TimeLimit | None = None,
) -> Dossier:
    """A desk officer registers a dossier brought in person or by post (status 1, channel 1 or 3).

    The paper components are checked at the desk; scans (uploaded by the officer) are optional. The
    officer who registered it is recorded as ``submitted_by``. With ``receive_now`` the dossier is
    received at once (status 2, Form 01), as the desk normally does in person. A citizen account with
    the applicant's personal ID is linked, so the dossier appears among that citizen's dossiers.
    """
    key = _idempotency_key_clean(idempotency_key)
    existing = _existing_submission(submitted_by=officer, idempotency_key=key)
    if existing is not None:
        return _idempotent_replay(existing=existing, procedure=procedure, agency=agency).dossier
    try:
        if Role.DESK.value not in {r.role for r in officer_role_list(user=officer) if r.agency_id == agency.pk}:
            raise ApiError(
                "role_required",
                f"Bạn không phải cán bộ một cửa của cơ quan {agency.code}.",
                f"You are not a desk officer of agency {agency.code}.",
                status=403,
            )
        if channel not in (Channel.IN_PERSON, Channel.POST):
            raise _invalid(
                "channel_invalid",
                "Bộ phận một cửa đăng ký hồ sơ nộp trực tiếp hoặc qua bưu chính.",
                "The desk registers dossiers brought in person or by post.",
            )
        terms = _submission_terms(procedure=procedure)
        _check_offered(terms=terms, agency=agency, procedure=procedure)
        version = _published_version(terms=terms, procedure=procedure, expected_number=None)
        _check_channel(terms=terms, channel=channel)
        data = _check_form(version=version, form_version=form_version, form_data=form_data or {})
        name = _clean_text(applicant.name, limit=255)
        if not name:
            raise _invalid("applicant_name_required", "Hãy nhập tên chủ hồ sơ.", "Enter the applicant's name.")
        if applicant.kind not in ApplicantKind.values:
            raise _invalid("applicant_kind_invalid", "Loại đối tượng không hợp lệ.", "Unknown applicant kind.")
        id_number = "".join(applicant.id_number.split())[:20]
        if applicant_user is None and applicant.kind == ApplicantKind.CITIZEN and id_number:
            applicant_user = User.objects.filter(personal_id=id_number, is_active=True).first()
        snapshot = {
            "applicant_kind": applicant.kind,
            "applicant_name": name,
            "applicant_id_number": id_number,
            "applicant_phone": applicant.phone.strip()[:20],
            "applicant_email": applicant.email.strip(),
            "applicant_address": applicant.address.strip()[:500],
        }
        try:
            with transaction.atomic():
                dossier = _dossier_create(
                    agency=agency,
                    terms=terms,
                    version=version,
                    channel=channel,
                    applicant=applicant_user,
                    organisation=organisation,
                    submitted_by=officer,
                    snapshot=snapshot,
                    form_data=data,
                    form_version=form_version,
                    idempotency_key=key,
                    documents=documents,
                    attachments_owner=officer,
                    action=Action.REGISTER,
                    role=Role.DESK,
                )
                if receive_now:
                    dossier = dossier_receive(dossier=dossier, actor=officer, time_limit=time_limit)
        except IntegrityError:
            existing = _existing_submission(submitted_by=officer, idempotency_key=key)
            if existing is None:
                raise
            return existing
    except ApiError as error:
        _audit_refused(
            object_id="", actor=officer, action=Action.REGISTER, error=error, data={"procedure": procedure.code}
        )
        raise
    return dossier


# --- Lifecycle ----------------------------------------------------------------------------------------


def _catalogue_time_limit(*, dossier: Dossier) -> TimeLimit | None:
    kind = CATALOG_CHANNEL_KIND[dossier.channel]
    row = (
        CatalogChannel.objects.filter(version_id=dossier.procedure_version_id, kind=kind, time_amount__isnull=False)
        .order_by("position", "pk")
        .first()
    )
    if row is None or row.time_amount is None:
        return None
    return TimeLimit(amount=Decimal(row.time_amount), unit=row.time_unit)


def _time_limit_clean(limit: TimeLimit) -> TimeLimit:
    try:
        amount = Decimal(limit.amount)
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal(0)
    if not amount.is_finite() or amount <= 0 or amount > 10000 or limit.unit not in TimeUnit.values:
        raise _invalid(
            "time_limit_invalid",
            "Thời hạn giải quyết phải là số dương với đơn vị ngày làm việc, giờ làm việc hoặc ngày.",
            "The time limit must be a positive number of working_days, working_hours or calendar_days.",
        )
    return TimeLimit(amount=amount.quantize(Decimal("0.01")), unit=limit.unit)


def dossier_receive(*, dossier: Dossier, actor: User, time_limit: TimeLimit | None = None, note: str = "") -> Dossier:
    """The desk accepts the dossier (1 → 2) and sets the appointment date NgayHenTra (Form 01).

    The due date is the catalogue's time limit for the dossier's channel, counted in working time
    from the moment of reception by :func:`opendvc.core.calendar.due_at_for`. When the catalogue
    gives no limit the officer must state one (``time_limit_missing`` otherwise); when it does, the
    officer cannot change it (``time_limit_fixed``).
    """
    with _acting(dossier=dossier, actor=actor, action=Action.RECEIVE) as act:
        catalogue = _catalogue_time_limit(dossier=act.dossier)
        if catalogue is None and time_limit is None:
            raise _invalid(
                "time_limit_missing",
                "Danh mục thủ tục chưa có thời hạn giải quyết cho kênh này; cán bộ hãy nhập thời hạn.",
                "The catalogue gives no time limit for this channel; the officer must enter one.",
            )
        if catalogue is not None and time_limit is not None:
            given = _time_limit_clean(time_limit)
            if (given.amount, given.unit) != (catalogue.amount, catalogue.unit):
                raise _invalid(
                    "time_limit_fixed",
                    "Thời hạn giải quyết đã được quy định trong danh mục thủ tục, không thể thay đổi.",
                    "The time limit is set by the catalogue and cannot be changed.",
                )
        limit = catalogue or _time_limit_clean(time_limit)  # type: ignore[arg-type]
        due = working_calendar.due_at_for(
            received_at=act.now, amount=limit.amount, unit=limit.unit, agency=act.dossier.agency
        )
        act.dossier.time_limit_amount = limit.amount
        act.dossier.time_limit_unit = limit.unit
        spec = step_spec(workflow=workflow_for(procedure_id=act.dossier.procedure_id), step=Step.RECEIVE)
        step_due = _due_for_step(dossier=act.dossier, spec=spec, started_at=act.now)
        _apply(
            act,
            changes={
                "received_at": act.now,
                "due_at": due.due_at,
                "time_limit_amount": limit.amount,
                "time_limit_unit": limit.unit,
                "current_step": Step.RECEIVE,
                "assignee": actor,
                "step_started_at": act.now,
                "step_due_at": step_due,
            },
            note=_clean_text(note),
            data={
                "due_at": due.due_at,
                "time_limit": {"amount": limit.amount, "unit": limit.unit},
                "time_limit_source": "catalogue" if catalogue is not None else "officer",
            },
        )
    return act.dossier


def dossier_refuse(*, dossier: Dossier, actor: User, reasons: Sequence[str]) -> Dossier:
    """The desk refuses the dossier at reception (1 → 3) with its reasons (Form 03)."""
    with _acting(dossier=dossier, actor=actor, action=Action.REFUSE) as act:
        cleaned = _reasons(reasons)
        _apply(
            act,
            changes={"refused_at": act.now, "current_step": "", "assignee": None},
            note="\n".join(cleaned),
            data={"reasons": cleaned},
        )
    return act.dossier


def dossier_request_supplement(
    *, dossier: Dossier, actor: User, reasons: Sequence[str], required_document_ids: Sequence[int] = ()
) -> Dossier:
    """Ask the applicant to supplement the dossier (2/4 → 5, Form 02); the legal clock stops.

    Time waiting for the supplement does not count towards the deadline (Decree 118/2025/NĐ-CP,
    Art. 15; Decision 766/QĐ-TTg). The request is counted: more than one request makes the dossier
    late in the 766 index whatever its dates.
    """
    with _acting(dossier=dossier, actor=actor, action=Action.REQUEST_SUPPLEMENT) as act:
        cleaned = _reasons(reasons)
        documents = sorted(set(required_document_ids))
        if documents:
            known = set(
                RequiredDocument.objects.filter(
                    pk__in=documents, version_id=act.dossier.procedure_version_id
                ).values_list("pk", flat=True)
            )
            if known != set(documents):
                raise _invalid(
                    "required_document_unknown",
                    "Thành phần hồ sơ không thuộc thủ tục này.",
                    "A component does not belong to this procedure.",
                )
        _apply(
            act,
            changes={
                "paused_at": act.now,
                "paused_status": act.dossier.status,
                "supplement_requests": F("supplement_requests") + 1,
            },
            note="\n".join(cleaned),
            data={"reasons": cleaned, "required_document_ids": documents},
        )
    return act.dossier


def dossier_supplement_submit(
    *, dossier: Dossier, actor: User, documents: Sequence[DocumentInput] = (), note: str = ""
) -> Dossier:
    """The applicant (or the desk, for paper) supplies what was asked (5 → the status before).

    The appointment date and the current step's deadline move by the working time the dossier waited
    (:func:`opendvc.core.calendar.due_at_after_pause`).
    """
    with _acting(dossier=dossier, actor=actor, action=Action.SUPPLY) as act:
        d = act.dossier
        if act.role == Role.APPLICANT and not documents:
            raise _invalid(
                "supplement_documents_required",
                "Hãy đính kèm giấy tờ bổ sung.",
                "Attach the supplementary documents.",
            )
        attachment_ids = _attachments_bind(
            dossier=d,
            owner=actor,
            documents=documents,
            kind=Attachment.Kind.SUPPLEMENT,
            version_id=d.procedure_version_id,
            now=act.now,
        )
        paused_from = d.paused_at or act.now
        changes: dict[str, Any] = {"paused_at": None, "paused_status": None}
        data: dict[str, Any] = {"paused_from": paused_from, "previous_due_at": d.due_at}
        if d.due_at is not None:
            new_due = _after_pause(due_at=d.due_at, paused_from=paused_from, resumed_at=act.now, agency=d.agency)
            changes["due_at"] = new_due
            data["due_at"] = new_due
            changes["paused_working_time"] = d.paused_working_time + _working_time_paused(
                paused_from=paused_from, resumed_at=act.now, agency=d.agency
            )
        if d.step_due_at is not None:
            changes["step_due_at"] = _after_pause(
                due_at=d.step_due_at, paused_from=paused_from, resumed_at=act.now, agency=d.agency
            )
        _apply(act, changes=changes, note=_clean_text(note), data=data, attachment_ids=attachment_ids)
    return act.dossier


def _after_pause(*, due_at: datetime, paused_from: datetime, resumed_at: datetime, agency: Agency) -> datetime:
    return working_calendar.due_at_after_pause(
        due_at=due_at, paused_from=paused_from, resumed_at=resumed_at, agency=agency
    )


def _working_time_paused(*, paused_from: datetime, resumed_at: datetime, agency: Agency) -> timedelta:
    return working_calendar.working_time_between(paused_from, resumed_at, agency=agency).time


def dossier_forward(*, dossier: Dossier, actor: User, to_step: str, assignee: User, note: str = "") -> Dossier:
    """Hand the dossier to the next internal step (2 → 4, or within 4) and the officer who does it.

    The assignee must hold the step's role at the dossier's agency (``assignee_not_eligible``). The
    step gets its own deadline from its share of the time limit (see :mod:`opendvc.dossiers.workflow`).
    """
    with _acting(dossier=dossier, actor=actor, action=Action.FORWARD) as act:
        d = act.dossier
        workflow = workflow_for(procedure_id=d.procedure_id)
        spec = step_spec(workflow=workflow, step=to_step)
        if (
            spec is None
            or spec.step not in PROCESSING_STEPS
            or (d.status == DossierStatus.IN_PROGRESS and spec.step == d.current_step)
        ):
            raise _invalid(
                "step_invalid",
                "Bước chuyển đến không hợp lệ.",
                "The step to forward to is not valid.",
            )
        eligible = any(r.agency_id == d.agency_id and r.role == spec.role for r in officer_role_list(user=assignee))
        if not eligible:
            raise _invalid(
                "assignee_not_eligible",
                f"Người nhận không giữ vai trò «{Role(spec.role).label}» tại cơ quan {d.agency.code}.",
                f"The assignee is not a {spec.role} at agency {d.agency.code}.",
            )
        step_due = _due_for_step(dossier=d, spec=spec, started_at=act.now)
        _apply(
            act,
            changes={
                "current_step": spec.step.value,
                "assignee": assignee,
                "step_started_at": act.now,
                "step_due_at": step_due,
            },
            note=_clean_text(note),
            data={"from_step": d.current_step, "to_step": spec.step.value, "step_due_at": step_due},
        )
    return act.dossier


def dossier_request_payment(
    *, dossier: Dossier, actor: User, amount: int | None = None, note: str = "", description: str = ""
) -> Dossier:
    """Ask the applicant to pay the fees and charges (4 → 6, or a further charge at 6); the amount
    comes from the catalogue.

    An officer may give the amount when the catalogue's fee depends on the case (its ``amount`` is
    empty); without either the request is refused with ``fee_missing``. Each request is its own
    obligation in the payments app (with ``description`` when given); the dossier leaves status 6
    only when every one is paid (Decree 118/2025/NĐ-CP, Art. 15: the fees and charges are paid as the
    agency asks, at submission or during processing).
    """
    with _acting(dossier=dossier, actor=actor, action=Action.REQUEST_PAYMENT) as act:
        value = amount if amount is not None else act.dossier.fee_amount
        if value is None or value <= 0:
            raise _invalid(
                "fee_missing",
                "Danh mục thủ tục không có mức phí, lệ phí cho hồ sơ này; hãy nhập số tiền.",
                "The catalogue gives no fee for this dossier; enter the amount.",
            )
        data: dict[str, Any] = {"amount": int(value)}
        if description.strip():
            data["description"] = _clean_text(description, limit=300)
        _apply(act, changes={"fee_amount": int(value)}, note=_clean_text(note), data=data)
    return act.dossier


def dossier_payment_settled(
    *,
    dossier: Dossier,
    actor: User | None = None,
    reference: str = "",
    online: bool = False,
    provider: str = "",
    platform: int | None = None,
    at_submission: bool = False,
) -> Dossier:
    """Record that the fees were paid (6 → 4); called by the payments app (no actor) or the desk.

    Fees fixed at submission (the procedure's fees are paid with the dossier) are recorded by the
    payments app while the dossier is at 1, 2, 4 or 5, and the status stays (``at_submission``).
    An online payment's event carries ``online``, the ``provider`` and its ``platform``
    (DuocThanhToanTrucTuyen: 1 the national Payment Platform, 2 a local gateway).
    """
    data: dict[str, Any] = {"reference": reference[:200], "online": online}
    if online:
        data.update(provider=provider, platform=platform)
    if at_submission:
        data["at_submission"] = True
    with _acting(dossier=dossier, actor=actor, action=Action.PAYMENT_SETTLED) as act:
        if online:
            # The statistics count a dossier paid online once (the report's "thanh toán trực tuyến"
            # is a number of dossiers): a fee paid at submission and a later charge are two payments.
            data["first_online"] = not DossierEvent.objects.filter(
                dossier=act.dossier, action=Action.PAYMENT_SETTLED, data__online=True
            ).exists()
        _apply(
            act,
            changes={},
            note=_clean_text(reference, limit=200),
            data={**data, "amount": act.dossier.fee_amount},
        )
    return act.dossier


def dossier_withdraw(*, dossier: Dossier, actor: User, reason: str = "") -> Dossier:
    """The applicant withdraws the dossier (→ 7) before its result is ready (Decree 118/2025, Art. 21)."""
    with _acting(dossier=dossier, actor=actor, action=Action.WITHDRAW) as act:
        _apply(
            act,
            changes={"withdrawn_at": act.now, "current_step": "", "assignee": None, "paused_at": None},
            note=_clean_text(reason),
            data={"reason": _clean_text(reason)},
        )
    return act.dossier


def dossier_stop(*, dossier: Dossier, actor: User, legal_reason: str, legal_basis: str = "") -> Dossier:
    """The leader stops processing (4 → 8) for a reason the law provides (Form 05)."""
    with _acting(dossier=dossier, actor=actor, action=Action.STOP) as act:
        reason = _reasons([legal_reason], code="legal_reason_required")[0]
        _apply(
            act,
            changes={"stopped_at": act.now, "current_step": "", "assignee": None},
            note=reason,
            data={"legal_reason": reason, "legal_basis": _clean_text(legal_basis, limit=500)},
        )
    return act.dossier


def dossier_result_ready(
    *, dossier: Dossier, actor: User, documents: Sequence[DocumentInput], note: str = ""
) -> Dossier:
    """The clerk issues the result (4 → 9): processing ends (NgayKetThucXuLy) with the result attached.

    The 766 on-time rule compares this moment with the appointment date (Decision 766/QĐ-TTg).
    """
    with _acting(dossier=dossier, actor=actor, action=Action.RESULT_READY) as act:
        if not documents:
            raise _invalid(
                "result_document_missing",
                "Hãy đính kèm văn bản kết quả giải quyết.",
                "Attach the result document.",
            )
        attachment_ids = _attachments_bind(
            dossier=act.dossier,
            owner=actor,
            documents=documents,
            kind=Attachment.Kind.RESULT,
            version_id=None,
            now=act.now,
        )
        _apply(
            act,
            changes={
                "finished_at": act.now,
                "current_step": Step.RETURN,
                "assignee": None,
                "step_started_at": act.now,
                "step_due_at": None,
            },
            note=_clean_text(note),
            data={"finished_at": act.now, "due_at": act.dossier.due_at},
            attachment_ids=attachment_ids,
        )
    return act.dossier


def dossier_return(*, dossier: Dossier, actor: User, note: str = "") -> Dossier:
    """The desk hands the result to the applicant (9 → 10, NgayTra)."""
    with _acting(dossier=dossier, actor=actor, action=Action.RETURN) as act:
        _apply(
            act,
            changes={"returned_at": act.now, "current_step": "", "assignee": None},
            note=_clean_text(note),
        )
    return act.dossier


def dossier_apologise(*, dossier: Dossier, actor: User, reason: str, new_due_at: datetime) -> Dossier:
    """Apologise and set a new appointment (Form 04); the status does not change.

    The new date replaces NgayHenTra for the applicant, but the dossier stays late for the 766 index:
    ``apologies`` counts these letters (Circular 03/2025/TT-VPCP, Form 04; Decision 766/QĐ-TTg).
    """
    with _acting(dossier=dossier, actor=actor, action=Action.APOLOGISE) as act:
        cleaned = _reasons([reason])[0]
        if timezone.is_naive(new_due_at):
            new_due_at = timezone.make_aware(new_due_at)
        current = act.dossier.due_at
        if new_due_at <= act.now or (current is not None and new_due_at <= current):
            raise _invalid(
                "appointment_invalid",
                "Ngày hẹn trả mới phải sau ngày hẹn hiện tại và sau thời điểm hiện tại.",
                "The new appointment must be later than the current one and than now.",
            )
        _apply(
            act,
            changes={"due_at": new_due_at, "apologies": F("apologies") + 1},
            note=cleaned,
            data={"reason": cleaned, "previous_due_at": current, "due_at": new_due_at},
        )
    return act.dossier
