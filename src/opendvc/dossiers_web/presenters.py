"""How the dossier pages say things: statuses in plain words, what the citizen must do now, the
timeline as sentences with their moment, and the due-date cell officers scan.

Nothing here reads the database except through the calendar handed in; the rules stay in the
dossiers app (transitions, deadlines, timeliness), this module only words them (UX.md: "plain
Vietnamese: short sentences, everyday words").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opendvc.core.calendar import WorkingCalendar
from opendvc.dossiers.models import Dossier, DossierStatus, Step
from opendvc.dossiers.selectors import RUNNING_STATUSES, TimelineEntry
from opendvc.dossiers.transitions import Action

S = DossierStatus

#: The status as a person would say it (the official names are kept for officers).
STATUS_PLAIN: Final[dict[int, Promise]] = {
    S.SUBMITTED: gettext_lazy("Đã nộp, chờ cơ quan tiếp nhận"),
    S.RECEIVED: gettext_lazy("Đã được tiếp nhận"),
    S.REFUSED: gettext_lazy("Không được tiếp nhận"),
    S.IN_PROGRESS: gettext_lazy("Đang được giải quyết"),
    S.SUPPLEMENT_REQUESTED: gettext_lazy("Cần bổ sung giấy tờ"),
    S.PAYMENT_REQUESTED: gettext_lazy("Cần nộp phí, lệ phí"),
    S.WITHDRAWN: gettext_lazy("Đã rút hồ sơ"),
    S.STOPPED: gettext_lazy("Đã dừng giải quyết"),
    S.RESULT_READY: gettext_lazy("Đã có kết quả, chờ nhận"),
    S.RETURNED: gettext_lazy("Đã trả kết quả"),
}

#: A tag colour per status; the text always says the status too (never colour alone).
STATUS_TONE: Final[dict[int, str]] = {
    S.SUBMITTED: "info",
    S.RECEIVED: "info",
    S.REFUSED: "stop",
    S.IN_PROGRESS: "info",
    S.SUPPLEMENT_REQUESTED: "action",
    S.PAYMENT_REQUESTED: "action",
    S.WITHDRAWN: "muted",
    S.STOPPED: "stop",
    S.RESULT_READY: "done",
    S.RETURNED: "done",
}

UNIT_LABELS: Final[dict[str, Promise]] = {
    "working_days": gettext_lazy("ngày làm việc"),
    "working_hours": gettext_lazy("giờ làm việc"),
    "calendar_days": gettext_lazy("ngày"),
}

TIMELINESS_LABELS: Final[dict[str, Promise]] = {
    "early": gettext_lazy("Trước hạn"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Trễ hạn"),
    "overdue": gettext_lazy("Quá hạn"),
}

STEP_LABELS: Final[dict[str, Promise]] = {
    Step.RECEIVE: pgettext_lazy("step", "Tiếp nhận, chuyển hồ sơ"),
    Step.APPRAISE: pgettext_lazy("step", "Thẩm định"),
    Step.APPROVE: pgettext_lazy("step", "Phê duyệt"),
    Step.ISSUE: pgettext_lazy("step", "Ban hành, phát hành kết quả"),
    Step.RETURN: pgettext_lazy("step", "Trả kết quả"),
}


def status_plain(status: int) -> str:
    return str(STATUS_PLAIN[status])


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


def local_date(moment: datetime | None) -> str:
    """``24/11/2026`` in the portal's time zone; empty when there is no date."""
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment is not None else ""


def moment_text(moment: datetime | None) -> str:
    """``09:12 ngày 24/11/2026`` in the portal's time zone (``09:12 on 24/11/2026`` in English)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return _("%(time)s ngày %(date)s") % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


def amount_text(amount: Decimal | int | float, unit: str) -> str:
    """``5 ngày làm việc``, ``1,5 ngày làm việc``: no trailing zeros, a decimal comma in Vietnamese."""
    text = f"{Decimal(amount).normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if not (translation.get_language() or "vi").startswith("en"):
        text = text.replace(".", ",")
    return f"{text} {UNIT_LABELS.get(unit, unit)}"


# --- What the citizen must do now -------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The one thing the applicant should do now; ``kind`` picks the page's call to action."""

    text: str
    kind: str = "wait"  # wait | supply | pay | collect | none


def next_step_for_applicant(dossier: Dossier) -> NextStep:
    status = dossier.status
    agency = dossier.agency.name
    if status == S.SUPPLEMENT_REQUESTED:
        return NextStep(_("Bổ sung giấy tờ theo yêu cầu của cơ quan."), "supply")
    if status == S.PAYMENT_REQUESTED:
        return NextStep(
            _(
                "Nộp phí, lệ phí trực tuyến ngay trên Cổng hoặc tại bộ phận một cửa của %(agency)s. "
                "Cơ quan tiếp tục giải quyết khi nhận được tiền."
            )
            % {"agency": agency},
            "pay",
        )
    if status == S.RESULT_READY:
        return NextStep(_("Nhận kết quả tại bộ phận một cửa của %(agency)s.") % {"agency": agency}, "collect")
    if status == S.SUBMITTED:
        return NextStep(_("Không cần làm gì. Cơ quan sẽ kiểm tra và tiếp nhận hồ sơ."))
    if status in (S.RECEIVED, S.IN_PROGRESS):
        return NextStep(_("Không cần làm gì. Cơ quan đang giải quyết hồ sơ đến ngày hẹn trả."))
    if status == S.REFUSED:
        return NextStep(_("Xem lý do không tiếp nhận. Bạn có thể nộp hồ sơ mới khi đã đủ giấy tờ."), "none")
    if status == S.STOPPED:
        return NextStep(_("Xem lý do dừng giải quyết trong lịch sử hồ sơ."), "none")
    return NextStep(_("Không cần làm gì."), "none")


