"""Statistics rollups kept from the dossier events: one row of counters per agency × procedure × day.

Every counter is a *flow* counted on the day of the event that caused it (received, resolved,
refused…), except two *stock deltas* from which the stocks at any period boundary are sums:

* ``open_delta`` — +1 on the day a dossier enters the running statuses (2, 4, 5, 6), −1 on the day
  it leaves them. Dossiers in progress at the end of day E = Σ ``open_delta`` over days ≤ E; carried
  over into a period starting on S = Σ over days < S.
* ``overdue_delta`` — the same for "running and past its appointment date". Because a dossier
  becomes overdue by the clock, not by an event, the +1 is written ahead, on the first day it will
  be overdue (the day after NgayHenTra), and taken back if an event closes the dossier or moves the
  date before then (see :mod:`opendvc.reporting.rollup`). Overdue at the end of day E = Σ over
  days ≤ E.

:class:`HalfMonthStat` holds the same counters per agency and half month (days 1–14 and 15–end), so
that calendar months, quarters and years and the report periods of Decree 09/2019 (15th → 14th) are
all whole numbers of rows — a province's page reads a few thousand rows whatever its history.

The foreign keys carry no database constraint: a rollup row is derived data, and each check (at
commit, on PostgreSQL) would take one more share lock on the agency row, which every event of the
agency would then wait on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Every counter of a rollup row, in a fixed order (the SQL upsert and the rebuild use it).
COUNTERS: tuple[str, ...] = (
    "submitted",
    "received_online",
    "received_in_person",
    "received_post",
    "received_digitised",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "returned",
    "supplement_requests",
    "refused",
    "withdrawn",
    "withdrawn_unreceived",
    "stopped",
    "paid_online",
    "open_delta",
    "overdue_delta",
)


class _Counters(models.Model):
    submitted = models.IntegerField(_("nộp mới"), default=0)
    received_online = models.IntegerField(_("tiếp nhận trực tuyến"), default=0)
    received_in_person = models.IntegerField(_("tiếp nhận trực tiếp"), default=0)
    received_post = models.IntegerField(_("tiếp nhận qua bưu chính"), default=0)
    received_digitised = models.IntegerField(_("tiếp nhận có thành phần số hóa"), default=0)
    resolved_early = models.IntegerField(_("giải quyết trước hạn"), default=0)
    resolved_on_time = models.IntegerField(_("giải quyết đúng hạn"), default=0)
    resolved_late = models.IntegerField(_("giải quyết quá hạn"), default=0)
    returned = models.IntegerField(_("đã trả kết quả"), default=0)
    supplement_requests = models.IntegerField(_("yêu cầu bổ sung"), default=0)
    refused = models.IntegerField(_("từ chối tiếp nhận"), default=0)
    withdrawn = models.IntegerField(_("rút hồ sơ sau tiếp nhận"), default=0)
    withdrawn_unreceived = models.IntegerField(_("rút hồ sơ trước tiếp nhận"), default=0)
    stopped = models.IntegerField(_("dừng xử lý"), default=0)
    paid_online = models.IntegerField(_("thanh toán trực tuyến"), default=0)
    open_delta = models.IntegerField(_("thay đổi số hồ sơ đang giải quyết"), default=0)
    overdue_delta = models.IntegerField(_("thay đổi số hồ sơ đang quá hạn"), default=0)

    class Meta:
        abstract = True


class DailyStat(_Counters):
    """The counters of one agency × procedure × day (local date, Asia/Ho_Chi_Minh)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    province = models.ForeignKey(
        "agencies.AdministrativeUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("số liệu ngày")
        verbose_name_plural = _("số liệu ngày")
        constraints = [
            models.UniqueConstraint(fields=["agency", "procedure", "day"], name="reporting_daily_key"),
        ]
        indexes = [
            models.Index(fields=["agency", "day"], name="reporting_daily_agency_day"),
            models.Index(fields=["province", "day"], name="reporting_daily_province_day"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.day}"


class HalfMonthStat(_Counters):
    """The counters of one agency × half month: ``half`` is the 1st or the 15th of the month."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    province = models.ForeignKey(
        "agencies.AdministrativeUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    half = models.DateField(_("nửa tháng từ ngày"))

    class Meta:
        verbose_name = _("số liệu nửa tháng")
        verbose_name_plural = _("số liệu nửa tháng")
        constraints = [
            models.UniqueConstraint(fields=["agency", "half"], name="reporting_half_key"),
        ]
        indexes = [models.Index(fields=["province", "half"], name="reporting_half_province")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.half}"


class RollupRevision(models.Model):
    """How many times the settled past of a province's rollups changed: the key of the cached figures.

    The statistics pages cache the sums of *settled* rows — days up to the day before yesterday, and
    the half months that end by then — since only late data changes them: a synchronised record whose
    events happened days ago, or a rebuild. Whoever writes such a row adds one to its province's
    revision in the same transaction (:func:`opendvc.reporting.services.rollups_write`), so a page
    never reads settled figures cached before the change. Writes of today's events, the usual case,
    touch no revision, and the current days are always read from the tables.

    ``scope`` is the province's id, :data:`CENTRAL` for agencies with no province, or :data:`EVERY`
    for a change of every scope (a rebuild, a bulk load); a page's key is the sum of the revisions of
    its scope and :data:`EVERY` (revisions only grow, so the sum moves with either).
    """

    CENTRAL = 0
    EVERY = -1

    scope = models.BigIntegerField(_("phạm vi"), primary_key=True)
    revision = models.BigIntegerField(_("lần thay đổi"), default=0)

    class Meta:
        verbose_name = _("phiên bản số liệu đã chốt")
        verbose_name_plural = _("phiên bản số liệu đã chốt")

    def __str__(self) -> str:
        return f"{self.scope}: {self.revision}"
