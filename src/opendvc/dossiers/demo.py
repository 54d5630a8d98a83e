"""Demo dossiers: the two demo Departments of Justice (H29.17 Hồ Chí Minh City, H26.17 Hà Nội) with
dossiers in every status 1–10, so every citizen and officer page has something real to show.

Each dossier is one :class:`Scenario`: who applies, for which kind of procedure, and the steps of its
history, each at a moment counted in working days before the last working day before today. Some
are overdue and some due within two working days when loaded; some waited for a supplement (their
due date moved), some finished early, on time or late (one with an apology, Form 04).

**Time travel (demo only).** The services take the time from ``django.utils.timezone.now``. The
loader replays each history through the real services with that clock set to each step's moment
(:func:`demo_clock`, the same technique as the test suite's ``clock`` fixture), so codes, due dates,
events and their hash chain, audit entries and notifications are exactly what the services write —
nothing is written around them. The clock is restored afterwards; use it only in this loader.

Loading is idempotent: every demo dossier carries an idempotency key (``demo:<city>:<scenario>``)
and a scenario whose dossier exists is skipped. Procedures are those the agencies really offer in
the demo catalogue (``ServiceOffering``); applicants are the demo citizen (``079090001234``), the demo
business (``0312345673``) and citizens without an account registered at the desk.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from opendvc.accounts.models import Organisation, User
from opendvc.agencies.models import Agency
from opendvc.catalog.models import Procedure, RequiredDocument, ServiceOffering
from opendvc.core.calendar import WorkingCalendar
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.models import ApplicantKind, Channel, Dossier, Step
from opendvc.dossiers.services import ApplicantInput, DocumentInput, TimeLimit

DEMO_AGENCIES = {"hcm": "H29.17", "hn": "H26.17"}
DEMO_CITIZEN = "079090001234"
DEMO_BUSINESS = "0312345673"

#: Procedures of a Department of Justice, by the time limit a scenario expects: the desk states 5
#: working days for those without a limit in the catalogue ("long"); "mid" are 3 working days and
#: "short" 1 working day in the catalogue. The first one the agency offers is used.
PROCEDURE_CHOICES: dict[str, tuple[str, ...]] = {
    "long": ("2.001895", "1.005136", "2.002036", "2.002038"),
    "mid": ("1.011441", "1.011442", "1.011443"),
    "short": ("2.002516", "2.000908"),
}
DESK_TIME_LIMIT = TimeLimit(amount=Decimal(5), unit="working_days")


@dataclass(frozen=True)
class Person:
    name: str
    personal_id: str
    phone: str
    address: str
    email: str = ""


#: Citizens without an account whose dossiers the desk registers (valid IDs: PPP G YY SSSSSS).
WALK_IN: dict[str, tuple[Person, ...]] = {
    "hcm": (
        Person("Lê Thị Thu Hà", "079185003456", "0938123456", "Số 12 đường Lê Lợi, Phường Sài Gòn, TP. Hồ Chí Minh"),
        Person(
            "Trần Quốc Bảo", "079092004567", "0977234567", "Số 48 đường Nguyễn Trãi, Phường Chợ Quán, TP. Hồ Chí Minh"
        ),
        Person(
            "Phạm Ngọc Anh Thư",
            "079301005678",
            "0909345678",
            "Số 7 đường Võ Văn Ngân, Phường Thủ Đức, TP. Hồ Chí Minh",
            "anhthu.pham@example.com",
        ),
    ),
    "hn": (
        Person("Đặng Văn Long", "001088006789", "0912456789", "Số 5 phố Hàng Bài, Phường Hoàn Kiếm, TP. Hà Nội"),
        Person(
            "Ngô Thị Lan Anh",
            "001195007890",
            "0983567890",
            "Số 21 phố Kim Mã, Phường Giảng Võ, TP. Hà Nội",
            "lananh.ngo@example.com",
        ),
        Person("Hoàng Đức Minh", "001203002233", "0965678901", "Số 3 ngõ 68 Cầu Giấy, Phường Cầu Giấy, TP. Hà Nội"),
    ),
}


@dataclass(frozen=True)
class At:
    """A moment ``days`` working days before the last working day before today, at ``clock`` (HH:MM)."""

    days: int
    clock: str


@dataclass(frozen=True)
class Do:
    """One step: ``action`` at ``at``; ``value`` is the step's own input (reasons, a date…)."""

    at: At
    action: str
    value: Any = None


