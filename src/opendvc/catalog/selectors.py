"""Reads of the procedure catalogue."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.memo import catalog_memo
from opendvc.catalog.models import Procedure, ProcedureVersion, ServiceOffering
from opendvc.catalog.search import SearchFilters, SearchPage, search_index, validate_filters
from opendvc.core.errors import ApiError


def procedure_search(
    *, query: str = "", filters: SearchFilters | None = None, cursor: str | None = None, limit: int = 20
) -> SearchPage:
    """Search the published catalogue as citizens type (accent-insensitive, typo-tolerant, ranked).

    Raises ``ApiError`` for input that cannot be searched: ``invalid_query``, ``invalid_cursor``,
    ``invalid_filter``, ``invalid_agency_code``, ``unknown_province``.
    """
    filters = validate_filters(filters or SearchFilters())
    if filters.province and not _province_exists(filters.province):
        raise ApiError(
            "unknown_province",
            f"Không có tỉnh/thành phố mã {filters.province}.",
            f"There is no province with code {filters.province}.",
            status=404,
        )
    return search_index().search(query=query, filters=filters, cursor=cursor, limit=limit)


_province_codes: frozenset[str] = frozenset()


def _province_exists(code: str) -> bool:
    """Province codes change only by law; remember them once they are loaded."""
    global _province_codes
    if code not in _province_codes:
        _province_codes = frozenset(
            AdministrativeUnit.objects.filter(province__isnull=True).values_list("code", flat=True)
        )
    return code in _province_codes


def procedure_get(*, code: str) -> ProcedureVersion | None:
    """The published version of a procedure with everything its page shows, in a fixed number of queries."""
    return (
        ProcedureVersion.objects.filter(procedure__code=code, status=ProcedureVersion.Status.PUBLISHED)
        .select_related("procedure", "field")
        .prefetch_related(
            "steps",
            "channels",
            "fees",
            "documents",
            "results",
            "legal_bases",
            Prefetch(
                "procedure__offerings",
                queryset=ServiceOffering.objects.filter(is_active=True)
                .select_related("agency", "agency__province")
                .order_by("agency__code"),
            ),
        )
        .first()
    )


def procedure_by_code(*, code: str) -> Procedure | None:
    """The procedure with this national code (``N.NNNNNN``), remembered per catalogue revision.

    Every submission names its procedure by code; the row is shared by later requests and must not
    be changed by the caller."""
    return catalog_memo("procedure_by_code", code, lambda: Procedure.objects.filter(code=code).first())


def procedure_list_for_agency(*, agency: Agency) -> QuerySet[Procedure]:
    """Procedures the agency offers, with their published version, ordered by code."""
    return (
        Procedure.objects.filter(offerings__agency=agency, offerings__is_active=True, current_version__isnull=False)
        .select_related("current_version", "current_version__field")
        .order_by("code")
    )
