"""Reads of dossiers: officer worklists, a dossier for its officer or owner, public tracking, timelines.

Every read is scoped (DESIGN.md §5): an officer sees the dossiers of the agencies where they hold a
role, an applicant their own (and their organisations'); anything else is ``dossier_not_found``
(404), exactly like an unknown code, so codes cannot be probed. Lists paginate by keyset, never by
``OFFSET`` or ``COUNT(*)``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from opendvc.accounts.models import User
from opendvc.accounts.selectors import officer_agency_ids, organisations_for
from opendvc.core import calendar as working_calendar
from opendvc.core.codes import parse_dossier_code
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import (
    OPEN_STATUSES,
    STATUS_LABELS_EN,
    Attachment,
    Channel,
    Dossier,
    DossierEvent,
    DossierStatus,
    Role,
    Step,
)
from opendvc.dossiers.scope import dossier_not_found, dossier_roles_for
from opendvc.dossiers.transitions import ACTION_LABELS_EN, Action, actions_allowed

#: Working days ahead that make a dossier "due soon" on the officer's worklist.
DUE_SOON_WORKING_DAYS: Final = 2
PAGE_LIMIT_MAX: Final = 100
#: Statuses whose clock runs: a dossier waiting for a supplement (5) is neither due soon nor overdue.
RUNNING_STATUSES: Final = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.PAYMENT_REQUESTED)


# --- Keyset pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list[Dossier]
    next_cursor: str | None


def _cursor_encode(value: datetime | None, pk: int) -> str:
    raw = json.dumps([value.isoformat() if value else None, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid_cursor() -> ApiError:
    return ApiError(
        "invalid_cursor",
        "Con trỏ trang không hợp lệ; hãy tải lại danh sách từ đầu.",
        "The page cursor is invalid; reload the list from the start.",
    )


def _cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = parse_datetime(value) if isinstance(value, str) else None
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _invalid_cursor() from None
    if moment is None or timezone.is_naive(moment) or not isinstance(pk, int) or isinstance(pk, bool):
        raise _invalid_cursor()
    return moment, pk


def _keyset_page(queryset: QuerySet[Dossier], *, key: str, descending: bool, cursor: str | None, limit: int) -> Page:
    limit = max(1, min(limit, PAGE_LIMIT_MAX))
    if cursor:
        moment, pk = _cursor_decode(cursor)
        if descending:
            queryset = queryset.filter(Q(**{f"{key}__lt": moment}) | Q(**{key: moment, "pk__lt": pk}))
        else:
            queryset = queryset.filter(Q(**{f"{key}__gt": moment}) | Q(**{key: moment, "pk__gt": pk}))
    ordering = [f"-{key}", "-pk"] if descending else [key, "pk"]
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = _cursor_encode(getattr(last, key), last.pk)
    return Page(items=items, next_cursor=next_cursor)


# --- Worklists --------------------------------------------------------------------------------------

#: What a list row shows (worklists, "my dossiers", their API items): a list reads these columns only,
#: not the form answers nor the procedure's full texts, which are large.
SUMMARY_FIELDS: Final = (
    "code",
    "status",
    "current_step",
    "channel",
    "applicant_name",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "paused_at",
    "supplement_requests",
    "agency__code",
    "agency__name",
    "procedure__code",
    "procedure_version__name",
    "procedure_version__number",
    "assignee__full_name",
    "assignee__username",
)


@dataclass(frozen=True)
class WorklistSpec:
    """Which dossiers a list shows, who sees it (``roles``; any role when empty), and its order."""

    roles: tuple[str, ...]
    key: str
    descending: bool = False


WORKLISTS: Final[dict[str, WorklistSpec]] = {
    "new": WorklistSpec((Role.DESK,), "submitted_at"),
    "received": WorklistSpec((Role.DESK,), "due_at"),
    "to_appraise": WorklistSpec((Role.SPECIALIST,), "due_at"),
    "to_approve": WorklistSpec((Role.LEADER,), "due_at"),
    "to_issue": WorklistSpec((Role.CLERK,), "due_at"),
    "to_return": WorklistSpec((Role.DESK,), "finished_at"),
    "due_soon": WorklistSpec((), "due_at"),
    "overdue": WorklistSpec((), "due_at"),
    "all": WorklistSpec((), "submitted_at", descending=True),
}


@dataclass(frozen=True)
class WorklistFilters:
    procedure: str = ""
    status: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    assigned_to_me: bool = False


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _list_condition(name: str, *, now: datetime) -> Q:
    if name == "new":
        return Q(status=DossierStatus.SUBMITTED)
    if name == "received":
        return Q(status=DossierStatus.RECEIVED)
    if name == "to_appraise":
        return Q(status=DossierStatus.IN_PROGRESS, current_step=Step.APPRAISE)
    if name == "to_approve":
        return Q(status=DossierStatus.IN_PROGRESS, current_step=Step.APPROVE)
    if name == "to_issue":
        return Q(status=DossierStatus.IN_PROGRESS, current_step=Step.ISSUE)
    if name == "to_return":
        return Q(status=DossierStatus.RESULT_READY)
    if name == "due_soon":
        threshold = working_calendar.due_at_for(
            received_at=now, amount=DUE_SOON_WORKING_DAYS, unit="working_days"
        ).due_at
        return Q(status__in=RUNNING_STATUSES, due_at__gte=now, due_at__lte=threshold)
    if name == "overdue":
        return Q(status__in=RUNNING_STATUSES, due_at__lt=now)
    return Q()


def dossier_worklist(
    *,
    user: User,
    name: str = "all",
    filters: WorklistFilters | None = None,
    cursor: str | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> Page:
    """An officer's worklist, scoped to the agencies where they hold the list's role.

    ``new`` (status 1, desk), ``received`` (2, desk, to forward), ``to_appraise`` / ``to_approve`` /
    ``to_issue`` (4 at that step; specialist, leader, clerk), ``to_return`` (9, desk), ``due_soon``
    (clock running, due within two working days), ``overdue`` (clock running, past due), ``all``.
    Two queries: the officer's agencies, then the page.
    """
    spec = WORKLISTS.get(name)
    if spec is None:
        raise ApiError(
            "invalid_list",
            f"Không có danh sách «{name}». Các danh sách: {', '.join(WORKLISTS)}.",
            f"There is no list '{name}'. Lists: {', '.join(WORKLISTS)}.",
        )
    filters = filters or WorklistFilters()
    now = now or timezone.now()
    agency_ids = officer_agency_ids(user=user, roles=[str(r) for r in spec.roles] or None)
    if not agency_ids:
        return Page(items=[], next_cursor=None)
    queryset = Dossier.objects.filter(_list_condition(name, now=now), agency_id__in=sorted(agency_ids))
    if filters.procedure:
        queryset = queryset.filter(procedure__code=filters.procedure)
    if filters.status is not None:
        queryset = queryset.filter(status=filters.status)
    if filters.received_from is not None:
        queryset = queryset.filter(received_at__gte=_local_start(filters.received_from))
    if filters.received_to is not None:
        queryset = queryset.filter(received_at__lt=_local_start(filters.received_to + timedelta(days=1)))
    if filters.assigned_to_me:
        queryset = queryset.filter(assignee=user)
    if spec.key != "submitted_at":
        queryset = queryset.filter(**{f"{spec.key}__isnull": False})
    queryset = queryset.select_related("agency", "procedure", "procedure_version", "assignee").only(*SUMMARY_FIELDS)
    return _keyset_page(queryset, key=spec.key, descending=spec.descending, cursor=cursor, limit=limit)


def dossier_list_for_owner(
    *, user: User, status: int | None = None, cursor: str | None = None, limit: int = 20
) -> Page:
    """ "My dossiers": those of the applicant's account and of the organisations they represent, newest first."""
    organisation_ids = organisations_for(user=user).values("pk")
    queryset = Dossier.objects.filter(Q(applicant=user) | Q(organisation__in=organisation_ids))
    if status is not None:
        queryset = queryset.filter(status=status)
    queryset = queryset.select_related("agency", "procedure", "procedure_version", "assignee", "source_system").only(
        *SUMMARY_FIELDS, "source_system__name"
    )
    return _keyset_page(queryset, key="submitted_at", descending=True, cursor=cursor, limit=limit)


