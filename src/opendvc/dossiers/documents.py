"""The official forms of the one-stop mechanism as PDF (and the dossier register as CSV).

Circular 03/2025/TT-VPCP, Appendix I, gives the forms a dossier produces:

====  ==========================================================  =============================
 01   Giấy tiếp nhận hồ sơ và hẹn trả kết quả                      the ``receive`` event
 02   Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ                       the last ``request_supplement``
 03   Phiếu từ chối tiếp nhận giải quyết hồ sơ                      the ``refuse`` event
 04   Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết       the last ``apologise``
 05   Thông báo dừng giải quyết hồ sơ                               the ``stop`` event
 06   Phiếu kiểm soát quá trình giải quyết hồ sơ                    every event, with step deadlines
 07   Sổ theo dõi hồ sơ                                             an agency's dossiers by reception
====  ==========================================================  =============================

Everything printed comes from the dossier and its append-only events, so a form printed today is
the form issued then. This module only reads; a form for something that has not happened is
``form_not_available`` (409). Dates follow Decree 30/2020/NĐ-CP (Appendix I): a day below 10 and
the months 1 and 2 take a leading zero ("ngày 05 tháng 3 năm 2026"); tables use dd/mm/yyyy. Times
are local (Asia/Ho_Chi_Minh).

WeasyPrint lays the HTML templates of ``templates/dossiers/forms/`` out in Tinos (metric-compatible
with Times New Roman, full Vietnamese coverage, SIL OFL), bundled beside them. The font
configuration and the stylesheet are built once per thread and reused, which keeps a form well
under a third of a second.
"""

from __future__ import annotations

import csv
import io
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.models import RequiredDocument
from opendvc.core import calendar as working_calendar
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import ApplicantKind, Attachment, Channel, Dossier, DossierEvent, Role, Step
from opendvc.dossiers.selectors import dossier_timeliness, label_vi
from opendvc.dossiers.transitions import Action
from opendvc.dossiers.workflow import step_allowance, step_spec, workflow_for

FORMS_DIR: Final = Path(__file__).resolve().parent / "templates" / "dossiers" / "forms"
FORMS_URI: Final = FORMS_DIR.as_uri() + "/"
DEFAULT_PUBLIC_URL: Final = "http://127.0.0.1:8000"
#: The longest period one register export may cover.
REGISTER_MAX_DAYS: Final = 366
#: The most rows a register PDF lays out; the CSV has no such limit.
REGISTER_PDF_MAX_ROWS: Final = 1000

Lang = Literal["vi", "en"]


# --- Texts ------------------------------------------------------------------------------------------

FORM_TITLES: Final[dict[int, dict[str, str]]] = {
    1: {"vi": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "en": "DOSSIER RECEIPT AND APPOINTMENT FOR THE RESULT"},
    2: {"vi": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "en": "REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER"},
    3: {"vi": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "en": "REFUSAL TO ACCEPT THE DOSSIER"},
    4: {
        "vi": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "en": "LETTER OF APOLOGY AND REQUEST TO EXTEND THE TIME FOR PROCESSING",
    },
    5: {"vi": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "en": "NOTICE OF STOPPING THE PROCESSING OF THE DOSSIER"},
    6: {"vi": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "en": "PROCESSING CONTROL SLIP"},
    7: {"vi": "SỔ THEO DÕI HỒ SƠ", "en": "DOSSIER REGISTER"},
}

#: The event each form prints; Form 06 needs the dossier to have been received.
FORM_EVENTS: Final[dict[int, str]] = {
    1: Action.RECEIVE,
    2: Action.REQUEST_SUPPLEMENT,
    3: Action.REFUSE,
    4: Action.APOLOGISE,
    5: Action.STOP,
    6: Action.RECEIVE,
}

#: Forms an applicant receives; Form 06 is the agency's internal control slip.
APPLICANT_FORMS: Final = frozenset({1, 2, 3, 4, 5})

TEMPLATES: Final[dict[int, str]] = {
    1: "dossiers/forms/01_receipt.html",
    2: "dossiers/forms/02_supplement.html",
    3: "dossiers/forms/03_refusal.html",
    4: "dossiers/forms/04_apology.html",
    5: "dossiers/forms/05_stop.html",
    6: "dossiers/forms/06_control_slip.html",
    7: "dossiers/forms/07_register.html",
}

_NOT_AVAILABLE: Final[dict[int, tuple[str, str]]] = {
    1: ("hồ sơ chưa được tiếp nhận", "the dossier has not been received"),
    2: ("hồ sơ chưa có yêu cầu bổ sung", "no supplement has been requested"),
    3: ("hồ sơ không bị từ chối tiếp nhận", "the dossier was not refused"),
    4: ("cơ quan chưa có văn bản xin lỗi cho hồ sơ này", "the agency has not apologised for this dossier"),
    5: ("hồ sơ không bị dừng giải quyết", "processing of the dossier was not stopped"),
    6: ("hồ sơ chưa được tiếp nhận", "the dossier has not been received"),
}

