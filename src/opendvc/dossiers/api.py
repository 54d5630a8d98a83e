"""Dossiers API: submit online, register at the desk, worklists, one dossier, its history and files,
the lifecycle actions, and public tracking. Mounted at ``/api/v1/dossiers``; a dossier is addressed
by its code.

Files are uploaded first (``POST /uploads``, multipart, one file each) and then named by id in the
JSON body of the submission, supplement or result — so every action body is plain JSON and the
files are checked once, by content, at upload.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field as PydanticField

from opendvc.accounts.auth import api_auth
from opendvc.accounts.models import Organisation, User
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.agencies.models import Agency
from opendvc.audit.services import audit_context, audit_context_from_request
from opendvc.catalog.models import Procedure
from opendvc.catalog.selectors import procedure_by_code
from opendvc.core.codes import parse_agency_code, parse_dossier_code, parse_tthc_code
from opendvc.core.errors import ApiError, NotFound
from opendvc.dossiers import documents, selectors, services
from opendvc.dossiers.models import Attachment, Channel, Dossier
from opendvc.dossiers.scope import dossier_not_found
from opendvc.dossiers.transitions import ACTION_LABELS_EN, Action

router = Router(tags=["Hồ sơ"], auth=api_auth)

F = TypeVar("F", bound=Callable[..., Any])


def audited(view: F) -> F:
    """Record the client's address and request id on every audit entry written by the endpoint."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        context = audit_context_from_request(request)
        with audit_context(ip=context.ip, request_id=context.request_id):
            return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# --- Schemas ----------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: str
    messages: dict[str, str]
    details: list[dict[str, Any]]


class Labels(Schema):
    vi: str
    en: str


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    required_document_id: int | None
    uploaded_at: datetime
    url: str | None = PydanticField(description="Đường dẫn tải tệp; `null` khi tệp chưa thuộc hồ sơ nào.")


class DocumentIn(Schema):
    attachment_id: int = PydanticField(description="Mã tệp trả về từ `POST /uploads`.")
    required_document_id: int | None = PydanticField(None, description="Thành phần hồ sơ mà tệp này đáp ứng.")


class ContactIn(Schema):
    phone: str = PydanticField("", max_length=20)
    email: str = PydanticField("", max_length=254)
    address: str = PydanticField("", max_length=500)


class SubmitIn(Schema):
    agency: str = PydanticField(description="Mã định danh cơ quan tiếp nhận, ví dụ H29.17.")
    procedure: str = PydanticField(description="Mã thủ tục, ví dụ 1.001193.")
    procedure_version: int = PydanticField(ge=1, description="Số phiên bản thủ tục mà tờ khai được lập theo.")
    form_version: str = PydanticField("", max_length=64)
    form_data: dict[str, Any] = PydanticField(default_factory=dict)
    documents: list[DocumentIn] = PydanticField(default_factory=list, max_length=100)
    idempotency_key: str | None = PydanticField(
        None,
        max_length=64,
        description="Chống nộp trùng: cùng khóa → cùng hồ sơ (có thể gửi qua tiêu đề Idempotency-Key).",
    )
    organisation: str | None = PydanticField(None, description="Mã số thuế doanh nghiệp, tổ chức mà bạn đại diện.")
    contact: ContactIn | None = None


class ApplicantIn(Schema):
    name: str = PydanticField(max_length=255)
    kind: int = PydanticField(
        1, ge=1, le=4, description="LoaiDoiTuong: 1 công dân, 2 doanh nghiệp, 3 cơ quan nhà nước, 4 khác."
    )
    id_number: str = PydanticField("", max_length=20)
    phone: str = PydanticField("", max_length=20)
    email: str = PydanticField("", max_length=254)
    address: str = PydanticField("", max_length=500)


class TimeLimitIn(Schema):
    amount: Decimal = PydanticField(gt=0, le=3650)
    unit: Literal["working_days", "working_hours", "calendar_days"]


class RegisterIn(Schema):
    agency: str
    procedure: str
    channel: Literal["in_person", "post"] = "in_person"
    applicant: ApplicantIn
    form_data: dict[str, Any] = PydanticField(default_factory=dict)
    form_version: str = PydanticField("", max_length=64)
    documents: list[DocumentIn] = PydanticField(default_factory=list, max_length=100)
    receive_now: bool = False
    time_limit: TimeLimitIn | None = None
    idempotency_key: str | None = PydanticField(None, max_length=64)


