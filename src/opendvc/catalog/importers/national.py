"""Records of the national TTHC database (CSDL quốc gia về TTHC) and their import.

The national database is kept by the Government Office (Circular 02/2017/TT-VPCP) and publishes
each procedure as decided by the competent minister or provincial chair (Decree 63/2010/NĐ-CP,
Art. 15, as amended by Decree 92/2017/NĐ-CP). Systems exchange a procedure as one JSON object whose
keys keep the database's Vietnamese names (``MATTHC``, ``TENTTHC``, ``CACHTHUCTHUCHIEN``…); every key
is documented in docs/catalog-import.md. This module is the only place that speaks those names.

:func:`content_from_record` validates one record and turns it into a
:class:`~opendvc.catalog.services.ProcedureContent`; :func:`record_from_content` does the reverse,
so an export imports back unchanged. :func:`import_records` runs a whole dump through
:func:`~opendvc.catalog.services.procedure_import`, one transaction per record, and reports on
each: a bad record is rejected with its reasons and never stops the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError
from django.db.models import Model
from django.utils import translation

from opendvc.catalog.models import (
    ApplicantType,
    ChannelKind,
    Fee,
    Field,
    LegalBasis,
    Level,
    OnlineLevel,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
    Result,
    TimeUnit,
)
from opendvc.catalog.services import (
    ChannelContent,
    DocumentContent,
    FeeContent,
    LegalBasisContent,
    ProcedureContent,
    ResultContent,
    StepContent,
    catalog_revision_bump,
    procedure_content_of,
    procedure_import,
)
from opendvc.core.codes import CodeError, parse_agency_code, parse_tthc_code
from opendvc.core.errors import ApiError
from opendvc.core.text import fold

logger = logging.getLogger(__name__)

# KENH: the channel codes of the national systems (also KenhThucHien in DongBoHoSoMC).
KENH_KINDS: dict[int, str] = {1: ChannelKind.IN_PERSON, 2: ChannelKind.ONLINE, 3: ChannelKind.POST}
KIND_KENH: dict[str, int] = {kind: kenh for kenh, kind in KENH_KINDS.items()}

# DONVITINH, folded. "Giờ" on the portal counts working hours.
UNITS: dict[str, str] = {
    "ngay lam viec": TimeUnit.WORKING_DAYS,
    "ngay": TimeUnit.CALENDAR_DAYS,
    "gio": TimeUnit.WORKING_HOURS,
    "gio lam viec": TimeUnit.WORKING_HOURS,
}
UNIT_LABELS: dict[str, str] = {
    TimeUnit.WORKING_DAYS: "Ngày làm việc",
    TimeUnit.CALENDAR_DAYS: "Ngày",
    TimeUnit.WORKING_HOURS: "Giờ làm việc",
}
# The national record writes levels in Vietnamese whatever language this process is serving.
with translation.override("vi"):
    LEVELS: dict[str, str] = {fold(str(level.label)): level.value for level in Level}
    LEVEL_LABELS: dict[str, str] = {level.value: str(level.label) for level in Level}
CATALOG_TYPES: dict[str, str] = {
    "STANDARD": ProcedureVersion.CatalogType.STANDARD,
    "SPECIFIC": ProcedureVersion.CatalogType.SPECIFIC,
}
APPLICANT_LABELS: dict[str, str] = {a.value: str(a.label) for a in ApplicantType}
# TENDOITUONG as published ("Công dân Việt Nam", "Tổ chức nước ngoài"…), by folded keyword; first match wins.
APPLICANT_KEYWORDS: list[tuple[str, str]] = [
    ("doanh nghiep", ApplicantType.BUSINESS),
    ("hop tac xa", ApplicantType.BUSINESS),
    ("kinh doanh", ApplicantType.BUSINESS),
    ("to chuc", ApplicantType.ORGANISATION),
    ("co quan", ApplicantType.ORGANISATION),
    ("cong dan", ApplicantType.CITIZEN),
    ("ca nhan", ApplicantType.CITIZEN),
    ("nguoi", ApplicantType.CITIZEN),
    ("ho gia dinh", ApplicantType.CITIZEN),
    ("can bo", ApplicantType.CITIZEN),
]
MUCDO_LEVELS: dict[str, str] = {
    "toan trinh": OnlineLevel.FULL,
    "mot phan": OnlineLevel.PARTIAL,
    "4": OnlineLevel.FULL,
    "3": OnlineLevel.PARTIAL,
    "2": "",
}
TOANTRINH: dict[str, bool] = {OnlineLevel.FULL: True, OnlineLevel.PARTIAL: False}
MAX_TIME_AMOUNT = Decimal("99999.99")
MAX_COPIES = 32767

_url = URLValidator(schemes=["http", "https"])


def max_length_of(model: type[Model], name: str) -> int | None:
    """The column's length limit, so records are refused precisely instead of failing in the database."""
    length: int | None = getattr(model._meta.get_field(name), "max_length", None)
    return length


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a record: where (``key``) and what, in Vietnamese and English."""

    key: str
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message_en}" if self.key else self.message_en


class RecordInvalid(ApiError):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(
            "invalid_record",
            "; ".join(f"{i.key}: {i.message_vi}" if i.key else i.message_vi for i in issues),
            "; ".join(str(i) for i in issues),
            details=[{"key": i.key, "message_vi": i.message_vi, "message_en": i.message_en} for i in issues],
        )
        self.issues = issues


@dataclass(frozen=True)
class UnreadableRecord:
    """A record that could not even be read (a bad JSON line, an adapter that could not convert it)."""

    message_vi: str
    message_en: str
    code: str = ""


# --- Reading one record -------------------------------------------------------------------------------


class _Reader:
    """Reads values out of a record, collecting every issue instead of stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def fail(self, key: str, message_vi: str, message_en: str) -> None:
        self.issues.append(Issue(key, message_vi, message_en))

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        aliases: tuple[str, ...] = (),
    ) -> str:
        value = obj.get(key)
        for alias in aliases:
            if value is None:
                value = obj.get(alias)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(path, "phải là chuỗi ký tự.", "must be a string.")
            return ""
        if required and not value.strip():
            self.fail(path, "không được để trống.", "is required.")
        if max_length is not None and len(value) > max_length:
            self.fail(path, f"dài tối đa {max_length} ký tự.", f"is at most {max_length} characters long.")
            return ""
        return value

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[Any]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "phải là một danh sách.", "must be a list.")
            return []
        return value

    def objects(self, obj: dict[str, Any], key: str, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The objects of a list key, each with its path (``KEY[1]``, counted from 1)."""
        for index, item in enumerate(self.items(obj, key, path), 1):
            item_path = f"{path}[{index}]"
            if isinstance(item, dict):
                yield item_path, item
            else:
                self.fail(item_path, "phải là một đối tượng JSON.", "must be a JSON object.")

    def integer(self, obj: dict[str, Any], key: str, path: str, *, maximum: int | None = None) -> int | None:
        """A whole number ≥ 0 (a string of digits or an integral number is accepted)."""
        value = obj.get(key)
        if value is None or value == "":
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value.strip())
        if number is None:
            self.fail(path, "phải là một số nguyên.", "must be a whole number.")
            return None
        if number < 0:
            self.fail(path, "không được là số âm.", "must not be negative.")
            return None
        if maximum is not None and number > maximum:
            self.fail(path, f"không được lớn hơn {maximum}.", f"must be at most {maximum}.")
            return None
        return number

    def boolean(self, obj: dict[str, Any], key: str, path: str) -> bool | None:
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if value in (0, 1, "0", "1"):
            return str(value) == "1"
        self.fail(path, "phải là true hoặc false.", "must be true or false.")
        return None

    def date(self, obj: dict[str, Any], key: str, path: str) -> dt.date | None:
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return dt.datetime.strptime(value.strip(), pattern).date()
                except ValueError:
                    continue
        self.fail(path, "phải là ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY.", "must be a date as YYYY-MM-DD or DD/MM/YYYY.")
        return None

    def url(
        self, obj: dict[str, Any], key: str, path: str, *, max_length: int | None, aliases: tuple[str, ...] = ()
    ) -> str:
        value = self.text(obj, key, path, max_length=max_length, aliases=aliases)
        if value:
            try:
                _url(value)
            except ValidationError:
                self.fail(path, "không phải địa chỉ http(s) hợp lệ.", "is not a valid http(s) address.")
                return ""
        return value


def _time_amount(reader: _Reader, value: Any, path: str) -> Decimal | None:
    if value is None or value == "":
        return None
    amount: Decimal | None = None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int | float | str):
        try:
            amount = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite():
        reader.fail(path, "phải là một số.", "must be a number.")
        return None
    if amount <= 0 or amount > MAX_TIME_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        reader.fail(
            path,
            "phải lớn hơn 0, nhỏ hơn 100.000 và có tối đa 2 chữ số thập phân.",
            "must be above 0, below 100,000, with at most 2 decimals.",
        )
        return None
    return amount.normalize() if amount == amount.to_integral_value() else amount


def _kenh(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        return None
    return KENH_KINDS.get(int(value))


KENH_ISSUE = (
    "phải là 1 (Trực tiếp), 2 (Trực tuyến) hoặc 3 (Dịch vụ bưu chính).",
    "must be 1 (in person), 2 (online) or 3 (public post).",
)


def _channels(reader: _Reader, record: dict[str, Any]) -> tuple[list[ChannelContent], list[FeeContent]]:
    """CACHTHUCTHUCHIEN → channels, and the fees listed under them; then the fees listed outside
    any channel (top-level PHILEPHI). Also reads the nested form some national systems send:
    ``THOIGIAN: [{THOIGIANGIAIQUYET, DONVITINH, MOTA, PHILEPHI}]``. The same fee listed under
    several channels becomes one fee (see :meth:`ProcedureContent.normalised`)."""
    channels: list[ChannelContent] = []
    fees: list[FeeContent] = []
    for path, entry in reader.objects(record, "CACHTHUCTHUCHIEN", "CACHTHUCTHUCHIEN"):
        kind = _kenh(entry.get("KENH"))
        if kind is None:
            reader.fail(f"{path}.KENH", *KENH_ISSUE)
            continue
        timings: list[tuple[str, dict[str, Any], str]] = []
        if isinstance(entry.get("THOIGIAN"), list):
            for timing_path, timing in reader.objects(entry, "THOIGIAN", f"{path}.THOIGIAN"):
                timings.append((timing_path, timing, "THOIGIANGIAIQUYET"))
            if not timings:
                timings.append((path, {k: v for k, v in entry.items() if k != "THOIGIAN"}, "THOIGIAN"))
        else:
            timings.append((path, entry, "THOIGIAN"))
        for timing_path, timing, amount_key in timings:
            amount = _time_amount(reader, timing.get(amount_key), f"{timing_path}.{amount_key}")
            unit_text = reader.text(timing, "DONVITINH", f"{timing_path}.DONVITINH")
            unit = ""
            if unit_text.strip():
                unit = UNITS.get(fold(unit_text).strip(), "")
                if not unit:
                    reader.fail(
                        f"{timing_path}.DONVITINH",
                        f"đơn vị “{unit_text}” không được hỗ trợ (dùng Ngày làm việc, Ngày hoặc Giờ làm việc).",
                        f"unknown unit “{unit_text}” (use Ngày làm việc, Ngày or Giờ làm việc).",
                    )
            elif amount is not None:
                reader.fail(f"{timing_path}.DONVITINH", "cần có đơn vị cho thời hạn.", "a time limit needs a unit.")
            if amount is None:
                unit = ""
            description = reader.text(timing, "MOTA", f"{timing_path}.MOTA")
            channels.append(ChannelContent(kind=kind, time_amount=amount, time_unit=unit, description=description))
            fees.extend(
                dataclasses.replace(fee, channel_kinds=(kind,))
                for fee in _fees(reader, timing, f"{timing_path}.PHILEPHI")
            )
    fees.extend(_fees(reader, record, "PHILEPHI", with_channels=True))
    return channels, fees


def _fees(reader: _Reader, obj: dict[str, Any], path: str, *, with_channels: bool = False) -> list[FeeContent]:
    """PHILEPHI entries; outside a channel an entry may say which channels it is for (``KENH: [1, 3]``)."""
    fees = []
    for fee_path, fee in reader.objects(obj, "PHILEPHI", path):
        amount = reader.integer(fee, "SOTIEN", f"{fee_path}.SOTIEN")
        currency = reader.text(fee, "DONVI", f"{fee_path}.DONVI")
        if amount is not None and currency.strip() and fold(currency).strip() not in {"dong", "vnd", "viet nam dong"}:
            reader.fail(
                f"{fee_path}.DONVI",
                "số tiền ghi bằng đồng Việt Nam; ngoại tệ ghi trong MOTA, để SOTIEN trống.",
                "amounts are in Vietnamese đồng; put a foreign-currency fee in MOTA and leave SOTIEN empty.",
            )
        kinds: list[str] = []
        if with_channels:
            for index, kenh in enumerate(reader.items(fee, "KENH", f"{fee_path}.KENH"), 1):
                kind = _kenh(kenh)
                if kind is None:
                    reader.fail(f"{fee_path}.KENH[{index}]", *KENH_ISSUE)
                elif kind not in kinds:
                    kinds.append(kind)
        fees.append(
            FeeContent(
                code=reader.text(fee, "MAPHILEPHI", f"{fee_path}.MAPHILEPHI", max_length=max_length_of(Fee, "code")),
                amount=amount,
                description=reader.text(fee, "MOTA", f"{fee_path}.MOTA"),
                channel_kinds=tuple(kinds),
            )
        )
    return fees


def _applicant(reader: _Reader, entry: Any, path: str) -> str | None:
    if isinstance(entry, str):
        entry = {"TENDOITUONG": entry}
    if not isinstance(entry, dict):
        reader.fail(path, "phải là một đối tượng JSON.", "must be a JSON object.")
        return None
    code = entry.get("MADOITUONG")
    if isinstance(code, str) and code.strip().lower() in APPLICANT_LABELS:
        return code.strip().lower()
    name = entry.get("TENDOITUONG")
    folded = fold(name) if isinstance(name, str) else ""
    for keyword, applicant in APPLICANT_KEYWORDS:
        if keyword in folded:
            return applicant
    reader.fail(
        path,
        "không rõ đối tượng thực hiện (MADOITUONG: citizen, business hoặc organisation).",
        "unknown applicant type (MADOITUONG: citizen, business or organisation).",
    )
    return None


def _field_of(reader: _Reader, record: dict[str, Any]) -> tuple[str, str]:
    entries = list(reader.objects(record, "LINHVUCTHUCHIEN", "LINHVUCTHUCHIEN"))
    if entries:
        path, first = entries[0]
    else:
        path, first = "", record
    prefix = f"{path}." if path else ""
    code = reader.text(first, "MALINHVUC", f"{prefix}MALINHVUC", max_length=max_length_of(Field, "code")).strip()
    name = reader.text(first, "TENLINHVUC", f"{prefix}TENLINHVUC", max_length=max_length_of(Field, "name")).strip()
    if code and not name:
        reader.fail(f"{prefix}TENLINHVUC", "cần tên lĩnh vực khi có mã lĩnh vực.", "a field code needs a field name.")
    return code, name


def _online_level(reader: _Reader, record: dict[str, Any]) -> str:
    full = reader.boolean(record, "TOANTRINH", "TOANTRINH")
    if full is not None:
        return OnlineLevel.FULL if full else OnlineLevel.PARTIAL
    mucdo = record.get("MUCDO")
    if mucdo is None or mucdo == "":
        return ""
    level = MUCDO_LEVELS.get(fold(str(mucdo)).strip()) if not isinstance(mucdo, bool) else None
    if level is None:
        reader.fail(
            "MUCDO",
            "phải là “Toàn trình”, “Một phần” (hoặc mức 2, 3, 4 cũ).",
            "must be “Toàn trình”, “Một phần” (or the former levels 2, 3, 4).",
        )
        return ""
    return level


def content_from_record(record: object) -> ProcedureContent:
    """Validate one national record and return its content; raises :class:`RecordInvalid`.

    A local variant's code (``1.003560.000.00.00.H56``) is the national procedure ``1.003560``.
    """
    if not isinstance(record, dict):
        raise RecordInvalid([Issue("", "Bản ghi phải là một đối tượng JSON.", "A record must be a JSON object.")])
    reader = _Reader()
    raw_code = reader.text(record, "MATTHC", "MATTHC", required=True)
    code = ""
    if raw_code.strip():
        try:
            code = parse_tthc_code(raw_code)
        except CodeError as error:
            reader.fail("MATTHC", f"“{raw_code}”: {error.message_vi}", f"“{raw_code}”: {error.message_en}")
    name = reader.text(record, "TENTTHC", "TENTTHC", required=True)
    field_code, field_name = _field_of(reader, record)

    levels: list[str] = []
    raw_levels = record.get("CAPTHUCHIEN")
    if isinstance(raw_levels, str):
        raw_levels = [part for part in raw_levels.split(",") if part.strip()]
        record = {**record, "CAPTHUCHIEN": raw_levels}
    for index, label in enumerate(reader.items(record, "CAPTHUCHIEN", "CAPTHUCHIEN"), 1):
        level = LEVELS.get(fold(label).strip()) if isinstance(label, str) else None
        if level is None:
            reader.fail(
                f"CAPTHUCHIEN[{index}]",
                "phải là Cấp Bộ, Cấp tỉnh, Cấp xã hoặc Cơ quan khác.",
                "must be Cấp Bộ, Cấp tỉnh, Cấp xã or Cơ quan khác.",
            )
        elif level not in levels:
            levels.append(level)

    applicants: list[str] = []
    for index, entry in enumerate(reader.items(record, "DOITUONGTHUCHIEN", "DOITUONGTHUCHIEN"), 1):
        applicant = _applicant(reader, entry, f"DOITUONGTHUCHIEN[{index}]")
        if applicant and applicant not in applicants:
            applicants.append(applicant)

    agencies: list[str] = []
    for path, entry in reader.objects(record, "COQUANTHUCHIEN", "COQUANTHUCHIEN"):
        agency_name = reader.text(entry, "TENCOQUAN", f"{path}.TENCOQUAN", required=True, aliases=("TENDONVI",))
        agency_code = reader.text(entry, "MACOQUAN", f"{path}.MACOQUAN", aliases=("MADONVI",))
        if agency_code.strip():
            try:
                parse_agency_code(agency_code)
            except CodeError as error:
                reader.fail(f"{path}.MACOQUAN", error.message_vi, error.message_en)
        if agency_name.strip():
            agencies.append(agency_name)

    catalog_type = ""
    raw_type = reader.text(record, "LOAITTHC", "LOAITTHC").strip().upper()
    if raw_type:
        catalog_type = CATALOG_TYPES.get(raw_type, "")
        if not catalog_type:
            reader.fail("LOAITTHC", "phải là STANDARD hoặc SPECIFIC.", "must be STANDARD or SPECIFIC.")

    steps = []
    for path, case in reader.objects(record, "TRINHTUTHUCHIEN", "TRINHTUTHUCHIEN"):
        case_title = reader.text(
            case, "TRUONGHOP", f"{path}.TRUONGHOP", max_length=max_length_of(ProcedureStep, "case_title")
        )
        key = "BUOC" if "BUOC" in case or "TRINHTU" not in case else "TRINHTU"
        for index, step in enumerate(reader.items(case, key, f"{path}.{key}"), 1):
            if isinstance(step, dict):
                step = step.get("TENTRINHTU")
            if not isinstance(step, str) or not step.strip():
                reader.fail(
                    f"{path}.{key}[{index}]", "phải là nội dung bước (chuỗi ký tự).", "must be the step's text."
                )
                continue
            steps.append(StepContent(description=step, case_title=case_title))

    documents = []
    document_length = max_length_of(RequiredDocument, "group_title")
    for path, group in reader.objects(record, "THANHPHANHOSO", "THANHPHANHOSO"):
        group_title = reader.text(group, "TRUONGHOP", f"{path}.TRUONGHOP", max_length=document_length)
        for item_path, item in reader.objects(group, "GIAYTO", f"{path}.GIAYTO"):
            documents.append(
                DocumentContent(
                    name=reader.text(item, "TENGIAYTO", f"{item_path}.TENGIAYTO", required=True),
                    group_title=group_title,
                    originals=reader.integer(item, "SOBANCHINH", f"{item_path}.SOBANCHINH", maximum=MAX_COPIES),
                    copies=reader.integer(item, "SOBANSAO", f"{item_path}.SOBANSAO", maximum=MAX_COPIES),
                    mandatory=reader.boolean(item, "BATBUOC", f"{item_path}.BATBUOC"),
                    template_name=reader.text(
                        item,
                        "MAUDON",
                        f"{item_path}.MAUDON",
                        aliases=("TENMAUDON",),
                        max_length=max_length_of(RequiredDocument, "template_name"),
                    ),
                    template_url=reader.url(
                        item,
                        "DUONGDANMAUDON",
                        f"{item_path}.DUONGDANMAUDON",
                        aliases=("URL",),
                        max_length=max_length_of(RequiredDocument, "template_url"),
                    ),
                )
            )

    results = [
        ResultContent(
            name=reader.text(entry, "TENKETQUA", f"{path}.TENKETQUA", required=True),
            code=reader.text(entry, "MAKETQUA", f"{path}.MAKETQUA", max_length=max_length_of(Result, "code")),
        )
        for path, entry in reader.objects(record, "KETQUATHUCHIEN", "KETQUATHUCHIEN")
    ]

    legal_bases = []
    for path, entry in reader.objects(record, "CANCUPHAPLY", "CANCUPHAPLY"):
        number = reader.text(entry, "SOVANBAN", f"{path}.SOVANBAN", max_length=max_length_of(LegalBasis, "number"))
        title = reader.text(entry, "TENVANBAN", f"{path}.TENVANBAN")
        if not title.strip() and not number.strip():
            reader.fail(
                path,
                "cần số hiệu (SOVANBAN) hoặc tên văn bản (TENVANBAN).",
                "needs a number (SOVANBAN) or a title (TENVANBAN).",
            )
        legal_bases.append(
            LegalBasisContent(
                title=title if title.strip() else number,
                number=number,
                issued_on=reader.date(entry, "NGAYBANHANH", f"{path}.NGAYBANHANH"),
                issuer=reader.text(
                    entry, "COQUANBANHANH", f"{path}.COQUANBANHANH", max_length=max_length_of(LegalBasis, "issuer")
                ),
            )
        )

    channels, fees = _channels(reader, record)
    inferred = reader.boolean(record, "DOITUONGSUYRA", "DOITUONGSUYRA")
    is_sample = reader.boolean(record, "DULIEUMAU", "DULIEUMAU")
    content = ProcedureContent(
        code=code,
        name=name,
        field_code=field_code,
        field_name=field_name,
        levels=tuple(levels),
        applicant_types=tuple(applicants),
        applicant_types_inferred=bool(inferred),
        implementing_agencies=tuple(agencies),
        catalog_type=catalog_type,
        promulgating_agency_name=reader.text(
            record,
            "COQUANCONGBO",
            "COQUANCONGBO",
            max_length=max_length_of(ProcedureVersion, "promulgating_agency_name"),
        ),
        publication_decision=reader.text(
            record, "SOQUYETDINH", "SOQUYETDINH", max_length=max_length_of(ProcedureVersion, "publication_decision")
        ),
        online_level=_online_level(reader, record),
        conditions=reader.text(record, "YEUCAUDIEUKIEN", "YEUCAUDIEUKIEN", aliases=("YEUCAU",)),
        processing_time_text=reader.text(record, "THOIHANGIAIQUYET", "THOIHANGIAIQUYET"),
        processing_time_note=reader.text(record, "MOTATHOIHAN", "MOTATHOIHAN"),
        effective_from=reader.date(record, "NGAYHIEULUC", "NGAYHIEULUC"),
        is_sample=bool(is_sample),
        steps=tuple(steps),
        channels=tuple(channels),
        fees=tuple(fees),
        documents=tuple(documents),
        results=tuple(results),
        legal_bases=tuple(legal_bases),
        source=reader.text(record, "NGUONDULIEU", "NGUONDULIEU", max_length=max_length_of(ProcedureVersion, "source")),
        source_url=reader.url(
            record, "DUONGDANNGUON", "DUONGDANNGUON", max_length=max_length_of(ProcedureVersion, "source_url")
        ),
        source_date=reader.date(record, "NGAYTHUTHAP", "NGAYTHUTHAP"),
    )
    if reader.issues:
        raise RecordInvalid(reader.issues)
    return content.normalised()


# --- Writing one record -------------------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def record_from_content(content: ProcedureContent) -> dict[str, Any]:
    """The national record of a procedure's content; :func:`content_from_record` reads it back equal."""
    content = content.normalised()
    offered = {channel.kind for channel in content.channels}
    channels = []
    placed_kinds: set[str] = set()
    for channel in content.channels:
        first_of_kind = channel.kind not in placed_kinds
        placed_kinds.add(channel.kind)
        fees = [
            fee
            for fee in content.fees
            if not fee.channel_kinds or (first_of_kind and channel.kind in fee.channel_kinds)
        ]
        channels.append(
            {
                "KENH": KIND_KENH[channel.kind],
                "THOIGIAN": _number(channel.time_amount),
                "DONVITINH": UNIT_LABELS.get(channel.time_unit) if channel.time_unit else None,
                "MOTA": channel.description or None,
                "PHILEPHI": [_fee_record(fee) for fee in fees],
            }
        )
    unplaced = [
        fee
        for fee in content.fees
        if (not fee.channel_kinds and not offered) or (fee.channel_kinds and not offered & set(fee.channel_kinds))
    ]
    record: dict[str, Any] = {
        "MATTHC": content.code,
        "TENTTHC": content.name,
        "LINHVUCTHUCHIEN": (
            [{"MALINHVUC": content.field_code or None, "TENLINHVUC": content.field_name}]
            if content.field_code or content.field_name
            else []
        ),
        "CAPTHUCHIEN": [LEVEL_LABELS[level] for level in content.levels],
        "LOAITTHC": next((k for k, v in CATALOG_TYPES.items() if v == content.catalog_type), None),
        "DOITUONGTHUCHIEN": [
            {"MADOITUONG": applicant, "TENDOITUONG": APPLICANT_LABELS[applicant]}
            for applicant in content.applicant_types
        ],
        "COQUANTHUCHIEN": [{"MACOQUAN": None, "TENCOQUAN": name} for name in content.implementing_agencies],
        "COQUANCONGBO": content.promulgating_agency_name or None,
        "SOQUYETDINH": content.publication_decision or None,
        "TOANTRINH": TOANTRINH.get(content.online_level),
        "YEUCAUDIEUKIEN": content.conditions or None,
        "THOIHANGIAIQUYET": content.processing_time_text or None,
        "MOTATHOIHAN": content.processing_time_note or None,
        "NGAYHIEULUC": _date(content.effective_from),
        "TRINHTUTHUCHIEN": _grouped([(s.case_title, s.description) for s in content.steps], key="BUOC"),
        "CACHTHUCTHUCHIEN": channels,
        "THANHPHANHOSO": _grouped(
            [
                (
                    d.group_title,
                    {
                        "TENGIAYTO": d.name,
                        "MAUDON": d.template_name or None,
                        "DUONGDANMAUDON": d.template_url or None,
                        "SOBANCHINH": d.originals,
                        "SOBANSAO": d.copies,
                        "BATBUOC": d.mandatory,
                    },
                )
                for d in content.documents
            ],
            key="GIAYTO",
        ),
        "KETQUATHUCHIEN": [{"MAKETQUA": r.code or None, "TENKETQUA": r.name} for r in content.results],
        "CANCUPHAPLY": [
            {
                "SOVANBAN": b.number or None,
                "TENVANBAN": b.title,
                "NGAYBANHANH": _date(b.issued_on),
                "COQUANBANHANH": b.issuer or None,
            }
            for b in content.legal_bases
        ],
        "DOITUONGSUYRA": content.applicant_types_inferred,
        "DULIEUMAU": content.is_sample,
        "NGUONDULIEU": content.source or None,
        "DUONGDANNGUON": content.source_url or None,
        "NGAYTHUTHAP": _date(content.source_date),
    }
    if unplaced:
        record["PHILEPHI"] = [
            {**_fee_record(fee), **({"KENH": [KIND_KENH[k] for k in fee.channel_kinds]} if fee.channel_kinds else {})}
            for fee in unplaced
        ]
    return record


def _fee_record(fee: FeeContent) -> dict[str, Any]:
    return {"MAPHILEPHI": fee.code or None, "SOTIEN": fee.amount, "MOTA": fee.description or None}


def _grouped(rows: list[tuple[str, Any]], *, key: str) -> list[dict[str, Any]]:
    """Consecutive rows of the same case become one ``{TRUONGHOP, <key>: [...]}`` entry."""
    groups: list[dict[str, Any]] = []
    for title, item in rows:
        if not groups or groups[-1]["TRUONGHOP"] != (title or None):
            groups.append({"TRUONGHOP": title or None, key: []})
        groups[-1][key].append(item)
    return groups


def records_export() -> Iterator[dict[str, Any]]:
    """Every published procedure as a national record, in code order."""
    versions = (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
        .select_related("procedure", "field")
        .prefetch_related("steps", "channels", "fees", "documents", "results", "legal_bases")
        .order_by("procedure__code")
    )
    for version in versions.iterator(chunk_size=200):
        yield record_from_content(procedure_content_of(version))


def records_write(records: Iterable[dict[str, Any]], stream: IO[str], *, lines: bool = False) -> int:
    """Write records as a JSON array (or JSON Lines); returns how many were written."""
    count = 0
    if lines:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    stream.write("[")
    for record in records:
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(record, ensure_ascii=False, indent=1))
        count += 1
    stream.write("\n]\n")
    return count