#: Labels of the forms, by language. The Vietnamese ones are the Circular's wording.
TEXTS: Final[dict[str, dict[str, str]]] = {
    "vi": {
        "form_number": "Mẫu số",
        "republic": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "code": "Mã hồ sơ",
        "procedure": "Nội dung yêu cầu giải quyết",
        "procedure_code": "mã thủ tục",
        "id_number": "Số giấy tờ",
        "address": "Địa chỉ",
        "phone": "Số điện thoại",
        "email": "Thư điện tử",
        "channel": "Hình thức nộp",
        "sign_hint": "(Ký và ghi rõ họ tên)",
        "sign_seal_hint": "(Ký, ghi rõ họ tên và đóng dấu)",
        "receives_from": "tiếp nhận hồ sơ của",
        "documents": "Thành phần hồ sơ nộp gồm",
        "doc_no": "STT",
        "doc_name": "Tên giấy tờ",
        "doc_originals": "Bản chính",
        "doc_copies": "Bản sao",
        "doc_files": "tệp điện tử",
        "no_documents": "Không có thành phần hồ sơ được ghi nhận.",
        "copies_count": "Số lượng hồ sơ",
        "one_set": "01 bộ",
        "time_limit": "Thời gian giải quyết hồ sơ theo quy định",
        "received_at": "Thời gian nhận hồ sơ",
        "due_at": "Thời gian trả kết quả giải quyết hồ sơ",
        "due_moved": "Ngày hẹn trả kết quả hiện nay",
        "due_moved_why": "đã điều chỉnh sau khi bổ sung hồ sơ hoặc gia hạn",
        "result_at": "Nhận kết quả tại",
        "result_online": "hoặc nhận kết quả điện tử trên Cổng Dịch vụ công",
        "applicant_signs": "NGƯỜI NỘP HỒ SƠ",
        "receiver_signs": "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "receipt_note": (
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên: một liên giao cho người nộp hồ sơ, "
            "một liên lưu tại Bộ phận Một cửa."
        ),
        "track": "Tra cứu tình trạng hồ sơ",
        "track_hint": "Quét mã để tra cứu hồ sơ",
        "one_stop": "Bộ phận Một cửa",
        "supplement_intro": (
            "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, đề nghị {you} bổ sung, hoàn thiện "
            "hồ sơ gồm những nội dung sau:"
        ),
        "supplement_documents": "Giấy tờ cần bổ sung, hoàn thiện",
        "supplement_round": "Lần yêu cầu bổ sung thứ",
        "supplement_clock": "Thời gian chờ bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết.",
        "supplement_contact": (
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, {you} liên hệ với {officer}, {agency}{contact} "
            "để được hướng dẫn."
        ),
        "thanks": "Xin trân trọng cảm ơn./.",
        "guide_signs": "NGƯỜI HƯỚNG DẪN",
        "submitted_at": "Ngày nộp hồ sơ",
        "refusal_intro": (
            "Qua xem xét, {agency} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
        ),
        "refusal_end": "Xin thông báo để {you} được biết và thực hiện./.",
        "dear": "Kính gửi",
        "apology_received": "{Date}, {agency} tiếp nhận giải quyết hồ sơ của {you}",
        "apology_previous_due": "Thời gian hẹn trả kết quả giải quyết hồ sơ",
        "apology_reason": "Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của {you}, lý do:",
        "apology_body": (
            "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của {you}. {agency} xin lỗi {you} và đề nghị "
            "gia hạn thời gian giải quyết; kết quả giải quyết hồ sơ sẽ được trả cho {you} vào"
        ),
        "head_signs": "THỦ TRƯỞNG CƠ QUAN",
        "recipients": "Nơi nhận",
        "recipients_list": "- Như trên;\n- Lưu: VT, Bộ phận Một cửa.",
        "received_intro": "{Date}, {agency} đã tiếp nhận hồ sơ của {you}",
        "stop_basis": "Căn cứ",
        "stop_body": "{agency} thông báo dừng giải quyết hồ sơ nêu trên kể từ {moment}.",
        "stop_reason": "Lý do dừng giải quyết",
        "stop_contact": "Mọi vướng mắc, {you} liên hệ {agency}{contact} để được hướng dẫn.",
        "handling_agency": "Cơ quan (bộ phận) giải quyết hồ sơ",
        "partner_agency": "Cơ quan phối hợp giải quyết hồ sơ",
        "none": "Không",
        "applicant": "Người nộp hồ sơ",
        "slip_attached": "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)",
        "slip_step": "Giao, nhận hồ sơ",
        "slip_time": "Thời gian giao, nhận",
        "slip_deadline": "Hạn của bước",
        "slip_result": "Kết quả (trước hạn / đúng hạn / quá hạn)",
        "slip_note": "Ghi chú",
        "slip_give": "Giao",
        "slip_take": "Nhận",
        "slip_summary": "Kết quả giải quyết hồ sơ",
        "slip_due": "Ngày hẹn trả kết quả",
        "register_period": "Từ ngày {start} đến ngày {end}",
        "register_count": "Tổng số hồ sơ",
        "register_empty": "Không có hồ sơ được tiếp nhận trong kỳ.",
        "register_maker": "NGƯỜI LẬP SỔ",
        "page": "Trang",
        "on_time_early": "trước hạn",
        "on_time": "đúng hạn",
        "late": "quá hạn",
        "open_on_time": "đang giải quyết, trong hạn",
        "open_overdue": "đang giải quyết, quá hạn",
        "applicant_citizen": "Ông/Bà",
        "applicant_org": "Tổ chức",
        "you_citizen": "Ông/Bà",
        "you_org": "Quý cơ quan, tổ chức",
    },
    "en": {
        "form_number": "Form No.",
        "republic": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence - Freedom - Happiness",
        "code": "Dossier code",
        "procedure": "Request",
        "procedure_code": "procedure code",
        "id_number": "ID number",
        "address": "Address",
        "phone": "Phone",
        "email": "E-mail",
        "channel": "Channel",
        "sign_hint": "(Signature and full name)",
        "sign_seal_hint": "(Signature, full name and seal)",
        "receives_from": "received the dossier of",
        "documents": "Documents submitted",
        "doc_no": "No.",
        "doc_name": "Document",
        "doc_originals": "Originals",
        "doc_copies": "Copies",
        "doc_files": "electronic file(s)",
        "no_documents": "No documents recorded.",
        "copies_count": "Number of dossiers",
        "one_set": "1 set",
        "time_limit": "Statutory time limit",
        "received_at": "Received at",
        "due_at": "Result due at",
        "due_moved": "Current appointment",
        "due_moved_why": "moved after a supplement or an extension",
        "result_at": "Collect the result at",
        "result_online": "or electronically on the Public Service Portal",
        "applicant_signs": "APPLICANT",
        "receiver_signs": "RECEIVING OFFICER",
        "receipt_note": "This receipt is made in two copies: one for the applicant, one kept by the one-stop desk.",
        "track": "Track the dossier",
        "track_hint": "Scan to track the dossier",
        "one_stop": "One-stop desk",
        "supplement_intro": (
            "Having examined the dossier against the regulations in force, we ask {you} to supplement and complete "
            "the dossier as follows:"
        ),
        "supplement_documents": "Documents to supplement",
        "supplement_round": "Supplement request no.",
        "supplement_clock": "The time spent waiting for the supplement does not count towards the time limit.",
        "supplement_contact": "For any question, {you} may contact {officer}, {agency}{contact}.",
        "thanks": "Thank you.",
        "guide_signs": "GUIDING OFFICER",
        "submitted_at": "Submitted on",
        "refusal_intro": "Having examined it, {agency} does not accept this dossier for the following reasons:",
        "refusal_end": "This notice is given for {you} to know and act on.",
        "dear": "To",
        "apology_received": "On {date}, {agency} received the dossier of {you}",
        "apology_previous_due": "Appointment for the result",
        "apology_reason": "To date, {agency} has not returned the result to {you}, because:",
        "apology_body": (
            "We regret the inconvenience and cost this delay has caused {you}. {agency} apologises to {you} and "
            "asks to extend the time for processing; the result will be returned to {you} on"
        ),
        "head_signs": "HEAD OF THE AGENCY",
        "recipients": "To",
        "recipients_list": "- As above;\n- Filed: records, one-stop desk.",
        "received_intro": "On {date}, {agency} received the dossier of {you}",
        "stop_basis": "Pursuant to",
        "stop_body": "{agency} gives notice that the processing of the dossier above is stopped from {moment}.",
        "stop_reason": "Reason",
        "stop_contact": "For any question, {you} may contact {agency}{contact}.",
        "handling_agency": "Agency (unit) handling the dossier",
        "partner_agency": "Cooperating agency",
        "none": "None",
        "applicant": "Applicant",
        "slip_attached": "(Attached to the dossier receipt)",
        "slip_step": "Hand-over",
        "slip_time": "Time",
        "slip_deadline": "Step deadline",
        "slip_result": "Result (early / on time / late)",
        "slip_note": "Notes",
        "slip_give": "From",
        "slip_take": "To",
        "slip_summary": "Outcome",
        "slip_due": "Result due",
        "register_period": "From {start} to {end}",
        "register_count": "Dossiers",
        "register_empty": "No dossier was received in the period.",
        "register_maker": "KEPT BY",
        "page": "Page",
        "on_time_early": "early",
        "on_time": "on time",
        "late": "late",
        "open_on_time": "in progress, within time",
        "open_overdue": "in progress, overdue",
        "applicant_citizen": "Mr/Ms",
        "applicant_org": "Organisation",
        "you_citizen": "you",
        "you_org": "your organisation",
    },
}

