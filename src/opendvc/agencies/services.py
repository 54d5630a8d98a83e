"""Writes of administrative units and agencies.

Administrative units follow the 2025 reorganisation (Resolution 202/2025/QH15 on the provinces,
the Standing Committee's resolutions of June 2025 on the communes): 34 provinces and 3,321 communes
(phường, xã, đặc khu), no district level. Agency identifiers follow Decision 20/2020/QĐ-TTg.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from opendvc.agencies.models import AdministrativeUnit, Agency, LegacyUnitMapping, default_working_hours
from opendvc.agencies.selectors import place_names_forget
from opendvc.core.codes import AgencyCode, parse_agency_code
from opendvc.core.errors import ApiError
from opendvc.core.text import words

DEMO_AGENCIES_PATH = Path(__file__).resolve().parent / "data" / "demo_agencies.json"

_DIVISION_KINDS = {
    "thành phố trung ương": AdministrativeUnit.Kind.CENTRAL_CITY,
    "tỉnh": AdministrativeUnit.Kind.PROVINCE,
    "phường": AdministrativeUnit.Kind.WARD,
    "xã": AdministrativeUnit.Kind.COMMUNE,
    "đặc khu": AdministrativeUnit.Kind.SPECIAL_ZONE,
}
_UNIT_FIELDS = ("name", "codename", "kind", "province_id", "phone_code")
_MAPPING_FIELDS = (
    "old_province_code",
    "old_province_name",
    "old_district_code",
    "old_district_name",
    "old_ward_name",
    "old_key",
    "is_default",
)


def unit_code(value: int | str, *, province: bool) -> str:
    """GSO codes are zero-padded: two digits for a province (``01``), five for a commune (``00070``)."""
    return str(int(value)).zfill(2 if province else 5)


def _changed(current: Any, wanted: Any, fields: Iterable[str]) -> bool:
    changed = False
    for field in fields:
        value = getattr(wanted, field)
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed = True
    return changed


@transaction.atomic
def administrative_units_load() -> dict[str, int]:
    """Load the 34 provinces and 3,321 communes of Resolution 202/2025/QH15 from ``vietnam-provinces``.

    Idempotent: rows are compared with what is stored and only new or changed ones are written, so a
    second run writes nothing. Units are never deleted here (agencies refer to them).
    """
    from vietnam_provinces import Province, Ward

    provinces = [
        AdministrativeUnit(
            code=unit_code(p.code.value, province=True),
            name=p.name,
            codename=p.codename,
            kind=_DIVISION_KINDS[p.division_type.value],
            province=None,
            phone_code=p.phone_code,
        )
        for p in Province.iter_all()
    ]
    created, updated = _units_sync(provinces)
    province_ids = dict(
        AdministrativeUnit.objects.filter(kind__in=AdministrativeUnit.PROVINCE_KINDS).values_list("code", "id")
    )
    communes = [
        AdministrativeUnit(
            code=unit_code(w.code.value, province=False),
            name=w.name,
            codename=w.codename,
            kind=_DIVISION_KINDS[w.division_type.value],
            province_id=province_ids[unit_code(w.province_code.value, province=True)],
            phone_code=None,
        )
        for w in Ward.iter_all()
    ]
    commune_created, commune_updated = _units_sync(communes)
    return {
        "provinces": len(provinces),
        "communes": len(communes),
        "created": created + commune_created,
        "updated": updated + commune_updated,
    }


def _units_sync(rows: Sequence[AdministrativeUnit]) -> tuple[int, int]:
    existing = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=[r.code for r in rows])}
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            to_create.append(row)
        elif _changed(current, row, _UNIT_FIELDS):
            to_update.append(current)
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
    AdministrativeUnit.objects.bulk_update(
        to_update, ["name", "codename", "kind", "province", "phone_code"], batch_size=500
    )
    if to_create or to_update:
        transaction.on_commit(place_names_forget)
    return len(to_create), len(to_update)


# --- Pre-2025 units and the units they became ---------------------------------------------------


def legacy_dataset_dir() -> Path:
    """The data directory of the ``vietnamadminunits`` package, found without importing it.

    Its Python modules pull geopy and shapely at import; only its data files are needed here.
    """
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass(frozen=True)
class _OldWard:
    province_code: str
    province_name: str
    district_code: str
    district_name: str
    ward_code: str
    ward_name: str

    @property
    def key(self) -> str:
        return " ".join(words(f"{self.province_name} {self.district_name} {self.ward_name}"))


def province_list_ids() -> list[tuple[int, str]]:
    return list(AdministrativeUnit.objects.filter(kind__in=AdministrativeUnit.PROVINCE_KINDS).values_list("id", "code"))


def _spelling(name: str) -> str:
    """A name as written, minus differences of spacing, case and apostrophe (``H’leo`` / ``H'Leo``).

    Tone marks stay: ``Văn Lăng`` and ``Văn Lang`` are two communes of the same province.
    """
    return " ".join(unicodedata.normalize("NFC", name).replace("’", "'").lower().split())


@transaction.atomic
def legacy_unit_mappings_load() -> dict[str, int]:
    """Map every pre-2025 commune (10,035, plus 5 island districts without communes) to its 2025 unit(s).

    The mapping comes from the ``vietnamadminunits`` data (MIT): ``dataset.db`` lists the old and
    new units, ``converter_2025.json`` says which old communes formed each new one (Resolution
    202/2025/QH15 and the Standing Committee's resolutions per province). A split old commune maps
    to several new units; ``isDefaultNewWard`` marks the one used when nothing else tells them apart.

    New units are matched to the loaded ones by province and name, not by code: the two packages
    disagree on some communes' codes, and ``vietnam-provinces`` is the reference for codes.
    Idempotent: unchanged rows are not written; rows no longer in the data are removed.
    """
    data_dir = legacy_dataset_dir()
    with (data_dir / "converter_2025.json").open(encoding="utf-8") as handle:
        converter = json.load(handle)
    connection = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
    try:
        old_wards = {
            f"{pk}_{dk}_{wk or ''}": _OldWard(pc, pn, dc, dn, wc or "", wn or "")
            for pk, dk, wk, pc, pn, dc, dn, wc, wn in connection.execute(
                "SELECT provinceKey, districtKey, wardKey, provinceCode, province, districtCode, district,"
                " wardCode, ward FROM admin_units_legacy"
            )
        }
        new_wards = {
            (pk, wk): (pc, wc, name)
            for pk, wk, pc, wc, name in connection.execute(
                "SELECT provinceKey, wardKey, provinceCode, wardCode, ward FROM admin_units"
            )
        }
    finally:
        connection.close()

    units_by_name: dict[tuple[str, str], AdministrativeUnit] = {}
    units_by_folded_name: dict[tuple[str, str], list[AdministrativeUnit]] = defaultdict(list)
    province_codes = dict(
        AdministrativeUnit.objects.filter(kind__in=AdministrativeUnit.PROVINCE_KINDS).values_list("id", "code")
    )
    for u in AdministrativeUnit.objects.filter(province__isnull=False):
        province = province_codes[u.province_id] if u.province_id else ""
        units_by_name[(province, _spelling(u.name))] = u
        units_by_folded_name[(province, " ".join(words(u.name)))].append(u)
    new_unit_ids: dict[tuple[str, str], int] = {}
    code_mismatches = 0
    for key, (province_code, ward_code, name) in new_wards.items():
        province = unit_code(province_code, province=True)
        unit = units_by_name.get((province, _spelling(name)))
        if unit is None:
            same_letters = units_by_folded_name.get((province, " ".join(words(name))), [])
            unit = same_letters[0] if len(same_letters) == 1 else None
        if unit is None:
            raise RuntimeError(f"The 2025 unit {name} ({ward_code}) is not among the loaded units.")
        if unit.code != unit_code(ward_code, province=False):
            code_mismatches += 1
        new_unit_ids[key] = unit.pk

    wanted: dict[tuple[str, int], LegacyUnitMapping] = {}

    def add(old_key: str, new_key: tuple[str, str], is_default: bool) -> None:
        old = old_wards[old_key]
        wanted[(old.ward_code, new_unit_ids[new_key])] = LegacyUnitMapping(
            old_province_code=old.province_code,
            old_province_name=old.province_name,
            old_district_code=old.district_code,
            old_district_name=old.district_name,
            old_ward_code=old.ward_code,
            old_ward_name=old.ward_name,
            old_key=old.key,
            new_unit_id=new_unit_ids[new_key],
            is_default=is_default,
        )

    for province_key, new_units in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in new_units.items():
            for old_key in old_keys:
                add(old_key, (province_key, ward_key), True)
    divided = 0
    for province_key, old_units in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in old_units.items():
            divided += 1
            for target in targets:
                add(old_key, (province_key, target["newWardKey"]), bool(target["isDefaultNewWard"]))

    existing = {(m.old_ward_code, m.new_unit_id): m for m in LegacyUnitMapping.objects.all()}
    to_create = [row for key, row in wanted.items() if key not in existing]
    to_update = [
        current
        for key, current in existing.items()
        if key in wanted and _changed(current, wanted[key], _MAPPING_FIELDS)
    ]
    stale = [current.pk for key, current in existing.items() if key not in wanted]
    LegacyUnitMapping.objects.filter(pk__in=stale).delete()
    LegacyUnitMapping.objects.bulk_create(to_create, batch_size=1000)
    LegacyUnitMapping.objects.bulk_update(to_update, list(_MAPPING_FIELDS), batch_size=1000)
    mapped = {m.old_ward_code or m.old_key for m in wanted.values()}
    return {
        "old_units": len(mapped),
        "old_wards": sum(1 for m in wanted.values() if m.old_ward_code and m.is_default),
        "old_wards_divided": divided,
        "mappings": len(wanted),
        "new_units": len(set(new_unit_ids.values())),
        "code_mismatches": code_mismatches,
        "created": len(to_create),
        "updated": len(to_update),
        "deleted": len(stale),
    }


# --- Agencies ----------------------------------------------------------------------------------------

_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


def working_hours_clean(value: Any) -> list[dict[str, object]]:
    error = ApiError(
        "invalid_working_hours",
        'Giờ làm việc là danh sách {"weekdays": [0–6], "start": "HH:MM", "end": "HH:MM"},'
        " giờ bắt đầu trước giờ kết thúc.",
        'Working hours are a list of {"weekdays": [0–6], "start": "HH:MM", "end": "HH:MM"}, start before end.',
    )
    if not isinstance(value, list):
        raise error
    periods: list[dict[str, object]] = []
    for period in value:
        if not isinstance(period, dict) or set(period) != {"weekdays", "start", "end"}:
            raise error
        weekdays, start, end = period["weekdays"], period["start"], period["end"]
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekdays)
            or not isinstance(start, str)
            or not isinstance(end, str)
            or not _TIME.match(start)
            or not _TIME.match(end)
            or start >= end
        ):
            raise error
        periods.append({"weekdays": sorted(set(weekdays)), "start": start, "end": end})
    return periods


def agency_search_text(*, name: str, code: AgencyCode) -> str:
    """What the accent-insensitive search matches: the folded name, the code in both orders."""
    return " ".join([*words(name), code.canonical.lower(), code.qcvn.lower()])


def _unit_lookup(code: str) -> AdministrativeUnit:
    """A unit by GSO code: one or two digits name a province (``79``), three to five a commune (``26740``)."""
    value = (code or "").strip()
    unit = None
    if value.isascii() and value.isdigit() and len(value) <= 5:
        padded = value.zfill(2) if len(value) <= 2 else value.zfill(5)
        unit = AdministrativeUnit.objects.filter(code=padded).select_related("province").first()
    if unit is None:
        raise ApiError(
            "unknown_administrative_unit",
            f"Không có đơn vị hành chính mã {value[:10]!r}.",
            f"There is no administrative unit with code {value[:10]!r}.",
        )
    return unit


@transaction.atomic
def agency_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None = None,
    administrative_unit_code: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    working_hours: list[dict[str, object]] | None = None,
    is_sample: bool = False,
) -> Agency:
    """Create or update the agency identified by ``code`` (Decision 20/2020/QĐ-TTg).

    The code may be written in either order (``000.00.17.H29`` or ``H29.17``); it is stored
    province/ministry first. A child's code extends its parent's (``H29.17`` under ``H29``).
    """
    parsed = parse_agency_code(code)
    name = " ".join((name or "").split())
    if not name or len(name) > 255:
        raise ApiError(
            "invalid_agency_name", "Tên cơ quan không được để trống.", "The agency name is required (≤ 255)."
        )
    if kind not in Agency.Kind.values:
        raise ApiError(
            "invalid_agency_kind",
            f"Loại cơ quan phải là một trong: {', '.join(Agency.Kind.values)}.",
            f"The agency kind must be one of: {', '.join(Agency.Kind.values)}.",
        )
    parent = None
    if parent_code:
        parent_parsed = parse_agency_code(parent_code)
        parent = Agency.objects.filter(code=parent_parsed.canonical).first()
        if parent is None:
            raise ApiError(
                "unknown_parent_agency",
                f"Không có cơ quan cấp trên mã {parent_parsed.canonical}.",
                f"There is no parent agency with code {parent_parsed.canonical}.",
            )
        if parsed.levels[: parent_parsed.depth] != parent_parsed.levels or parsed.depth <= parent_parsed.depth:
            raise ApiError(
                "agency_code_not_under_parent",
                f"Mã {parsed.canonical} phải bắt đầu bằng mã cơ quan cấp trên {parent_parsed.canonical}.",
                f"Code {parsed.canonical} must extend its parent's code {parent_parsed.canonical}.",
            )
    unit = _unit_lookup(administrative_unit_code) if administrative_unit_code else None
    province = None if unit is None else unit if unit.is_province else unit.province
    for value, validator, error_code, label_vi, label_en in (
        (email, EmailValidator(), "invalid_email", "Thư điện tử", "E-mail address"),
        (website, URLValidator(schemes=["http", "https"]), "invalid_website", "Trang thông tin", "Website"),
    ):
        if value:
            try:
                validator(value)
            except ValidationError:
                raise ApiError(error_code, f"{label_vi} không hợp lệ.", f"{label_en} is not valid.") from None
    agency, _ = Agency.objects.update_or_create(
        code=parsed.canonical,
        defaults={
            "level1": parsed.level1,
            "depth": parsed.depth,
            "name": name,
            "kind": kind,
            "parent": parent,
            "administrative_unit": unit,
            "province": province,
            "address": address.strip(),
            "phone": phone.strip(),
            "email": email.strip(),
            "website": website.strip(),
            "working_hours": working_hours_clean(
                working_hours if working_hours is not None else default_working_hours()
            ),
            "search_text": agency_search_text(name=name, code=parsed),
            "is_sample": is_sample,
        },
    )
    return agency


@transaction.atomic
def demo_agencies_load(*, path: Path | None = None) -> int:
    """Load the demo agencies (ministries, the 34 provincial People's Committees, some departments,
    public-service centres and commune People's Committees). Idempotent; needs the units loaded.

    Returns how many agencies the demo set holds. Every one is marked ``is_sample``.
    """
    with (path or DEMO_AGENCIES_PATH).open(encoding="utf-8") as handle:
        data = json.load(handle)
    entries = sorted(data["agencies"], key=lambda entry: parse_agency_code(entry["code"]).depth)
    for entry in entries:
        agency_upsert(
            code=entry["code"],
            name=entry["name"],
            kind=entry["kind"],
            parent_code=entry.get("parent"),
            administrative_unit_code=entry.get("unit"),
            address=entry.get("address", ""),
            phone=entry.get("phone", ""),
            email=entry.get("email", ""),
            website=entry.get("website", ""),
            working_hours=entry.get("working_hours", data.get("default_working_hours")),
            is_sample=True,
        )
    return len(entries)