# --- One dossier ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierAccess:
    """A dossier as one user may see it: their roles on it decide what they may do next."""

    dossier: Dossier
    roles: list[str]

    @property
    def is_officer(self) -> bool:
        return any(role != Role.APPLICANT for role in self.roles)

    @property
    def actions(self) -> list[Action]:
        return actions_allowed(status=self.dossier.status, roles=self.roles, step=self.dossier.current_step)


def _canonical_code(code: str) -> str:
    parsed = parse_dossier_code(code)
    return str(parsed)


#: The procedure's published texts and the agency's search words: large, and never shown with a dossier.
_PAGE_DEFERRED: Final = (
    "procedure_version__conditions",
    "procedure_version__processing_time_text",
    "procedure_version__processing_time_note",
    "procedure_version__change_note",
    "procedure_version__implementing_agencies",
    "agency__search_text",
)


def dossier_get_for_user(*, user: User, code: str) -> DossierAccess:
    """The dossier if ``user`` is an officer of its agency or its owner; otherwise ``dossier_not_found``.

    Three queries for an officer (dossier with its agency, procedure and assignee; roles; attachments).
    The applicant's account is not joined: pages show the name written on the dossier, and scope
    needs only ``applicant_id``.
    """
    dossier = (
        Dossier.objects.select_related("agency", "procedure", "procedure_version", "assignee")
        .defer(*_PAGE_DEFERRED)
        .prefetch_related("attachments")
        .filter(code=_canonical_code(code))
        .first()
    )
    if dossier is None:
        raise dossier_not_found()
    roles = dossier_roles_for(dossier=dossier, user=user)
    if not roles:
        raise dossier_not_found()
    return DossierAccess(dossier=dossier, roles=roles)


