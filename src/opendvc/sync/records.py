"""One synchronised record in OpenDVC's own terms, read from either wire shape, and the refusals.

Both the national-portal protocol (``DongBoHoSoMC``, field names of DESIGN.md §4, dates
``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh) and the native API (``/api/v1/sync/dossiers``, snake_case,
ISO 8601) are read into a :class:`DossierRecord` / :class:`ProgressRecord`. A record that cannot be
read is a :class:`Rejection` for that record alone; the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

#: Each refusal's machine-readable code, its two-digit ``error_code`` on the DVCQG wire, and messages.
REASONS: dict[str, tuple[str, str, str]] = {
    "invalid_record": (
        "01",
        "Bản ghi thiếu trường bắt buộc hoặc sai kiểu dữ liệu.",
        "A required field is missing or has the wrong type.",
    ),
    "invalid_dossier_code": (
        "02",
        "Mã hồ sơ có dạng {mã cơ quan}-{yyMMdd}-{4 chữ số}, ví dụ H29.17-261008-0975.",
        "A dossier code looks like {agency code}-{yyMMdd}-{4 digits}, e.g. H29.17-261008-0975.",
    ),
    "dossier_code_agency_mismatch": (
        "03",
        "Mã hồ sơ phải bắt đầu bằng mã của cơ quan tiếp nhận.",
        "The dossier code must start with the receiving agency's code.",
    ),
    "agency_unknown": ("04", "Mã cơ quan không có trong danh mục.", "The agency code is not in the directory."),
    "agency_without_unit": (
        "05",
        "Cơ quan chưa gán địa chỉ (đơn vị hành chính).",
        "The agency is not assigned to an administrative unit.",
    ),
    "agency_out_of_scope": (
        "06",
        "Hệ thống không được phép đồng bộ hồ sơ của cơ quan này.",
        "This system may not synchronise dossiers of this agency.",
    ),
    "procedure_unknown": (
        "07",
        "Mã thủ tục hành chính không có trong Cơ sở dữ liệu quốc gia về TTHC.",
        "The procedure code is not in the national procedure database.",
    ),
    "procedure_retired": (
        "08",
        "Thủ tục hành chính đã bị bãi bỏ hoặc không còn hiệu lực.",
        "The procedure has been withdrawn or is no longer in force.",
    ),
    "procedure_not_offered": (
        "09",
        "Cơ quan không cung cấp thủ tục hành chính này.",
        "The agency does not provide this procedure.",
    ),
    "dates_returned_before_received": (
        "10",
        "Ngày trả kết quả trước ngày tiếp nhận.",
        "The result was returned before the dossier was received.",
    ),
    "dates_due_before_received": (
        "11",
        "Ngày hẹn trả trước ngày tiếp nhận.",
        "The due date is before the date of reception.",
    ),
    "status_jump_impossible": (
        "12",
        "Trạng thái hồ sơ không thể xảy ra (ví dụ đã trả kết quả mà chưa được tiếp nhận).",
        "The dossier status cannot happen (e.g. a result returned for a dossier never received).",
    ),
    "invalid_personal_id": (
        "13",
        "Số định danh cá nhân của chủ hồ sơ không hợp lệ (12 chữ số, 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh).",
        "The applicant's personal ID is invalid (12 digits, the first three a birth-registration province code).",
    ),
    "dossier_owned_elsewhere": (
        "14",
        "Hồ sơ này do hệ thống khác quản lý; chỉ hệ thống nguồn được cập nhật.",
        "This dossier is managed by another system; only its source system may update it.",
    ),
    "dossier_unknown": (
        "15",
        "Chưa có hồ sơ với mã này; đồng bộ hồ sơ (DongBoHoSoMC) trước khi gửi tiến độ.",
        "There is no dossier with this code; synchronise the dossier (DongBoHoSoMC) before its progress.",
    ),
}

#: Statuses a dossier can only be in once it has been received (TrangThaiHoSo 2, DESIGN.md §4).
NEEDS_RECEPTION = frozenset({2, 4, 5, 6, 8, 9, 10})
#: Statuses after which nothing else can happen to a dossier.
FINAL_STATUSES = frozenset({3, 7, 10})


@dataclass(slots=True)
class Rejection:
    code: str
    detail: str = ""

    @property
    def wire_code(self) -> str:
        return REASONS[self.code][0]

    @property
    def message_vi(self) -> str:
        base = REASONS[self.code][1]
        return f"{base} ({self.detail})" if self.detail else base

    @property
    def message_en(self) -> str:
        base = REASONS[self.code][2]
        return f"{base} ({self.detail})" if self.detail else base


@dataclass(slots=True)
class DossierRecord:
    code: str
    agency_code: str
    procedure_code: str
    applicant_kind: int
    applicant_name: str
    applicant_id_number: str
    status: int
    channel: int
    submitted_at: datetime
    event_at: datetime
    received_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    refused_at: datetime | None = None
    applicant_phone: str = ""
    applicant_email: str = ""
    summary: str = ""
    receipt_number: str = ""
    field_code: str = ""
    note: str = ""
    paid_online: int = 0
    digitised: bool = False
    eid_verified: bool = False
    fingerprint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def fingerprint_compute(self) -> str:
        """A digest of everything the record says, so the same record twice is recognised as one fact."""
        values = [
            self.code,
            self.agency_code,
            self.procedure_code,
            self.applicant_kind,
            self.applicant_name,
            self.applicant_id_number,
            self.status,
            self.channel,
            _stamp(self.submitted_at),
            _stamp(self.event_at),
            _stamp(self.received_at),
            _stamp(self.due_at),
            _stamp(self.finished_at),
            _stamp(self.returned_at),
            _stamp(self.refused_at),
            self.applicant_phone,
            self.applicant_email,
            self.summary,
            self.receipt_number,
            self.field_code,
            self.note,
            self.paid_online,
            self.digitised,
            self.eid_verified,
        ]
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        self.fingerprint = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
        return self.fingerprint


@dataclass(slots=True)
class ProgressRecord:
    code: str
    at: datetime
    status: int
    handler: str = ""
    title: str = ""
    department: str = ""
    content: str = ""
    started_at: datetime | None = None
    due_at: datetime | None = None

    def fingerprint(self) -> str:
        values = [self.code, _stamp(self.at), self.status, self.handler, self.title, self.department, self.content]
        values += [_stamp(self.started_at), _stamp(self.due_at)]
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _stamp(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.timestamp():.0f}"


class RecordError(ValueError):
    """A field that cannot be read; becomes ``Rejection("invalid_record", detail)``."""


def wire_date(value: Any, name: str, *, required: bool = False) -> datetime | None:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh (the DVCQG wire format); empty means absent."""
    if value is None or value == "":
        if required:
            raise RecordError(f"{name}: bắt buộc / required")
        return None
    text = str(value)
    if len(text) != 14 or not text.isdigit():
        raise RecordError(f"{name}: yyyyMMddHHmmss")
    try:
        return datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            tzinfo=LOCAL,
        )
    except ValueError:
        raise RecordError(f"{name}: yyyyMMddHHmmss") from None


