"""Official code formats (DESIGN.md §4): agency identifiers, procedure codes, dossier codes, personal IDs.

Every parser raises :class:`CodeError` with a Vietnamese and an English message so callers can show
the person exactly what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from opendvc.core.errors import ApiError


class CodeError(ApiError, ValueError):
    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(code, message_vi, message_en, status=400)


# --- Agency identifier (mã định danh, Decision 20/2020/QĐ-TTg; QCVN 102:2016) -------------------

AGENCY_CODE_MAX_LENGTH = 35
_AGENCY_GROUP = re.compile(r"^[0-9A-Z]{2,3}$")
_LEVEL1 = re.compile(r"^(?:[GH]\d{2}|[A-Z]\d{2})$")
# A lower level may also look like a level-1 code (``C08``): the ministry (G) or province (H) end wins.
_MINISTRY_OR_PROVINCE = re.compile(r"^[GH]\d{2}$")


@dataclass(frozen=True)
class AgencyCode:
    """A parsed agency identifier, kept in province-first order (``H29.17.05``).

    ``levels`` runs from level 1 (ministry ``G..`` or province ``H..``) down to the agency itself;
    ``00``/``000`` placeholder groups of the QCVN 102 order are dropped.
    """

    levels: tuple[str, ...]

    @property
    def canonical(self) -> str:
        return ".".join(self.levels)

    @property
    def qcvn(self) -> str:
        """The lowest-level-first order of QCVN 102:2016, padded to four groups (``000.00.00.H29``)."""
        padded = list(self.levels) + ["00"] * (4 - len(self.levels))
        groups = list(reversed(padded))
        if groups and groups[0] == "00":
            groups[0] = "000"
        return ".".join(groups)

    @property
    def level1(self) -> str:
        return self.levels[0]

    @property
    def depth(self) -> int:
        return len(self.levels)

    def __str__(self) -> str:
        return self.canonical


def parse_agency_code(raw: str) -> AgencyCode:
    """Parse an agency identifier written in either order.

    Two orders exist in the wild (DESIGN.md §4): ``000.00.01.H22`` (QCVN 102:2016, lowest level
    first, zero groups for the levels above) and ``H56.14`` (province or ministry first).
    When both end groups look like level-1 codes, the end that is a ministry (``G..``) or province
    (``H..``) code is level 1; when both are, the code is read province first.
    """
    value = (raw or "").strip().upper()
    if not value:
        raise CodeError("invalid_agency_code", "Mã cơ quan không được để trống.", "Agency code is empty.")
    if len(value) > AGENCY_CODE_MAX_LENGTH:
        raise CodeError(
            "invalid_agency_code",
            f"Mã cơ quan dài tối đa {AGENCY_CODE_MAX_LENGTH} ký tự.",
            f"An agency code has at most {AGENCY_CODE_MAX_LENGTH} characters.",
        )
    groups = value.split(".")
    if not all(_AGENCY_GROUP.match(g) for g in groups):
        raise CodeError(
            "invalid_agency_code",
            "Mã cơ quan gồm các nhóm 2–3 ký tự chữ in hoa hoặc chữ số, ngăn cách bởi dấu chấm (ví dụ H29.17).",
            "An agency code is dot-separated groups of 2–3 upper-case letters or digits (e.g. H29.17).",
        )
    first, last = groups[0], groups[-1]
    if _MINISTRY_OR_PROVINCE.match(first):
        ordered = groups
    elif _MINISTRY_OR_PROVINCE.match(last) or (not _LEVEL1.match(first) and _LEVEL1.match(last)):
        ordered = list(reversed(groups))
    elif _LEVEL1.match(first):
        ordered = groups
    else:
        raise CodeError(
            "invalid_agency_code",
            "Mã cơ quan phải bắt đầu hoặc kết thúc bằng mã cấp 1 (G01…, H01…).",
            "An agency code must start or end with a level-1 code (G01…, H01…).",
        )
    levels = [ordered[0]]
    for group in ordered[1:]:
        if set(group) == {"0"}:
            continue
        levels.append(group)
    return AgencyCode(tuple(levels))


def is_valid_agency_code(raw: str) -> bool:
    try:
        parse_agency_code(raw)
    except CodeError:
        return False
    return True


# --- Procedure code (mã TTHC) ----------------------------------------------------------------------

_TTHC = re.compile(r"^(\d)\.(\d{6})$")
_TTHC_LOCAL = re.compile(r"^(\d\.\d{6})((?:\.[0-9A-Z]{2,3})+)$")


def parse_tthc_code(raw: str) -> str:
    """Return the national procedure code ``N.NNNNNN``; a local variant's suffix is stripped.

    Local variants add the agency in QCVN order (``1.003560.000.00.00.H56``); the national
    database identifies the procedure by the first part only.
    """
    value = (raw or "").strip().upper()
    if _TTHC.match(value):
        return value
    local = _TTHC_LOCAL.match(value)
    if local and is_valid_agency_code(local.group(2)[1:]):
        return local.group(1)
    raise CodeError(
        "invalid_procedure_code",
        "Mã thủ tục hành chính có dạng N.NNNNNN (ví dụ 1.001193).",
        "A procedure code looks like N.NNNNNN (e.g. 1.001193).",
    )


def online_service_code(tthc_code: str) -> str:
    """The online-service code is the procedure code plus ``.01``."""
    return f"{parse_tthc_code(tthc_code)}.01"


# --- Dossier code (mã hồ sơ) -----------------------------------------------------------------------

_DOSSIER = re.compile(r"^(?P<agency>[0-9A-Z.]+)-(?P<date>\d{6})-(?P<seq>\d{4})$")


@dataclass(frozen=True)
class DossierCode:
    agency: AgencyCode
    received_on: date
    sequence: int

    def __str__(self) -> str:
        return f"{self.agency.canonical}-{self.received_on:%y%m%d}-{self.sequence:04d}"


def parse_dossier_code(raw: str) -> DossierCode:
    """``{agency code}-{yyMMdd of reception}-{4-digit daily sequence}``, e.g. ``H15.50.05.13-261008-0975``."""
    value = (raw or "").strip().upper()
    match = _DOSSIER.match(value)
    message = (
        "invalid_dossier_code",
        "Mã hồ sơ có dạng {mã cơ quan}-{yyMMdd}-{4 chữ số}, ví dụ H29.17-261008-0975.",
        "A dossier code looks like {agency code}-{yyMMdd}-{4 digits}, e.g. H29.17-261008-0975.",
    )
    if not match:
        raise CodeError(*message)
    try:
        agency = parse_agency_code(match["agency"])
    except CodeError:
        raise CodeError(*message) from None
    ymd = match["date"]
    try:
        received_on = date(2000 + int(ymd[:2]), int(ymd[2:4]), int(ymd[4:]))
    except ValueError:
        raise CodeError(*message) from None
    sequence = int(match["seq"])
    if sequence == 0:
        raise CodeError(*message)
    return DossierCode(agency, received_on, sequence)


# --- Personal identification number (số định danh cá nhân) -----------------------------------------


@dataclass(frozen=True)
class PersonalId:
    """``PPP G YY SSSSSS``: birth province, century/sex digit, birth year, serial (no checksum)."""

    number: str
    province_code: str
    birth_year: int
    is_female: bool


def parse_personal_id(raw: str) -> PersonalId:
    """Birth year = 1900 + 100·⌊G/2⌋ + YY; even G male, odd female (Circular 59/2021/TT-BCA, Art. 7)."""
    value = (raw or "").strip()
    if not re.fullmatch(r"\d{12}", value):
        raise CodeError(
            "invalid_personal_id",
            "Nhập số định danh cá nhân gồm 12 chữ số.",
            "Enter a 12-digit personal identification number.",
        )
    century_sex = int(value[3])
    return PersonalId(
        number=value,
        province_code=value[:3],
        birth_year=1900 + 100 * (century_sex // 2) + int(value[4:6]),
        is_female=century_sex % 2 == 1,
    )


#: Birth-registration province codes that open a personal ID (the 63 provinces before 2025, codes of
#: the General Statistics Office used by Circular 59/2021/TT-BCA, Annex). IDs issued before the 2025
#: merger keep them, so they are checked against this list, not the 34 provinces of 2025.
BIRTH_PROVINCE_CODES = frozenset(
    {
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    }
)


@dataclass(frozen=True)
class PersonalIdMismatch:
    code: str
    message_vi: str
    message_en: str


def personal_id_mismatches(
    number: str, *, birth_date: Any = None, sex: str = "", birth_province_code: str = ""
) -> list[PersonalIdMismatch]:
    """What in the ID's structure disagrees with a stated birth date, sex (``male``/``female``) and
    birth-registration province (a 3-digit code), per Circular 59/2021/TT-BCA, Art. 7."""
    parsed = parse_personal_id(number)
    problems: list[PersonalIdMismatch] = []
    if parsed.province_code not in BIRTH_PROVINCE_CODES:
        problems.append(
            PersonalIdMismatch(
                "personal_id_province_unknown",
                f"Ba chữ số đầu ({parsed.province_code}) không phải mã tỉnh nơi đăng ký khai sinh nào.",
                f"The first three digits ({parsed.province_code}) are not a birth-registration province code.",
            )
        )
    elif birth_province_code and birth_province_code.zfill(3) != parsed.province_code:
        problems.append(
            PersonalIdMismatch(
                "personal_id_province_mismatch",
                f"Ba chữ số đầu ({parsed.province_code}) khác mã tỉnh nơi đăng ký khai sinh "
                f"({birth_province_code.zfill(3)}).",
                f"The first three digits ({parsed.province_code}) differ from the birth province "
                f"({birth_province_code.zfill(3)}).",
            )
        )
    year = getattr(birth_date, "year", None)
    if year is not None and year != parsed.birth_year:
        problems.append(
            PersonalIdMismatch(
                "personal_id_birth_year_mismatch",
                f"Chữ số thứ 4 đến 6 cho năm sinh {parsed.birth_year}, khác năm sinh {year}.",
                f"Digits 4 to 6 give the birth year {parsed.birth_year}, not {year}.",
            )
        )
    if sex in {"male", "female"} and (sex == "female") != parsed.is_female:
        problems.append(
            PersonalIdMismatch(
                "personal_id_sex_mismatch",
                "Chữ số thứ 4 là số chẵn với nam, số lẻ với nữ: số định danh không khớp với giới tính.",
                "The 4th digit is even for men and odd for women: the ID does not match the sex.",
            )
        )
    return problems