class DossierSummaryOut(Schema):
    code: str
    status: int
    status_label: Labels
    current_step: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    applicant_name: str
    channel: int
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    assignee: str | None


class DossierPageOut(Schema):
    items: list[DossierSummaryOut]
    next: str | None = PydanticField(description="Con trỏ trang sau; `null` khi đã hết.")


class ActionOut(Schema):
    action: str
    path: str
    label: Labels


class DossierOut(DossierSummaryOut):
    procedure_version: int
    summary: str
    applicant_kind: int
    applicant_id_number: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    organisation_tax_code: str | None
    step_due_at: datetime | None
    returned_at: datetime | None
    refused_at: datetime | None
    withdrawn_at: datetime | None
    stopped_at: datetime | None
    paused_at: datetime | None
    supplement_requests: int
    apologies: int
    fee_amount: int | None
    time_limit: TimeLimitIn | None
    timeliness: str
    form_version: str
    form_data: dict[str, Any]
    attachments: list[AttachmentOut]
    roles: list[str]
    actions: list[ActionOut]


class ChainOut(Schema):
    ok: bool
    events: int
    broken_at: int | None
    reason: str


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    actor_role: str
    actor_name: str
    from_status: int | None
    to_status: int
    step: str
    text: Labels
    note: str
    attachment_ids: list[int]


class EventsOut(Schema):
    events: list[EventOut]
    chain: ChainOut


class SkippedDayOut(Schema):
    date: date
    reason: str


class PauseOut(Schema):
    paused_from: datetime
    resumed_at: datetime | None
    working_hours: float


class ApologyOut(Schema):
    due_at: datetime
    reason: str


class DueDateOut(Schema):
    received_at: datetime
    amount: Decimal
    unit: str
    initial_due_at: datetime
    due_at: datetime | None
    skipped: list[SkippedDayOut]
    pauses: list[PauseOut]
    apologies: list[ApologyOut]
    timeliness: str


class TrackOut(Schema):
    code: str
    procedure_name: str
    agency_name: str
    status: int
    status_label: Labels
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None


class WorklistParams(Schema):
    list: str | None = PydanticField(
        None, description="new | received | to_appraise | to_approve | to_issue | to_return | due_soon | overdue | all"
    )
    procedure: str | None = None
    status: int | None = PydanticField(None, ge=1, le=10)
    received_from: date | None = None
    received_to: date | None = None
    mine: bool = False
    cursor: str | None = None
    limit: int = PydanticField(20, ge=1, le=100)


class ReceiveIn(Schema):
    time_limit: TimeLimitIn | None = None
    note: str = PydanticField("", max_length=2000)


class ReasonsIn(Schema):
    reasons: list[str] = PydanticField(min_length=1, max_length=20)


class SupplementRequestIn(ReasonsIn):
    required_document_ids: list[int] = PydanticField(default_factory=list, max_length=100)


class SupplyIn(Schema):
    documents: list[DocumentIn] = PydanticField(default_factory=list, max_length=100)
    note: str = PydanticField("", max_length=2000)


class ForwardIn(Schema):
    to_step: Literal["appraise", "approve", "issue"]
    assignee: str = PydanticField(description="Tên đăng nhập của cán bộ nhận hồ sơ.", max_length=150)
    note: str = PydanticField("", max_length=2000)


class PaymentIn(Schema):
    amount: int | None = PydanticField(None, gt=0, description="Số tiền (đồng) khi danh mục không ghi mức cụ thể.")
    description: str = PydanticField("", max_length=300, description="Nội dung khoản thu (mặc định: phí, lệ phí).")
    note: str = PydanticField("", max_length=2000)


class WithdrawIn(Schema):
    reason: str = PydanticField("", max_length=2000)


class StopIn(Schema):
    legal_reason: str = PydanticField(max_length=2000)
    legal_basis: str = PydanticField("", max_length=500)


class ResultReadyIn(Schema):
    documents: list[DocumentIn] = PydanticField(min_length=1, max_length=20)
    note: str = PydanticField("", max_length=2000)


