"""What the portal sends out after a payment, and sends again until it is acknowledged.

- **Refunds.** An order paid for an obligation already paid (two tabs, two payments) becomes
  ``refunded`` and gets a :class:`~opendvc.payments.models.Refund` in the same transaction. The
  refund is sent to the provider (``PaymentProvider.refund``) right after the commit, and by the
  periodic job while the provider does not answer; the provider is idempotent by the refund's
  reference, so a request sent twice returns the money once. A provider that refuses marks it
  ``failed``; the accountant may send it again. A bank transfer (VietQR) has no refund call: the
  accountant returns the money from the agency's account and records it here.
- **Reports to the obligation's source.** A traffic fine or a registration fee paid here is reported
  to the system that issued it (``sources.ObligationSource.payment_report``) through the outbox
  :class:`~opendvc.payments.models.SourceReport`, written with the confirmation; the source is
  idempotent by the order's reference, so a report repeated after a lost answer counts once.

Both retry on a doubling delay (``PAYMENT_OUTBOUND_RETRY_SECONDS`` up to
``PAYMENT_OUTBOUND_RETRY_MAX_SECONDS``). Every change of a refund is a payment event of its order and
an audit entry (Decree 11/2020/NĐ-CP, Art. 12: State-budget collections returned to the payer are
recorded with their document).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.audit.services import audit_record
from opendvc.core.errors import ApiError, NotFound
from opendvc.payments.models import (
    ObligationKind,
    PaymentEvent,
    PaymentOrder,
    Refund,
    RefundStatus,
    SourceReport,
)
from opendvc.payments.providers.base import ProviderUnavailable
from opendvc.payments.providers.registry import provider_get
from opendvc.payments.sources import PaymentReport, SourceRefused, SourceUnavailable, obligation_source

logger = logging.getLogger(__name__)

REFUND_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFUND_REASON = "Hoan tien: khoan da duoc nop bang giao dich khac"


def _backoff(attempts: int) -> timedelta:
    base = int(getattr(settings, "PAYMENT_OUTBOUND_RETRY_SECONDS", 60))
    ceiling = int(getattr(settings, "PAYMENT_OUTBOUND_RETRY_MAX_SECONDS", 3600))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def _refund_reference(now: datetime) -> str:
    tail = "".join(secrets.choice(REFUND_ALPHABET) for _ in range(10))
    return f"RF{timezone.localtime(now):%y%m%d}{tail}"


def _refund_event(refund: Refund, order: PaymentOrder, *, action: str, source: str, data: dict | None = None) -> None:
    PaymentEvent.objects.create(
        order=order,
        at=timezone.now(),
        action=action,
        source=source,
        from_status=order.status,
        to_status=order.status,
        data={"refund": refund.reference, "refund_status": refund.status, **(data or {})},
    )


def _refund_audit(refund: Refund, *, action: str, actor: User | None = None, refused: str = "") -> None:
    from opendvc.audit.models import AuditEntry

    audit_record(
        action=f"payment.refund_{action}",
        actor=actor,
        actor_role="" if actor else "system",
        object_type="payment_refund",
        object_id=refund.reference,
        outcome=AuditEntry.Outcome.REFUSED if refused else AuditEntry.Outcome.OK,
        reason=refused,
        data={"order": refund.order.reference, "status": refund.status, "amount": refund.amount},
    )


# --- Refunds -------------------------------------------------------------------------------------


def refund_open(*, order: PaymentOrder, source: str) -> Refund:
    """Record that ``order``'s money must go back (called in the transaction that marks it refunded).

    The request is sent after the commit; a provider without a refund call (a bank transfer) waits
    for the accountant.
    """
    now = timezone.now()
    plugin = provider_get(order.provider)
    refund = Refund.objects.create(
        reference=_refund_reference(now),
        order=order,
        provider=order.provider,
        amount=order.amount,
        currency=order.currency,
        requested_at=now,
        next_attempt_at=now if plugin.can_refund else None,
    )
    _refund_event(refund, order, action="refund_requested", source=source)
    _refund_audit(refund, action="request")
    if plugin.can_refund:
        from opendvc.payments.tasks import refund_send_task

        transaction.on_commit(partial(refund_send_task.enqueue, reference=refund.reference), robust=True)
    return refund


REFUND_PARTIAL_REASON = "Hoan tra mot phan khoan da thu"


def refund_partial_open(*, order_reference: str, amount: int, reason: str, actor: User, agency_ids: set[int]) -> Refund:
    """The accountant returns part of a paid order (a charge collected twice in part); the order and its
    obligation stay paid.

    Only a succeeded order of the accountant's agencies, through a provider that refunds part of a
    payment or by a bank transfer the accountant records; what is returned in all never reaches the
    order's amount (a whole refund would undo the payment, which this is not). Sent to the provider
    after the commit like any refund, idempotent by the refund's reference (Decree 11/2020/NĐ-CP,
    Art. 12: money returned to the payer is recorded with its document).
    """
    from opendvc.payments.models import OrderStatus
    from opendvc.payments.providers.registry import provider_names

    why = (reason or "").strip()[:500]
    if not why:
        raise ApiError(
            "refund_reason_required",
            "Nêu lý do hoàn tiền (ví dụ: thu trùng phí cấp bản sao).",
            "State why the money is returned (e.g. a copy fee collected twice).",
        )
    now = timezone.now()
    with transaction.atomic():
        order = (
            PaymentOrder.objects.select_for_update(of=("self",))
            .select_related("obligation")
            .filter(reference=(order_reference or "").strip().upper(), obligation__agency_id__in=agency_ids)
            .first()
        )
        if order is None:
            raise NotFound(
                "Không tìm thấy giao dịch với mã này trong các khoản thu của cơ quan bạn.",
                "No payment order with this reference among your agencies' collections.",
                code="order_not_found",
            )
        if order.status != OrderStatus.SUCCEEDED:
            raise ApiError(
                "order_not_paid",
                "Chỉ hoàn một phần cho giao dịch đã thu thành công.",
                "Only a successful payment can be partly refunded.",
                status=409,
            )
        plugin = provider_get(order.provider) if order.provider in provider_names() else None
        if plugin is None or (plugin.can_refund and not plugin.can_refund_partial):
            raise ApiError(
                "partial_refund_unavailable",
                "Kênh thanh toán của giao dịch này không hỗ trợ hoàn một phần; liên hệ kênh thanh toán hoặc hoàn "
                "trả bằng chứng từ của cơ quan.",
                "This payment's provider does not refund part of a payment; contact the provider or return it "
                "through the agency's own books.",
                status=409,
            )
        taken = sum(Refund.objects.filter(order=order).values_list("amount", flat=True))
        left = order.amount - taken - 1
        if not 0 < int(amount) <= left:
            raise ApiError(
                "refund_amount_invalid",
                f"Số tiền hoàn phải lớn hơn 0 và không quá {max(left, 0):,} đ (nhỏ hơn số tiền còn lại của giao "
                "dịch).".replace(",", "."),
                f"The amount must be more than 0 and at most {max(left, 0):,} VND (less than what is left of the "
                "payment).",
                details=[{"order_amount": order.amount, "refunded": taken, "max": max(left, 0)}],
            )
        refund = Refund.objects.create(
            reference=_refund_reference(now),
            order=order,
            provider=order.provider,
            amount=int(amount),
            currency=order.currency,
            partial=True,
            reason=why,
            requested_by=actor,
            requested_at=now,
            next_attempt_at=now if plugin.can_refund else None,
        )
        _refund_event(
            refund, order, action="refund_requested", source="accountant", data={"partial": True, "reason": why}
        )
        _refund_audit(refund, action="request_partial", actor=actor)
        if plugin.can_refund:
            from opendvc.payments.tasks import refund_send_task

            transaction.on_commit(partial(refund_send_task.enqueue, reference=refund.reference), robust=True)
    return refund


def refund_not_found() -> ApiError:
    return NotFound("Không tìm thấy yêu cầu hoàn tiền này.", "There is no such refund.", code="refund_not_found")


def refund_send(*, reference: str, actor: User | None = None, now: datetime | None = None) -> Refund:
    """Send a refund to its provider (again); idempotent: a refund already done is left as it is.

    The provider is called outside the database transaction, so a slow provider holds no lock;
    two senders racing send the same refund reference and the provider returns the money once.
    An accountant (``actor``) may send again a refund the provider refused.
    """
    now = now or timezone.now()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").filter(reference=reference).first()
        if refund is None:
            raise refund_not_found()
        if refund.status == RefundStatus.DONE:
            return refund
        plugin = provider_get(refund.provider)
        if not plugin.can_refund:
            _refund_audit(refund, action="send", actor=actor, refused="refund_manual")
            raise ApiError(
                "refund_manual",
                "Khoản này được hoàn trả bằng chuyển khoản từ tài khoản của cơ quan; hãy ghi nhận khi đã chuyển.",
                "This is returned by a bank transfer from the agency's account; record it once made.",
                status=409,
            )
        if refund.status == RefundStatus.FAILED:
            if actor is None:
                return refund
            refund.status = RefundStatus.REQUESTED
            refund.save(update_fields=["status", "updated_at"])
            _refund_event(refund, refund.order, action="refund_resent", source="accountant")
            _refund_audit(refund, action="resend", actor=actor)
        order = refund.order
    try:
        result = plugin.refund(
            order,
            refund_reference=refund.reference,
            amount=refund.amount,
            reason=REFUND_PARTIAL_REASON if refund.partial else REFUND_REASON,
        )
    except ProviderUnavailable as error:
        with transaction.atomic():
            refund = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
            if refund.status != RefundStatus.REQUESTED:
                return refund
            refund.attempts += 1
            refund.next_attempt_at = now + _backoff(refund.attempts)
            refund.last_error = str(error)[:500]
            refund.save(update_fields=["attempts", "next_attempt_at", "last_error", "updated_at"])
            _refund_event(
                refund, refund.order, action="refund_unavailable", source="system", data={"error": str(error)[:200]}
            )
        return refund
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
        if refund.status != RefundStatus.REQUESTED:
            return refund
        refund.attempts += 1
        refund.next_attempt_at = None
        if result.outcome == "done":
            refund.status = RefundStatus.DONE
            refund.done_at = now
            refund.provider_reference = result.provider_reference
            refund.last_error = ""
        else:
            refund.status = RefundStatus.FAILED
            refund.last_error = result.code or "refused"
        refund.save()
        action = "done" if refund.status == RefundStatus.DONE else "failed"
        _refund_event(refund, refund.order, action=f"refund_{action}", source="system", data={"code": result.code})
        _refund_audit(refund, action=action, actor=actor, refused="" if action == "done" else refund.last_error)
    return refund


def refund_record_manual(*, reference: str, actor: User, bank_transaction: str) -> Refund:
    """The accountant returned a bank transfer from the agency's account: record it with the bank's id."""
    transaction_id = (bank_transaction or "").strip()[:64]
    if not transaction_id:
        raise ApiError(
            "bank_transaction_required",
            "Nhập mã giao dịch ngân hàng của khoản chuyển trả.",
            "Enter the bank's transaction id of the transfer back.",
        )
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").filter(reference=reference).first()
        if refund is None:
            raise refund_not_found()
        if refund.status == RefundStatus.DONE:
            if refund.provider_reference == transaction_id:
                return refund
            raise ApiError(
                "refund_done",
                "Khoản hoàn trả này đã được ghi nhận.",
                "This refund has already been recorded.",
                status=409,
            )
        if provider_get(refund.provider).can_refund:
            raise ApiError(
                "refund_not_manual",
                "Khoản này được hoàn qua kênh thanh toán; hãy gửi yêu cầu hoàn tiền.",
                "This is refunded through the payment provider; send the refund request.",
                status=409,
            )
        refund.status = RefundStatus.DONE
        refund.done_at = timezone.now()
        refund.done_by = actor
        refund.provider_reference = transaction_id
        refund.next_attempt_at = None
        refund.save()
        _refund_event(refund, refund.order, action="refund_done", source="accountant", data={"bank": transaction_id})
        _refund_audit(refund, action="recorded", actor=actor)
    return refund


def refunds_due_send(*, now: datetime | None = None) -> dict[str, int]:
    """Send every refund waiting for its provider whose next attempt is due (the periodic job)."""
    now = now or timezone.now()
    counts = {"done": 0, "failed": 0, "waiting": 0}
    due = list(
        Refund.objects.filter(status=RefundStatus.REQUESTED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("reference", flat=True)[:200]
    )
    for reference in due:
        refund = refund_send(reference=reference, now=now)
        key = {RefundStatus.DONE: "done", RefundStatus.FAILED: "failed"}.get(RefundStatus(refund.status), "waiting")
        counts[key] += 1
    return counts


# --- Reports to the obligation's source ----------------------------------------------------------------


def source_report_open(*, order: PaymentOrder) -> SourceReport | None:
    """Queue the report that a standalone obligation is paid (in the confirming transaction)."""
    obligation = order.obligation
    if obligation.kind == ObligationKind.DOSSIER_FEE:
        return None
    report, _created = SourceReport.objects.get_or_create(
        obligation=obligation, defaults={"order": order, "next_attempt_at": timezone.now()}
    )
    from opendvc.payments.tasks import source_report_send_task

    transaction.on_commit(partial(source_report_send_task.enqueue, report_id=report.pk), robust=True)
    return report


def source_report_send(*, report_id: int, now: datetime | None = None) -> SourceReport:
    """Tell the source once; on a refusal stop (logged for the accountant), when down try again later."""
    now = now or timezone.now()
    report = SourceReport.objects.select_related("order", "obligation").get(pk=report_id)
    if report.sent_at is not None:
        return report
    order, obligation = report.order, report.obligation
    message = PaymentReport(
        kind=obligation.kind,
        reference=obligation.reference,
        order_reference=order.reference,
        amount=order.amount,
        currency=order.currency,
        paid_at=timezone.localtime(order.settled_at or now).isoformat(),
        receipt_number=order.receipt_number,
    )
    try:
        answer = obligation_source().payment_report(message)
    except SourceUnavailable as error:
        attempts = report.attempts + 1
        SourceReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
            attempts=attempts, next_attempt_at=now + _backoff(attempts), last_error=str(error)[:500]
        )
        report.refresh_from_db()
        return report
    except SourceRefused as refused:
        answer = refused.code
        logger.warning("source refused the payment report of %s: %s", order.reference, answer)
    SourceReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
        attempts=report.attempts + 1, sent_at=now, answer=answer[:32], last_error=""
    )
    audit_record(
        action="payment.source_reported",
        actor=None,
        actor_role="system",
        object_type="payment_order",
        object_id=order.reference,
        data={"obligation": obligation.reference, "answer": answer},
    )
    report.refresh_from_db()
    return report


def source_reports_due_send(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"sent": 0, "waiting": 0}
    due = list(
        SourceReport.objects.filter(Q(sent_at__isnull=True), next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:200]
    )
    for report_id in due:
        report = source_report_send(report_id=report_id, now=now)
        counts["sent" if report.sent_at else "waiting"] += 1
    return counts


def payments_outbound_job() -> None:
    """The periodic job's entry point: refunds and source reports whose next attempt is due."""
    logger.info("payments outbound: refunds %s, source reports %s", refunds_due_send(), source_reports_due_send())