@dataclass(frozen=True)
class Scenario:
    """A dossier's story. ``applicant``: ``citizen`` or ``business`` (online), or ``walk_in:<n>`` (desk,
    ``channel`` 1 in person or 3 by post). The first step is ``submit`` or ``register``."""

    key: str
    applicant: str
    procedure: str
    steps: tuple[Do, ...]
    channel: int = Channel.IN_PERSON


def _d(days: int, clock: str, action: str, value: Any = None) -> Do:
    return Do(At(days, clock), action, value)


SUPPLEMENT = (
    "Bản sao giấy khai sinh chưa được chứng thực; đề nghị nộp bản sao có chứng thực hoặc bản chụp kèm bản chính.",
)
SUPPLEMENT_SPECIALIST = (
    "Nơi cư trú trong tờ khai chưa khớp với giấy tờ kèm theo; đề nghị bổ sung giấy xác nhận thông tin cư trú.",
)
REFUSALS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của Sở Tư pháp; đề nghị nộp tại Ủy ban nhân dân cấp xã nơi cư trú.",
)
STOP_REASON = "Người yêu cầu có văn bản đề nghị dừng giải quyết để bổ sung hồ sơ gốc từ nước ngoài."
STOP_BASIS = "Khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP"
APOLOGY = "Cần xác minh thông tin với cơ quan đăng ký hộ tịch ở nước ngoài qua cơ quan đại diện nên chưa kịp thời hạn."

