"""Reads of administrative units (Resolution 202/2025/QH15) and agencies (Decision 20/2020/QĐ-TTg)."""

from __future__ import annotations

import base64
import binascii
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from opendvc.agencies.models import AdministrativeUnit, Agency, LegacyUnitMapping
from opendvc.core.codes import AGENCY_CODE_MAX_LENGTH, parse_agency_code
from opendvc.core.errors import ApiError, NotFound
from opendvc.core.text import words

QUERY_MAX_LENGTH = 200
PAGE_MAX_LIMIT = 100


# --- Administrative units --------------------------------------------------------------------------


def province_list() -> QuerySet[AdministrativeUnit]:
    """The 34 provinces and centrally-run cities, by GSO code."""
    return AdministrativeUnit.objects.filter(kind__in=AdministrativeUnit.PROVINCE_KINDS).order_by("code")


def province_get(*, code: str) -> AdministrativeUnit:
    """The province with GSO code ``code`` (``79`` or ``1``/``01``); ``unknown_province`` (404) otherwise."""
    value = (code or "").strip()
    province = None
    if re.fullmatch(r"[0-9]{1,2}", value):
        province = province_list().filter(code=value.zfill(2)).first()
    if province is None:
        shown = value[:10]
        raise NotFound(
            f"Không có tỉnh, thành phố mã “{shown}”. Dùng mã 2 chữ số của Tổng cục Thống kê, ví dụ 79.",
            f"There is no province with code “{shown}”. Use the two-digit GSO code, e.g. 79.",
            code="unknown_province",
        )
    return province


def commune_list(*, province_code: str) -> QuerySet[AdministrativeUnit]:
    """The communes (phường, xã, đặc khu) of a province, by code; ``unknown_province`` for a bad code."""
    province = province_get(code=province_code)
    return AdministrativeUnit.objects.filter(province=province).select_related("province").order_by("code")


@dataclass(frozen=True)
class PlaceNames:
    """Every province's and commune's name by code: ``provinces[code]``, ``communes[(province, code)]``."""

    provinces: dict[str, str]
    communes: dict[tuple[str, str], str]


#: How long a worker trusts the names it read. Units change only by a resolution of the National
#: Assembly Standing Committee (the 2025 arrangement: Resolution 202/2025/QH15 and the resolutions on
#: communes), announced months ahead and loaded with ``load_administrative_units``.
PLACE_NAMES_TTL_SECONDS = 300.0

_places: tuple[float, PlaceNames] | None = None
_places_lock = threading.Lock()


def place_names() -> PlaceNames:
    """The names of the 34 provinces and 3,321 communes, read in one query and kept a few minutes.

    Every online form with an address checks its province and commune against the official list;
    reading that list per submission cost three queries for a few hundred bytes that change once in
    years. A save or delete of a unit in this process forgets at once (``place_names_forget``); other
    workers see a change within ``PLACE_NAMES_TTL_SECONDS``.
    """
    global _places
    held = _places
    now = time.monotonic()
    if held is not None and now - held[0] < PLACE_NAMES_TTL_SECONDS:
        return held[1]
    provinces: dict[str, str] = {}
    communes: dict[tuple[str, str], str] = {}
    rows = AdministrativeUnit.objects.values_list("code", "name", "kind", "province__code")
    for code, name, kind, province in rows:
        if kind in AdministrativeUnit.PROVINCE_KINDS:
            provinces[code] = name
        elif province is not None:
            communes[(province, code)] = name
    names = PlaceNames(provinces=provinces, communes=communes)
    with _places_lock:
        _places = (now, names)
    return names


def place_names_forget(**_: Any) -> None:
    """Forget the names read (a unit was saved or deleted here, or a bulk load ran)."""
    global _places
    with _places_lock:
        _places = None


# --- Old (pre-2025) addresses ------------------------------------------------------------------------

_PREFIXES = [
    ("thanh", "pho"),
    ("thi", "xa"),
    ("thi", "tran"),
    ("dac", "khu"),
    ("tinh",),
    ("tp",),
    ("quan",),
    ("huyen",),
    ("phuong",),
    ("xa",),
    ("tx",),
    ("tt",),
    ("q",),
    ("p",),
    ("h",),
    ("x",),
]
_SHORT_NUMBERED = re.compile(r"\b([PpQq])\.?(\d{1,2})\b")
_PROVINCE_ALIASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("hcm",): ("ho", "chi", "minh"),
    ("tphcm",): ("ho", "chi", "minh"),
    ("hn",): ("ha", "noi"),
    ("hue",): ("thua", "thien", "hue"),
    ("brvt",): ("ba", "ria", "vung", "tau"),
}


def _name_forms(text: str, *, aliases: dict[tuple[str, ...], tuple[str, ...]] | None = None) -> set[str]:
    """The ways a place name may be written: as given and without its kind (``Phường``, ``Quận``, ``TP.``).

    Accents are optional (folded away), numbers lose leading zeros (``Phường 01`` = ``Phường 1``).
    """
    tokens = tuple(str(int(t)) if t.isdigit() else t for t in words(_SHORT_NUMBERED.sub(r"\1 \2", text)))
    if not tokens:
        return set()
    forms = {tokens}
    for prefix in _PREFIXES:
        if tokens[: len(prefix)] == prefix and len(tokens) > len(prefix):
            forms.add(tokens[len(prefix) :])
            break
    if aliases:
        forms |= {aliases[form] for form in forms if form in aliases}
    return {" ".join(form) for form in forms}