def wire_date_format(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(LOCAL).strftime("%Y%m%d%H%M%S")


def iso_date(value: Any, name: str, *, required: bool = False) -> datetime | None:
    """ISO 8601; a time without offset is Asia/Ho_Chi_Minh."""
    if value is None or value == "":
        if required:
            raise RecordError(f"{name}: required")
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise RecordError(f"{name}: ISO 8601") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL)


def text(value: Any, name: str, *, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise RecordError(f"{name}: string")
    result = str(value).strip()
    if "\x00" in result:
        raise RecordError(f"{name}: NUL")
    if required and not result:
        raise RecordError(f"{name}: bắt buộc / required")
    if len(result) > limit:
        raise RecordError(f"{name}: ≤ {limit}")
    return result


def small_int(value: Any, name: str, *, allowed: range, default: int | None = None) -> int:
    if (value is None or value == "") and default is not None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RecordError(f"{name}: {allowed.start}–{allowed.stop - 1}") from None
    if isinstance(value, bool) or number not in allowed:
        raise RecordError(f"{name}: {allowed.start}–{allowed.stop - 1}")
    return number


def flag(value: Any) -> bool:
    return value in (1, "1", True, "true", "True")


def dossier_from_dvcqg(raw: Any, *, agency_code: str) -> DossierRecord | Rejection:
    """A ``DongBoHoSoMC`` dossier. The receiving agency is ``MaDonVi`` of the record, else ``madonvi`` of
    the call; the record's own event time is ``NgayCapNhat`` when given, else the latest of the dates
    at which something happened (submission, reception, end of processing, return, refusal)."""
    if not isinstance(raw, dict):
        return Rejection("invalid_record", "object")
    try:
        dates = {
            "submitted_at": wire_date(raw.get("NgayNopHoSo"), "NgayNopHoSo", required=True),
            "received_at": wire_date(raw.get("NgayTiepNhan"), "NgayTiepNhan"),
            "due_at": wire_date(raw.get("NgayHenTra"), "NgayHenTra"),
            "finished_at": wire_date(raw.get("NgayKetThucXuLy"), "NgayKetThucXuLy"),
            "returned_at": wire_date(raw.get("NgayTra"), "NgayTra"),
            "refused_at": wire_date(raw.get("NgayTuChoi"), "NgayTuChoi"),
        }
        updated = wire_date(raw.get("NgayCapNhat"), "NgayCapNhat")
        happened = [dates[k] for k in ("submitted_at", "received_at", "finished_at", "returned_at", "refused_at")]
        event_at = updated or max(moment for moment in happened if moment is not None)
        id_number = text(raw.get("SoGiayToChuHoSo"), "SoGiayToChuHoSo", limit=20)
        if not id_number:
            for identity in raw.get("DinhDanhCHS") or []:
                if isinstance(identity, dict) and identity.get("SoDinhDanh"):
                    id_number = text(identity.get("SoDinhDanh"), "DinhDanhCHS.SoDinhDanh", limit=20)
                    break
        record = DossierRecord(
            code=text(raw.get("MaHoSo"), "MaHoSo", limit=60, required=True).upper(),
            agency_code=text(raw.get("MaDonVi") or agency_code, "madonvi", limit=40, required=True).upper(),
            procedure_code=text(raw.get("MaTTHC"), "MaTTHC", limit=40, required=True).upper(),
            applicant_kind=small_int(raw.get("LoaiDoiTuong"), "LoaiDoiTuong", allowed=range(1, 5), default=1),
            applicant_name=text(raw.get("ChuHoSo"), "ChuHoSo", limit=255, required=True),
            applicant_id_number=id_number,
            status=small_int(raw.get("TrangThaiHoSo"), "TrangThaiHoSo", allowed=range(1, 11)),
            channel=small_int(raw.get("KenhThucHien"), "KenhThucHien", allowed=range(1, 4)),
            event_at=event_at,
            applicant_phone=text(raw.get("SoDienThoai"), "SoDienThoai", limit=20),
            applicant_email=text(raw.get("Email"), "Email", limit=254),
            summary=text(raw.get("TrichYeuHoSo"), "TrichYeuHoSo", limit=500),
            receipt_number=text(raw.get("SoBienNhan"), "SoBienNhan", limit=60),
            field_code=text(raw.get("MaLinhVuc"), "MaLinhVuc", limit=40),
            note=text(raw.get("GhiChu"), "GhiChu", limit=1000),
            paid_online=small_int(
                raw.get("DuocThanhToanTrucTuyen"), "DuocThanhToanTrucTuyen", allowed=range(3), default=0
            ),
            digitised=flag(raw.get("HoSoCoThanhPhanSoHoa")),
            eid_verified=flag(raw.get("TaiKhoanDuocXacThucVoiVNeID")),
            **dates,  # type: ignore[arg-type]
        )
    except RecordError as error:
        return Rejection("invalid_record", str(error))
    record.fingerprint_compute()
    return record


def dossier_from_native(raw: Any) -> DossierRecord | Rejection:
    """A record of ``POST /api/v1/sync/dossiers`` (schema ``SyncDossierIn`` in the OpenAPI document)."""
    if not isinstance(raw, dict):
        return Rejection("invalid_record", "object")
    try:
        record = DossierRecord(
            code=text(raw.get("code"), "code", limit=60, required=True).upper(),
            agency_code=text(raw.get("agency_code"), "agency_code", limit=40, required=True).upper(),
            procedure_code=text(raw.get("procedure_code"), "procedure_code", limit=40, required=True).upper(),
            applicant_kind=small_int(raw.get("applicant_kind"), "applicant_kind", allowed=range(1, 5), default=1),
            applicant_name=text(raw.get("applicant_name"), "applicant_name", limit=255, required=True),
            applicant_id_number=text(raw.get("applicant_id_number"), "applicant_id_number", limit=20),
            status=small_int(raw.get("status"), "status", allowed=range(1, 11)),
            channel=small_int(raw.get("channel"), "channel", allowed=range(1, 4)),
            submitted_at=iso_date(raw.get("submitted_at"), "submitted_at", required=True),  # type: ignore[arg-type]
            event_at=iso_date(raw.get("event_at"), "event_at", required=True),  # type: ignore[arg-type]
            received_at=iso_date(raw.get("received_at"), "received_at"),
            due_at=iso_date(raw.get("due_at"), "due_at"),
            finished_at=iso_date(raw.get("finished_at"), "finished_at"),
            returned_at=iso_date(raw.get("returned_at"), "returned_at"),
            refused_at=iso_date(raw.get("refused_at"), "refused_at"),
            applicant_phone=text(raw.get("applicant_phone"), "applicant_phone", limit=20),
            applicant_email=text(raw.get("applicant_email"), "applicant_email", limit=254),
            summary=text(raw.get("summary"), "summary", limit=500),
            receipt_number=text(raw.get("receipt_number"), "receipt_number", limit=60),
            field_code=text(raw.get("field_code"), "field_code", limit=40),
            note=text(raw.get("note"), "note", limit=1000),
            paid_online=small_int(raw.get("paid_online"), "paid_online", allowed=range(3), default=0),
            digitised=flag(raw.get("digitised")),
            eid_verified=flag(raw.get("eid_verified")),
        )
    except RecordError as error:
        return Rejection("invalid_record", str(error))
    record.fingerprint_compute()
    return record


#: The wire names of a progress record's fields: DVCQG (``CapNhatTienDoHoSoMC``) and native.
_PROGRESS_DVCQG = ("MaHoSo", "ThoiDiemXuLy", "TrangThai", "NguoiXuLy", "ChucDanh", "PhongBanXuLy", "NoiDungXuLy")
_PROGRESS_DVCQG_DATES = ("NgayBatDau", "NgayKetThucTheoQuyDinh")
_PROGRESS_NATIVE = ("code", "at", "status", "handler", "title", "department", "content")
_PROGRESS_NATIVE_DATES = ("started_at", "due_at")


def _progress_from(
    raw: Any, names: tuple[str, ...], dates: tuple[str, str], read_date: Callable[..., datetime | None]
) -> ProgressRecord | Rejection:
    """Who handled the dossier, when, and the status it reached — the same reading in both shapes."""
    if not isinstance(raw, dict):
        return Rejection("invalid_record", "object")
    code, at, status, handler, title, department, content = names
    try:
        return ProgressRecord(
            code=text(raw.get(code), code, limit=60, required=True).upper(),
            at=read_date(raw.get(at), at, required=True),  # type: ignore[arg-type]
            status=small_int(raw.get(status), status, allowed=range(1, 11)),
            handler=text(raw.get(handler), handler, limit=255),
            title=text(raw.get(title), title, limit=255),
            department=text(raw.get(department), department, limit=255),
            content=text(raw.get(content), content, limit=2000),
            started_at=read_date(raw.get(dates[0]), dates[0]),
            due_at=read_date(raw.get(dates[1]), dates[1]),
        )
    except RecordError as error:
        return Rejection("invalid_record", str(error))


def progress_from_dvcqg(raw: Any) -> ProgressRecord | Rejection:
    """A ``CapNhatTienDoHoSoMC`` record (dates ``yyyyMMddHHmmss``)."""
    return _progress_from(raw, _PROGRESS_DVCQG, _PROGRESS_DVCQG_DATES, wire_date)


def progress_from_native(raw: Any) -> ProgressRecord | Rejection:
    """A record of ``POST /api/v1/sync/progress`` (ISO 8601 dates)."""
    return _progress_from(raw, _PROGRESS_NATIVE, _PROGRESS_NATIVE_DATES, iso_date)


def record_code(raw: Any, key: str) -> str:
    """The dossier code a raw record names, for results and quarantine even when it cannot be read."""
    value = raw.get(key) if isinstance(raw, dict) else None
    return str(value).strip().upper()[:60] if isinstance(value, str | int) and str(value).strip() else ""


def payload_key(raw: Any) -> str:
    """The quarantine key of a record without a usable code: a digest of its content."""
    body = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return "#" + hashlib.sha256(body.encode()).hexdigest()[:20]