#: The same stories for both agencies: three or more dossiers in every status.
SCENARIOS: tuple[Scenario, ...] = (
    # 1 — submitted, waiting for the desk
    Scenario("s1-online", "citizen", "long", (_d(0, "16:40", "submit"),)),
    Scenario("s1-business-evening", "business", "mid", (_d(0, "20:15", "submit"),)),
    Scenario("s1-post", "walk_in:0", "long", (_d(0, "10:20", "register"),), channel=Channel.POST),
    # 2 — received, to forward (one due soon and still at the desk)
    Scenario("s2-online", "citizen", "mid", (_d(1, "07:50", "submit"), _d(1, "08:30", "receive"))),
    Scenario("s2-desk", "walk_in:1", "long", (_d(0, "09:15", "register", "receive"),)),
    Scenario("s2-due-soon", "walk_in:2", "long", (_d(3, "14:00", "register", "receive"),)),
    # 3 — refused at reception
    Scenario("s3-online", "citizen", "short", (_d(5, "10:00", "submit"), _d(5, "14:00", "refuse"))),
    Scenario("s3-business", "business", "mid", (_d(8, "09:00", "submit"), _d(7, "08:45", "refuse"))),
    Scenario(
        "s3-post",
        "walk_in:0",
        "short",
        (_d(4, "09:00", "register"), _d(4, "10:30", "refuse")),
        channel=Channel.POST,
    ),
    # 4 — in progress, at each internal step; two overdue; one after a supplement
    Scenario(
        "s4-appraise-due-soon",
        "citizen",
        "long",
        (_d(3, "08:15", "submit"), _d(3, "09:00", "receive"), _d(3, "10:00", "forward", Step.APPRAISE)),
    ),
    Scenario(
        "s4-approve",
        "walk_in:1",
        "long",
        (
            _d(1, "09:40", "register", "receive"),
            _d(1, "10:10", "forward", Step.APPRAISE),
            _d(0, "15:00", "forward", Step.APPROVE),
        ),
    ),
    Scenario(
        "s4-issue",
        "citizen",
        "long",
        (
            _d(1, "07:40", "submit"),
            _d(1, "08:05", "receive"),
            _d(1, "08:30", "forward", Step.APPRAISE),
            _d(1, "14:00", "forward", Step.APPROVE),
            _d(0, "09:30", "forward", Step.ISSUE),
        ),
    ),
    Scenario(
        "s4-overdue-appraise",
        "walk_in:2",
        "long",
        (_d(8, "09:00", "register", "receive"), _d(8, "09:30", "forward", Step.APPRAISE)),
    ),
    Scenario(
        "s4-overdue-approve",
        "business",
        "mid",
        (
            _d(6, "08:00", "submit"),
            _d(6, "08:30", "receive"),
            _d(6, "09:00", "forward", Step.APPRAISE),
            _d(5, "15:00", "forward", Step.APPROVE),
        ),
    ),
    Scenario(
        "s4-after-supplement",
        "citizen",
        "long",
        (
            _d(7, "09:00", "submit"),
            _d(7, "09:20", "receive"),
            _d(7, "10:00", "forward", Step.APPRAISE),
            _d(6, "10:00", "request_supplement", SUPPLEMENT_SPECIALIST),
            _d(2, "15:00", "supply"),
            _d(1, "09:00", "forward", Step.APPROVE),
        ),
    ),
    # 5 — waiting for a supplement (the clock is stopped)
    Scenario(
        "s5-desk-online",
        "citizen",
        "long",
        (_d(4, "09:00", "submit"), _d(4, "09:30", "receive"), _d(3, "10:00", "request_supplement", SUPPLEMENT)),
    ),
    Scenario(
        "s5-specialist",
        "business",
        "mid",
        (
            _d(5, "10:00", "submit"),
            _d(5, "10:30", "receive"),
            _d(5, "11:00", "forward", Step.APPRAISE),
            _d(4, "14:00", "request_supplement", SUPPLEMENT_SPECIALIST),
        ),
    ),
    Scenario(
        "s5-at-desk",
        "walk_in:1",
        "long",
        (_d(2, "09:00", "register", "receive"), _d(2, "09:10", "request_supplement", SUPPLEMENT)),
    ),
    # 6 — payment requested (the clock keeps running)
    Scenario(
        "s6-online",
        "citizen",
        "long",
        (
            _d(1, "08:00", "submit"),
            _d(1, "08:20", "receive"),
            _d(1, "09:00", "forward", Step.APPRAISE),
            _d(0, "10:00", "request_payment", 200000),
        ),
    ),
    Scenario(
        "s6-desk",
        "walk_in:0",
        "short",
        (
            _d(0, "08:00", "register", "receive"),
            _d(0, "08:30", "forward", Step.APPRAISE),
            _d(0, "09:00", "request_payment"),
        ),
    ),
    Scenario(
        "s6-business",
        "business",
        "mid",
        (
            _d(1, "09:00", "submit"),
            _d(1, "09:15", "receive"),
            _d(1, "09:45", "forward", Step.APPRAISE),
            _d(1, "14:00", "request_payment", 50000),
        ),
    ),
    # 7 — withdrawn by the applicant (from 1, 2 and 5)
    Scenario("s7-new", "citizen", "long", (_d(6, "09:00", "submit"), _d(6, "11:00", "withdraw"))),
    Scenario(
        "s7-received",
        "citizen",
        "mid",
        (_d(9, "08:00", "submit"), _d(9, "08:30", "receive"), _d(8, "10:00", "withdraw")),
    ),
    Scenario(
        "s7-supplement",
        "business",
        "long",
        (
            _d(5, "09:00", "submit"),
            _d(5, "09:20", "receive"),
            _d(4, "10:00", "request_supplement", SUPPLEMENT),
            _d(2, "16:00", "withdraw"),
        ),
    ),
    # 8 — stopped by the leader (Form 05)
    Scenario(
        "s8-approve",
        "walk_in:2",
        "long",
        (
            _d(10, "09:00", "register", "receive"),
            _d(10, "09:30", "forward", Step.APPRAISE),
            _d(8, "10:00", "forward", Step.APPROVE),
            _d(7, "15:00", "stop"),
        ),
    ),
    Scenario(
        "s8-appraise",
        "citizen",
        "mid",
        (
            _d(12, "09:00", "submit"),
            _d(12, "09:30", "receive"),
            _d(12, "10:00", "forward", Step.APPRAISE),
            _d(11, "14:00", "stop"),
        ),
    ),
    Scenario(
        "s8-business",
        "business",
        "long",
        (
            _d(9, "09:00", "submit"),
            _d(9, "09:10", "receive"),
            _d(9, "09:30", "forward", Step.APPRAISE),
            _d(7, "10:00", "forward", Step.APPROVE),
            _d(6, "09:00", "stop"),
        ),
    ),
    # 9 — result ready, waiting to be returned: early, on time, late
    Scenario(
        "s9-early",
        "citizen",
        "short",
        (
            _d(2, "08:00", "submit"),
            _d(2, "08:15", "receive"),
            _d(2, "08:30", "forward", Step.APPRAISE),
            _d(2, "09:30", "forward", Step.APPROVE),
            _d(2, "10:30", "forward", Step.ISSUE),
            _d(2, "15:00", "result_ready"),
        ),
    ),
    Scenario(
        "s9-on-time",
        "walk_in:0",
        "mid",
        (
            _d(3, "09:00", "register", "receive"),
            _d(3, "09:20", "forward", Step.APPRAISE),
            _d(2, "10:00", "forward", Step.APPROVE),
            _d(1, "09:00", "forward", Step.ISSUE),
            _d(0, "09:00", "result_ready"),
        ),
    ),
    Scenario(
        "s9-late",
        "business",
        "long",
        (
            _d(12, "09:00", "submit"),
            _d(12, "09:30", "receive"),
            _d(12, "10:00", "forward", Step.APPRAISE),
            _d(6, "09:00", "forward", Step.APPROVE),
            _d(5, "09:00", "forward", Step.ISSUE),
            _d(4, "10:00", "result_ready"),
        ),
    ),
    # 10 — result returned: early, on time after a supplement, late with an apology
    Scenario(
        "s10-early",
        "citizen",
        "long",
        (
            _d(15, "09:00", "submit"),
            _d(15, "09:30", "receive"),
            _d(15, "10:00", "forward", Step.APPRAISE),
            _d(14, "09:00", "forward", Step.APPROVE),
            _d(13, "09:00", "forward", Step.ISSUE),
            _d(13, "14:00", "result_ready"),
            _d(12, "09:00", "return"),
        ),
    ),
    Scenario(
        "s10-on-time-supplement",
        "walk_in:1",
        "mid",
        (
            _d(14, "08:30", "register", "receive"),
            _d(14, "09:00", "forward", Step.APPRAISE),
            _d(13, "10:00", "request_supplement", SUPPLEMENT_SPECIALIST),
            _d(11, "09:00", "supply"),
            _d(10, "09:00", "forward", Step.APPROVE),
            _d(10, "14:00", "forward", Step.ISSUE),
            _d(10, "15:00", "result_ready"),
            _d(9, "08:00", "return"),
        ),
    ),
    Scenario(
        "s10-late-apology",
        "citizen",
        "mid",
        (
            _d(20, "09:00", "submit"),
            _d(20, "09:30", "receive"),
            _d(20, "10:00", "forward", Step.APPRAISE),
            _d(16, "09:00", "forward", Step.APPROVE),
            _d(16, "10:00", "apologise", At(14, "17:00")),
            _d(15, "09:00", "forward", Step.ISSUE),
            _d(15, "10:00", "result_ready"),
            _d(14, "09:00", "return"),
        ),
    ),
    Scenario(
        "s10-business-short",
        "business",
        "short",
        (
            _d(6, "08:00", "submit"),
            _d(6, "08:30", "receive"),
            _d(6, "09:00", "forward", Step.APPRAISE),
            _d(6, "10:00", "forward", Step.APPROVE),
            _d(6, "11:00", "forward", Step.ISSUE),
            _d(6, "14:00", "result_ready"),
            _d(5, "09:00", "return"),
        ),
    ),
)