def dossier_access(*, dossier: Dossier, user: User) -> DossierAccess:
    """The dossier already in hand as ``user`` may see it (a service's result); ``dossier_not_found`` otherwise."""
    roles = dossier_roles_for(dossier=dossier, user=user)
    if not roles:
        raise dossier_not_found()
    return DossierAccess(dossier=dossier, roles=roles)


def dossier_actions_allowed(*, dossier: Dossier, user: User) -> list[Action]:
    """The actions ``user`` may take on the dossier now (empty when out of scope), from the transition table."""
    roles = dossier_roles_for(dossier=dossier, user=user)
    return actions_allowed(status=dossier.status, roles=roles, step=dossier.current_step)


def dossier_get_for_officer(*, user: User, code: str) -> DossierAccess:
    access = dossier_get_for_user(user=user, code=code)
    if not access.is_officer:
        raise dossier_not_found()
    return access


def dossier_get_for_owner(*, user: User, code: str) -> DossierAccess:
    access = dossier_get_for_user(user=user, code=code)
    if Role.APPLICANT not in access.roles:
        raise dossier_not_found()
    return access


def attachment_get_for_user(*, user: User, code: str, attachment_id: int) -> Attachment:
    """A file of a dossier in the user's scope; the same 404 for a file of another dossier."""
    access = dossier_get_for_user(user=user, code=code)
    for attachment in access.dossier.attachments.all():
        if attachment.pk == attachment_id:
            return attachment
    raise ApiError("attachment_not_found", "Không tìm thấy tệp.", "File not found.", status=404)