#: The register's columns (Form 07), in the PDF and the CSV alike.
REGISTER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "vi": (
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên cá nhân, tổ chức",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Ngày nhận hồ sơ",
        "Ngày hẹn trả kết quả",
        "Ngày chuyển hồ sơ",
        "Ngày có kết quả",
        "Ngày trả kết quả",
        "Ký nhận",
    ),
    "en": (
        "No.",
        "Dossier code",
        "Procedure",
        "Dossiers (sets)",
        "Applicant",
        "Address, phone",
        "Handling agency",
        "Received",
        "Result due",
        "Forwarded",
        "Result ready",
        "Returned",
        "Signature",
    ),
}

_UNITS: Final[dict[str, dict[str, str]]] = {
    "vi": {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "calendar_days": "ngày"},
    "en": {"working_days": "working days", "working_hours": "working hours", "calendar_days": "calendar days"},
}

_ROLE_EN: Final[dict[str, str]] = {
    "applicant": "Applicant",
    "desk": "One-stop desk",
    "specialist": "Specialist",
    "leader": "Leader",
    "clerk": "Clerk",
    "system": "System",
}

_STEP_EN: Final[dict[str, str]] = {
    "receive": "reception and transfer",
    "appraise": "appraisal",
    "approve": "approval",
    "issue": "issue of the result",
    "return": "return of the result",
}


