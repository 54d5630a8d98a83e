"""Financial obligations, the payment orders that settle them and each order's append-only events.

An obligation is what someone owes: a dossier's fees and charges (fixed when the dossier asked for
payment, status 6) or a standalone obligation found by its reference in its source system (a traffic
fine by decision number, a registration fee by declaration number). A payment order is one attempt
to pay it through one provider; its amount and currency are fixed at creation. An obligation may
have several attempts but is paid at most once: the database refuses a second succeeded order.
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
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_obligation"
    )
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
            models.UniqueConstraint(fields=["kind", "reference"], name="payments_obligation_unique_reference"),
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