# --- Public tracking ----------------------------------------------------------------------------------


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def dossier_track(*, code: str, factor: str) -> Dossier:
    """Public tracking by code plus the last four digits of the applicant's ID number or phone.

    A wrong factor gets exactly the answer of an unknown code (``dossier_not_found``), so the public
    page cannot be used to find which codes exist.
    """
    factor = (factor or "").strip()
    if len(factor) != 4 or not factor.isdigit():
        raise ApiError(
            "invalid_factor",
            "Nhập 4 chữ số cuối của số giấy tờ hoặc số điện thoại của chủ hồ sơ.",
            "Enter the last 4 digits of the applicant's ID number or phone number.",
        )
    dossier = (
        Dossier.objects.select_related("agency", "procedure_version", "source_system")
        .filter(code=_canonical_code(code))
        .first()
    )
    candidates = ["", ""] if dossier is None else [dossier.applicant_id_number, dossier.applicant_phone]
    matched = False
    for candidate in candidates:
        digits = _digits(candidate)
        expected = digits[-4:] if len(digits) >= 4 else "\x00" * 4
        matched |= hmac.compare_digest(expected.encode(), factor.encode())
    if dossier is None or not matched:
        raise dossier_not_found()
    return dossier


# --- Timeline and explanations -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime
    action: str
    actor_role: str
    actor_name: str
    from_status: int | None
    to_status: int
    step: str
    text_vi: str
    text_en: str
    note: str
    attachment_ids: list[int]
    data: Mapping[str, Any] = field(default_factory=dict)


def _local(moment: Any) -> str:
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if not isinstance(moment, datetime):
        return ""
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def _local_en(moment: Any) -> str:
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if not isinstance(moment, datetime):
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def label_vi(label: Any) -> str:
    """A choice label in Vietnamese whatever the request's language."""
    with translation.override("vi"):
        return str(label)


def _event_text(event: DossierEvent) -> tuple[str, str]:
    """One plain sentence per event, in Vietnamese and in English."""
    data = event.data or {}
    action = event.action
    reasons = "; ".join(data.get("reasons", [])) or event.note
    if action == Action.SUBMIT:
        return "Nộp hồ sơ trực tuyến.", "Dossier submitted online."
    if action == Action.REGISTER:
        channel = Channel(data.get("channel", Channel.IN_PERSON))
        return (
            f"Bộ phận một cửa đăng ký hồ sơ nộp {label_vi(channel.label).lower()}.",
            "The desk registered the dossier "
            + ("brought in person." if channel == Channel.IN_PERSON else "sent by post."),
        )
    if action == Action.RECEIVE:
        return (
            f"Tiếp nhận hồ sơ; hẹn trả kết quả lúc {_local(data.get('due_at'))}.",
            f"Dossier accepted; result due at {_local_en(data.get('due_at'))}.",
        )
    if action == Action.REFUSE:
        return f"Từ chối tiếp nhận hồ sơ. Lý do: {reasons}", f"Dossier refused at reception. Reasons: {reasons}"
    if action == Action.REQUEST_SUPPLEMENT:
        return (
            f"Yêu cầu bổ sung, hoàn thiện hồ sơ: {reasons}. Thời gian chờ bổ sung không tính vào thời hạn giải quyết.",
            f"Supplement requested: {reasons}. Waiting time does not count towards the time limit.",
        )
    if action == Action.SUPPLY:
        if data.get("due_at"):
            return (
                f"Đã bổ sung hồ sơ; ngày hẹn trả chuyển thành {_local(data.get('due_at'))}.",
                f"Documents supplied; the result is now due at {_local_en(data.get('due_at'))}.",
            )
        return "Đã bổ sung hồ sơ.", "Documents supplied."
    if action == Action.FORWARD:
        step = Step(data.get("to_step", event.step or Step.APPRAISE))
        return f"Chuyển hồ sơ sang bước «{label_vi(step.label)}».", f"Forwarded to the '{step.value}' step."
    if action == Action.REQUEST_PAYMENT:
        amount = int(data.get("amount") or 0)
        return (
            f"Yêu cầu thực hiện nghĩa vụ tài chính: {amount:,} đồng.".replace(",", "."),
            f"Payment of VND {amount:,} requested.",
        )
    if action == Action.PAYMENT_SETTLED:
        return "Đã thực hiện nghĩa vụ tài chính.", "Payment received."
    if action == "sync_status":
        status = DossierStatus(event.to_status)
        return (
            f"Hệ thống {data.get('system', '')} cập nhật: {label_vi(status.label)}.",
            f"Updated by {data.get('system', '')}: {STATUS_LABELS_EN[status]}.",
        )
    if action == "sync_progress":
        status = DossierStatus(int(data.get("status") or event.to_status))
        who = ", ".join(v for v in (data.get("handler", ""), data.get("department", "")) if v)
        return (
            f"{who or 'Cơ quan'}: {event.note or label_vi(status.label)}.",
            f"{who or 'Agency'}: {event.note or STATUS_LABELS_EN[status]}.",
        )
    if action == Action.WITHDRAW:
        return "Người nộp rút hồ sơ.", "The applicant withdrew the dossier."
    if action == Action.STOP:
        reason = data.get("legal_reason", event.note)
        return f"Dừng giải quyết hồ sơ. Lý do: {reason}", f"Processing stopped. Reason: {reason}"
    if action == Action.RESULT_READY:
        return "Đã có kết quả giải quyết hồ sơ.", "The result is ready."
    if action == Action.RETURN:
        return "Đã trả kết quả cho người nộp.", "The result was returned to the applicant."
    if action == Action.APOLOGISE:
        reason = data.get("reason", event.note)
        return (
            f"Cơ quan xin lỗi vì hồ sơ chậm; hẹn lại trả kết quả lúc {_local(data.get('due_at'))}. Lý do: {reason}",
            f"The agency apologised for the delay; new appointment {_local_en(data.get('due_at'))}. Reason: {reason}",
        )
    return label_vi(Action(action).label) if action in Action.values else action, ACTION_LABELS_EN.get(action, action)