# --- Errors -----------------------------------------------------------------------------------------


def form_not_available(number: int) -> ApiError:
    """A form for an event that has not happened (Form 03 of a dossier never refused…): 409."""
    vi, en = _NOT_AVAILABLE.get(number, ("không có mẫu này", "there is no such form"))
    return ApiError(
        "form_not_available",
        f"Chưa có Mẫu số {number:02d} cho hồ sơ này: {vi}.",
        f"Form {number:02d} is not available for this dossier: {en}.",
        status=409,
    )


def form_unknown(number: object) -> ApiError:
    return ApiError(
        "form_unknown",
        f"Không có biểu mẫu số «{number}»; các mẫu của hồ sơ là 01 đến 06.",
        f"There is no form '{number}'; a dossier's forms are 01 to 06.",
        status=404,
    )


def _language(lang: str) -> Lang:
    if lang not in TEXTS:
        raise ApiError(
            "language_unsupported",
            "Biểu mẫu có bản tiếng Việt (vi) và tiếng Anh (en).",
            "Forms are available in Vietnamese (vi) and English (en).",
        )
    return "en" if lang == "en" else "vi"


# --- Dates and words ----------------------------------------------------------------------------------


def _moment(value: Any) -> datetime | None:
    """A stored moment (aware datetime or ISO 8601 text from event data) in local time."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def _two(value: int) -> str:
    return f"{value:02d}"


def date_words(day: date, lang: Lang = "vi") -> str:
    """ "ngày 05 tháng 3 năm 2026": a leading zero for days below 10 and months 1–2 (Decree 30/2020)."""
    if lang == "en":
        return day.strftime("%d/%m/%Y")
    month = _two(day.month) if day.month < 3 else str(day.month)
    return f"ngày {_two(day.day)} tháng {month} năm {day.year}"


def moment_words(value: Any, lang: Lang = "vi") -> str:
    """ "10 giờ 00 phút, ngày 05 tháng 10 năm 2026" in local time; "" for no moment."""
    moment = _moment(value)
    if moment is None:
        return ""
    if lang == "en":
        return f"{moment:%H:%M} on {moment:%d/%m/%Y}"
    return f"{_two(moment.hour)} giờ {_two(moment.minute)} phút, {date_words(moment.date())}"


def short_date(value: Any) -> str:
    """dd/mm/yyyy in local time, for tables; "" for no moment."""
    moment = _moment(value)
    return moment.strftime("%d/%m/%Y") if moment is not None else ""


def short_moment(value: Any) -> str:
    """hh:mm dd/mm/yyyy in local time, for tables."""
    moment = _moment(value)
    return moment.strftime("%H:%M %d/%m/%Y") if moment is not None else ""


def _amount(value: Any) -> str:
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return text.replace(".", ",")


def time_limit_words(limit: Any, lang: Lang = "vi") -> str:
    """ "5 ngày làm việc" from ``{"amount", "unit"}``."""
    if not isinstance(limit, dict) or limit.get("amount") in (None, ""):
        return ""
    unit = _UNITS[lang].get(str(limit.get("unit", "")), str(limit.get("unit", "")))
    return f"{_amount(limit['amount'])} {unit}"


def _nfc(value: Any) -> str:
    """Text as NFC, so a name typed with combining accents prints with the font's precomposed letters."""
    return unicodedata.normalize("NFC", str(value or ""))


def place_name(agency: Agency) -> str:
    """The place in the date line: "TP. Hồ Chí Minh", "Hà Nội", "Phường Xuân Hòa"… (Decree 30/2020)."""
    unit: AdministrativeUnit | None = agency.administrative_unit
    if unit is None or unit.is_province:
        unit = agency.province or unit
    if unit is None:
        return ""
    if not unit.is_province:
        return unit.name
    name = unit.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return "TP. Hồ Chí Minh" if name == "Hồ Chí Minh" else name


def place_date_line(agency: Agency, day: date | None, lang: Lang = "vi") -> str:
    """ "TP. Hồ Chí Minh, ngày 05 tháng 10 năm 2026"."""
    place = place_name(agency)
    words = date_words(day, lang) if day else ("ngày … tháng … năm …" if lang == "vi" else "")
    return f"{place}, {words}" if place else words


@dataclass(frozen=True)
class AgencyBlock:
    """The issuing agency as printed at the top left: its superior above, itself below."""

    parent: tuple[str, ...]
    name: str
    full_name: str
    address: str
    phone: str