# --- Reading a file -----------------------------------------------------------------------------------


class CatalogFileError(Exception):
    """The file as a whole cannot be read (missing, not UTF-8, not JSON)."""


def records_read(path: Path) -> list[object]:
    """The records of a JSON array, a single JSON object or JSON Lines file.

    A JSON Lines line that is not JSON becomes an :class:`UnreadableRecord`, reported and skipped.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogFileError(f"Không đọc được tệp {path} / cannot read {path}: {error}") from error
    stripped = text.lstrip()
    if not stripped:
        return []
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as error:
        if stripped.startswith("{") and "\n" in stripped.strip():
            return _json_lines(stripped)
        raise CatalogFileError(f"Tệp {path} không phải JSON hợp lệ / {path} is not valid JSON: {error}") from error
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return [data]
    raise CatalogFileError(f"Tệp {path} phải chứa một mảng bản ghi JSON / {path} must hold a JSON array of records.")


def _json_lines(text: str) -> list[object]:
    records: list[object] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            records.append(
                UnreadableRecord(
                    f"Dòng {number} không phải JSON hợp lệ ({error.msg}).",
                    f"Line {number} is not valid JSON ({error.msg}).",
                )
            )
    return records


# --- Importing a dump ---------------------------------------------------------------------------------

Outcome = Literal["created", "new_version", "unchanged", "rejected"]
OUTCOME_LABELS: dict[Outcome, tuple[str, str]] = {
    "created": ("tạo mới", "created"),
    "new_version": ("phiên bản mới", "new version"),
    "unchanged": ("không đổi", "unchanged"),
    "rejected": ("bị từ chối", "rejected"),
}


@dataclass
class RecordReport:
    position: int
    code: str
    outcome: Outcome
    version_number: int | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def reason_vi(self) -> str:
        return "; ".join(f"{i.key}: {i.message_vi}" if i.key else i.message_vi for i in self.issues)

    @property
    def reason_en(self) -> str:
        return "; ".join(str(i) for i in self.issues)


@dataclass
class ImportReport:
    records: list[RecordReport] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.records if r.outcome == outcome)

    @property
    def rejected(self) -> list[RecordReport]:
        return [r for r in self.records if r.outcome == "rejected"]

    def summary(self) -> str:
        parts_vi = ", ".join(f"{self.count(o)} {vi}" for o, (vi, _) in OUTCOME_LABELS.items())
        parts_en = ", ".join(f"{self.count(o)} {en}" for o, (_, en) in OUTCOME_LABELS.items())
        return (
            f"{len(self.records)} bản ghi: {parts_vi} ({self.seconds:.1f} giây).\n"
            f"{len(self.records)} records: {parts_en} ({self.seconds:.1f} s)."
        )


def _raw_code(record: object) -> str:
    if isinstance(record, dict) and isinstance(record.get("MATTHC"), str):
        return str(record["MATTHC"]).strip()
    if isinstance(record, UnreadableRecord):
        return record.code
    return ""


CHUNK_SIZE = 200


def _published(codes: set[str]) -> dict[str, tuple[ProcedureContent, int]]:
    """The published content (and version number) of the given procedures, in a fixed number of queries."""
    versions = (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED, procedure__code__in=codes)
        .select_related("procedure", "field")
        .prefetch_related("steps", "channels", "fees", "documents", "results", "legal_bases")
    )
    return {v.procedure.code: (procedure_content_of(v), v.number) for v in versions}


def _write(position: int, content: ProcedureContent) -> RecordReport:
    try:
        result = procedure_import(content=content, bump_revision=False)
    except ApiError as error:
        return RecordReport(position, content.code, "rejected", issues=[Issue("", error.message_vi, error.message_en)])
    except (DatabaseError, ValidationError) as error:
        logger.warning("catalogue import: record %s (%s) not written: %s", position, content.code, error)
        issue = Issue(
            "", f"Không ghi được vào cơ sở dữ liệu: {error}", f"Could not be written to the database: {error}"
        )
        return RecordReport(position, content.code, "rejected", issues=[issue])
    return RecordReport(position, content.code, result.outcome, result.version.number)


def import_records(records: Iterable[object]) -> ImportReport:
    """Import a dump: each record validated and written in its own transaction.

    A rejected record writes nothing and never stops the others; the report says, per record,
    whether it was created, published as a new version, unchanged or rejected (with the reasons).
    The catalogue revision is bumped once, after the last record, when anything was written.
    Records are read in chunks, and each chunk's published versions are read at once, so a dump
    that is mostly unchanged costs a few queries per chunk; a record that differs is compared and
    written again under the procedure's lock by :func:`procedure_import`.
    """
    report = ImportReport()
    started = time.perf_counter()
    numbered = enumerate(records, 1)
    while chunk := list(itertools.islice(numbered, CHUNK_SIZE)):
        parsed: list[tuple[int, ProcedureContent | RecordReport]] = []
        for position, record in chunk:
            code = _raw_code(record)
            if isinstance(record, UnreadableRecord):
                issues = [Issue("", record.message_vi, record.message_en)]
                parsed.append((position, RecordReport(position, code, "rejected", issues=issues)))
                continue
            try:
                parsed.append((position, content_from_record(record)))
            except RecordInvalid as invalid:
                parsed.append((position, RecordReport(position, code, "rejected", issues=invalid.issues)))
        published = _published({item.code for _, item in parsed if isinstance(item, ProcedureContent)})
        for position, item in parsed:
            if isinstance(item, RecordReport):
                report.records.append(item)
                continue
            known = published.get(item.code)
            if known is not None and known[0].same_as(item):
                report.records.append(RecordReport(position, item.code, "unchanged", known[1]))
                continue
            published.pop(item.code, None)
            report.records.append(_write(position, item))
    if report.count("created") or report.count("new_version"):
        catalog_revision_bump()
    report.seconds = time.perf_counter() - started
    return report