def dossier_timeline(*, dossier: Dossier, for_officer: bool = False) -> list[TimelineEntry]:
    """The dossier's events as plain sentences, oldest first; applicants see roles, officers see names."""
    events = DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("seq")
    entries = []
    for event in events:
        text_vi, text_en = _event_text(event)
        actor_name = ""
        if event.actor is not None and (for_officer or event.actor_role == Role.APPLICANT):
            actor_name = event.actor.full_name or event.actor.username
        entries.append(
            TimelineEntry(
                seq=event.seq,
                at=event.at,
                action=event.action,
                actor_role=event.actor_role,
                actor_name=actor_name,
                from_status=event.from_status,
                to_status=event.to_status,
                step=event.step,
                text_vi=text_vi,
                text_en=text_en,
                note=event.note,
                attachment_ids=list(event.attachment_ids),
                data=event.data,
            )
        )
    return entries


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    broken_at: int | None = None
    reason: str = ""


def dossier_chain_verify(*, dossier: Dossier) -> ChainCheck:
    """Recompute the event chain: consecutive numbers, each hash over its event and the previous hash,
    and a projection (status) equal to the last event's."""
    prev_hash = ""
    count = 0
    last: DossierEvent | None = None
    for expected_seq, event in enumerate(DossierEvent.objects.filter(dossier=dossier).order_by("seq"), start=1):
        count += 1
        if event.seq != expected_seq:
            return ChainCheck(False, count, event.seq, "sequence_gap")
        if event.prev_hash != prev_hash:
            return ChainCheck(False, count, event.seq, "prev_hash_mismatch")
        if event.compute_hash(dossier_code=dossier.code) != event.hash:
            return ChainCheck(False, count, event.seq, "hash_mismatch")
        prev_hash = event.hash
        last = event
    if last is None:
        return ChainCheck(False, 0, None, "no_events")
    if last.to_status != dossier.status:
        return ChainCheck(False, count, last.seq, "status_mismatch")
    return ChainCheck(True, count)


@dataclass(frozen=True)
class Pause:
    paused_from: datetime
    resumed_at: datetime | None
    working_time: timedelta


