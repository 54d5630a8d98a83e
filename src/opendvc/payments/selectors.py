"""Reads of the payments app: orders, what a dossier paid, collections and reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.payments.models import (
    Obligation,
    OrderStatus,
    PaymentEvent,
    PaymentOrder,
    Refund,
    SourceReport,
    StatementLine,
)


def order_exists(*, reference: str, provider: str) -> bool:
    return PaymentOrder.objects.filter(reference=reference, provider=provider).exists()


def order_for_bill(*, reference: str) -> PaymentOrder | None:
    return (
        PaymentOrder.objects.select_related("obligation")
        .filter(reference=reference, provider="national", status__in=(OrderStatus.CREATED, OrderStatus.PENDING))
        .first()
    )


def order_get(*, reference: str) -> PaymentOrder | None:
    return (
        PaymentOrder.objects.select_related("obligation", "obligation__agency", "obligation__dossier")
        .filter(reference=reference)
        .first()
    )


def order_events(*, order: PaymentOrder) -> list[PaymentEvent]:
    return list(PaymentEvent.objects.filter(order=order).order_by("at", "id"))


def obligation_paid_order(*, obligation: Obligation) -> PaymentOrder | None:
    return PaymentOrder.objects.filter(obligation=obligation, status=OrderStatus.SUCCEEDED).first()


def dossier_payment(*, dossier_id: int) -> PaymentOrder | None:
    """The latest order that paid one of a dossier's requests, if any."""
    return (
        PaymentOrder.objects.select_related("obligation")
        .filter(obligation__dossier_id=dossier_id, status=OrderStatus.SUCCEEDED)
        .order_by("-settled_at")
        .first()
    )


@dataclass(frozen=True)
class DossierObligation:
    """One payment request of a dossier, as its page lists it: what, how much, when, paid by which order."""

    obligation: Obligation
    paid_order: PaymentOrder | None

    @property
    def paid(self) -> bool:
        return self.obligation.paid_at is not None

    @property
    def paid_at_desk(self) -> bool:
        return self.paid_order is not None and self.paid_order.provider == "desk"


def dossier_obligations(*, dossier_id: int) -> list[DossierObligation]:
    """Every payment request of the dossier in the order they were made, each with the order that paid it."""
    obligations = list(Obligation.objects.filter(dossier_id=dossier_id).order_by("sequence"))
    if not obligations:
        return []
    paid = {
        order.obligation_id: order
        for order in PaymentOrder.objects.filter(
            obligation__in=[o.pk for o in obligations], status=OrderStatus.SUCCEEDED
        )
    }
    return [DossierObligation(obligation=o, paid_order=paid.get(o.pk)) for o in obligations]


def obligation_payable_now(*, status: int, obligation: Obligation) -> bool:
    """Whether the applicant may pay this obligation of a dossier in ``status`` now: any unpaid request
    while the dossier waits for its fees (6), and fees fixed at submission while it is at 1, 2, 4 or 5."""
    from opendvc.dossiers.models import DossierStatus
    from opendvc.dossiers.transitions import FEE_AT_SUBMISSION_STATUSES

    if obligation.paid_at is not None:
        return False
    if status == DossierStatus.PAYMENT_REQUESTED:
        return True
    return obligation.due_at_submission and status in FEE_AT_SUBMISSION_STATUSES


def dossier_fees_due_now(*, status: int, rows: list[DossierObligation]) -> list[DossierObligation]:
    """The rows of :func:`dossier_obligations` the applicant may pay now, in order."""
    return [row for row in rows if obligation_payable_now(status=status, obligation=row.obligation)]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def collections_for(*, agency_ids: set[int], day: date) -> QuerySet[PaymentOrder]:
    """The agency's orders settled on ``day`` (local time), newest first."""
    start, end = _day_bounds(day)
    return (
        PaymentOrder.objects.select_related("obligation")
        .filter(obligation__agency_id__in=agency_ids, settled_at__gte=start, settled_at__lt=end)
        .order_by("-settled_at")
    )


def orders_touched(*, agency_ids: set[int], provider: str, day: date) -> QuerySet[PaymentOrder]:
    """Orders of a provider created or settled on ``day``: what that day's reconciliation compares."""
    start, end = _day_bounds(day)
    return (
        PaymentOrder.objects.select_related("obligation")
        .filter(obligation__agency_id__in=agency_ids, provider=provider, created_at__gte=start, created_at__lt=end)
        .order_by("created_at")
    )


def statement_lines_for(*, agency_ids: set[int], day: date) -> QuerySet[StatementLine]:
    return StatementLine.objects.filter(agency_id__in=agency_ids, booked_on=day).order_by("imported_at")


@dataclass(frozen=True)
class DeskReceipt:
    """One receipt the desk issued on a day: the order, the officer who took the money, their note."""

    order: PaymentOrder
    officer_name: str
    note: str


@dataclass(frozen=True)
class DeskOfficerTotal:
    officer_name: str
    username: str
    count: int
    total: int


@dataclass(frozen=True)
class DeskDay:
    """What the one-stop desk took on a day, receipt by receipt and per officer (cash to hand over)."""

    receipts: list[DeskReceipt]
    officers: list[DeskOfficerTotal]
    count: int
    total: int