def agency_block(agency: Agency) -> AgencyBlock:
    """The agency block; "Sở Tư pháp Thành phố Hồ Chí Minh" under the city's committee prints as "SỞ TƯ PHÁP"."""
    parent = agency.parent.name if agency.parent is not None else ""
    name = agency.name
    if parent:
        for suffix in (
            parent.removeprefix("Ủy ban nhân dân ").strip(),
            agency.province.name if agency.province else "",
        ):
            if suffix and name.endswith(" " + suffix) and len(name) > len(suffix) + 1:
                name = name[: -len(suffix) - 1]
                break
    parent_lines = _nfc(parent).upper()
    committee = "ỦY BAN NHÂN DÂN "
    return AgencyBlock(
        parent=(committee.strip(), parent_lines[len(committee) :])
        if parent_lines.startswith(committee)
        else ((parent_lines,) if parent_lines else ()),
        name=_nfc(name).upper(),
        full_name=_nfc(agency.name),
        address=_nfc(agency.address),
        phone=_nfc(agency.phone),
    )


class _Fill(dict[str, str]):
    """Values for the ``{you}``, ``{agency}``… slots of :data:`TEXTS`; an unknown slot stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _contact_suffix(block: AgencyBlock, lang: Lang) -> str:
    parts = []
    if block.address:
        parts.append(block.address)
    if block.phone:
        parts.append(("số điện thoại " if lang == "vi" else "phone ") + block.phone)
    return (" (" + "; ".join(parts) + ")") if parts else ""


def tracking_url(code: str) -> str:
    """The public tracking page of a dossier, printed as a QR code on Form 01."""
    base = str(getattr(settings, "OPENDVC_PUBLIC_URL", "") or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}/tra-cuu-ho-so/?code={code}"


def qr_svg(url: str) -> str:
    """The URL as an inline SVG QR code (error correction M, a two-module quiet zone)."""
    return str(segno.make(url, error="m", micro=False).svg_inline(omitsize=True, border=2, svgclass="qr-code"))


# --- Rendering ------------------------------------------------------------------------------------------

_thread = threading.local()


class _FormsFetcher(URLFetcher):  # type: ignore[misc]
    """Only the bundled fonts and stylesheet: a form never loads anything from the network."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["file"])

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if path is None or not path.is_relative_to(FORMS_DIR):
            raise ValueError(f"Forms load only their own files, not {url!r}")
        return super().fetch(path.as_uri(), headers)


def _renderer() -> tuple[FontConfiguration, CSS, _FormsFetcher]:
    """One font configuration and parsed stylesheet per thread (WeasyPrint's font map is not thread-safe)."""
    state: tuple[FontConfiguration, CSS, _FormsFetcher] | None = getattr(_thread, "renderer", None)
    if state is None:
        font_config = FontConfiguration()
        fetcher = _FormsFetcher()
        stylesheet = CSS(
            filename=str(FORMS_DIR / "forms.css"), base_url=FORMS_URI, font_config=font_config, url_fetcher=fetcher
        )
        state = (font_config, stylesheet, fetcher)
        _thread.renderer = state
    return state


def html_to_pdf(html: str) -> bytes:
    font_config, stylesheet, fetcher = _renderer()
    document = HTML(string=html, base_url=FORMS_URI, url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
    assert pdf is not None
    return bytes(pdf)


# --- Reading a dossier for its forms ----------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    name: str
    originals: int | None
    copies: int | None
    files: int = 0


@dataclass(frozen=True)
class SlipRow:
    """One line of Form 06: a hand-over (giver → taker) or a note about what happened in between."""

    giver: str
    taker: str
    at: str
    deadline: str
    result: str
    note: str


@dataclass
class FormContext:
    """What a dossier's form prints; built from the dossier, its agency and its events only."""

    number: int
    lang: Lang
    dossier: Dossier
    agency: AgencyBlock
    event: DossierEvent
    events: list[DossierEvent]
    extra: dict[str, Any] = field(default_factory=dict)


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier).select_related("actor", "assignee").order_by("seq"))


def _person(user: Any) -> str:
    if user is None:
        return ""
    return _nfc(user.full_name or user.username)


def _role_label(role: str, lang: Lang) -> str:
    if lang == "en":
        return _ROLE_EN.get(role, role)
    return label_vi(Role(role).label) if role in Role.values else role


def _step_label(step: str, lang: Lang) -> str:
    if lang == "en":
        return _STEP_EN.get(step, step)
    return label_vi(Step(step).label) if step in Step.values else step


def _timeliness_words(value: str, lang: Lang) -> str:
    t = TEXTS[lang]
    return {
        "early": t["on_time_early"],
        "on_time": t["on_time"],
        "late": t["late"],
        "overdue": t["open_overdue"],
    }.get(value, "")