# --- The clock ---------------------------------------------------------------------------------------


class DemoClock:
    """A settable ``timezone.now`` for replaying histories (demo loading only)."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self) -> datetime:
        return self.moment


@contextmanager
def demo_clock() -> Iterator[DemoClock]:
    """Patch ``django.utils.timezone.now`` for the block; every service call inside sees ``clock.moment``.

    E-mails go to Django's in-memory outbox meanwhile, so loading does not print dozens of messages.
    """
    clock = DemoClock()
    with (
        mock.patch.object(timezone, "now", clock),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
    ):
        yield clock


class Moments:
    """Working days counted back from the last working day before ``today`` at the agency."""

    def __init__(self, *, agency: Agency, today: date) -> None:
        self.calendar = WorkingCalendar(agency=agency)
        self.calendar.preload(today - timedelta(days=90), today)
        self.days: list[date] = []
        day = today - timedelta(days=1)
        while len(self.days) < 40:
            if self.calendar.is_working_day(day):
                self.days.append(day)
            day -= timedelta(days=1)

    def at(self, at: At) -> datetime:
        hour, minute = (int(part) for part in at.clock.split(":"))
        return timezone.make_aware(datetime.combine(self.days[at.days], time(hour, minute)))


# --- Files ---------------------------------------------------------------------------------------------


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text (ASCII; the demo's stand-in for a scanned form)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 16 Tf 60 760 Td (" + text + b") Tj 0 -28 Td /F1 11 Tf (OpenDVC - du lieu mau) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def demo_png(width: int = 240, height: int = 150) -> bytes:
    """A small grey 'scan' with a darker band, as a real PNG (for the in-page image viewer)."""
    rows = []
    for y in range(height):
        shade = 90 if 40 <= y < 60 else (200 if y % 20 else 170)
        rows.append(b"\x00" + bytes([shade]) * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _upload(user: User, name: str, content: bytes) -> int:
    return services.attachment_upload(user=user, file=SimpleUploadedFile(name, content)).pk


# --- Loading ---------------------------------------------------------------------------------------------


@dataclass
class DemoDossiersResult:
    created: list[str] = field(default_factory=list)
    existing: int = 0
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class _City:
    key: str
    agency: Agency
    officers: dict[str, User]
    procedures: dict[str, Procedure]
    citizen: User
    business: User
    organisation: Organisation | None
    moments: Moments


def _procedures_for(agency: Agency) -> dict[str, Procedure]:
    """The scenario's kinds of procedure among those the agency offers (published versions only)."""
    offered = {
        offering.procedure.code: offering.procedure
        for offering in ServiceOffering.objects.filter(
            agency=agency, is_active=True, procedure__current_version__isnull=False
        ).select_related("procedure", "procedure__current_version")
    }
    chosen: dict[str, Procedure] = {}
    fallback = [offered[code] for code in sorted(offered)]
    for kind, codes in PROCEDURE_CHOICES.items():
        for code in codes:
            if code in offered:
                chosen[kind] = offered[code]
                break
        else:
            if fallback:
                chosen[kind] = fallback[0]
    return chosen