@dataclass(frozen=True)
class DueExplanation:
    """How the appointment date came about: the limit, the skipped days, the pauses, the apologies."""

    received_at: datetime
    amount: Decimal
    unit: str
    initial_due_at: datetime
    due_at: datetime | None
    skipped: list[tuple[date, str]]
    pauses: list[Pause] = field(default_factory=list)
    apologies: list[tuple[datetime, str]] = field(default_factory=list)
    timeliness: str = ""


def dossier_timeliness(*, dossier: Dossier, now: datetime | None = None) -> str:
    """``early``/``on_time``/``late`` once finished, ``on_time``/``overdue`` while open, ``""`` otherwise.

    Decision 766/QĐ-TTg: on time when NgayKetThucXuLy ≤ NgayHenTra, supplement time excluded, more
    than one supplement request late; a dossier that needed an apology letter (Form 04) is late.
    """
    if dossier.due_at is None:
        return ""
    if dossier.finished_at is not None:
        if dossier.apologies:
            return "late"
        return working_calendar.classify_finished(
            finished_at=dossier.finished_at, due_at=dossier.due_at, supplement_requests=dossier.supplement_requests
        )
    if dossier.status in OPEN_STATUSES:
        if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
            return "on_time"
        return working_calendar.classify_open(now=now or timezone.now(), due_at=dossier.due_at)
    return ""


def dossier_due_explanation(
    *,
    dossier: Dossier,
    timeline: Sequence[TimelineEntry] | None = None,
    calendar: working_calendar.WorkingCalendar | None = None,
) -> DueExplanation | None:
    """Why the dossier is due when it is (shown to the applicant and the officer); ``None`` before reception.

    A page that already holds the dossier's ``timeline`` and its agency's ``calendar`` passes them,
    so the explanation reads nothing more."""
    if dossier.received_at is None or dossier.time_limit_amount is None or not dossier.time_limit_unit:
        return None
    calendar = calendar or working_calendar.WorkingCalendar(agency=dossier.agency)
    initial = working_calendar.due_at_for(
        received_at=dossier.received_at,
        amount=dossier.time_limit_amount,
        unit=dossier.time_limit_unit,
        calendar=calendar,
    )
    pauses: list[Pause] = []
    apologies: list[tuple[datetime, str]] = []
    open_pause: datetime | None = None
    events: Sequence[TimelineEntry | DossierEvent] = (
        timeline
        if timeline is not None
        else DossierEvent.objects.filter(
            dossier=dossier, action__in=[Action.REQUEST_SUPPLEMENT, Action.SUPPLY, Action.APOLOGISE]
        ).order_by("seq")
    )
    for event in events:
        if event.action == Action.REQUEST_SUPPLEMENT:
            open_pause = event.at
        elif event.action == Action.SUPPLY and open_pause is not None:
            waited = working_calendar.working_time_between(open_pause, event.at, calendar=calendar).time
            pauses.append(Pause(open_pause, event.at, waited))
            open_pause = None
        elif event.action == Action.APOLOGISE:
            moment = parse_datetime(str(event.data.get("due_at", "")))
            if moment is not None:
                apologies.append((moment, str(event.data.get("reason", event.note))))
    if open_pause is not None:
        pauses.append(Pause(open_pause, None, timedelta(0)))
    return DueExplanation(
        received_at=dossier.received_at,
        amount=Decimal(dossier.time_limit_amount),
        unit=dossier.time_limit_unit,
        initial_due_at=initial.due_at,
        due_at=dossier.due_at,
        skipped=[(day.date, day.reason) for day in initial.skipped],
        pauses=pauses,
        apologies=apologies,
        timeliness=dossier_timeliness(dossier=dossier),
    )


def status_labels(status: int) -> dict[str, str]:
    """A status's name in both languages."""
    return {"vi": label_vi(DossierStatus(status).label), "en": STATUS_LABELS_EN[status]}


def dossier_events(*, dossier: Dossier) -> Sequence[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("seq"))