def received_documents(dossier: Dossier) -> list[DocumentRow]:
    """Form 01's list: the components with files, grouped, with the catalogue's originals and copies.

    A dossier received on paper without scans lists the procedure's mandatory components, which the
    desk checked before receiving it (Decree 118/2025, Art. 15).
    """
    attachments = (
        Attachment.objects.filter(dossier=dossier, kind=Attachment.Kind.SUBMISSION)
        .select_related("required_document")
        .order_by("required_document__position", "id")
    )
    rows: dict[object, DocumentRow] = {}
    for attachment in attachments:
        document = attachment.required_document
        key: object = document.pk if document is not None else ("file", attachment.pk)
        current = rows.get(key)
        if current is not None:
            rows[key] = DocumentRow(current.name, current.originals, current.copies, current.files + 1)
        elif document is not None:
            rows[key] = DocumentRow(_nfc(document.name), document.originals, document.copies, 1)
        else:
            rows[key] = DocumentRow(_nfc(attachment.original_name), None, None, 1)
    if rows:
        return list(rows.values())
    mandatory = RequiredDocument.objects.filter(version_id=dossier.procedure_version_id, mandatory=True).order_by(
        "position", "pk"
    )
    return [DocumentRow(_nfc(d.name), d.originals, d.copies) for d in mandatory]


def _last(events: Sequence[DossierEvent], action: str) -> DossierEvent | None:
    for event in reversed(events):
        if event.action == action:
            return event
    return None


def _slip_rows(dossier: Dossier, events: Sequence[DossierEvent], lang: Lang) -> list[SlipRow]:
    """Form 06: each hand-over with its time, the deadline of the step handed over and whether it was met.

    A step's deadline is the one its forward recorded (``data.step_due_at``), moved later by any
    supplement pause exactly as the services move it; the reception step's deadline is recomputed
    from the workflow the same way ``dossier_receive`` set it. Returning the result is outside the
    time limit, so it has no deadline.
    """
    t = TEXTS[lang]
    rows: list[SlipRow] = []
    step_due: datetime | None = None
    one_stop = f"{t['one_stop']}"
    applicant = _nfc(dossier.applicant_name)
    workflow = workflow_for(procedure_id=dossier.procedure_id)

    def judged(at: datetime, due: datetime | None) -> tuple[str, str]:
        if due is None:
            return "", ""
        verdict = working_calendar.classify_finished(finished_at=at, due_at=due, supplement_requests=0)
        return short_moment(due), _timeliness_words(verdict, lang)

    notes: dict[str, str] = {
        Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung, hoàn thiện hồ sơ" if lang == "vi" else "Supplement requested",
        Action.SUPPLY: "Đã bổ sung hồ sơ" if lang == "vi" else "Documents supplied",
        Action.REQUEST_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính" if lang == "vi" else "Payment requested",
        Action.PAYMENT_SETTLED: "Đã thực hiện nghĩa vụ tài chính" if lang == "vi" else "Payment received",
        Action.APOLOGISE: "Xin lỗi, hẹn lại ngày trả kết quả" if lang == "vi" else "Apology, new appointment",
        Action.STOP: "Dừng giải quyết hồ sơ" if lang == "vi" else "Processing stopped",
        Action.WITHDRAW: "Người nộp rút hồ sơ" if lang == "vi" else "Withdrawn by the applicant",
    }
    for event in events:
        at = timezone.localtime(event.at)
        data = event.data or {}
        actor = _person(event.actor)
        if event.action == Action.RECEIVE:
            spec = step_spec(workflow=workflow, step=Step.RECEIVE)
            limit = data.get("time_limit") or {}
            allowance = (
                step_allowance(spec=spec, total_amount=limit.get("amount"), total_unit=str(limit.get("unit", "")))
                if spec is not None
                else None
            )
            step_due = (
                working_calendar.due_at_for(
                    received_at=event.at, amount=allowance[0], unit=allowance[1], agency=dossier.agency
                ).due_at
                if allowance is not None
                else None
            )
            rows.append(
                SlipRow(
                    giver=f"{applicant} ({t['applicant'].lower()})",
                    taker=f"{actor} ({one_stop})",
                    at=short_moment(at),
                    deadline="",
                    result="",
                    note=f"{t['slip_due']}: {short_moment(data.get('due_at'))}",
                )
            )
        elif event.action == Action.FORWARD:
            deadline, result = judged(event.at, step_due)
            to_step = str(data.get("to_step", event.step))
            rows.append(
                SlipRow(
                    giver=f"{actor} ({_role_label(event.actor_role, lang)})",
                    taker=f"{_person(event.assignee)} ({_step_label(to_step, lang)})",
                    at=short_moment(at),
                    deadline=deadline,
                    result=result,
                    note=_nfc(event.note),
                )
            )
            step_due = _moment(data.get("step_due_at"))
        elif event.action == Action.RESULT_READY:
            deadline, result = judged(event.at, step_due)
            rows.append(
                SlipRow(
                    giver=f"{actor} ({_role_label(event.actor_role, lang)})",
                    taker=f"{one_stop} ({_step_label(Step.RETURN, lang)})",
                    at=short_moment(at),
                    deadline=deadline,
                    result=result,
                    note=_nfc(event.note),
                )
            )
            step_due = None
        elif event.action == Action.RETURN:
            rows.append(
                SlipRow(
                    giver=f"{actor} ({one_stop})",
                    taker=f"{applicant} ({t['applicant'].lower()})",
                    at=short_moment(at),
                    deadline="",
                    result="",
                    note=_nfc(event.note),
                )
            )
        elif event.action in notes:
            if event.action == Action.SUPPLY and step_due is not None:
                paused_from = _moment(data.get("paused_from"))
                if paused_from is not None:
                    step_due = working_calendar.due_at_after_pause(
                        due_at=step_due, paused_from=paused_from, resumed_at=event.at, agency=dossier.agency
                    )
            detail = "; ".join(_nfc(r) for r in data.get("reasons", [])) or _nfc(
                data.get("legal_reason") or data.get("reason") or event.note
            )
            if event.action == Action.APOLOGISE:
                detail = f"{detail} → {short_moment(data.get('due_at'))}"
            rows.append(
                SlipRow(
                    giver=f"{actor} ({_role_label(event.actor_role, lang)})" if actor else "",
                    taker="",
                    at=short_moment(at),
                    deadline="",
                    result="",
                    note=f"{notes[event.action]}: {detail}" if detail else notes[event.action],
                )
            )
    return rows


