"""The national-portal protocol (DVCQG, ``DongBoHoSoMC`` family) as deployed, DESIGN.md §4.

``POST /api/dvcqg/auth`` ``{"username", "password"}`` → ``{"session", "error_code": 0}``;
``POST /api/dvcqg/service`` ``{"session", "madonvi", "service", ...}`` with ``service`` one of
``DongBoHoSoMC`` (``isUpdating``, ``data: [dossier…]``), ``CapNhatTienDoHoSoMC`` (``data: [progress…]``),
``TraCuuHoSo`` (``MaHoSo``), ``LayThuTuc`` (``MaTTHC``), ``LayDanhSachTTHC``. A processed call answers
``error_code "00"`` with one result per record, ``{"MaHoSo", "error_code", "message"}`` (``"00"``
accepted). The wire names live in this module and in :mod:`opendvc.sync.records` only.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from opendvc.core.errors import ApiError
from opendvc.dossiers.models import Dossier
from opendvc.sync import selectors, services
from opendvc.sync.apply import Outcome
from opendvc.sync.models import IntegratedSystem
from opendvc.sync.records import wire_date_format

#: Call-level error codes (a record's own codes are in :data:`opendvc.sync.records.REASONS`).
CALL_ERRORS = {
    "invalid_request": "90",
    "invalid_credentials": "91",
    "invalid_session": "92",
    "system_suspended": "93",
    "too_many_requests": "94",
    "batch_too_large": "95",
    "unknown_service": "96",
    "not_found": "97",
}
_STATUS = {"invalid_credentials": 401, "invalid_session": 401}


def _error(error: ApiError) -> JsonResponse:
    body = {
        "error_code": CALL_ERRORS.get(error.code, "90"),
        "code": error.code,
        "message": error.message_vi,
        "message_en": error.message_en,
    }
    return JsonResponse(
        body, status=error.status if error.status != 422 else 400, json_dumps_params={"ensure_ascii": False}
    )


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(
            "invalid_request",
            "Nội dung yêu cầu phải là một đối tượng JSON.",
            "The request body must be a JSON object.",
            status=400,
        )
    return body


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@csrf_exempt
@require_POST
def auth_view(request: HttpRequest) -> JsonResponse:
    try:
        body = _body(request)
        token = services.sync_session_open(
            username=str(body.get("username") or ""), password=str(body.get("password") or ""), ip=_ip(request)
        )
    except ApiError as error:
        return _error(error)
    return JsonResponse({"session": token, "error_code": 0})


def result_of(outcome: Outcome) -> dict[str, str]:
    message = {"created": "Đã tạo hồ sơ", "updated": "Đã cập nhật", "unchanged": "Không thay đổi"}
    return {
        "MaHoSo": outcome.code,
        "error_code": outcome.wire_code,
        "message": outcome.message_vi or message.get(outcome.result, ""),
        "result": outcome.result,
        "reason": outcome.reason,
    }


@csrf_exempt
@require_POST
def service_view(request: HttpRequest) -> JsonResponse:
    try:
        body = _body(request)
        system = services.sync_session_authenticate(token=str(body.get("session") or ""))
        services.rate_check(system=system)
        reply = service_call(system=system, body=body)
    except ApiError as error:
        return _error(error)
    return JsonResponse(reply, json_dumps_params={"ensure_ascii": False})


def service_call(*, system: IntegratedSystem, body: dict[str, Any]) -> dict[str, Any]:
    service = body.get("service")
    agency_code = str(body.get("madonvi") or "")
    if service == "DongBoHoSoMC":
        outcomes = services.dossiers_sync(
            system=system, records=body.get("data"), shape="dvcqg", agency_code=agency_code
        )
        return {"error_code": "00", "message": "Thành công", "results": [result_of(o) for o in outcomes]}
    if service == "CapNhatTienDoHoSoMC":
        outcomes = services.progress_sync(system=system, records=body.get("data"), shape="dvcqg")
        return {"error_code": "00", "message": "Thành công", "results": [result_of(o) for o in outcomes]}
    if service == "TraCuuHoSo":
        dossier = selectors.synced_dossier_get(system=system, code=str(body.get("MaHoSo") or ""))
        return {"error_code": "00", "message": "Thành công", "data": dossier_to_wire(dossier)}
    if service == "LayThuTuc":
        return {
            "error_code": "00",
            "message": "Thành công",
            "data": selectors.procedure_wire(code=str(body.get("MaTTHC") or "")),
        }
    if service == "LayDanhSachTTHC":
        return {
            "error_code": "00",
            "message": "Thành công",
            "data": selectors.procedure_list_wire(agency_code=agency_code),
        }
    raise ApiError(
        "unknown_service",
        "Dịch vụ không được hỗ trợ; dùng DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo, LayThuTuc "
        "hoặc LayDanhSachTTHC.",
        "Unsupported service; use DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo, LayThuTuc or LayDanhSachTTHC.",
        status=400,
    )


def dossier_to_wire(dossier: Dossier, *, paid_online: int | None = None, updated_at: Any = None) -> dict[str, Any]:
    """A dossier in the ``DongBoHoSoMC`` shape (used by ``TraCuuHoSo`` and by the outbound sender)."""
    sync = (dossier.form_data or {}).get("sync", {}) if isinstance(dossier.form_data, dict) else {}
    paid = paid_online if paid_online is not None else int(sync.get("paid_online") or 0)
    record: dict[str, Any] = {
        "MaHoSo": dossier.code,
        "MaDonVi": dossier.agency.code,
        "MaTTHC": dossier.procedure.code,
        "TenTTHC": dossier.procedure_version.name,
        "SoBienNhan": sync.get("receipt_number", ""),
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": dossier.applicant_kind,
        "SoGiayToChuHoSo": dossier.applicant_id_number,
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": dossier.applicant_id_number}]
        if dossier.applicant_id_number
        else [],
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary,
        "NgayNopHoSo": wire_date_format(dossier.submitted_at),
        "NgayTiepNhan": wire_date_format(dossier.received_at),
        "NgayHenTra": wire_date_format(dossier.due_at),
        "NgayTra": wire_date_format(dossier.returned_at),
        "NgayKetThucXuLy": wire_date_format(dossier.finished_at),
        "NgayTuChoi": wire_date_format(dossier.refused_at),
        "TrangThaiHoSo": dossier.status,
        "KenhThucHien": dossier.channel,
        "DonViXuLy": dossier.agency.name,
        "GhiChu": sync.get("note", ""),
        "HoSoCoThanhPhanSoHoa": 1 if sync.get("digitised") else 0,
        "TaiKhoanDuocXacThucVoiVNeID": 1 if dossier.applicant_assurance_level >= 2 else 0,
        "DuocThanhToanTrucTuyen": paid,
    }
    if updated_at is not None:
        record["NgayCapNhat"] = wire_date_format(updated_at)
    return record
