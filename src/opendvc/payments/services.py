"""Every write of the payments app: obligations, payment orders and their transitions, statements.

Rules every transition keeps (DESIGN.md §5, "Nothing lost"):

- the order row is locked (``select_for_update``) and the transition is recorded as a
  :class:`~opendvc.payments.models.PaymentEvent` and an audit entry in the same transaction;
- every inbound message is idempotent: a confirmation replayed changes nothing (outcome
  ``duplicate``); a late failure never overwrites a success (outcome ``ignored``);
- an obligation is paid at most once: the obligation row is locked before an order succeeds, and the
  database refuses a second succeeded order; money that arrives for an obligation already paid marks
  that order ``refunded`` and opens its refund (``outbound.refund_open``), sent to the provider;
- the amount and currency of an order are fixed at creation; a confirmation for any other amount is
  refused (``amount_mismatch``) and changes nothing.

A dossier's fees settle the dossier through ``dossiers.services.dossier_payment_settled`` (6 → 4),
its event marked ``online`` with the provider, which DuocThanhToanTrucTuyen and the statistics read
(Decision 766/QĐ-TTg counts online payment).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.agencies.models import Agency
from opendvc.audit.models import AuditEntry
from opendvc.audit.services import audit_record
from opendvc.core.errors import ApiError, NotFound
from opendvc.dossiers.models import Channel, Dossier, DossierStatus
from opendvc.dossiers.transitions import FEE_AT_SUBMISSION_STATUSES
from opendvc.payments import outbound
from opendvc.payments.models import (
    OPEN_STATUSES,
    Obligation,
    ObligationKind,
    OrderStatus,
    PaymentEvent,
    PaymentOrder,
    StatementLine,
)
from opendvc.payments.providers.base import PaymentStart, ProviderReport, ProviderUnavailable
from opendvc.payments.providers.registry import provider_get, provider_names, providers_for_agency
from opendvc.payments.sources import SourceNotFound, SourceUnavailable, obligation_source

logger = logging.getLogger(__name__)

#: Order references: ``OD`` + yymmdd + 10 characters without look-alikes (0/O, 1/I).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_RE = re.compile(r"OD\d{6}[2-9A-HJ-NP-Z]{10}")

Source = Literal["browser", "callback", "ipn", "query", "statement", "system", "accountant", "desk"]

#: The provider name of money taken at the one-stop desk (cash or a POS card terminal at the counter).
DESK_PROVIDER = "desk"
SettleOutcome = Literal["applied", "duplicate", "refund_due", "ignored", "pending"]


@dataclass(frozen=True)
class Settlement:
    order: PaymentOrder
    outcome: SettleOutcome


# --- Errors ------------------------------------------------------------------------------------------


def order_not_found() -> ApiError:
    return NotFound(
        "Không tìm thấy giao dịch với mã tham chiếu này.",
        "No payment order with this reference.",
        code="order_not_found",
    )


def obligation_not_found() -> ApiError:
    return NotFound(
        "Không tìm thấy khoản phải nộp với số này. Kiểm tra lại số quyết định hoặc số tờ khai.",
        "No obligation with this number. Check the decision or declaration number.",
        code="obligation_not_found",
    )


def obligation_paid() -> ApiError:
    return ApiError(
        "obligation_paid",
        "Khoản này đã được nộp; không cần thanh toán lại.",
        "This has already been paid; there is nothing more to pay.",
        status=409,
    )


def amount_mismatch(*, expected: int, given: int | None) -> ApiError:
    return ApiError(
        "amount_mismatch",
        f"Số tiền {given} không khớp số tiền của giao dịch ({expected}).",
        f"The amount {given} does not match the order's amount ({expected}).",
        status=400,
        details=[{"expected": expected, "given": given}],
    )


def provider_unavailable() -> ApiError:
    return ApiError(
        "provider_unavailable",
        "Kênh thanh toán đang không trả lời. Giao dịch chưa bị trừ tiền; hãy thử lại sau ít phút hoặc chọn kênh khác.",
        "The payment provider is not answering. Nothing was charged; try again in a few minutes or choose another.",
        status=503,
    )


# --- Helpers -----------------------------------------------------------------------------------------


def _reference_new(now: datetime) -> str:
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"OD{timezone.localtime(now):%y%m%d}{tail}"


def order_lifetime(provider: str) -> timedelta:
    minutes: Mapping[str, int] = getattr(settings, "PAYMENT_ORDER_MINUTES", {})
    return timedelta(minutes=int(minutes.get(provider, minutes.get("*", 15))))


def _event(
    order: PaymentOrder, *, action: str, source: str, from_status: str = "", data: Mapping[str, Any] | None = None
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        order=order,
        at=timezone.now(),
        action=action,
        source=source,
        from_status=from_status,
        to_status=order.status,
        data=dict(data or {}),
    )


def _audit(order: PaymentOrder, *, action: str, actor: User | None = None, refused: str = "", data: Any = None) -> None:
    audit_record(
        action=f"payment.{action}",
        actor=actor,
        actor_role="" if actor else "system",
        object_type="payment_order",
        object_id=order.reference,
        outcome=AuditEntry.Outcome.REFUSED if refused else AuditEntry.Outcome.OK,
        reason=refused,
        data=data or {"status": order.status, "amount": order.amount},
    )


def _lock_order(reference: str) -> PaymentOrder:
    order = PaymentOrder.objects.select_for_update().filter(reference=reference).first()
    if order is None:
        raise order_not_found()
    return order


# --- Obligations -------------------------------------------------------------------------------------


def _dossier_fee_description(dossier: Dossier, sequence: int, given: str = "") -> str:
    if given:
        return f"{given} (hồ sơ {dossier.code})"[:500]
    base = f"Phí, lệ phí hồ sơ {dossier.code}: {dossier.procedure_version.name}"
    return (base if sequence == 1 else f"{base} (lần {sequence})")[:500]


def _dossier_obligation_new(
    dossier: Dossier, *, amount: int, description: str = "", at_submission: bool = False
) -> Obligation:
    sequence = (
        1
        if at_submission
        else (
            Obligation.objects.filter(kind=ObligationKind.DOSSIER_FEE, reference=dossier.code)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
            or 0
        )
        + 1
    )
    return Obligation.objects.create(
        kind=ObligationKind.DOSSIER_FEE,
        reference=dossier.code,
        sequence=sequence,
        dossier=dossier,
        agency=dossier.agency,
        description=_dossier_fee_description(dossier, sequence, description),
        payer_name=dossier.applicant_name,
        payer_id_number=dossier.applicant_id_number,
        amount=int(amount),
        due_at_submission=at_submission,
    )


def fees_due_at_submission(*, dossier: Dossier) -> int:
    """The fees a dossier owes with its submission: the catalogue's total for the online channel, when
    the procedure's fees are paid with the dossier (``FeePaymentMoment.AT_SUBMISSION``); else 0.

    Decree 118/2025/NĐ-CP, Art. 15: fees are paid when the dossier is submitted or when the agency
    asks for them, as the procedure says; the amount is the catalogue's at that moment and does not
    follow later changes of the catalogue.
    """
    from opendvc.catalog.models import FeePaymentMoment

    if dossier.channel != Channel.ONLINE or not dossier.fee_amount or dossier.fee_amount <= 0:
        return 0
    if dossier.procedure_version.fee_payment_moment != FeePaymentMoment.AT_SUBMISSION:
        return 0
    return int(dossier.fee_amount)


def obligation_on_dossier_event(*, dossier: Dossier, event: Any) -> None:
    """Keep a native dossier's obligations in step with its payment events, in the event's transaction.

    A dossier-event listener (``dossiers.hooks``): a dossier submitted online for a procedure whose
    fees are paid with the dossier owes them from its submission (request 1, the catalogue's amount at
    that moment: :func:`fees_due_at_submission`); each payment request becomes its own obligation
    (the amount and description are the request's), and an officer's record of a payment at the
    one-stop desk settles the obligations still unpaid (:func:`payment_desk_record`). Dossiers
    synchronised from another system are paid there, so they get none here.
    """
    if dossier.source_system_id is not None:
        return
    data = event.data or {}
    if event.action == "submit":
        amount = fees_due_at_submission(dossier=dossier)
        if amount > 0:
            _dossier_obligation_new(dossier, amount=amount, at_submission=True)
    elif event.action == "request_payment":
        amount = int(data.get("amount") or 0)
        if amount > 0:
            _dossier_obligation_new(dossier, amount=amount, description=str(data.get("description", "")))
    elif event.action == "payment_settled" and event.actor_id is not None and not data.get("online"):
        payment_desk_record(dossier=dossier, actor=event.actor, note=str(data.get("reference", "")))


def obligation_for_dossier(*, dossier: Dossier, sequence: int | None = None) -> Obligation:
    """The dossier obligation to pay now: request ``sequence``, or the first one still unpaid.

    Each payment request is its own obligation, fixed from the amount the agency asked for (Decree
    118/2025/NĐ-CP, Art. 15: the fees are paid when the dossier is received or when the agency asks;
    the amount is the one set in the catalogue or by the officer, never typed by the payer). A
    dossier asked before obligations were recorded per request gets its one now, from its fee.
    When every request is paid the last one is returned (paying it again is ``obligation_paid``).
    """
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().select_related("agency", "procedure_version").get(pk=dossier.pk)
        # The dossier's lock serialises creating obligations; their rows are read, not locked, so a
        # confirmation holding one (and waiting for the dossier) cannot deadlock with this.
        existing = list(Obligation.objects.filter(dossier=locked).order_by("sequence"))
        if sequence is not None:
            for obligation in existing:
                if obligation.sequence == sequence:
                    return obligation
            raise obligation_not_found()
        for obligation in existing:
            if obligation.paid_at is None:
                return obligation
        if existing and locked.status != DossierStatus.PAYMENT_REQUESTED:
            return existing[-1]
        if locked.status != DossierStatus.PAYMENT_REQUESTED or not locked.fee_amount:
            raise ApiError(
                "payment_not_requested",
                "Hồ sơ này không có yêu cầu nộp phí, lệ phí.",
                "This dossier is not waiting for a payment.",
                status=409,
            )
        if existing:
            return existing[-1]
        return _dossier_obligation_new(locked, amount=int(locked.fee_amount))


def _reference_clean(reference: str) -> str:
    return re.sub(r"\s+", "", reference or "").upper()[:64]


def obligation_fetch(*, kind: str, reference: str) -> Obligation:
    """A standalone obligation (a traffic fine, a registration fee) by its number, from its source system.

    The amount and the payer come from the source; what the payer types is only the number. A fine
    already paid at the source is ``obligation_paid``.
    """
    if kind not in (ObligationKind.TRAFFIC_FINE, ObligationKind.REGISTRATION_FEE):
        raise ApiError(
            "obligation_kind_invalid",
            "Chọn loại khoản cần nộp: tiền phạt vi phạm giao thông hoặc lệ phí trước bạ.",
            "Choose what to pay: a traffic fine or a registration fee.",
        )
    number = _reference_clean(reference)
    if not number:
        raise ApiError(
            "reference_required",
            "Nhập số quyết định xử phạt hoặc số tờ khai lệ phí trước bạ.",
            "Enter the decision number or the declaration number.",
        )
    known = Obligation.objects.filter(kind=kind, reference=number).first()
    if known is not None and known.paid_at is not None:
        return known
    try:
        found = obligation_source().fetch(kind=kind, reference=number)
    except SourceNotFound:
        raise obligation_not_found() from None
    except SourceUnavailable:
        raise ApiError(
            "source_unavailable",
            "Hệ thống quản lý khoản phải nộp đang không trả lời; hãy thử lại sau ít phút.",
            "The system that holds this obligation is not answering; try again in a few minutes.",
            status=503,
        ) from None
    agency = Agency.objects.filter(code=found.agency_code).first()
    if agency is None or found.amount <= 0 or found.currency != "VND":
        raise obligation_not_found()
    with transaction.atomic():
        obligation, created = Obligation.objects.select_for_update().get_or_create(
            kind=kind,
            reference=number,
            defaults={
                "agency": agency,
                "description": found.description,
                "payer_name": found.payer_name,
                "payer_id_number": found.payer_id_number,
                "amount": found.amount,
                "currency": found.currency,
            },
        )
        if found.paid and obligation.paid_at is None and not created:
            logger.warning("obligation %s is paid at its source but not here", number)
    if found.paid and obligation.paid_at is None:
        raise obligation_paid()
    return obligation


# --- Orders ------------------------------------------------------------------------------------------


def payment_order_create(
    *,
    obligation: Obligation,
    provider: str,
    actor: User | None,
    ip: str,
    base_url: str,
) -> tuple[PaymentOrder, PaymentStart]:
    """Open a payment attempt (created → pending) and ask the provider where the payer goes next.

    The provider is called outside the database transaction; when it does not answer the order
    stays ``created`` (recorded, never charged) and the payer is told to try again.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().select_related("agency").get(pk=obligation.pk)
        if locked.paid_at is not None:
            raise obligation_paid()
        if provider not in providers_for_agency(locked.agency.code):
            raise ApiError(
                "provider_not_offered",
                "Cơ quan này không nhận thanh toán qua kênh đã chọn.",
                "This agency does not take payments through the chosen provider.",
            )
        order = PaymentOrder.objects.create(
            reference=_reference_new(now),
            obligation=locked,
            provider=provider,
            amount=locked.amount,
            currency=locked.currency,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            created_at=now,
            expires_at=now + order_lifetime(provider),
        )
        _event(order, action="created", source="browser", data={"provider": provider, "ip": ip})
        _audit(order, action="create", actor=actor)
    plugin = provider_get(provider)
    base = base_url.rstrip("/")
    try:
        start = plugin.start(
            order,
            return_url=f"{base}/thanh-toan/ket-qua/{order.reference}/",
            notify_url=f"{base}/payments/{provider}/callback",
            ip=ip,
        )
    except ProviderUnavailable as error:
        with transaction.atomic():
            locked_order = _lock_order(order.reference)
            _event(locked_order, action="start_failed", source="system", data={"error": str(error)[:500]})
        raise provider_unavailable() from None
    with transaction.atomic():
        order = _lock_order(order.reference)
        if order.status == OrderStatus.CREATED:
            order.status = OrderStatus.PENDING
            order.save(update_fields=["status", "updated_at"])
            _event(
                order,
                action="pending",
                source="system",
                from_status=OrderStatus.CREATED,
                data={"redirect_url": start.redirect_url, "qr_payload": start.qr_payload},
            )
    return order, start


def _settle_dossier(order: PaymentOrder, obligation: Obligation) -> None:
    """The dossier leaves status 6 when its last unpaid request is paid; one paid among several does not.

    Fees fixed at submission, paid while the dossier is at 1, 2, 4 or 5, are recorded on the dossier
    (its ``payment_settled`` event, which the synchronisation's DuocThanhToanTrucTuyen and the
    statistics read) and the dossier stays where it is.
    """
    if obligation.dossier_id is None:
        return
    from opendvc.dossiers.services import dossier_payment_settled

    # Lock the dossier before looking at its other obligations: two of them paid at once then see each
    # other's payment, and exactly one of the two settles the dossier.
    Dossier.objects.select_for_update(of=("self",)).filter(pk=obligation.dossier_id).first()
    if Obligation.objects.filter(dossier_id=obligation.dossier_id, paid_at__isnull=True).exists():
        logger.info("order %s paid; dossier obligations still unpaid", order.reference)
        return
    dossier = Dossier.objects.get(pk=obligation.dossier_id)
    at_submission = dossier.status != DossierStatus.PAYMENT_REQUESTED
    if at_submission and not (obligation.due_at_submission and dossier.status in FEE_AT_SUBMISSION_STATUSES):
        logger.warning("order %s paid while dossier %s is at status %s", order.reference, dossier.code, dossier.status)
        return
    dossier_payment_settled(
        dossier=dossier,
        reference=order.reference,
        online=True,
        provider=order.provider,
        platform=provider_get(order.provider).platform,
        at_submission=at_submission,
    )


def _receipt_number(order: PaymentOrder) -> str:
    return f"BL-{timezone.localtime(order.settled_at):%Y}-{order.reference[2:]}"


def payment_desk_paid_online() -> ApiError:
    return ApiError(
        "obligation_paid_online",
        "Khoản phí, lệ phí của hồ sơ này đã được nộp trực tuyến; không thu thêm tại quầy.",
        "This dossier's fees were already paid online; do not take them again at the desk.",
        status=409,
    )


def payment_desk_busy() -> ApiError:
    return ApiError(
        "payment_in_progress",
        "Một khoản thanh toán trực tuyến của hồ sơ này đang được xác nhận; hãy thử lại sau ít giây.",
        "An online payment of this dossier is being confirmed; try again in a few seconds.",
        status=409,
    )


def payment_desk_record(*, dossier: Dossier, actor: User, note: str = "") -> list[PaymentOrder]:
    """Settle the dossier's unpaid obligations with money the officer took at the one-stop desk.

    Called for the officer's ``payment_settled`` event (6 → 4), inside its transaction and after the
    dossier row is locked: each unpaid obligation gets a succeeded order of provider ``desk`` with its
    e-receipt number, an event and an audit entry naming the officer, so the payer cannot pay online
    again (``obligation_paid``) and the accountant's collections count it. When every obligation was
    already paid online the desk takes nothing (``obligation_paid_online``). Obligation rows are
    taken with NOWAIT: an online confirmation holding one waits for this dossier, and waiting for it
    here would deadlock; the officer is told to try again instead (``payment_in_progress``).
    """
    try:
        with transaction.atomic():
            obligations = list(
                Obligation.objects.select_for_update(nowait=True).filter(dossier=dossier).order_by("sequence")
            )
    except DatabaseError:
        raise payment_desk_busy() from None
    unpaid = [obligation for obligation in obligations if obligation.paid_at is None]
    if obligations and not unpaid:
        raise payment_desk_paid_online()
    if not obligations and dossier.fee_amount:
        unpaid = [_dossier_obligation_new(dossier, amount=int(dossier.fee_amount))]
    now = timezone.now()
    orders: list[PaymentOrder] = []
    for obligation in unpaid:
        order = PaymentOrder(
            reference=_reference_new(now),
            obligation=obligation,
            provider=DESK_PROVIDER,
            amount=obligation.amount,
            currency=obligation.currency,
            status=OrderStatus.SUCCEEDED,
            created_by=actor,
            created_at=now,
            expires_at=now,
            settled_at=now,
        )
        order.receipt_number = _receipt_number(order)
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            raise payment_desk_paid_online() from None
        obligation.paid_at = now
        obligation.save(update_fields=["paid_at"])
        _event(order, action="succeeded", source="desk", data={"officer": actor.username, "note": note[:200]})
        _audit(order, action="desk", actor=actor)
        orders.append(order)
    return orders


def payment_confirm(
    *,
    reference: str,
    amount: int | None,
    currency: str = "VND",
    transaction_id: str = "",
    bank_code: str = "",
    source: Source,
    provider: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Settlement:
    """The provider confirms the money was taken. Idempotent; see the module's rules."""
    problem: ApiError | None = None
    with transaction.atomic():
        order = _lock_order(reference)
        if provider is not None and order.provider != provider:
            raise order_not_found()
        if amount != order.amount or (currency or "VND") != order.currency:
            problem = amount_mismatch(expected=order.amount, given=amount)
            _event(
                order,
                action="rejected_amount",
                source=source,
                from_status=order.status,
                data={"amount": amount, "currency": currency, **(data or {})},
            )
            _audit(order, action="confirm", refused=problem.code, data={"amount": amount, "expected": order.amount})
        elif order.status in (OrderStatus.SUCCEEDED, OrderStatus.REFUNDED):
            _event(
                order, action="duplicate", source=source, from_status=order.status, data={"transaction": transaction_id}
            )
            return Settlement(order=order, outcome="duplicate")
        else:
            obligation = Obligation.objects.select_for_update().get(pk=order.obligation_id)
            previous = order.status
            order.provider_transaction = transaction_id[:64]
            order.bank_code = bank_code[:32]
            order.settled_at = timezone.now()
            if obligation.paid_at is not None:
                order.status = OrderStatus.REFUNDED
                order.failure_code = "already_paid"
                order.save()
                _event(order, action="refund_due", source=source, from_status=previous, data=data)
                _audit(order, action="refund_due")
                outbound.refund_open(order=order, source=source)
                return Settlement(order=order, outcome="refund_due")
            order.status = OrderStatus.SUCCEEDED
            order.receipt_number = _receipt_number(order)
            try:
                with transaction.atomic():
                    order.save()
            except IntegrityError:
                raise ApiError(
                    "obligation_paid", "Khoản này đã được nộp.", "This has already been paid.", status=409
                ) from None
            obligation.paid_at = order.settled_at
            obligation.save(update_fields=["paid_at"])
            _event(order, action="succeeded", source=source, from_status=previous, data=data)
            _audit(order, action="confirm")
            _settle_dossier(order, obligation)
            outbound.source_report_open(order=order)
    if problem is not None:
        raise problem
    return Settlement(order=order, outcome="applied")


_FAILURES = {"failed": OrderStatus.FAILED, "cancelled": OrderStatus.CANCELLED, "expired": OrderStatus.EXPIRED}


def payment_fail(
    *,
    reference: str,
    outcome: Literal["failed", "cancelled", "expired"] = "failed",
    code: str = "",
    source: Source,
    provider: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Settlement:
    """The attempt ended without money taken. Only an open order changes; a late failure is ignored."""
    with transaction.atomic():
        order = _lock_order(reference)
        if provider is not None and order.provider != provider:
            raise order_not_found()
        if order.status not in OPEN_STATUSES:
            _event(order, action=f"late_{outcome}", source=source, from_status=order.status, data={"code": code})
            return Settlement(order=order, outcome="ignored")
        previous = order.status
        order.status = _FAILURES[outcome]
        order.failure_code = code[:32]
        order.save(update_fields=["status", "failure_code", "updated_at"])
        _event(order, action=outcome, source=source, from_status=previous, data={"code": code, **(data or {})})
        _audit(order, action=outcome)
    return Settlement(order=order, outcome="applied")


def payment_cancel(*, reference: str, actor: User | None) -> Settlement:
    """The payer gives up an attempt before paying (it can be started again with a new order)."""
    return payment_fail(reference=reference, outcome="cancelled", code="payer", source="browser")


def payment_report_apply(*, provider: str, report: ProviderReport, source: Source) -> Settlement | None:
    """Apply what a provider says (a callback or a query's answer) to the order it names."""
    if report.outcome == "succeeded":
        return payment_confirm(
            reference=report.reference,
            amount=report.amount,
            currency=report.currency or "VND",
            transaction_id=report.transaction,
            bank_code=report.bank_code,
            source=source,
            provider=provider,
            data={"code": report.code},
        )
    if report.outcome in ("failed", "cancelled"):
        return payment_fail(
            reference=report.reference,
            outcome=report.outcome,  # type: ignore[arg-type]
            code=report.code,
            source=source,
            provider=provider,
        )
    return None


def payments_pending_resolve(*, older_than: timedelta | None = None, now: datetime | None = None) -> dict[str, int]:
    """Settle orders left open by a lost callback: ask each provider (QUERY) what happened.

    A periodic job (``settings.PERIODIC_JOBS``). An order the provider still shows as waiting, or
    does not know, expires after its lifetime; a provider that does not answer leaves the order as
    it is (nothing lost: the next run asks again).
    """
    now = now or timezone.now()
    wait = (
        older_than
        if older_than is not None
        else timedelta(seconds=int(getattr(settings, "PAYMENT_QUERY_AFTER_SECONDS", 60)))
    )
    counts = {"settled": 0, "failed": 0, "expired": 0, "unavailable": 0, "waiting": 0}
    queryable = [name for name in provider_names() if provider_get(name).can_query]
    due = Q(provider__in=queryable) | Q(expires_at__lte=now - timedelta(minutes=5))
    candidates = list(
        PaymentOrder.objects.filter(due, status__in=OPEN_STATUSES, created_at__lte=now - wait)
        .order_by("created_at")
        .values_list("reference", "provider", "expires_at")[:500]
    )
    for reference, provider_name, expires_at in candidates:
        plugin = provider_get(provider_name)
        outcome = "pending"
        if plugin.can_query:
            order = PaymentOrder.objects.get(reference=reference)
            try:
                report = plugin.query(order)
            except ProviderUnavailable:
                counts["unavailable"] += 1
                continue
            try:
                settlement = payment_report_apply(provider=provider_name, report=report, source="query")
            except ApiError as error:
                logger.warning("order %s: query answer refused (%s)", reference, error.code)
                counts["failed"] += 1
                continue
            if settlement is not None:
                counts["settled" if report.outcome == "succeeded" else "failed"] += 1
                continue
            outcome = report.outcome
        if expires_at + timedelta(minutes=5) <= now and outcome in ("pending", "not_found"):
            payment_fail(reference=reference, outcome="expired", code=outcome, source="query")
            counts["expired"] += 1
        else:
            counts["waiting"] += 1
    return counts


def payments_pending_resolve_job() -> None:
    """The periodic job's entry point (no arguments)."""
    counts = payments_pending_resolve()
    logger.info("payments pending resolve: %s", counts)


# --- Bank statements (VietQR transfers) -----------------------------------------------------------


@dataclass(frozen=True)
class StatementLineInput:
    bank_transaction: str
    booked_on: date
    amount: int
    description: str


#: What each statement outcome asks the accountant to do.
STATEMENT_OUTCOMES = (
    "matched",
    "duplicate_line",
    "already_settled",
    "refund_due",
    "amount_mismatch",
    "no_reference",
    "unknown_reference",
)


def _reference_in(description: str) -> str:
    compact = re.sub(r"[^0-9A-Za-z]", "", description or "").upper()
    match = REFERENCE_RE.search(compact)
    return match.group(0) if match else ""


def statement_lines_import(
    *, agency: Agency, lines: Sequence[StatementLineInput], actor: User | None
) -> list[StatementLine]:
    """Record the credits of the agency's account and settle the VietQR orders they name.

    A line is matched by the order reference in its description and must carry the order's amount.
    The same bank transaction imported twice is recorded once (``duplicate_line``).
    """
    results: list[StatementLine] = []
    for line in lines:
        transaction_id = (line.bank_transaction or "").strip()[:64]
        if not transaction_id:
            raise ApiError(
                "bank_transaction_required",
                "Mỗi dòng sao kê cần có mã giao dịch ngân hàng.",
                "Every statement line needs the bank's transaction id.",
            )
        existing = StatementLine.objects.filter(agency=agency, bank_transaction=transaction_id).first()
        if existing is not None:
            results.append(StatementLine(**{**_line_fields(existing), "outcome": "duplicate_line"}))
            continue
        reference = _reference_in(line.description)
        order = (
            PaymentOrder.objects.select_related("obligation")
            .filter(reference=reference, obligation__agency=agency)
            .first()
            if reference
            else None
        )
        outcome = "no_reference" if not reference else "unknown_reference"
        if order is not None:
            try:
                settlement = payment_confirm(
                    reference=order.reference,
                    amount=int(line.amount),
                    transaction_id=transaction_id,
                    bank_code="VIETQR",
                    source="statement",
                    data={"bank_transaction": transaction_id, "booked_on": line.booked_on.isoformat()},
                )
                outcome = {"applied": "matched", "duplicate": "already_settled", "refund_due": "refund_due"}.get(
                    settlement.outcome, "matched"
                )
            except ApiError as error:
                outcome = error.code
        with transaction.atomic():
            record, _created = StatementLine.objects.get_or_create(
                agency=agency,
                bank_transaction=transaction_id,
                defaults={
                    "booked_on": line.booked_on,
                    "amount": int(line.amount),
                    "description": (line.description or "")[:500],
                    "order": order,
                    "outcome": outcome,
                    "imported_by": actor if actor is not None and actor.is_authenticated else None,
                },
            )
        audit_record(
            action="payment.statement_line",
            actor=actor,
            object_type="statement_line",
            object_id=transaction_id,
            data={"outcome": outcome, "reference": reference, "amount": int(line.amount)},
        )
        results.append(record)
    return results


def _line_fields(line: StatementLine) -> dict[str, Any]:
    return {
        "pk": line.pk,
        "agency_id": line.agency_id,
        "bank_transaction": line.bank_transaction,
        "booked_on": line.booked_on,
        "amount": line.amount,
        "description": line.description,
        "order_id": line.order_id,
        "imported_at": line.imported_at,
    }


def statement_parse_csv(text: str) -> list[StatementLineInput]:
    """A bank statement export: ``ma_giao_dich,ngay,so_tien,noi_dung`` (dd/mm/yyyy, VND with or without dots)."""
    import csv
    import io

    rows: list[StatementLineInput] = []
    reader = csv.reader(io.StringIO(text))
    for number, row in enumerate(reader, start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and not any(ch.isdigit() for ch in row[0]):
            continue
        try:
            transaction_id, day, amount, description = (cell.strip() for cell in row[:4])
            booked = datetime.strptime(day, "%d/%m/%Y").date()
            value = int(re.sub(r"[.\s,đ]", "", amount))
        except (ValueError, TypeError):
            raise ApiError(
                "statement_invalid",
                f"Dòng {number} của sao kê không đúng mẫu: mã giao dịch, ngày (dd/mm/yyyy), số tiền, nội dung.",
                f"Statement line {number} is not: transaction id, date (dd/mm/yyyy), amount, description.",
                details=[{"line": number}],
            ) from None
        rows.append(
            StatementLineInput(bank_transaction=transaction_id, booked_on=booked, amount=value, description=description)
        )
    return rows


# --- Reconciliation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciliationRow:
    """One line of a day's reconciliation: what we hold, what the provider (or the bank) says, what to do."""

    reference: str
    ours: str
    theirs: str
    amount: int
    their_amount: int | None
    kind: str
    todo: str


RECONCILIATION_TODO = {
    "ok": ("Khớp.", "Matches."),
    "settled_now": (
        "Kênh thanh toán đã thu tiền nhưng thông báo bị mất; giao dịch vừa được xác nhận theo kênh.",
        "The provider took the money but its notification was lost; the order is now confirmed from the provider.",
    ),
    "refund_due": (
        "Khoản này đã được nộp bằng giao dịch khác: số tiền được hoàn cho người nộp; theo dõi ở trang Hoàn tiền "
        "(chuyển khoản VietQR: chuyển trả rồi ghi nhận ở đó).",
        "Already paid by another order: the money is refunded to the payer; follow it on the Refunds page "
        "(a VietQR transfer: send it back, then record it there).",
    ),
    "ours_only": (
        "Cổng ghi đã thu nhưng kênh thanh toán không có giao dịch thành công: liên hệ kênh thanh toán với mã "
        "giao dịch trước khi ghi sổ.",
        "We recorded a payment the provider does not show as paid: ask the provider before booking it.",
    ),
    "amount_differs": (
        "Số tiền kênh thanh toán báo khác số tiền giao dịch: không ghi sổ; liên hệ kênh thanh toán.",
        "The provider's amount differs from the order's: do not book it; ask the provider.",
    ),
    "waiting": ("Người nộp chưa thanh toán xong; không cần làm gì.", "The payer has not finished; nothing to do."),
    "provider_unavailable": (
        "Kênh thanh toán không trả lời: chạy lại đối soát sau.",
        "The provider did not answer: run the reconciliation again later.",
    ),
    "closed": ("Giao dịch không thành công ở cả hai bên.", "Unsuccessful on both sides."),
    "line_unmatched": (
        "Có tiền vào tài khoản nhưng không tìm thấy giao dịch theo nội dung chuyển khoản: xác định người nộp qua "
        "ngân hàng; hoàn trả nếu không xác định được.",
        "Money arrived without a known reference: find the payer through the bank; refund if you cannot.",
    ),
    "line_amount_mismatch": (
        "Số tiền chuyển khác số tiền phải nộp: liên hệ người nộp để nộp bổ sung hoặc hoàn trả phần chênh lệch.",
        "The transfer's amount differs from what is due: contact the payer to top up or refund the difference.",
    ),
}


def _row(order: PaymentOrder, theirs: str, their_amount: int | None, kind: str) -> ReconciliationRow:
    return ReconciliationRow(
        reference=order.reference,
        ours=order.status,
        theirs=theirs,
        amount=order.amount,
        their_amount=their_amount,
        kind=kind,
        todo=kind,
    )


def payments_reconcile(
    *, agency_ids: set[int], provider: str, day: date, actor: User | None
) -> list[ReconciliationRow]:
    """Compare our ledger of one provider and day with the provider's: a QUERY for every order of the
    day, or for bank transfers the statement lines booked that day. A payment the provider took but
    we never heard of is confirmed now; everything else that disagrees is listed with what to do."""
    from opendvc.payments import selectors

    plugin = provider_get(provider)
    rows: list[ReconciliationRow] = []
    if not plugin.can_query:
        for line in selectors.statement_lines_for(agency_ids=agency_ids, day=day):
            if line.outcome in ("matched", "already_settled"):
                continue
            kind = {"amount_mismatch": "line_amount_mismatch", "refund_due": "refund_due"}.get(
                line.outcome, "line_unmatched"
            )
            rows.append(
                ReconciliationRow(
                    reference=line.bank_transaction,
                    ours=line.outcome,
                    theirs=line.description[:80],
                    amount=line.amount,
                    their_amount=line.amount,
                    kind=kind,
                    todo=kind,
                )
            )
        for order in selectors.orders_touched(agency_ids=agency_ids, provider=provider, day=day):
            if order.status == OrderStatus.REFUNDED:
                rows.append(_row(order, "", None, "refund_due"))
        _reconcile_audit(actor, provider, day, rows)
        return rows
    for order in selectors.orders_touched(agency_ids=agency_ids, provider=provider, day=day):
        try:
            report = plugin.query(order)
        except ProviderUnavailable:
            rows.append(_row(order, "", None, "provider_unavailable"))
            continue
        theirs_paid = report.outcome == "succeeded"
        if order.status == OrderStatus.REFUNDED:
            rows.append(_row(order, report.outcome, report.amount, "refund_due"))
        elif theirs_paid and report.amount != order.amount:
            rows.append(_row(order, report.outcome, report.amount, "amount_differs"))
        elif theirs_paid and order.status != OrderStatus.SUCCEEDED:
            try:
                settlement = payment_report_apply(provider=provider, report=report, source="query")
            except ApiError:
                rows.append(_row(order, report.outcome, report.amount, "amount_differs"))
                continue
            assert settlement is not None
            kind = "refund_due" if settlement.outcome == "refund_due" else "settled_now"
            rows.append(_row(settlement.order, report.outcome, report.amount, kind))
        elif order.status == OrderStatus.SUCCEEDED and not theirs_paid:
            rows.append(_row(order, report.outcome, report.amount, "ours_only"))
        elif order.status == OrderStatus.SUCCEEDED:
            rows.append(_row(order, report.outcome, report.amount, "ok"))
        elif order.status in OPEN_STATUSES:
            rows.append(_row(order, report.outcome, report.amount, "waiting"))
        else:
            rows.append(_row(order, report.outcome, report.amount, "closed"))
    _reconcile_audit(actor, provider, day, rows)
    return rows


def _reconcile_audit(actor: User | None, provider: str, day: date, rows: list[ReconciliationRow]) -> None:
    audit_record(
        action="payment.reconcile",
        actor=actor,
        object_type="reconciliation",
        object_id=f"{provider}:{day.isoformat()}",
        data={"rows": len(rows), "mismatches": sum(1 for r in rows if r.kind not in ("ok", "waiting", "closed"))},
    )