def _load_dossier(dossier: Dossier) -> Dossier:
    """The dossier with its agency (and the agency's superior and place) in one query."""
    return Dossier.objects.select_related(
        "agency__parent", "agency__province", "agency__administrative_unit", "procedure", "procedure_version"
    ).get(pk=dossier.pk)


def dossier_form_context(*, dossier: Dossier, number: int, lang: str = "vi") -> dict[str, Any]:
    """The template context of a dossier's form ``number`` (1–6); ``form_not_available`` if its event is missing."""
    if number not in FORM_EVENTS:
        raise form_unknown(number)
    language = _language(lang)
    t = TEXTS[language]
    dossier = _load_dossier(dossier)
    events = _events(dossier)
    event = _last(events, FORM_EVENTS[number])
    if event is None:
        raise form_not_available(number)
    agency = dossier.agency
    block = agency_block(agency)
    is_citizen = dossier.applicant_kind == ApplicantKind.CITIZEN
    data = event.data or {}
    received_day = timezone.localtime(dossier.received_at).date() if dossier.received_at else None
    filled = _Fill(
        you=t["you_citizen"] if is_citizen else t["you_org"],
        agency=block.full_name,
        officer=_person(event.actor),
        contact=_contact_suffix(block, language),
        date=date_words(received_day, language) if received_day else "",
        Date=date_words(received_day, language).capitalize() if received_day else "",
        moment=moment_words(event.at, language),
    )
    context: dict[str, Any] = {
        "number": f"{number:02d}",
        "lang": language,
        "t": {key: text.format_map(filled) for key, text in t.items()},
        "title": FORM_TITLES[number][language],
        "agency": block,
        "place_date": place_date_line(agency, timezone.localtime(event.at).date(), language),
        "code": dossier.code,
        "procedure_name": _nfc(dossier.procedure_version.name),
        "procedure_code": dossier.procedure.code,
        "applicant": {
            "label": t["applicant_citizen"] if is_citizen else t["applicant_org"],
            "name": _nfc(dossier.applicant_name),
            "id_number": dossier.applicant_id_number,
            "address": _nfc(dossier.applicant_address),
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
        },
        "officer": _person(event.actor),
        "event_at": moment_words(event.at, language),
        "received_at": moment_words(dossier.received_at, language),
        "submitted_at": moment_words(dossier.submitted_at, language),
        "channel": label_vi(Channel(dossier.channel).label) if language == "vi" else Channel(dossier.channel).name,
    }
    if number == 1:
        url = tracking_url(dossier.code)
        original_due = _moment(data.get("due_at"))
        current_due = _moment(dossier.due_at)
        context.update(
            documents=received_documents(dossier),
            time_limit=time_limit_words(data.get("time_limit"), language),
            received_at=moment_words(event.at, language),
            due_at=moment_words(original_due, language),
            due_moved=moment_words(current_due, language)
            if current_due is not None and original_due is not None and current_due != original_due
            else "",
            online=dossier.channel == Channel.ONLINE,
            tracking_url=url,
            qr=qr_svg(url),
            receiver=_person(event.actor),
        )
    elif number == 2:
        ids = [int(i) for i in data.get("required_document_ids", [])]
        names = (
            [_nfc(d.name) for d in RequiredDocument.objects.filter(pk__in=ids).order_by("position", "pk")]
            if ids
            else []
        )
        rounds = sum(1 for e in events if e.action == Action.REQUEST_SUPPLEMENT)
        context.update(
            reasons=[_nfc(r) for r in data.get("reasons", [])],
            supplement_documents=names,
            supplement_round=rounds if rounds > 1 else None,
        )
    elif number == 3:
        context.update(reasons=[_nfc(r) for r in data.get("reasons", [])])
    elif number == 4:
        context.update(
            reason=_nfc(data.get("reason") or event.note),
            previous_due_at=moment_words(data.get("previous_due_at"), language),
            new_due_at=moment_words(data.get("due_at"), language),
        )
    elif number == 5:
        context.update(
            legal_reason=_nfc(data.get("legal_reason") or event.note),
            legal_basis=_nfc(data.get("legal_basis", "")),
        )
    elif number == 6:
        timeliness = dossier_timeliness(dossier=dossier)
        if dossier.finished_at is None and timeliness == "on_time":
            summary = t["open_on_time"]
        else:
            summary = _timeliness_words(timeliness, language)
        context.update(
            rows=_slip_rows(dossier, events, language),
            due_at=moment_words(dossier.due_at, language),
            summary=summary,
            place_date=place_date_line(agency, timezone.localdate(), language),
        )
    return context