def desk_receipts_for(*, agency_ids: set[int], day: date) -> DeskDay:
    """The desk receipts of the agencies settled on ``day`` (local time), and the totals per officer.

    Read from our own ledger only (provider ``desk``): there is no outside party to ask; the accountant
    matches the totals with the cash and card-terminal slips each officer hands over (Circular
    74/2022/TT-BTC: fees collected in cash are paid into the agency's account with their receipts).
    """
    start, end = _day_bounds(day)
    orders = list(
        PaymentOrder.objects.select_related("obligation", "created_by")
        .filter(
            obligation__agency_id__in=agency_ids,
            provider="desk",
            status=OrderStatus.SUCCEEDED,
            settled_at__gte=start,
            settled_at__lt=end,
        )
        .order_by("settled_at", "id")
    )
    notes = {
        order_id: str((data or {}).get("note", ""))
        for order_id, data in PaymentEvent.objects.filter(
            order__in=[o.pk for o in orders], action="succeeded", source="desk"
        ).values_list("order_id", "data")
    }
    receipts: list[DeskReceipt] = []
    per_officer: dict[str, list[PaymentOrder]] = {}
    names: dict[str, str] = {}
    for order in orders:
        officer = order.created_by
        username = officer.username if officer is not None else ""
        names[username] = (officer.full_name or officer.username) if officer is not None else "—"
        receipts.append(DeskReceipt(order=order, officer_name=names[username], note=notes.get(order.pk, "")))
        per_officer.setdefault(username, []).append(order)
    officers = sorted(
        (
            DeskOfficerTotal(
                officer_name=names[username], username=username, count=len(paid), total=sum(o.amount for o in paid)
            )
            for username, paid in per_officer.items()
        ),
        key=lambda row: (row.officer_name, row.username),
    )
    return DeskDay(receipts=receipts, officers=officers, count=len(orders), total=sum(o.amount for o in orders))


@dataclass(frozen=True)
class DaySummary:
    count: int
    total: int


def summarise(orders: list[PaymentOrder]) -> DaySummary:
    paid = [o for o in orders if o.status == OrderStatus.SUCCEEDED]
    return DaySummary(count=len(paid), total=sum(o.amount for o in paid))


def order_for_viewer(*, reference: str, user: User | None) -> PaymentOrder | None:
    """The order if ``user`` may see it: a dossier's order by its applicant and the agency's officers;
    a standalone order by whoever started it (the reference alone when it was started signed out)."""
    order = order_get(reference=reference)
    if order is None:
        return None
    obligation = order.obligation
    if user is not None and obligation.agency_id in officer_agency_ids(user=user):
        return order
    if obligation.dossier_id is not None:
        if user is None:
            return None
        from opendvc.dossiers.models import Role
        from opendvc.dossiers.selectors import dossier_roles_for

        assert obligation.dossier is not None
        return order if Role.APPLICANT in dossier_roles_for(dossier=obligation.dossier, user=user) else None
    if order.created_by_id is None:
        return order
    return order if user is not None and user.pk == order.created_by_id else None


def order_start(*, order: PaymentOrder) -> dict[str, str]:
    """Where the payer continues (the provider's page or the QR payload), as recorded when the order opened."""
    event = PaymentEvent.objects.filter(order=order, action="pending").order_by("id").first()
    data = event.data if event is not None else {}
    return {"redirect_url": str(data.get("redirect_url", "")), "qr_payload": str(data.get("qr_payload", ""))}


def refunds_for(*, agency_ids: set[int]) -> QuerySet[Refund]:
    """The refunds of the agencies' orders, newest first (the accountant's refunds page)."""
    return (
        Refund.objects.select_related("order", "order__obligation")
        .filter(order__obligation__agency_id__in=agency_ids)
        .order_by("-requested_at")
    )


def refund_for_agencies(*, reference: str, agency_ids: set[int]) -> Refund | None:
    return refunds_for(agency_ids=agency_ids).filter(reference=reference).first()


#: The source's answers that mean it took the report; anything else it answered is a refusal.
SOURCE_ACCEPTED = ("recorded", "already_recorded")
#: A report still unsent after this many attempts is shown to the accountant (it keeps being retried).
SOURCE_REPORT_ALERT_ATTEMPTS = 3


def source_reports_to_follow(*, agency_ids: set[int]) -> QuerySet[SourceReport]:
    """The reports of the agencies' standalone obligations the accountant must follow up, newest first:
    those the source refused for good (``paid_otherwise``, ``amount_mismatch``…) and those still
    failing after :data:`SOURCE_REPORT_ALERT_ATTEMPTS` attempts."""
    refused = Q(sent_at__isnull=False) & ~Q(answer__in=SOURCE_ACCEPTED)
    failing = Q(sent_at__isnull=True, attempts__gte=SOURCE_REPORT_ALERT_ATTEMPTS)
    return (
        SourceReport.objects.select_related("order", "obligation")
        .filter(refused | failing, obligation__agency_id__in=agency_ids)
        .order_by("-created_at", "-id")
    )