class NoteIn(Schema):
    note: str = PydanticField("", max_length=2000)


class ApologiseIn(Schema):
    reason: str = PydanticField(max_length=2000)
    new_due_at: datetime


# --- Presenters ---------------------------------------------------------------------------------------


def _labels(status: int) -> dict[str, str]:
    return selectors.status_labels(status)


def _attachment_out(attachment: Attachment, code: str | None) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "required_document_id": attachment.required_document_id,
        "uploaded_at": attachment.uploaded_at,
        "url": f"/api/v1/dossiers/{code}/attachments/{attachment.pk}" if code else None,
    }


def _summary_out(dossier: Dossier) -> dict[str, Any]:
    assignee = dossier.assignee
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": _labels(dossier.status),
        "current_step": dossier.current_step,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "agency_code": dossier.agency.code,
        "agency_name": dossier.agency.name,
        "applicant_name": dossier.applicant_name,
        "channel": dossier.channel,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "assignee": (assignee.full_name or assignee.username) if assignee is not None else None,
    }


_ACTION_PATHS = {
    Action.RECEIVE: "receive",
    Action.REFUSE: "refuse",
    Action.REQUEST_SUPPLEMENT: "request-supplement",
    Action.SUPPLY: "supply",
    Action.FORWARD: "forward",
    Action.REQUEST_PAYMENT: "request-payment",
    Action.PAYMENT_SETTLED: "payment-settled",
    Action.WITHDRAW: "withdraw",
    Action.STOP: "stop",
    Action.RESULT_READY: "result-ready",
    Action.RETURN: "return",
    Action.APOLOGISE: "apologise",
}


def _detail_out(access: selectors.DossierAccess) -> dict[str, Any]:
    d = access.dossier
    out = _summary_out(d)
    out.update(
        {
            "procedure_version": d.procedure_version.number,
            "summary": d.summary,
            "applicant_kind": d.applicant_kind,
            "applicant_id_number": d.applicant_id_number,
            "applicant_phone": d.applicant_phone,
            "applicant_email": d.applicant_email,
            "applicant_address": d.applicant_address,
            "organisation_tax_code": d.applicant_id_number if d.organisation_id else None,
            "step_due_at": d.step_due_at,
            "returned_at": d.returned_at,
            "refused_at": d.refused_at,
            "withdrawn_at": d.withdrawn_at,
            "stopped_at": d.stopped_at,
            "paused_at": d.paused_at,
            "supplement_requests": d.supplement_requests,
            "apologies": d.apologies,
            "fee_amount": d.fee_amount,
            "time_limit": (
                {"amount": d.time_limit_amount, "unit": d.time_limit_unit}
                if d.time_limit_amount is not None and d.time_limit_unit
                else None
            ),
            "timeliness": selectors.dossier_timeliness(dossier=d),
            "form_version": d.form_version,
            "form_data": d.form_data,
            "attachments": [_attachment_out(a, d.code) for a in d.attachments.all()],
            "roles": access.roles,
            "actions": [
                {
                    "action": action.value,
                    "path": f"/api/v1/dossiers/{d.code}/actions/{_ACTION_PATHS[action]}",
                    "label": {"vi": selectors.label_vi(action.label), "en": ACTION_LABELS_EN[action.value]},
                }
                for action in access.actions
                if action in _ACTION_PATHS
            ],
        }
    )
    return out


def _detail_for(user: User, code: str) -> dict[str, Any]:
    return _detail_out(selectors.dossier_get_for_user(user=user, code=code))


# --- Lookups ----------------------------------------------------------------------------------------


def _agency(code: str) -> Agency:
    canonical = parse_agency_code(code).canonical
    agency = Agency.objects.filter(code=canonical, is_active=True).first()
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {canonical}.", f"There is no agency {canonical}.", code="agency_not_found")
    return agency


def _procedure(code: str) -> Procedure:
    national = parse_tthc_code(code)
    procedure = procedure_by_code(code=national)
    if procedure is None:
        raise NotFound(
            f"Không có thủ tục mã {national}.", f"There is no procedure {national}.", code="procedure_not_found"
        )
    return procedure


