"""Reads of the synchronisation app: scoped look-ups for integrated systems, data-quality figures, quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from opendvc.accounts.models import User
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.agencies.models import Agency
from opendvc.catalog.models import Procedure, ProcedureVersion
from opendvc.catalog.selectors import procedure_list_for_agency
from opendvc.core.codes import CodeError, parse_agency_code, parse_tthc_code
from opendvc.core.errors import NotFound
from opendvc.dossiers.models import Dossier
from opendvc.sync.models import IntegratedSystem, QuarantinedRecord, SystemCredential
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

    @property
    def message(self) -> str:
        """The check's description in the page's language."""
        return self.message_en if (get_language() or "vi").startswith("en") else self.message_vi


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


def quarantined_record_get(*, user: User, record_id: int) -> QuarantinedRecord:
    """One quarantined record, if the user may see it (the rule of the list); otherwise "not found",
    so a record of another agency cannot be told from one that does not exist."""
    record = _visible_quarantine(user=user).select_related("system").filter(pk=record_id).first()
    if record is None:
        raise NotFound(
            "Không tìm thấy bản ghi bị giữ lại này.", "No such quarantined record.", code="quarantine_not_found"
        )
    return record


# --- integrated systems (the operator page) ---------------------------------------------------------

#: The permission of the operator page (Django's own, granted in the admin or through a group).
MANAGE_PERMISSION = "sync.change_integratedsystem"


def may_manage_systems(*, user: Any) -> bool:
    """The portal's operators: staff accounts holding :data:`MANAGE_PERMISSION` (superusers hold all)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff) and bool(
        user.has_perm(MANAGE_PERMISSION)
    )


@dataclass(frozen=True)
class CredentialRow:
    kind: str
    kind_label: str
    identifier: str
    created_at: Any
    expires_at: Any
    state: str
    state_label: str


@dataclass(frozen=True)
class SystemRow:
    system: IntegratedSystem
    scope: list[str]
    credentials: list[CredentialRow]

    @property
    def current(self) -> list[CredentialRow]:
        return [c for c in self.credentials if c.state != SystemCredential.State.REVOKED]


def _system_rows(queryset: QuerySet[IntegratedSystem]) -> list[SystemRow]:
    from django.utils import timezone

    now = timezone.now()
    rows = []
    queryset = queryset.prefetch_related("scope_provinces", "scope_agencies", "credentials__application")
    for system in queryset:
        scope = [unit.name for unit in system.scope_provinces.all()] + [
            f"{agency.code} {agency.name}" for agency in system.scope_agencies.all()
        ]
        credentials = []
        for credential in sorted(system.credentials.all(), key=lambda c: (c.created_at, c.pk), reverse=True):
            state = credential.state_at(now)
            application = credential.application
            credentials.append(
                CredentialRow(
                    kind=credential.kind,
                    kind_label=str(credential.get_kind_display()),
                    identifier=application.client_id if application is not None else system.code,
                    created_at=credential.created_at,
                    expires_at=credential.expires_at,
                    state=state,
                    state_label=str(SystemCredential.State(state).label),
                )
            )
        rows.append(SystemRow(system, scope, credentials))
    return rows


def integrated_system_list(*, user: Any) -> list[SystemRow]:
    """Every integrated system with its scope and credentials, for the portal's operators only."""
    if not may_manage_systems(user=user):
        return []
    return _system_rows(IntegratedSystem.objects.order_by("code"))


def integrated_system_get(*, user: Any, code: str) -> SystemRow:
    rows = _system_rows(IntegratedSystem.objects.filter(code=code)) if may_manage_systems(user=user) else []
    if not rows:
        raise NotFound("Không tìm thấy hệ thống tích hợp.", "No such integrated system.", code="system_not_found")
    return rows[0]
