"""Reads the dossier pages need besides the dossiers app's own selectors.

Each is small and exists because a page must offer a choice (who can take the next step, which
procedures a desk registers) or preview a consequence (the due date a reception would set). When
the owning app grows an equivalent public selector, the page should switch to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opendvc.accounts.models import OfficerRole, User
from opendvc.catalog.memo import catalog_memo
from opendvc.catalog.models import Channel as CatalogChannel
from opendvc.catalog.models import Procedure, RequiredDocument, ServiceOffering
from opendvc.core import calendar as working_calendar
from opendvc.dossiers.models import CATALOG_CHANNEL_KIND, Dossier
from opendvc.dossiers.services import TimeLimit
from opendvc.notifications.models import Notification
from opendvc.notifications.selectors import notification_list_for_object

#: Official forms (Circular 03/2025/TT-VPCP, Appendix I) a dossier page links to, with the moment
#: each exists: Form 01 once received, 02 after a supplement request, 03 when refused, 04 after an
#: apology, 05 when stopped, 06 (processing control slip) for officers once received.
FORM_TITLES: dict[str, Promise] = {
    "01": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "02": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "03": _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "04": _("Văn bản xin lỗi và hẹn lại ngày trả kết quả"),
    "05": _("Thông báo về việc dừng giải quyết hồ sơ"),
    "06": _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
}


def officers_with_roles(*, agency_id: int, roles: list[str]) -> dict[str, list[User]]:
    """Active officers holding each of ``roles`` at the agency: the people a dossier can be forwarded to."""
    people: dict[str, list[User]] = {role: [] for role in roles}
    rows = (
        OfficerRole.objects.filter(agency_id=agency_id, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    for row in rows:
        people[row.role].append(row.user)
    return people


def catalogue_time_limit(*, dossier: Dossier) -> TimeLimit | None:
    """The catalogue's time limit for the dossier's channel, which reception will apply; ``None`` when the
    catalogue gives none and the desk must state it."""
    row = (
        CatalogChannel.objects.filter(
            version_id=dossier.procedure_version_id,
            kind=CATALOG_CHANNEL_KIND[dossier.channel],
            time_amount__isnull=False,
        )
        .order_by("position", "pk")
        .first()
    )
    if row is None or row.time_amount is None:
        return None
    return TimeLimit(amount=Decimal(row.time_amount), unit=row.time_unit)


def due_preview(*, dossier: Dossier, limit: TimeLimit, at: datetime) -> working_calendar.DueDate:
    """The due date reception at ``at`` would set (the same computation as ``dossier_receive``)."""
    return working_calendar.due_at_for(received_at=at, amount=limit.amount, unit=limit.unit, agency=dossier.agency)


def procedures_offered(*, agency_ids: set[int] | list[int]) -> list[tuple[str, str]]:
    """``(code, name)`` of the procedures the agencies offer with a published version, by code.

    Read once per catalogue revision (every worklist page shows it in its filter)."""
    if not agency_ids:
        return []
    ids = tuple(sorted(agency_ids))

    def load() -> list[tuple[str, str]]:
        rows = (
            Procedure.objects.filter(
                offerings__agency_id__in=ids, offerings__is_active=True, current_version__isnull=False
            )
            .distinct()
            .order_by("code")
            .values_list("code", "current_version__name")
        )
        return [(code, name) for code, name in rows]

    return list(catalog_memo("procedures_offered", ids, load))


def procedure_offered(*, agency_id: int, code: str) -> Procedure | None:
    offering = (
        ServiceOffering.objects.filter(agency_id=agency_id, procedure__code=code, is_active=True)
        .select_related("procedure")
        .first()
    )
    return offering.procedure if offering is not None else None


def required_documents(*, version_id: int) -> list[RequiredDocument]:
    """The version's components, read once per catalogue revision (rows shared: do not change them)."""
    return list(
        catalog_memo(
            "required_documents",
            version_id,
            lambda: tuple(RequiredDocument.objects.filter(version_id=version_id).order_by("position", "pk")),
        )
    )


def notifications_about(*, dossier: Dossier) -> list[Notification]:
    """The messages sent to the applicant about this dossier, newest first."""
    return list(notification_list_for_object(obj=dossier)[:50])


@cache
def official_forms_available() -> bool:
    """Whether the API serves the official forms as PDFs (``/api/v1/dossiers/{code}/forms/{NN}.pdf``)."""
    try:
        resolve("/api/v1/dossiers/H29.17-260101-0001/forms/01.pdf")
    except Resolver404:
        return False
    return True


@dataclass(frozen=True)
class FormLink:
    number: str
    title: str
    url: str


def form_links(*, dossier: Dossier, for_officer: bool) -> list[FormLink]:
    """Links to the official forms this dossier has, when the PDF endpoints exist."""
    if not official_forms_available():
        return []
    numbers = []
    if dossier.received_at is not None:
        numbers.append("01")
    if dossier.supplement_requests:
        numbers.append("02")
    if dossier.refused_at is not None:
        numbers.append("03")
    if dossier.apologies:
        numbers.append("04")
    if dossier.stopped_at is not None:
        numbers.append("05")
    if for_officer and dossier.received_at is not None:
        numbers.append("06")
    return [
        FormLink(number, str(FORM_TITLES[number]), f"/api/v1/dossiers/{dossier.code}/forms/{number}.pdf")
        for number in numbers
    ]