def _organisation(tax_code: str | None) -> Organisation | None:
    if not tax_code:
        return None
    organisation = Organisation.objects.filter(tax_code=tax_code.strip()).first()
    if organisation is None:
        raise ApiError(
            "not_a_representative",
            "Bạn không phải người đại diện của doanh nghiệp, tổ chức này.",
            "You do not represent this organisation.",
            status=403,
        )
    return organisation


def _dossier(code: str) -> Dossier:
    """The dossier by code, unscoped: the service checks scope and audits a refusal as ``dossier_not_found``."""
    dossier = Dossier.objects.filter(code=str(parse_dossier_code(code))).first()
    if dossier is None:
        raise dossier_not_found()
    return dossier


def _documents(items: list[DocumentIn]) -> list[services.DocumentInput]:
    return [
        services.DocumentInput(attachment_id=i.attachment_id, required_document_id=i.required_document_id)
        for i in items
    ]


# --- Endpoints: creation and lists ------------------------------------------------------------------


@router.post("/uploads", response={201: AttachmentOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut})
@audited
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Upload one file (PDF, JPEG or PNG, by content; at most `DOSSIER_MAX_UPLOAD_BYTES`) for a later
    submission, supplement or result; name it by its `id` there."""
    attachment = services.attachment_upload(user=_user(request), file=file)
    return Status(201, _attachment_out(attachment, None))


@router.post(
    "/", response={200: DossierOut, 201: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
@audited
def submit(request: HttpRequest, payload: SubmitIn) -> Status[dict[str, Any]]:
    """Submit a dossier online. The same idempotency key returns the dossier already created (200)."""
    user = _user(request)
    key = payload.idempotency_key or request.headers.get("Idempotency-Key")
    contact = payload.contact
    result = services.dossier_submit(
        applicant=user,
        agency=_agency(payload.agency),
        procedure=_procedure(payload.procedure),
        procedure_version=payload.procedure_version,
        form_data=payload.form_data,
        form_version=payload.form_version,
        documents=_documents(payload.documents),
        idempotency_key=key,
        organisation=_organisation(payload.organisation),
        contact=services.ContactInput(**contact.dict()) if contact is not None else None,
    )
    # The new dossier is in hand with its agency, procedure and people: answer from it, not a fresh read.
    return Status(
        201 if result.created else 200, _detail_out(selectors.dossier_access(dossier=result.dossier, user=user))
    )


@router.post(
    "/register", response={200: DossierOut, 201: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
@audited
def register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    """The desk registers a dossier brought in person or by post (optionally receiving it at once)."""
    user = _user(request)
    time_limit = payload.time_limit
    dossier = services.dossier_register(
        officer=user,
        agency=_agency(payload.agency),
        procedure=_procedure(payload.procedure),
        channel=Channel.IN_PERSON if payload.channel == "in_person" else Channel.POST,
        applicant=services.ApplicantInput(**payload.applicant.dict()),
        form_data=payload.form_data,
        form_version=payload.form_version,
        documents=_documents(payload.documents),
        idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key"),
        receive_now=payload.receive_now,
        time_limit=services.TimeLimit(time_limit.amount, time_limit.unit) if time_limit else None,
    )
    return Status(201, _detail_for(user, dossier.code))


@router.get("/", response={200: DossierPageOut, 400: ErrorOut})
def dossier_list(request: HttpRequest, params: Query[WorklistParams]) -> dict[str, Any]:
    """Officers: a worklist (`list`, default `all`), scoped to their agencies. Others: their own dossiers."""
    user = _user(request)
    if user.kind == User.Kind.OFFICER or params.list is not None:
        page = selectors.dossier_worklist(
            user=user,
            name=params.list or "all",
            filters=selectors.WorklistFilters(
                procedure=parse_tthc_code(params.procedure) if params.procedure else "",
                status=params.status,
                received_from=params.received_from,
                received_to=params.received_to,
                assigned_to_me=params.mine,
            ),
            cursor=params.cursor,
            limit=params.limit,
        )
    else:
        page = selectors.dossier_list_for_owner(
            user=user, status=params.status, cursor=params.cursor, limit=params.limit
        )
    return {"items": [_summary_out(d) for d in page.items], "next": page.next_cursor}


def _track_allowed(request: HttpRequest) -> bool:
    """At most ``DOSSIER_TRACK_RATE_PER_MINUTE`` look-ups a minute from one address (default 30)."""
    rate = int(getattr(settings, "DOSSIER_TRACK_RATE_PER_MINUTE", 30))
    key = f"dossiers:track:{request.META.get('REMOTE_ADDR', '')}"
    if cache.add(key, 1, timeout=60):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        return True
    return count <= rate


@router.get("/track", auth=None, response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def track(
    request: HttpRequest,
    code: str = Query(..., max_length=60),  # type: ignore[assignment]
    factor: str = Query(..., max_length=8, description="4 chữ số cuối số giấy tờ hoặc số điện thoại"),  # type: ignore[assignment]
) -> dict[str, Any]:
    """Public tracking: a dossier's progress by its code and a second factor; no personal data."""
    if not _track_allowed(request):
        raise ApiError(
            "too_many_requests",
            "Bạn tra cứu quá nhiều lần; hãy thử lại sau một phút.",
            "Too many look-ups; try again in a minute.",
            status=429,
        )
    dossier = selectors.dossier_track(code=code, factor=factor)
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "agency_name": dossier.agency.name,
        "status": dossier.status,
        "status_label": _labels(dossier.status),
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
    }


