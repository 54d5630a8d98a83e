from django.db import models
from django.utils.translation import gettext_lazy as _


class SetupStep(models.Model):
    """A one-time setup step (loading reference or demo data) and the data version it loaded."""

    name = models.CharField(max_length=80, unique=True)
    version = models.CharField(max_length=40)
    completed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bước khởi tạo"
        verbose_name_plural = "bước khởi tạo"

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class CalendarDay(models.Model):
    """A day the Government (or a local authority) decided differently from the ordinary week.

    Public holidays of the Labour Code 2019 (Art. 112) and their compensatory days (Art. 111(3)) come
    from the ``holidays`` package; this table holds what is decided year by year — Tết arrangements,
    swapped working days (ngày làm bù) and extra days off — and corrects the package when it is wrong.
    A row always wins: a make-up row makes any day a working day, a holiday or day-off row makes any
    day a day off. A row with an agency applies to that agency and every agency under its code
    (``H29`` covers ``H29.17``); an agency row wins over a national row of the same date.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Nghỉ lễ, tết")
        MAKEUP_WORKING_DAY = "makeup_working_day", _("Ngày làm bù")
        DAY_OFF = "day_off", _("Nghỉ bù, ngày nghỉ do Chính phủ quyết định")

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("tên ngày"), max_length=200, help_text=_("Ví dụ: Tết Nguyên đán (mùng 1 Tết)."))
    legal_basis = models.TextField(
        _("căn cứ"),
        blank=True,
        help_text=_("Văn bản quyết định, ví dụ: Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan áp dụng"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        help_text=_("Để trống khi áp dụng toàn quốc; chọn cơ quan khi là quyết định của địa phương."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["date", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(agency__isnull=True),
                name="calendarday_national_date_unique",
                violation_error_message=_("Ngày này đã có trong lịch toàn quốc."),
            ),
            models.UniqueConstraint(
                fields=["date", "agency"],
                name="calendarday_agency_date_unique",
                violation_error_message=_("Ngày này đã có trong lịch của cơ quan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.MAKEUP_WORKING_DAY


class PeriodicJobRun(models.Model):
    """When a periodic job (``settings.PERIODIC_JOBS``) last started and finished, and how it ended.

    The row is locked while a runner decides whether the job is due, so two runners never start the
    same job twice in one period.
    """

    name = models.CharField(max_length=80, unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(null=True)
    error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "lần chạy công việc định kỳ"
        verbose_name_plural = "công việc định kỳ"

    def __str__(self) -> str:
        return self.name