# --- The timeline -------------------------------------------------------------------------------------

_HEADLINES: Final[dict[str, Promise]] = {
    Action.SUBMIT: gettext_lazy("Hồ sơ đã được nộp trực tuyến lúc %(moment)s."),
    Action.REGISTER: gettext_lazy("Hồ sơ đã được đăng ký tại bộ phận một cửa lúc %(moment)s."),
    Action.RECEIVE: gettext_lazy("Hồ sơ đã được tiếp nhận lúc %(moment)s."),
    Action.REFUSE: gettext_lazy("Hồ sơ không được tiếp nhận lúc %(moment)s."),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Cơ quan yêu cầu bổ sung giấy tờ lúc %(moment)s."),
    Action.SUPPLY: gettext_lazy("Hồ sơ đã được bổ sung lúc %(moment)s."),
    Action.FORWARD: gettext_lazy("Hồ sơ được chuyển sang bước «%(step)s» lúc %(moment)s."),
    Action.REQUEST_PAYMENT: gettext_lazy("Cơ quan yêu cầu nộp phí, lệ phí lúc %(moment)s."),
    Action.PAYMENT_SETTLED: gettext_lazy("Đã nhận phí, lệ phí lúc %(moment)s."),
    Action.WITHDRAW: gettext_lazy("Hồ sơ đã được rút lúc %(moment)s."),
    Action.STOP: gettext_lazy("Cơ quan dừng giải quyết hồ sơ lúc %(moment)s."),
    Action.RESULT_READY: gettext_lazy("Đã có kết quả giải quyết lúc %(moment)s."),
    Action.RETURN: gettext_lazy("Đã trả kết quả lúc %(moment)s."),
    Action.APOLOGISE: gettext_lazy("Cơ quan xin lỗi vì chậm trả kết quả và hẹn lại, lúc %(moment)s."),
}

#: Events whose selector sentence adds something the headline does not say (a date, reasons, an amount).
_WITH_DETAIL: Final = frozenset(
    {
        Action.RECEIVE,
        Action.REFUSE,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLY,
        Action.REQUEST_PAYMENT,
        Action.STOP,
        Action.APOLOGISE,
    }
)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    headline: str
    detail: str
    actor: str
    note: str
    current: bool = False


def timeline_items(entries: list[TimelineEntry], *, language: str, for_officer: bool) -> list[TimelineItem]:
    """The events as sentences, newest last; the officer also sees who acted and their notes."""
    items = []
    for index, entry in enumerate(entries):
        template = _HEADLINES.get(entry.action)
        moment = moment_text(entry.at)
        headline = (
            str(template) % {"moment": moment, "step": step_label(entry.step)}
            if template is not None
            else f"{entry.text_vi} ({moment})"
        )
        detail = ""
        if entry.action in _WITH_DETAIL:
            detail = entry.text_en if language.startswith("en") else entry.text_vi
        actor = entry.actor_name if for_officer else ""
        note = entry.note if for_officer and entry.action not in (Action.REFUSE, Action.REQUEST_SUPPLEMENT) else ""
        items.append(
            TimelineItem(
                at=entry.at,
                headline=headline,
                detail=detail,
                actor=actor,
                note=note,
                current=index == len(entries) - 1,
            )
        )
    return items


# --- The due-date cell --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCell:
    """The due date and what it means now: ``state`` is ``overdue``, ``soon``, ``running``, ``paused``,
    ``finished`` or ``none``; ``label`` says it in words so colour is never the only signal."""

    date_text: str
    label: str
    state: str


def working_days_after(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days in ``(start, end]`` (how many working days remain until ``end``)."""
    return calendar.working_days_between(start, end)


def due_cell(dossier: Dossier, *, now: datetime, calendar: WorkingCalendar, soon_days: int = 2) -> DueCell:
    due = dossier.due_at
    if due is None:
        return DueCell("", "", "none")
    date_text = timezone.localtime(due).strftime("%d/%m/%Y")
    if dossier.finished_at is not None or dossier.status not in (*RUNNING_STATUSES, S.SUPPLEMENT_REQUESTED):
        return DueCell(date_text, "", "finished")
    if dossier.status == S.SUPPLEMENT_REQUESTED:
        return DueCell(date_text, _("Tạm dừng, chờ bổ sung"), "paused")
    today = timezone.localtime(now).date()
    due_day = timezone.localtime(due).date()
    if due < now:
        late = working_days_after(calendar, due_day, today)
        if late == 0:
            return DueCell(date_text, _("Quá hạn (hôm nay)"), "overdue")
        return DueCell(date_text, _("Quá hạn %(days)s ngày làm việc") % {"days": late}, "overdue")
    left = working_days_after(calendar, today, due_day)
    if left == 0:
        return DueCell(date_text, _("Đến hạn hôm nay"), "soon")
    label = _("Còn %(days)s ngày làm việc") % {"days": left}
    return DueCell(date_text, label, "soon" if left <= soon_days else "running")