# --- Endpoints: the dossier register (Form 07) -------------------------------------------------------
# Declared before ``/{code}`` so that ``/register.pdf`` is not read as a dossier code.


class RegisterParams(Schema):
    agency: str = PydanticField(description="Mã định danh cơ quan, ví dụ H29.17.")
    date_from: date = PydanticField(alias="from", description="Ngày nhận hồ sơ đầu kỳ (tính cả ngày này).")
    date_to: date = PydanticField(alias="to", description="Ngày nhận hồ sơ cuối kỳ (tính cả ngày này).")
    lang: Literal["vi", "en"] = "vi"


def _register_download(request: HttpRequest, params: RegisterParams, fmt: Literal["pdf", "csv"]) -> HttpResponse:
    agency = _agency(params.agency)
    if agency.pk not in officer_agency_ids(user=_user(request)):
        raise ApiError(
            "register_not_allowed",
            "Chỉ cán bộ của cơ quan mới xem được sổ theo dõi hồ sơ của cơ quan.",
            "Only officers of the agency may see its dossier register.",
            status=403,
        )
    content = documents.dossier_register_render(
        agency=agency, date_from=params.date_from, date_to=params.date_to, fmt=fmt, lang=params.lang
    )
    content_type = "application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    name = f"so-theo-doi-ho-so-{agency.code}-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/register.pdf", response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def register_pdf(request: HttpRequest, params: Query[RegisterParams]) -> HttpResponse:
    """Form 07 (Sổ theo dõi hồ sơ): the agency's dossiers received in the period, A4 landscape. Its officers only."""
    return _register_download(request, params, "pdf")