def dossier_form_render(*, dossier: Dossier, number: int, lang: str = "vi") -> bytes:
    """Form ``number`` (1–6) of the dossier as a PDF."""
    context = dossier_form_context(dossier=dossier, number=number, lang=lang)
    return html_to_pdf(render_to_string(TEMPLATES[number], context))


# --- Form 07: the dossier register ----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One dossier in the register (Form 07), dates as dd/mm/yyyy."""

    number: int
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    handling_agency: str
    received: str
    due: str
    forwarded: str
    result: str
    returned: str
    signature: str = ""

    def cells(self) -> list[str]:
        return [
            str(self.number),
            self.code,
            self.procedure,
            str(self.sets),
            self.applicant,
            self.address_phone,
            self.handling_agency,
            self.received,
            self.due,
            self.forwarded,
            self.result,
            self.returned,
            self.signature,
        ]


def _register_period(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    if date_to < date_from or (date_to - date_from).days + 1 > REGISTER_MAX_DAYS:
        raise ApiError(
            "register_period_invalid",
            f"Kỳ của sổ theo dõi phải bắt đầu không muộn hơn ngày kết thúc và dài tối đa {REGISTER_MAX_DAYS} ngày.",
            f"The register's period must start no later than it ends and last at most {REGISTER_MAX_DAYS} days.",
        )
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return start, end


def dossier_register_rows(*, agency: Agency, date_from: date, date_to: date) -> list[RegisterRow]:
    """The agency's dossiers received in the period (local dates, both included), by reception time.

    Two queries: the dossiers with their procedure versions, then the first forward of each (the
    day the desk passed the dossier on for processing).
    """
    start, end = _register_period(date_from, date_to)
    dossiers = list(
        Dossier.objects.filter(agency=agency, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version")
        .order_by("received_at", "id")
    )
    forwarded: dict[int, datetime] = {}
    if dossiers:
        forwarded = dict(
            DossierEvent.objects.filter(dossier_id__in=[d.pk for d in dossiers], action=Action.FORWARD)
            .values("dossier_id")
            .annotate(first=Min("at"))
            .values_list("dossier_id", "first")
        )
    agency_name = _nfc(agency.name)
    rows = []
    for index, d in enumerate(dossiers, start=1):
        contact = ", ".join(part for part in (_nfc(d.applicant_address), d.applicant_phone) if part)
        rows.append(
            RegisterRow(
                number=index,
                code=d.code,
                procedure=_nfc(d.procedure_version.name),
                sets=1,
                applicant=_nfc(d.applicant_name),
                address_phone=contact,
                handling_agency=agency_name,
                received=short_date(d.received_at),
                due=short_date(d.due_at),
                forwarded=short_date(forwarded.get(d.pk)),
                result=short_date(d.finished_at),
                returned=short_date(d.returned_at),
            )
        )
    return rows


def register_csv(rows: Iterable[RegisterRow], lang: Lang = "vi") -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Vietnamese letters correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REGISTER_COLUMNS[lang])
    for row in rows:
        writer.writerow(row.cells())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dossier_register_render(
    *, agency: Agency, date_from: date, date_to: date, fmt: Literal["pdf", "csv"] = "pdf", lang: str = "vi"
) -> bytes:
    """Form 07 for the agency and period, as an A4 landscape PDF or as CSV with the same columns."""
    language = _language(lang)
    rows = dossier_register_rows(agency=agency, date_from=date_from, date_to=date_to)
    if fmt == "csv":
        return register_csv(rows, language)
    if fmt != "pdf":
        raise ApiError("format_unsupported", "Định dạng phải là pdf hoặc csv.", "The format must be pdf or csv.")
    if len(rows) > REGISTER_PDF_MAX_ROWS:
        raise ApiError(
            "register_too_large",
            f"Sổ có {len(rows)} hồ sơ, quá {REGISTER_PDF_MAX_ROWS} dòng cho một tệp PDF; hãy chọn kỳ ngắn hơn "
            "hoặc tải tệp CSV.",
            f"The register has {len(rows)} dossiers, more than {REGISTER_PDF_MAX_ROWS} rows for one PDF; choose a "
            "shorter period or download the CSV.",
            status=422,
        )
    agency = Agency.objects.select_related("parent", "province", "administrative_unit").get(pk=agency.pk)
    t = TEXTS[language]
    context = {
        "number": "07",
        "lang": language,
        "t": t,
        "title": FORM_TITLES[7][language],
        "agency": agency_block(agency),
        "period": t["register_period"].format(start=date_from.strftime("%d/%m/%Y"), end=date_to.strftime("%d/%m/%Y")),
        "columns": REGISTER_COLUMNS[language],
        "rows": rows,
        "place_date": place_date_line(agency, timezone.localdate(), language),
    }
    return html_to_pdf(render_to_string(TEMPLATES[7], context))