def legacy_address_resolve(*, province: str, district: str = "", ward: str) -> list[AdministrativeUnit]:
    """The 2025 unit(s) that an old address (province, district, commune) now belongs to.

    People still write addresses from before 1 July 2025 (Resolution 202/2025/QH15 abolished the
    districts and merged communes). Accents and kind words (``Phường``, ``Xã``, ``Quận``, ``Huyện``,
    ``Thị xã``, ``TP.``) are optional; the district may be left out. A commune that was split gives
    several units, the one that took its seat first. Unknown addresses give an empty list.
    """
    province_forms = _name_forms(province, aliases=_PROVINCE_ALIASES)
    if not province_forms:
        return []
    old_provinces = (
        LegacyUnitMapping.objects.order_by().values_list("old_province_code", "old_province_name").distinct()
    )
    province_codes = {code for code, name in old_provinces if _name_forms(name) & province_forms}
    if not province_codes:
        return []
    district_forms = _name_forms(district)
    ward_forms = _name_forms(ward)
    candidates = LegacyUnitMapping.objects.filter(old_province_code__in=province_codes).select_related(
        "new_unit", "new_unit__province"
    )
    if ward_forms:
        shortest = min(ward_forms, key=len)
        candidates = candidates.filter(old_key__endswith=f" {shortest}")
    elif district_forms:
        candidates = candidates.filter(old_ward_code="")
    else:
        return []
    found: dict[int, tuple[bool, AdministrativeUnit]] = {}
    for mapping in candidates:
        if ward_forms and not (_name_forms(mapping.old_ward_name) & ward_forms):
            continue
        if district_forms and not (_name_forms(mapping.old_district_name) & district_forms):
            continue
        is_default = mapping.is_default or found.get(mapping.new_unit_id, (False, None))[0]
        found[mapping.new_unit_id] = (is_default, mapping.new_unit)
    ranked = sorted(found.values(), key=lambda item: (not item[0], item[1].code))
    return [unit for _, unit in ranked]


# --- Agencies ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyPage:
    items: list[Agency]
    next: str | None


def query_clean(q: str | None) -> str:
    """A search text as typed, refused (``invalid_query``) when too long or holding control characters."""
    value = q or ""
    if len(value) > QUERY_MAX_LENGTH:
        raise ApiError(
            "invalid_query",
            f"Từ khóa tìm kiếm dài tối đa {QUERY_MAX_LENGTH} ký tự.",
            f"The search text has at most {QUERY_MAX_LENGTH} characters.",
        )
    if any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in value):
        raise ApiError(
            "invalid_query",
            "Từ khóa tìm kiếm chứa ký tự điều khiển không hợp lệ.",
            "The search text contains control characters.",
        )
    return value.strip()


def agency_kind_clean(kind: str | None) -> str | None:
    """An ``Agency.Kind`` value, or ``None`` for any kind; ``invalid_kind`` (400) otherwise."""
    if not kind:
        return None
    if kind not in Agency.Kind.values:
        raise ApiError(
            "invalid_kind",
            f"Loại cơ quan phải là một trong: {', '.join(Agency.Kind.values)}.",
            f"The agency kind must be one of: {', '.join(Agency.Kind.values)}.",
        )
    return kind


_CURSOR_CODE = re.compile(rf"[0-9A-Z.]{{1,{AGENCY_CODE_MAX_LENGTH}}}")


def agency_cursor_encode(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode("ascii")).decode("ascii").rstrip("=")


def agency_cursor_decode(cursor: str) -> str:
    """The code a page ended at; ``invalid_cursor`` (400) for anything this API did not hand out."""
    error = ApiError(
        "invalid_cursor",
        "Con trỏ trang không hợp lệ: dùng giá trị “next” của trang trước.",
        "Invalid page cursor: use the “next” value of the previous page.",
    )
    if len(cursor) > 64 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise error
    try:
        code = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise error from None
    if not _CURSOR_CODE.fullmatch(code):
        raise error
    return code


def agency_list(
    *,
    q: str | None = "",
    province: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> AgencyPage:
    """Agencies by code, filtered and keyset-paginated (no COUNT, no OFFSET).

    ``q`` matches the name without regard to accents or case, or the code in either order;
    ``province`` is a GSO province code; ``cursor`` is the ``next`` value of the previous page.
    """
    text = query_clean(q)
    kind = agency_kind_clean(kind)
    if not 1 <= limit <= PAGE_MAX_LIMIT:
        raise ApiError(
            "invalid_limit",
            f"Số dòng mỗi trang từ 1 đến {PAGE_MAX_LIMIT}.",
            f"The page size is between 1 and {PAGE_MAX_LIMIT}.",
        )
    agencies = Agency.objects.filter(is_active=True).select_related("parent", "administrative_unit", "province")
    if province:
        agencies = agencies.filter(province=province_get(code=province))
    if kind:
        agencies = agencies.filter(kind=kind)
    for term in words(text):
        agencies = agencies.filter(search_text__contains=term)
    if cursor:
        agencies = agencies.filter(code__gt=agency_cursor_decode(cursor))
    items = list(agencies.order_by("code")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return AgencyPage(items=items, next=agency_cursor_encode(items[-1].code) if more else None)


def agency_get(*, code: str) -> Agency:
    """One agency by its code in either order (``H29.17`` or ``000.00.17.H29``).

    ``invalid_agency_code`` (400) for a malformed code, ``agency_not_found`` (404) for an unknown one.
    """
    parsed = parse_agency_code(code)
    agency = (
        Agency.objects.select_related("parent", "administrative_unit", "administrative_unit__province", "province")
        .filter(code=parsed.canonical)
        .first()
    )
    if agency is None:
        raise NotFound(
            f"Không tìm thấy cơ quan mã {parsed.canonical}.",
            f"No agency with code {parsed.canonical}.",
            code="agency_not_found",
        )
    return agency
