"""Reads of the synchronisation app: scoped look-ups for integrated systems, data-quality figures, quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from opendvc.accounts.models import User
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.agencies.models import Agency
from opendvc.catalog.models import Procedure, ProcedureVersion
from opendvc.catalog.selectors import procedure_list_for_agency
from opendvc.core.codes import CodeError, parse_agency_code, parse_tthc_code
from opendvc.core.errors import NotFound
from opendvc.dossiers.models import Dossier
from opendvc.sync.models import IntegratedSystem, QuarantinedRecord
from opendvc.sync.records import REASONS


def _not_found() -> NotFound:
    return NotFound("Không tìm thấy hồ sơ với mã này.", "No dossier with this code.", code="not_found")


def system_agency_filter(system: IntegratedSystem) -> Q:
    return Q(agency__province__in=system.scope_provinces.all()) | Q(agency__in=system.scope_agencies.all())


def synced_dossier_get(*, system: IntegratedSystem, code: str) -> Dossier:
    """``TraCuuHoSo``: a dossier of an agency in the system's scope (another agency's is "not found")."""
    dossier = (
        Dossier.objects.filter(code=(code or "").strip().upper())
        .filter(system_agency_filter(system))
        .select_related("agency", "procedure", "procedure_version")
        .first()
    )
    if dossier is None:
        raise _not_found()
    return dossier


def procedure_wire(*, code: str) -> dict[str, Any]:
    """``LayThuTuc``: the procedure's published version in the DVCQG names."""
    try:
        national = parse_tthc_code(code)
    except CodeError:
        raise NotFound("Không tìm thấy thủ tục.", "No such procedure.", code="not_found") from None
    procedure = (
        Procedure.objects.filter(code=national).select_related("current_version", "current_version__field").first()
    )
    version = procedure.current_version if procedure else None
    if procedure is None or version is None or version.status != ProcedureVersion.Status.PUBLISHED:
        raise NotFound("Không tìm thấy thủ tục.", "No such procedure.", code="not_found")
    return {
        "MaTTHC": procedure.code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.field.code if version.field else "",
        "TenLinhVuc": version.field.name if version.field else "",
        "MucDo": version.online_level,
        "CoQuanThucHien": version.implementing_agencies,
    }


def procedure_list_wire(*, agency_code: str) -> list[dict[str, str]]:
    """``LayDanhSachTTHC``: the procedures the agency ``madonvi`` offers (all published ones without it)."""
    agency = None
    if agency_code:
        try:
            agency = Agency.objects.filter(code=parse_agency_code(agency_code).canonical).first()
        except CodeError:
            agency = None
        if agency is None:
            raise NotFound("Không tìm thấy cơ quan.", "No such agency.", code="not_found")
    procedures: QuerySet[Procedure] = (
        procedure_list_for_agency(agency=agency).filter(current_version__status=ProcedureVersion.Status.PUBLISHED)
        if agency is not None
        else Procedure.objects.filter(current_version__status=ProcedureVersion.Status.PUBLISHED)
        .select_related("current_version")
        .order_by("code")
    )
    return [{"MaTTHC": p.code, "TenTTHC": p.current_version.name if p.current_version else ""} for p in procedures]


# --- data quality ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityRow:
    system_code: str
    system_name: str
    agency_code: str
    reason: str
    open: int
    resolved: int
    attempts: int

    @property
    def message_vi(self) -> str:
        return REASONS.get(self.reason, ("", self.reason, self.reason))[1]

    @property
    def message_en(self) -> str:
        return REASONS.get(self.reason, ("", self.reason, self.reason))[2]


def _visible_quarantine(
    *, user: User | None = None, system: IntegratedSystem | None = None
) -> QuerySet[QuarantinedRecord]:
    """An integrated system sees its own records; an officer those of the agencies they serve; the
    portal's operators (staff) everything."""
    queryset = QuarantinedRecord.objects.all()
    if system is not None:
        return queryset.filter(system=system)
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_staff or user.is_superuser:
        return queryset
    codes = list(Agency.objects.filter(pk__in=officer_agency_ids(user=user)).values_list("code", flat=True))
    return queryset.filter(agency_code__in=codes)


def quality_counts(*, user: User | None = None, system: IntegratedSystem | None = None) -> list[QualityRow]:
    """Refused records per system, agency and check: still open, resolved by a corrected re-submission,
    and how many times they were sent."""
    from django.db.models import Sum

    rows = (
        _visible_quarantine(user=user, system=system)
        .values("system__code", "system__name", "agency_code", "reason")
        .annotate(
            open=Count("id", filter=Q(resolved_at__isnull=True)),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
            attempts=Sum("attempts"),
        )
        .order_by("system__code", "agency_code", "reason")
    )
    return [
        QualityRow(
            r["system__code"],
            r["system__name"],
            r["agency_code"],
            r["reason"],
            r["open"],
            r["resolved"],
            r["attempts"] or 0,
        )
        for r in rows
    ]


def quarantine_list(
    *,
    user: User | None = None,
    system: IntegratedSystem | None = None,
    open_only: bool = True,
    reason: str = "",
    after_id: int | None = None,
    limit: int = 50,
) -> list[QuarantinedRecord]:
    """Quarantined records, newest first, by keyset on the id (``after_id`` = the last id of the page before)."""
    queryset = _visible_quarantine(user=user, system=system).select_related("system").order_by("-id")
    if open_only:
        queryset = queryset.filter(resolved_at__isnull=True)
    if reason:
        queryset = queryset.filter(reason=reason)
    if after_id is not None:
        queryset = queryset.filter(id__lt=after_id)
    return list(queryset[: max(1, min(limit, 200))])
