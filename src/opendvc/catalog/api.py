"""Catalogue API: search the published procedures and read one in full."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from ninja import Query, Router, Schema
from pydantic import Field as PydanticField

from opendvc.catalog import selectors
from opendvc.catalog.models import ProcedureVersion
from opendvc.catalog.search import SearchFilters, SearchPage
from opendvc.core.codes import parse_tthc_code
from opendvc.core.errors import ApiError, NotFound

router = Router(tags=["Thủ tục hành chính"])


class ErrorOut(Schema):
    code: str = PydanticField(description="Mã lỗi cho máy đọc, ví dụ `invalid_query`.")
    message: str = PydanticField(description="Thông điệp theo ngôn ngữ của yêu cầu (mặc định tiếng Việt).")
    messages: dict[str, str] = PydanticField(description='Thông điệp ở mọi ngôn ngữ: `{"vi", "en"}`.')
    details: list[dict[str, str]]


class SearchParams(Schema):
    q: str = PydanticField("", description="Từ khóa, có dấu hoặc không dấu, tối đa 200 ký tự.")
    field: str | None = PydanticField(None, description="Mã lĩnh vực (G15-TP07) hoặc tên lĩnh vực.")
    agency: str | None = PydanticField(None, description="Mã định danh cơ quan cung cấp thủ tục.")
    province: str | None = PydanticField(None, description="Mã tỉnh/thành phố (79): thủ tục được cung cấp tại đó.")
    applicant: str | None = PydanticField(None, description="citizen | business | organisation")
    online_level: str | None = PydanticField(None, description="full (toàn trình) | partial (một phần)")
    cursor: str | None = PydanticField(None, description="Giá trị `next` của trang trước.")
    limit: int = PydanticField(20, ge=1, le=100)


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    field_code: str | None
    field_name: str | None
    levels: list[str]
    online_level: str
    applicant_types: list[str]
    score: float
    url: str


class ProcedurePageOut(Schema):
    items: list[ProcedureSummaryOut]
    next: str | None = PydanticField(description="Con trỏ trang sau; `null` khi đã hết.")
    total: int = PydanticField(description="Số thủ tục khớp với truy vấn.")
    corrected_terms: dict[str, str] = PydanticField(description="Từ được hiểu theo cách viết gần nhất (lỗi gõ).")


class ChannelOut(Schema):
    kind: str
    time_amount: Decimal | None
    time_unit: str
    description: str


class FeeOut(Schema):
    channel_kinds: list[str]
    code: str
    amount: int | None = PydanticField(description="Số tiền (đồng); `null` khi văn bản không nêu một mức cụ thể.")
    description: str


class DocumentOut(Schema):
    group_title: str
    name: str
    originals: int | None
    copies: int | None
    mandatory: bool | None
    template_name: str
    template_url: str


class StepOut(Schema):
    case_title: str
    description: str


class ResultOut(Schema):
    code: str
    name: str


class LegalBasisOut(Schema):
    number: str
    title: str
    issued_on: date | None
    issuer: str


class OfferingOut(Schema):
    agency_code: str
    agency_name: str
    online_service_code: str
    online_level: str


class ProcedureOut(Schema):
    code: str
    version: int
    name: str
    field_code: str | None
    field_name: str | None
    levels: list[str]
    applicant_types: list[str]
    applicant_types_inferred: bool
    implementing_agencies: list[str]
    promulgating_agency: str
    publication_decision: str
    catalog_type: str
    online_level: str
    conditions: str
    processing_time_text: str
    processing_time_note: str
    effective_from: date | None
    effective_to: date | None
    channels: list[ChannelOut]
    fees: list[FeeOut]
    documents: list[DocumentOut]
    steps: list[StepOut]
    results: list[ResultOut]
    legal_bases: list[LegalBasisOut]
    offerings: list[OfferingOut]
    is_sample: bool
    source_url: str


@router.get(
    "",
    response={200: ProcedurePageOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Tìm thủ tục hành chính",
)
def procedure_search(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse:
    """Search as citizens type: without accents, in any word order, tolerant of a typo; ranked by relevance.

    Pages are keyset-paginated: pass the `next` value back as `cursor`.
    """
    filters = SearchFilters(
        field=params.field,
        agency=params.agency,
        province=params.province,
        applicant=params.applicant,
        online_level=params.online_level,
    )
    page = selectors.procedure_search(query=params.q, filters=filters, cursor=params.cursor, limit=params.limit)
    return _search_page_response(request, page)


GZIP_MIN_BYTES = 200  # as Django's GZipMiddleware: shorter bodies are not worth compressing


def _search_page_response(request: HttpRequest, page: SearchPage) -> HttpResponse:
    """The page as JSON, gzipped when the client accepts it, each encoding written once per page.

    The search index remembers its pages, and the same few hundred queries make most of the traffic,
    so the JSON and its gzip are kept with the page (``SearchPage.encoded``) and answered as they are.
    The page is built from plain values the index holds in the declared shape (``ProcedurePageOut``,
    checked against the OpenAPI schema in the tests), so it is written out directly. Compressing here
    rather than in ``GZipMiddleware`` skips that middleware's random padding against BREACH, which
    guards secrets reflected in a page; a search result is public and carries none.
    """
    body = page.encoded.get("json")
    if body is None:
        body = json.dumps(
            {
                "items": [{**hit.__dict__, "url": f"/api/v1/procedures/{hit.code}"} for hit in page.items],
                "next": page.next,
                "total": page.total,
                "corrected_terms": page.corrected_terms,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        page.encoded["json"] = body
    if len(body) < GZIP_MIN_BYTES:
        return HttpResponse(body, content_type="application/json")
    if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(body, content_type="application/json")
    else:
        packed = page.encoded.get("gzip")
        if packed is None:
            packed = page.encoded["gzip"] = compress_string(body)
        response = HttpResponse(packed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


@router.get(
    "/{code}",
    response={200: ProcedureOut, 400: ErrorOut, 404: ErrorOut},
    summary="Chi tiết một thủ tục hành chính",
)
def procedure_detail(request: HttpRequest, code: str) -> dict:
    """The published version of a procedure; a local variant code (`1.003560.000.00.00.H56`) is accepted."""
    if len(code) > 64:
        raise ApiError("invalid_procedure_code", "Mã thủ tục quá dài.", "The procedure code is too long.")
    national = parse_tthc_code(code)
    version = selectors.procedure_get(code=national)
    if version is None:
        raise NotFound(
            f"Không tìm thấy thủ tục {national} đang được áp dụng.",
            f"No published procedure with code {national}.",
            code="procedure_not_found",
        )
    return _procedure_out(version)


def _procedure_out(version: ProcedureVersion) -> dict:
    return {
        "code": version.procedure.code,
        "version": version.number,
        "name": version.name,
        "field_code": version.field.code if version.field else None,
        "field_name": version.field.name if version.field else None,
        "levels": version.levels,
        "applicant_types": version.applicant_types,
        "applicant_types_inferred": version.applicant_types_inferred,
        "implementing_agencies": version.implementing_agencies,
        "promulgating_agency": version.promulgating_agency_name,
        "publication_decision": version.publication_decision,
        "catalog_type": version.catalog_type,
        "online_level": version.online_level,
        "conditions": version.conditions,
        "processing_time_text": version.processing_time_text,
        "processing_time_note": version.processing_time_note,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "channels": list(version.channels.all()),
        "fees": list(version.fees.all()),
        "documents": list(version.documents.all()),
        "steps": list(version.steps.all()),
        "results": list(version.results.all()),
        "legal_bases": list(version.legal_bases.all()),
        "offerings": [
            {
                "agency_code": offering.agency.code,
                "agency_name": offering.agency.name,
                "online_service_code": offering.online_service_code,
                "online_level": offering.online_level,
            }
            for offering in version.procedure.offerings.all()
        ],
        "is_sample": version.is_sample,
        "source_url": version.source_url,
    }