def _city(key: str, *, today: date, result: DemoDossiersResult) -> _City | None:
    agency = Agency.objects.filter(code=DEMO_AGENCIES[key]).first()
    officers = {
        role: User.objects.filter(username=f"{role}.{key}").first()
        for role in ("desk", "specialist", "leader", "clerk")
    }
    citizen = User.objects.filter(username=DEMO_CITIZEN).first()
    business = User.objects.filter(username=DEMO_BUSINESS).first()
    if agency is None:
        result.missing.append(DEMO_AGENCIES[key])
        return None
    if None in officers.values() or citizen is None or business is None:
        result.missing.append(f"demo accounts ({key})")
        return None
    procedures = _procedures_for(agency)
    if not procedures:
        result.missing.append(f"procedures offered by {agency.code}")
        return None
    return _City(
        key=key,
        agency=agency,
        officers={role: user for role, user in officers.items() if user is not None},
        procedures=procedures,
        citizen=citizen,
        business=business,
        organisation=business.organisations.filter(tax_code=DEMO_BUSINESS).first(),
        moments=Moments(agency=agency, today=today),
    )


def _idempotency_key(city: _City, scenario: Scenario) -> str:
    return f"demo:{city.key}:{scenario.key}"


def _submitter(city: _City, scenario: Scenario) -> User:
    if scenario.applicant == "citizen":
        return city.citizen
    if scenario.applicant == "business":
        return city.business
    return city.officers["desk"]


