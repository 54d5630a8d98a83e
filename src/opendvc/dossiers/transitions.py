"""Which role may do which action to a dossier in which status — the one table every service checks.

The rows follow the one-stop mechanism of Decree 118/2025/NĐ-CP (Art. 15–22) and Circular
03/2025/TT-VPCP: the desk (Bộ phận Một cửa) receives, refuses, asks for supplements and returns
results; the specialist appraises; the leader approves, stops or apologises (Form 04); the clerk
issues the result; the applicant supplies missing documents or withdraws. Pages and the API show
only the actions this table allows now (:func:`actions_allowed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from django.db import models
from django.utils.translation import gettext_lazy as _

from opendvc.dossiers.models import DossierStatus, Role, Step


class Action(models.TextChoices):
    SUBMIT = "submit", _("nộp hồ sơ trực tuyến")
    REGISTER = "register", _("đăng ký hồ sơ tại bộ phận một cửa")
    RECEIVE = "receive", _("tiếp nhận hồ sơ")
    REFUSE = "refuse", _("từ chối tiếp nhận hồ sơ")
    REQUEST_SUPPLEMENT = "request_supplement", _("yêu cầu bổ sung, hoàn thiện hồ sơ")
    SUPPLY = "supply", _("bổ sung hồ sơ")
    FORWARD = "forward", _("chuyển xử lý")
    REQUEST_PAYMENT = "request_payment", _("yêu cầu thực hiện nghĩa vụ tài chính")
    PAYMENT_SETTLED = "payment_settled", _("xác nhận đã thực hiện nghĩa vụ tài chính")
    WITHDRAW = "withdraw", _("rút hồ sơ")
    STOP = "stop", _("dừng xử lý hồ sơ")
    RESULT_READY = "result_ready", _("hoàn thành xử lý, có kết quả")
    RETURN = "return", _("trả kết quả")
    APOLOGISE = "apologise", _("xin lỗi và hẹn lại ngày trả kết quả")


#: English names of the actions for bilingual messages.
ACTION_LABELS_EN: Final[dict[str, str]] = {
    "submit": "submit the dossier online",
    "register": "register the dossier at the desk",
    "receive": "receive the dossier",
    "refuse": "refuse the dossier at reception",
    "request_supplement": "request a supplement",
    "supply": "supply the missing documents",
    "forward": "forward the dossier",
    "request_payment": "request payment of fees",
    "payment_settled": "confirm the payment",
    "withdraw": "withdraw the dossier",
    "stop": "stop processing",
    "result_ready": "mark the result ready",
    "return": "return the result",
    "apologise": "apologise and set a new appointment",
}

#: Actions that create a dossier (no status before them); every other action acts on an existing one.
CREATING_ACTIONS: Final = frozenset({Action.SUBMIT, Action.REGISTER})

Target = DossierStatus | Literal["same", "previous"]
SAME: Final = "same"
PREVIOUS: Final = "previous"

S = DossierStatus
R = Role

#: Where a dossier may be while it pays the fees fixed at its submission (the procedure's fees are paid
#: with the dossier): the payment is recorded (``payment_settled`` by the system) and the status stays.
FEE_AT_SUBMISSION_STATUSES: Final = (S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED)


@dataclass(frozen=True)
class Transition:
    """``role`` may do ``action`` to a dossier in ``from_status`` (at ``step`` when given).

    ``to_status`` is the status afterwards; ``"same"`` keeps it (apology), ``"previous"`` goes back to
    the status the dossier had when the supplement was requested.
    """

    action: Action
    from_status: DossierStatus | None
    role: Role
    to_status: Target
    step: Step | None = None


TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition(Action.SUBMIT, None, R.APPLICANT, S.SUBMITTED),
    Transition(Action.REGISTER, None, R.DESK, S.SUBMITTED),
    Transition(Action.RECEIVE, S.SUBMITTED, R.DESK, S.RECEIVED),
    Transition(Action.REFUSE, S.SUBMITTED, R.DESK, S.REFUSED),
    Transition(Action.REQUEST_SUPPLEMENT, S.RECEIVED, R.DESK, S.SUPPLEMENT_REQUESTED),
    Transition(Action.REQUEST_SUPPLEMENT, S.IN_PROGRESS, R.SPECIALIST, S.SUPPLEMENT_REQUESTED, Step.APPRAISE),
    Transition(Action.SUPPLY, S.SUPPLEMENT_REQUESTED, R.APPLICANT, PREVIOUS),
    Transition(Action.SUPPLY, S.SUPPLEMENT_REQUESTED, R.DESK, PREVIOUS),
    Transition(Action.FORWARD, S.RECEIVED, R.DESK, S.IN_PROGRESS),
    Transition(Action.FORWARD, S.IN_PROGRESS, R.SPECIALIST, S.IN_PROGRESS, Step.APPRAISE),
    Transition(Action.FORWARD, S.IN_PROGRESS, R.LEADER, S.IN_PROGRESS, Step.APPROVE),
    Transition(Action.REQUEST_PAYMENT, S.IN_PROGRESS, R.SPECIALIST, S.PAYMENT_REQUESTED, Step.APPRAISE),
    # A further charge while the first is still unpaid: the dossier stays at 6 until every one is paid.
    Transition(Action.REQUEST_PAYMENT, S.PAYMENT_REQUESTED, R.SPECIALIST, SAME, Step.APPRAISE),
    Transition(Action.PAYMENT_SETTLED, S.PAYMENT_REQUESTED, R.SYSTEM, S.IN_PROGRESS),
    Transition(Action.PAYMENT_SETTLED, S.PAYMENT_REQUESTED, R.DESK, S.IN_PROGRESS),
    # Fees paid with the dossier (fixed at submission) are recorded without moving it.
    *(Transition(Action.PAYMENT_SETTLED, status, R.SYSTEM, SAME) for status in FEE_AT_SUBMISSION_STATUSES),
    *(
        Transition(Action.WITHDRAW, status, R.APPLICANT, S.WITHDRAWN)
        for status in (S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED)
    ),
    Transition(Action.STOP, S.IN_PROGRESS, R.LEADER, S.STOPPED),
    Transition(Action.RESULT_READY, S.IN_PROGRESS, R.CLERK, S.RESULT_READY, Step.ISSUE),
    Transition(Action.RETURN, S.RESULT_READY, R.DESK, S.RETURNED),
    *(
        Transition(Action.APOLOGISE, status, R.LEADER, SAME)
        for status in (S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED)
    ),
)

_BY_KEY: Final[dict[tuple[str, int | None, str], tuple[Transition, ...]]] = {}
for _row in TRANSITIONS:
    _key = (_row.action.value, None if _row.from_status is None else int(_row.from_status), _row.role.value)
    _BY_KEY[_key] = (*_BY_KEY.get(_key, ()), _row)


def transition_find(*, action: str, status: int | None, role: str, step: str = "") -> Transition | None:
    """The row allowing ``role`` to do ``action`` now, or ``None``."""
    for row in _BY_KEY.get((action, status, role), ()):
        if row.step is None or row.step == step:
            return row
    return None


def transition_for_roles(*, action: str, status: int | None, roles: Iterable[str], step: str = "") -> Transition | None:
    """The first row allowing one of ``roles`` (in the order given) to do ``action`` now."""
    for role in roles:
        row = transition_find(action=action, status=status, role=role, step=step)
        if row is not None:
            return row
    return None


def actions_allowed(*, status: int, roles: Iterable[str], step: str = "") -> list[Action]:
    """The actions these roles may take now, in the table's order, without duplicates."""
    roles = set(roles)
    seen: list[Action] = []
    for row in TRANSITIONS:
        if row.from_status is None or row.from_status != status or row.role not in roles:
            continue
        if row.step is not None and row.step != step:
            continue
        if row.action not in seen:
            seen.append(row.action)
    return seen
