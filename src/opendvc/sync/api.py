"""The native synchronisation API (``/api/v1/sync``): batches of up to 1,000 records in OpenDVC's schema.

Authentication: an OAuth2 access token of the integrated system (client-credentials grant at
``/o/token/``) as ``Authorization: Bearer …``. The request schemas below document the records; the
endpoint reads each record itself so that one bad record is refused alone (``rejected`` with a code)
instead of failing the whole batch with a 422.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from ninja.security import HttpBearer
from pydantic import Field as PydanticField

from opendvc.accounts.auth import api_auth
from opendvc.core.errors import ApiError
from opendvc.sync import selectors, services
from opendvc.sync.apply import MAX_BATCH, Outcome
from opendvc.sync.models import IntegratedSystem


class SystemAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> IntegratedSystem:
        system = services.oauth_token_authenticate(token=token)
        services.rate_check(system=system)
        return system


system_auth = SystemAuth()
router = Router(tags=["Đồng bộ hồ sơ"])


class SyncDossierIn(Schema):
    """One dossier as the sending system holds it; dates ISO 8601 (Asia/Ho_Chi_Minh without offset)."""

    code: str = PydanticField(max_length=60, description="Mã hồ sơ {mã cơ quan}-{yyMMdd}-{4 chữ số}")
    agency_code: str = PydanticField(max_length=40, description="Mã định danh cơ quan tiếp nhận")
    procedure_code: str = PydanticField(max_length=40, description="Mã TTHC N.NNNNNN")
    applicant_kind: int = PydanticField(1, ge=1, le=4, description="LoaiDoiTuong: 1 công dân … 4 tổ chức khác")
    applicant_name: str = PydanticField(max_length=255)
    applicant_id_number: str = PydanticField("", max_length=20, description="Số định danh cá nhân (12 chữ số)")
    applicant_phone: str = PydanticField("", max_length=20)
    applicant_email: str = PydanticField("", max_length=254)
    summary: str = PydanticField("", max_length=500)
    status: int = PydanticField(ge=1, le=10, description="TrangThaiHoSo 1–10")
    channel: int = PydanticField(ge=1, le=3, description="KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính")
    submitted_at: datetime
    event_at: datetime = PydanticField(description="Thời điểm của thay đổi này trên hệ thống nguồn")
    received_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    refused_at: datetime | None = None
    receipt_number: str = PydanticField("", max_length=60)
    field_code: str = PydanticField("", max_length=40)
    note: str = PydanticField("", max_length=1000)
    paid_online: int = PydanticField(0, ge=0, le=2, description="0 không, 1 qua Cổng quốc gia, 2 cổng địa phương")
    digitised: bool = False
    eid_verified: bool = False


class SyncDossierBatchIn(Schema):
    records: list[SyncDossierIn] = PydanticField(max_length=MAX_BATCH)


class SyncProgressIn(Schema):
    code: str = PydanticField(max_length=60)
    at: datetime = PydanticField(description="ThoiDiemXuLy")
    status: int = PydanticField(ge=1, le=10)
    handler: str = PydanticField("", max_length=255)
    title: str = PydanticField("", max_length=255)
    department: str = PydanticField("", max_length=255)
    content: str = PydanticField("", max_length=2000)
    started_at: datetime | None = None
    due_at: datetime | None = None


class SyncProgressBatchIn(Schema):
    records: list[SyncProgressIn] = PydanticField(max_length=MAX_BATCH)


class RecordResultOut(Schema):
    code: str
    result: Literal["created", "updated", "unchanged", "rejected"]
    reason: str
    message: str
    message_en: str


class BatchResultOut(Schema):
    counts: dict[str, int]
    results: list[RecordResultOut]


class QualityRowOut(Schema):
    system: str
    agency_code: str
    reason: str
    message: str
    open: int
    resolved: int
    attempts: int


class QuarantinedOut(Schema):
    id: int
    system: str
    kind: str
    dossier_code: str
    agency_code: str
    reason: str
    message: str
    attempts: int
    first_at: datetime
    last_at: datetime
    resolved_at: datetime | None
    payload: dict[str, Any]


def _records(request: HttpRequest) -> Any:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or "records" not in body:
        raise ApiError(
            "invalid_request",
            'Nội dung yêu cầu phải là {"records": [...]}.',
            'The request body must be {"records": [...]}.',
            status=422,
        )
    return body["records"]


def _answer(outcomes: list[Outcome]) -> JsonResponse:
    """The ``BatchResultOut`` answer, serialised directly: the outcomes are built by the service with
    exactly that shape, and validating 1,000 results again through the schema cost more than applying
    a batch of unchanged records."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    for outcome in outcomes:
        counts[outcome.result] += 1
    return JsonResponse(
        {"counts": counts, "results": [o.as_dict() for o in outcomes]}, json_dumps_params={"ensure_ascii": False}
    )


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _body_schema(schema: type[Schema]) -> dict[str, Any]:
    """The documented request body (the endpoint reads it record by record, see the module docstring)."""
    generated = schema.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(generated, generated.get("$defs", {}))}},
        }
    }