def _documents(city: _City, procedure: Procedure, owner: User, *, with_image: bool) -> list[DocumentInput]:
    """A file for each mandatory component (or the first one), and a photographed page when asked."""
    version = procedure.current_version
    components = list(RequiredDocument.objects.filter(version=version).order_by("position", "pk"))
    wanted = [doc for doc in components if doc.mandatory] or components[:1]
    documents = [
        DocumentInput(
            attachment_id=_upload(owner, f"to-khai-{index}.pdf", demo_pdf(f"To khai - {procedure.code}")),
            required_document_id=doc.pk,
        )
        for index, doc in enumerate(wanted, start=1)
    ]
    if with_image:
        extra = components[1] if len(components) > 1 and components[1] not in wanted else None
        documents.append(
            DocumentInput(
                attachment_id=_upload(owner, "anh-chup-giay-to.png", demo_png()),
                required_document_id=extra.pk if extra is not None else None,
            )
        )
    return documents


def _form_data(city: _City, scenario: Scenario, person: Person | None) -> dict[str, Any]:
    if person is not None:
        name, personal_id, address = person.name, person.personal_id, person.address
    elif scenario.applicant == "business":
        name, personal_id, address = city.business.full_name, city.business.personal_id or "", ""
    else:
        name, personal_id, address = city.citizen.full_name, city.citizen.personal_id or "", ""
    data = {
        "Họ, chữ đệm và tên người yêu cầu": name,
        "Số định danh cá nhân": personal_id,
        "Nơi cư trú": address or ("TP. Hồ Chí Minh" if city.key == "hcm" else "TP. Hà Nội"),
        "Nội dung yêu cầu": "Đề nghị cơ quan giải quyết theo thủ tục đã chọn; thông tin khai là đúng sự thật.",
        "Số bản sao đề nghị cấp": 2,
        "Nhận kết quả tại": "Bộ phận một cửa",
    }
    if scenario.applicant == "business" and city.organisation is not None:
        data["Doanh nghiệp"] = {"Tên": city.organisation.name, "Mã số thuế": city.organisation.tax_code}
    return data


def _receive(dossier: Dossier, actor: User) -> Dossier:
    limit = None if services._catalogue_time_limit(dossier=dossier) is not None else DESK_TIME_LIMIT
    return services.dossier_receive(dossier=dossier, actor=actor, time_limit=limit)


def _play(city: _City, scenario: Scenario, clock: DemoClock) -> Dossier:
    procedure = city.procedures[scenario.procedure]
    officers = city.officers
    first, *rest = scenario.steps
    clock.moment = city.moments.at(first.at)
    key = _idempotency_key(city, scenario)
    person: Person | None = None
    if first.action == "submit":
        owner = city.citizen if scenario.applicant == "citizen" else city.business
        organisation = city.organisation if scenario.applicant == "business" else None
        dossier = services.dossier_submit(
            applicant=owner,
            agency=city.agency,
            procedure=procedure,
            procedure_version=procedure.current_version.number,  # type: ignore[union-attr]
            form_data=_form_data(city, scenario, None),
            documents=_documents(city, procedure, owner, with_image=scenario.applicant == "citizen"),
            idempotency_key=key,
            organisation=organisation,
        ).dossier
    else:
        person = WALK_IN[city.key][int(scenario.applicant.partition(":")[2])]
        receive_now = first.value == "receive"
        dossier = services.dossier_register(
            officer=officers["desk"],
            agency=city.agency,
            procedure=procedure,
            channel=scenario.channel,
            applicant=ApplicantInput(
                name=person.name,
                kind=ApplicantKind.CITIZEN,
                id_number=person.personal_id,
                phone=person.phone,
                email=person.email,
                address=person.address,
            ),
            form_data=_form_data(city, scenario, person),
            documents=_documents(city, procedure, officers["desk"], with_image=True),
            idempotency_key=key,
        )
        if receive_now:
            dossier = _receive(dossier, officers["desk"])
    for step in rest:
        clock.moment = city.moments.at(step.at)
        dossier = _step(city, scenario, dossier, step)
    return dossier


