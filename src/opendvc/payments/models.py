"""Financial obligations, the payment orders that settle them and each order's append-only events.

An obligation is what someone owes: a dossier's fees and charges (fixed when the dossier was submitted
for a procedure whose fees are paid with the dossier, or when the agency asked for payment, status 6;
one obligation per request, so a dossier asked twice owes two) or a standalone
obligation found by its reference in its source system (a traffic fine by decision number, a
registration fee by declaration number). A payment order is one attempt to pay it through one
provider; its amount and currency are fixed at creation. An obligation may have several attempts
but is paid at most once: the database refuses a second succeeded order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opendvc.audit.models import AppendOnlyModel


class ObligationKind(models.TextChoices):
    DOSSIER_FEE = "dossier_fee", _("Phí, lệ phí hồ sơ")
    TRAFFIC_FINE = "traffic_fine", _("Tiền phạt vi phạm giao thông")
    REGISTRATION_FEE = "registration_fee", _("Lệ phí trước bạ")


class Obligation(models.Model):
    kind = models.CharField(_("loại nghĩa vụ"), max_length=32, choices=ObligationKind.choices)
    #: The dossier code, the fine's decision number or the declaration number, as its source writes it.
    reference = models.CharField(_("số tham chiếu"), max_length=64)
    #: A dossier may be asked to pay more than once (the fee, then a charge after appraisal): one
    #: obligation per request, numbered by ``sequence`` (1, 2, …; always 1 for standalone ones).
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_obligations"
    )
    sequence = models.PositiveSmallIntegerField(_("lần yêu cầu"), default=1)
    #: The procedure's fees are paid with the dossier (``catalog.FeePaymentMoment.AT_SUBMISSION``): this
    #: obligation was fixed when the dossier was submitted, and paying it does not move the dossier.
    due_at_submission = models.BooleanField(_("nộp khi nộp hồ sơ"), default=False)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan thu"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("nội dung"), max_length=500)
    payer_name = models.CharField(_("người nộp"), max_length=255, blank=True)
    payer_id_number = models.CharField(_("số giấy tờ người nộp"), max_length=20, blank=True)
    amount = models.BigIntegerField(_("số tiền"))
    currency = models.CharField(_("loại tiền"), max_length=3, default="VND")
    paid_at = models.DateTimeField(_("đã nộp lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nghĩa vụ tài chính")
        verbose_name_plural = _("nghĩa vụ tài chính")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference", "sequence"], name="payments_obligation_unique_reference"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_obligation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class OrderStatus(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    PENDING = "pending", _("Đang chờ thanh toán")
    SUCCEEDED = "succeeded", _("Thành công")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã huỷ")
    EXPIRED = "expired", _("Hết hạn")
    REFUNDED = "refunded", _("Đã hoàn tiền")


OPEN_STATUSES = (OrderStatus.CREATED, OrderStatus.PENDING)


class PaymentOrder(models.Model):
    #: MaThamChieu: the order's reference at the provider and in the bank transfer's purpose.
    reference = models.CharField(_("mã tham chiếu"), max_length=32, unique=True)
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="orders")
    provider = models.CharField(_("kênh thanh toán"), max_length=32)
    amount = models.BigIntegerField(_("số tiền"))
    currency = models.CharField(_("loại tiền"), max_length=3, default="VND")
    status = models.CharField(_("trạng thái"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.CREATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_transaction = models.CharField(_("mã giao dịch của kênh"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=32, blank=True)
    failure_code = models.CharField(_("mã lỗi"), max_length=32, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    settled_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lệnh thanh toán")
        verbose_name_plural = _("lệnh thanh toán")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation"],
                condition=Q(status="succeeded"),
                name="payments_one_succeeded_order_per_obligation",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_order_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payments_order_status_idx"),
            models.Index(fields=["provider", "settled_at"], name="payments_order_settled_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentEvent(AppendOnlyModel):
    """One thing that happened to an order: a transition, or a message that changed nothing."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=32)
    source = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["order", "at"], name="payments_event_order_idx")]


class StatementLine(models.Model):
    """A credit on the agency's bank account (VietQR transfers are settled from these)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    bank_transaction = models.CharField(_("mã giao dịch ngân hàng"), max_length=64)
    booked_on = models.DateField(_("ngày ghi có"))
    amount = models.BigIntegerField(_("số tiền"))
    description = models.CharField(_("nội dung"), max_length=500)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("kết quả đối chiếu"), max_length=32)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "bank_transaction"], name="payments_statement_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bank_transaction} {self.amount}"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Đã yêu cầu hoàn tiền")
    DONE = "done", _("Đã hoàn tiền")
    FAILED = "failed", _("Hoàn tiền không thành công")


class Refund(models.Model):
    """Money to return: the whole of an order paid for an obligation already paid (two tabs, two
    payments), or — ``partial`` — part of a paid order, asked by the accountant (a charge collected
    twice in part); the order stays paid.

    Its own lifecycle: ``requested`` (sent, or waiting to be sent again while the provider does not
    answer) → ``done`` (the provider, or for a bank transfer the accountant, returned the money) or
    ``failed`` (the provider refused; the accountant may send it again). ``reference`` is the
    idempotency key the provider sees: sending the same refund twice returns the money once.
    """

    reference = models.CharField(_("mã yêu cầu hoàn tiền"), max_length=32, unique=True)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    provider = models.CharField(_("kênh thanh toán"), max_length=32)
    partial = models.BooleanField(_("hoàn một phần"), default=False)
    reason = models.CharField(_("lý do hoàn"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.BigIntegerField(_("số tiền"))
    currency = models.CharField(_("loại tiền"), max_length=3, default="VND")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    provider_reference = models.CharField(_("mã hoàn tiền của kênh"), max_length=64, blank=True)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    done_at = models.DateTimeField(_("hoàn tiền lúc"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu hoàn tiền")
        verbose_name_plural = _("yêu cầu hoàn tiền")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(partial=False), name="payments_one_full_refund_per_order"
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="requested"), name="payments_refund_due_idx")
        ]

    def __str__(self) -> str:
        return self.reference


class SourceReport(models.Model):
    """The outbox of payments to tell a standalone obligation's source system (the fine is paid).

    Written in the transaction that confirms the payment, so a payment is never confirmed without it;
    sent by the periodic job until the source acknowledges it. The source is idempotent by the
    order's reference, so a report sent twice (an answer lost on the way back) counts once.
    """

    obligation = models.OneToOneField(Obligation, on_delete=models.PROTECT, related_name="source_report")
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"))
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    #: The source's answer once it gave one: ``recorded``, ``already_recorded`` or a refusal's code.
    answer = models.CharField(_("trả lời của hệ thống nguồn"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("đã báo lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo nộp tiền về hệ thống nguồn")
        verbose_name_plural = _("báo nộp tiền về hệ thống nguồn")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="payments_source_report_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation} ← {self.order}"