@router.get("/register.csv", response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def register_csv(request: HttpRequest, params: Query[RegisterParams]) -> HttpResponse:
    """Form 07 as CSV (UTF-8 with a byte-order mark), the same columns as the PDF."""
    return _register_download(request, params, "csv")


# --- Endpoints: one dossier -------------------------------------------------------------------------


@router.get("/{code}", response={200: DossierOut, 400: ErrorOut, 404: ErrorOut})
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """A dossier with its files and the actions the caller may take now."""
    return _detail_for(_user(request), code)


@router.get("/{code}/events", response={200: EventsOut, 400: ErrorOut, 404: ErrorOut})
def dossier_events(request: HttpRequest, code: str) -> dict[str, Any]:
    """The dossier's history in plain sentences, and whether its hash chain is intact."""
    access = selectors.dossier_get_for_user(user=_user(request), code=code)
    entries = selectors.dossier_timeline(dossier=access.dossier, for_officer=access.is_officer)
    chain = selectors.dossier_chain_verify(dossier=access.dossier)
    return {
        "events": [
            {
                "seq": e.seq,
                "at": e.at,
                "action": e.action,
                "actor_role": e.actor_role,
                "actor_name": e.actor_name,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "step": e.step,
                "text": {"vi": e.text_vi, "en": e.text_en},
                "note": e.note,
                "attachment_ids": e.attachment_ids,
            }
            for e in entries
        ],
        "chain": {"ok": chain.ok, "events": chain.events, "broken_at": chain.broken_at, "reason": chain.reason},
    }


@router.get("/{code}/due-date", response={200: DueDateOut, 400: ErrorOut, 404: ErrorOut})
def dossier_due_date(request: HttpRequest, code: str) -> Any:
    """How the appointment date was computed: skipped days, supplement pauses, apologies."""
    access = selectors.dossier_get_for_user(user=_user(request), code=code)
    explanation = selectors.dossier_due_explanation(dossier=access.dossier)
    if explanation is None:
        raise ApiError(
            "not_received",
            "Hồ sơ chưa được tiếp nhận nên chưa có ngày hẹn trả.",
            "The dossier has not been received yet, so it has no due date.",
            status=404,
        )
    return {
        "received_at": explanation.received_at,
        "amount": explanation.amount,
        "unit": explanation.unit,
        "initial_due_at": explanation.initial_due_at,
        "due_at": explanation.due_at,
        "skipped": [{"date": day, "reason": reason} for day, reason in explanation.skipped],
        "pauses": [
            {
                "paused_from": p.paused_from,
                "resumed_at": p.resumed_at,
                "working_hours": round(p.working_time.total_seconds() / 3600, 2),
            }
            for p in explanation.pauses
        ],
        "apologies": [{"due_at": due, "reason": reason} for due, reason in explanation.apologies],
        "timeliness": explanation.timeliness,
    }


@router.get("/{code}/attachments/{attachment_id}", response={200: None, 400: ErrorOut, 404: ErrorOut})
def attachment_download(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    """Download a file of a dossier in your scope (the same 404 otherwise)."""
    attachment = selectors.attachment_get_for_user(user=_user(request), code=code, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise ApiError(
            "file_missing",
            "Tệp không còn trong kho lưu trữ; hãy báo cho cơ quan giải quyết.",
            "The file is missing from storage; tell the agency.",
            status=404,
        ) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/{code}/forms/{number}.pdf", response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def dossier_form(request: HttpRequest, code: str, number: str, lang: Literal["vi", "en"] = "vi") -> HttpResponse:
    """An official form of the dossier (Circular 03/2025/TT-VPCP, Appendix I) as PDF: 01 receipt, 02 supplement
    request, 03 refusal, 04 apology, 05 stop notice — for its officers and its applicant — and 06, the
    processing control slip, for its officers. `form_not_available` (409) until the form's event happened."""
    form = int(number) if number.isdigit() and len(number) <= 2 else 0
    if form not in documents.FORM_EVENTS:
        raise documents.form_unknown(number)
    access = selectors.dossier_get_for_user(user=_user(request), code=code)
    if form not in documents.APPLICANT_FORMS and not access.is_officer:
        raise ApiError(
            "form_not_permitted",
            f"Mẫu số {form:02d} là phiếu kiểm soát nội bộ của cơ quan giải quyết; chỉ cán bộ xem được.",
            f"Form {form:02d} is the agency's internal control slip; only its officers may see it.",
            status=403,
        )
    content = documents.dossier_form_render(dossier=access.dossier, number=form, lang=lang)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{form:02d}-{access.dossier.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Endpoints: actions -------------------------------------------------------------------------------

_ACTION_RESPONSES: dict[int, Any] = {200: DossierOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/{code}/actions/receive", response=_ACTION_RESPONSES)
@audited
def action_receive(request: HttpRequest, code: str, payload: ReceiveIn) -> dict[str, Any]:
    """Desk: accept the dossier (1 → 2) and set its appointment date (Form 01)."""
    user = _user(request)
    limit = payload.time_limit
    dossier = services.dossier_receive(
        dossier=_dossier(code),
        actor=user,
        time_limit=services.TimeLimit(limit.amount, limit.unit) if limit else None,
        note=payload.note,
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/refuse", response=_ACTION_RESPONSES)
@audited
def action_refuse(request: HttpRequest, code: str, payload: ReasonsIn) -> dict[str, Any]:
    """Desk: refuse the dossier at reception (1 → 3) with reasons (Form 03)."""
    user = _user(request)
    dossier = services.dossier_refuse(dossier=_dossier(code), actor=user, reasons=payload.reasons)
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/request-supplement", response=_ACTION_RESPONSES)
@audited
def action_request_supplement(request: HttpRequest, code: str, payload: SupplementRequestIn) -> dict[str, Any]:
    """Desk or specialist: ask for a supplement (2/4 → 5, Form 02); the clock stops."""
    user = _user(request)
    dossier = services.dossier_request_supplement(
        dossier=_dossier(code), actor=user, reasons=payload.reasons, required_document_ids=payload.required_document_ids
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/supply", response=_ACTION_RESPONSES)
@audited
def action_supply(request: HttpRequest, code: str, payload: SupplyIn) -> dict[str, Any]:
    """Applicant (or desk): supply the documents asked for (5 → previous); the due date moves."""
    user = _user(request)
    dossier = services.dossier_supplement_submit(
        dossier=_dossier(code), actor=user, documents=_documents(payload.documents), note=payload.note
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/forward", response=_ACTION_RESPONSES)
@audited
def action_forward(request: HttpRequest, code: str, payload: ForwardIn) -> dict[str, Any]:
    """Hand the dossier to the next step and officer (2 → 4, or within 4)."""
    user = _user(request)
    dossier = _dossier(code)
    assignee = User.objects.filter(username=payload.assignee, is_active=True).first()
    if assignee is None:
        raise ApiError(
            "assignee_not_eligible",
            "Người nhận không giữ vai trò phù hợp tại cơ quan này.",
            "The assignee does not hold the right role at this agency.",
            status=422,
        )
    dossier = services.dossier_forward(
        dossier=dossier, actor=user, to_step=payload.to_step, assignee=assignee, note=payload.note
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/request-payment", response=_ACTION_RESPONSES)
@audited
def action_request_payment(request: HttpRequest, code: str, payload: PaymentIn) -> dict[str, Any]:
    """Specialist: ask for the fees (4 → 6), or a further charge at 6; the amount comes from the
    catalogue unless given. Each request is paid on its own."""
    user = _user(request)
    dossier = services.dossier_request_payment(
        dossier=_dossier(code),
        actor=user,
        amount=payload.amount,
        note=payload.note,
        description=payload.description,
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/withdraw", response=_ACTION_RESPONSES)
@audited
def action_withdraw(request: HttpRequest, code: str, payload: WithdrawIn) -> dict[str, Any]:
    """Applicant: withdraw the dossier (→ 7)."""
    user = _user(request)
    dossier = services.dossier_withdraw(dossier=_dossier(code), actor=user, reason=payload.reason)
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/stop", response=_ACTION_RESPONSES)
@audited
def action_stop(request: HttpRequest, code: str, payload: StopIn) -> dict[str, Any]:
    """Leader: stop processing (4 → 8) with the legal reason (Form 05)."""
    user = _user(request)
    dossier = services.dossier_stop(
        dossier=_dossier(code), actor=user, legal_reason=payload.legal_reason, legal_basis=payload.legal_basis
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/result-ready", response=_ACTION_RESPONSES)
@audited
def action_result_ready(request: HttpRequest, code: str, payload: ResultReadyIn) -> dict[str, Any]:
    """Clerk: issue the result with its documents (4 → 9)."""
    user = _user(request)
    dossier = services.dossier_result_ready(
        dossier=_dossier(code), actor=user, documents=_documents(payload.documents), note=payload.note
    )
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/return", response=_ACTION_RESPONSES)
@audited
def action_return(request: HttpRequest, code: str, payload: NoteIn) -> dict[str, Any]:
    """Desk: hand the result to the applicant (9 → 10)."""
    user = _user(request)
    dossier = services.dossier_return(dossier=_dossier(code), actor=user, note=payload.note)
    return _detail_for(user, dossier.code)


@router.post("/{code}/actions/apologise", response=_ACTION_RESPONSES)
@audited
def action_apologise(request: HttpRequest, code: str, payload: ApologiseIn) -> dict[str, Any]:
    """Leader: apologise for a delay and set a new appointment (Form 04); the status stays."""
    user = _user(request)
    dossier = services.dossier_apologise(
        dossier=_dossier(code), actor=user, reason=payload.reason, new_due_at=payload.new_due_at
    )
    return _detail_for(user, dossier.code)