def _step(city: _City, scenario: Scenario, dossier: Dossier, step: Do) -> Dossier:
    officers = city.officers
    online = scenario.applicant in ("citizen", "business")
    applicant = city.citizen if scenario.applicant == "citizen" else city.business
    action = step.action
    if action == "receive":
        return _receive(dossier, officers["desk"])
    if action == "refuse":
        return services.dossier_refuse(dossier=dossier, actor=officers["desk"], reasons=list(REFUSALS))
    if action == "forward":
        if dossier.status == 4 and dossier.current_step == Step.APPRAISE:
            actor = officers["specialist"]
        elif dossier.status == 4:
            actor = officers["leader"]
        else:
            actor = officers["desk"]
        assignee = {Step.APPRAISE: "specialist", Step.APPROVE: "leader", Step.ISSUE: "clerk"}[step.value]
        return services.dossier_forward(
            dossier=dossier, actor=actor, to_step=step.value, assignee=officers[assignee], note="Đề nghị xử lý."
        )
    if action == "request_supplement":
        actor = officers["specialist"] if dossier.status == 4 else officers["desk"]
        return services.dossier_request_supplement(dossier=dossier, actor=actor, reasons=list(step.value))
    if action == "supply":
        if online:
            documents = [
                DocumentInput(attachment_id=_upload(applicant, "giay-to-bo-sung.pdf", demo_pdf("Giay to bo sung")))
            ]
            return services.dossier_supplement_submit(
                dossier=dossier, actor=applicant, documents=documents, note="Đã bổ sung giấy tờ theo yêu cầu."
            )
        return services.dossier_supplement_submit(
            dossier=dossier, actor=officers["desk"], note="Người nộp mang bản chính đến bộ phận một cửa."
        )
    if action == "request_payment":
        return services.dossier_request_payment(dossier=dossier, actor=officers["specialist"], amount=step.value)
    if action == "withdraw":
        return services.dossier_withdraw(
            dossier=dossier, actor=applicant, reason="Tôi cần bổ sung thêm giấy tờ và sẽ nộp lại sau."
        )
    if action == "stop":
        return services.dossier_stop(
            dossier=dossier, actor=officers["leader"], legal_reason=STOP_REASON, legal_basis=STOP_BASIS
        )
    if action == "result_ready":
        result = _upload(officers["clerk"], "ket-qua-giai-quyet.pdf", demo_pdf(f"Ket qua - {dossier.code}"))
        return services.dossier_result_ready(
            dossier=dossier, actor=officers["clerk"], documents=[DocumentInput(attachment_id=result)]
        )
    if action == "return":
        return services.dossier_return(
            dossier=dossier, actor=officers["desk"], note="Trả trực tiếp tại bộ phận một cửa."
        )
    if action == "apologise":
        return services.dossier_apologise(
            dossier=dossier, actor=officers["leader"], reason=APOLOGY, new_due_at=city.moments.at(step.value)
        )
    raise ValueError(f"unknown demo step {action!r}")


def demo_dossiers_load(*, today: date | None = None) -> DemoDossiersResult:
    """Create the demo dossiers that do not exist yet (see the module docstring); returns what happened.

    A scenario the services refuse (say, a form validator that wants other answers) is skipped and
    named in ``skipped`` with the reason; the others still load.
    """
    result = DemoDossiersResult()
    today = today or timezone.localdate()
    for key in DEMO_AGENCIES:
        city = _city(key, today=today, result=result)
        if city is None:
            continue
        for scenario in SCENARIOS:
            if scenario.procedure not in city.procedures:
                result.skipped.append(f"{city.agency.code} {scenario.key}: no such procedure offered")
                continue
            if Dossier.objects.filter(
                submitted_by=_submitter(city, scenario), idempotency_key=_idempotency_key(city, scenario)
            ).exists():
                result.existing += 1
                continue
            try:
                with demo_clock() as clock:
                    dossier = _play(city, scenario, clock)
            except ApiError as error:
                result.skipped.append(f"{city.agency.code} {scenario.key}: {error.code} — {error.message_en}")
                continue
            result.created.append(dossier.code)
    return result
