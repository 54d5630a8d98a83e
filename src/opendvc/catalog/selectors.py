"""Reads of the procedure catalogue."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from opendvc.agencies.models import Agency
from opendvc.catalog.models import Procedure, ProcedureVersion, ServiceOffering
from opendvc.catalog.search import SearchFilters, SearchPage, search_index


def procedure_search(*, query: str = "", filters: SearchFilters | None = None, cursor: str | None = None,
                     limit: int = 20) -> SearchPage:
    """Search the published catalogue as citizens type (accent-insensitive, typo-tolerant, ranked).

    Raises ``ApiError`` (``invalid_query`` / ``invalid_cursor``) for input that cannot be searched.
    """
    return search_index().search(query=query, filters=filters or SearchFilters(), cursor=cursor, limit=limit)


def procedure_get(*, code: str) -> ProcedureVersion | None:
    """The published version of a procedure with everything its page shows, in a fixed number of queries."""
    return (
        ProcedureVersion.objects.filter(procedure__code=code, status=ProcedureVersion.Status.PUBLISHED)
        .select_related("procedure", "field")
        .prefetch_related(
            "steps", "channels", "fees", "documents", "results", "legal_bases",
            Prefetch(
                "procedure__offerings",
                queryset=ServiceOffering.objects.filter(is_active=True)
                .select_related("agency", "agency__province")
                .order_by("agency__code"),
            ),
        )
        .first()
    )


def procedure_list_for_agency(*, agency: Agency) -> QuerySet[Procedure]:
    """Procedures the agency offers, with their published version, ordered by code."""
    return (
        Procedure.objects.filter(offerings__agency=agency, offerings__is_active=True, current_version__isnull=False)
        .select_related("current_version", "current_version__field")
        .order_by("code")
    )