_ERRORS = {401: dict[str, Any], 413: dict[str, Any], 422: dict[str, Any], 429: dict[str, Any]}


@router.post(
    "/dossiers",
    auth=system_auth,
    response={200: BatchResultOut, **_ERRORS},
    openapi_extra=_body_schema(SyncDossierBatchIn),
    summary="Đồng bộ một lô hồ sơ (tối đa 1.000)",
)
def sync_dossiers(request: HttpRequest) -> Any:
    """Each record is created, updated, unchanged (the same or an older fact) or rejected with a code;
    rejected records are kept in quarantine until corrected and sent again."""
    outcomes = services.dossiers_sync(system=request.auth, records=_records(request), shape="native")  # type: ignore[attr-defined]
    return _answer(outcomes)


@router.post(
    "/progress",
    auth=system_auth,
    response={200: BatchResultOut, **_ERRORS},
    openapi_extra=_body_schema(SyncProgressBatchIn),
    summary="Đồng bộ tiến độ xử lý hồ sơ",
)
def sync_progress(request: HttpRequest) -> Any:
    outcomes = services.progress_sync(system=request.auth, records=_records(request), shape="native")  # type: ignore[attr-defined]
    return _answer(outcomes)


class QuarantineFilter(Schema):
    reason: str = ""
    include_resolved: bool = False
    after_id: int | None = None
    limit: int = PydanticField(50, ge=1, le=200)


def _caller(request: HttpRequest) -> dict[str, Any]:
    auth = request.auth  # type: ignore[attr-defined]
    return {"system": auth} if isinstance(auth, IntegratedSystem) else {"user": auth}


@router.get(
    "/quality", auth=[system_auth, *api_auth], response=list[QualityRowOut], summary="Chất lượng dữ liệu đồng bộ"
)
def quality(request: HttpRequest) -> Any:
    """Refused records per system, agency and check. A system sees its own; an officer the agencies they serve."""
    return [
        {
            "system": row.system_code,
            "agency_code": row.agency_code,
            "reason": row.reason,
            "message": row.message_vi,
            "open": row.open,
            "resolved": row.resolved,
            "attempts": row.attempts,
        }
        for row in selectors.quality_counts(**_caller(request))
    ]


@router.get("/quarantine", auth=[system_auth, *api_auth], response=list[QuarantinedOut], summary="Bản ghi bị giữ lại")
def quarantine(request: HttpRequest, filters: Query[QuarantineFilter]) -> Any:
    records = selectors.quarantine_list(
        **_caller(request),
        open_only=not filters.include_resolved,
        reason=filters.reason,
        after_id=filters.after_id,
        limit=filters.limit,
    )
    return [
        {
            "id": r.id,
            "system": r.system.code,
            "kind": r.kind,
            "dossier_code": r.dossier_code,
            "agency_code": r.agency_code,
            "reason": r.reason,
            "message": r.message_vi,
            "attempts": r.attempts,
            "first_at": r.first_at,
            "last_at": r.last_at,
            "resolved_at": r.resolved_at,
            "payload": r.payload if isinstance(r.payload, dict) else {},
        }
        for r in records
    ]
