"""The bundled sample catalogue (``catalog/data/tthc-sample.json``) as national records.

The sample holds 305 real procedures compiled from public crawls of the National Public Service
Portal (see ``catalog/data/README.md``). :func:`sample_to_record` turns one entry into a record of
the national database's shape, texts verbatim, so the demo catalogue goes through the same import
as a real dump. What the portal showed as text is parsed into the structured values it states and
nothing more: a time limit or fee the text does not give stays empty, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opendvc.catalog.importers.national import KIND_KENH, UNIT_LABELS, UNITS, UnreadableRecord
from opendvc.catalog.models import ApplicantType, ChannelKind
from opendvc.core.text import fold

CHANNEL_NAMES: dict[str, str] = {
    "Trực tiếp": ChannelKind.IN_PERSON,
    "Trực tuyến": ChannelKind.ONLINE,
    "Dịch vụ bưu chính": ChannelKind.POST,
}
_CHANNEL = "(?:Trực tiếp|Trực tuyến|Dịch vụ bưu chính)"
_PREFIX = re.compile(rf"^(?P<channels>{_CHANNEL}(?:, {_CHANNEL})*): (?P<rest>.*)$", re.DOTALL)
_TIME = re.compile(r"^(?P<amount>\d+(?:[.,]\d+)?) (?P<unit>[^\d/;]+?)$")
# "Ba (03) ngày làm việc kể từ …": the number the legal text writes in figures, with its unit.
_TIME_IN_WORDS = re.compile(r"^[a-z]+ \((?P<amount>\d+)\) (?P<unit>ngay lam viec|gio lam viec|ngay|gio)\b")

_GROUPED = re.compile(r"(?<![\d.,/])\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)")
_WITH_CURRENCY = re.compile(r"(?<![\d.,/])(\d+)\s*(?:viet nam dong|dong|vnd|d)\b")
_FOREIGN = re.compile(r"\d\s*(?:usd|eur)\b")
# Below this no Vietnamese fee exists: such a figure is the portal counting in thousands without saying so.
SMALLEST_FEE = 1000

_LEGAL_NUMBER = r"\d+(?:\.[\da-z]+)?[a-z]?/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*"
_LEGAL_TRAILING = re.compile(rf"^(?P<title>.*\S)\s*\((?P<number>{_LEGAL_NUMBER})\)$", re.DOTALL)
_LEGAL_ANYWHERE = re.compile(rf"(?<![\w/.]){_LEGAL_NUMBER}")


# Who may apply, which the sample does not say: inferred from its topic (``group``, else the field
# name), first matching row wins. Stored with applicant_types_inferred=True.
CITIZEN: str = ApplicantType.CITIZEN.value
BUSINESS: str = ApplicantType.BUSINESS.value
ORGANISATION: str = ApplicantType.ORGANISATION.value
APPLICANT_RULES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("ho kinh doanh",), (CITIZEN, BUSINESS)),
    (("doanh nghiep", "hop tac xa", "khuyen mai", "thuong mai"), (BUSINESS, ORGANISATION)),
    (
        (
            "ho tich",
            "cu tru",
            "can cuoc",
            "dinh danh",
            "xuat nhap canh",
            "ly lich tu phap",
            "giay phep lai xe",
            "quoc tich",
            "nuoi con nuoi",
        ),
        (CITIZEN,),
    ),
]
APPLICANT_DEFAULT: tuple[str, ...] = (CITIZEN, BUSINESS, ORGANISATION)


@dataclass(frozen=True)
class TimeLimit:
    amount: Decimal | None
    unit: str
    clean: bool  # the text is exactly "N unit", nothing more to say


def parse_time(text: str) -> TimeLimit:
    """``"5 Ngày làm việc"`` → 5 working days; ``"10 Ngày"`` → 10 calendar days; ``"8 Giờ"`` → 8 working
    hours. Alternatives (``"7 Ngày làm việc / 2 Ngày làm việc"``) keep the first; an unknown unit
    (``"6 Tháng"``) or free text gives no amount."""
    alternatives = [part.strip() for part in text.split(" / ")]
    match = _TIME.match(alternatives[0])
    if match:
        unit = UNITS.get(fold(match["unit"]).strip(), "")
        if unit:
            amount = Decimal(match["amount"].replace(",", "."))
            return TimeLimit(amount, unit, clean=len(alternatives) == 1)
        return TimeLimit(None, "", clean=False)
    words = _TIME_IN_WORDS.match(fold(text.strip()))
    if words:
        return TimeLimit(Decimal(words["amount"]), UNITS[words["unit"]], clean=False)
    return TimeLimit(None, "", clean=False)


def _channel_kinds(prefix: str) -> list[str]:
    return [CHANNEL_NAMES[name.strip()] for name in prefix.split(",")]


@dataclass(frozen=True)
class ChannelTime:
    amount: Decimal | None
    unit: str
    description: str


def parse_processing_time(text: str, methods: list[str]) -> dict[str, ChannelTime]:
    """The time limit of each channel, from the portal's text.

    ``"Trực tuyến, Dịch vụ bưu chính: 10 Ngày làm việc; Trực tiếp: 20 Ngày làm việc"`` gives each
    channel its own limit; a text without channel prefix applies to every method of submission.
    When the text says more than one limit (alternatives, a channel named twice, free text), the
    channel keeps the first and its description carries the whole text.
    """
    segments = [segment.strip() for segment in text.split("; ")]
    prefixed = [_PREFIX.match(segment) for segment in segments]
    found: dict[str, TimeLimit] = {}
    repeated: set[str] = set()
    if all(prefixed):
        for match in prefixed:
            assert match is not None
            limit = parse_time(match["rest"])
            for kind in _channel_kinds(match["channels"]):
                if kind in found:
                    repeated.add(kind)
                else:
                    found[kind] = limit
    else:
        limit = parse_time(text.strip())
        found = {kind: limit for kind in methods}
    return {
        kind: ChannelTime(
            limit.amount, limit.unit, "" if limit.clean and kind not in repeated and limit.amount else text
        )
        for kind, limit in found.items()
    }


@dataclass(frozen=True)
class ParsedFee:
    channel_kinds: list[str] | None  # None: every channel
    amount: int | None
    description: str


def fee_amount(text: str) -> int | None:
    """The single amount in đồng a fee text states, else ``None``.

    ``"Miễn phí"`` → 0; ``"8.000 đồng/…"`` and ``"8,000 Việt Nam Đồng"`` → 8000. No amount when the
    text gives several figures, a foreign currency, a figure too small to be đồng, or — for
    ``"Miễn phí (…)"`` — leaves the level to the provincial People's Council (Hội đồng nhân dân).
    """
    folded = fold(text)
    if _FOREIGN.search(folded):
        return None
    figures = {int(re.sub(r"[.,]", "", m.group())) for m in _GROUPED.finditer(folded)}
    figures |= {int(m.group(1)) for m in _WITH_CURRENCY.finditer(folded)}
    if len(figures) == 1:
        (figure,) = figures
        return figure if figure >= SMALLEST_FEE else None
    if figures:
        return None
    stripped = folded.strip()
    if stripped == "mien phi" or (stripped.startswith("mien phi (") and "hoi dong nhan dan" not in stripped):
        return 0
    return None


def parse_fee(text: str) -> ParsedFee:
    """``"Trực tuyến, Dịch vụ bưu chính: Miễn phí"`` → online and post, 0 đồng, ``"Miễn phí"``."""
    match = _PREFIX.match(text)
    if match:
        return ParsedFee(_channel_kinds(match["channels"]), fee_amount(match["rest"]), match["rest"])
    return ParsedFee(None, fee_amount(text), text)


def parse_legal_basis(text: str) -> dict[str, Any]:
    """``"Luật Căn cước (26/2023/QH15)"`` → number ``26/2023/QH15``, title ``Luật Căn cước``; a
    number inside the text is extracted and the text kept whole as the title; else no number."""
    trailing = _LEGAL_TRAILING.match(text)
    if trailing:
        return {"SOVANBAN": trailing["number"], "TENVANBAN": trailing["title"]}
    anywhere = _LEGAL_ANYWHERE.search(text)
    return {"SOVANBAN": anywhere.group() if anywhere else None, "TENVANBAN": text}


def applicants_for(topic: str) -> tuple[str, ...]:
    """Who may apply, inferred from the topic (see :data:`APPLICANT_RULES`)."""
    folded = fold(topic.replace("-", " "))
    for keywords, applicants in APPLICANT_RULES:
        if any(keyword in folded for keyword in keywords):
            return applicants
    return APPLICANT_DEFAULT


def _document_groups(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents by case (TRUONGHOP). Several untitled groups are distinct cases: they are numbered
    “Trường hợp 1”, “Trường hợp 2”… so the cases stay apart."""
    documents: list[str] = entry.get("documents") or []
    groups: list[dict[str, Any]] = entry.get("document_groups") or []

    def giayto(name: str) -> dict[str, Any]:
        return {
            "TENGIAYTO": name,
            "MAUDON": None,
            "DUONGDANMAUDON": None,
            "SOBANCHINH": None,
            "SOBANSAO": None,
            "BATBUOC": None,
        }

    if not groups:
        return [{"TRUONGHOP": None, "GIAYTO": [giayto(d) for d in documents]}] if documents else []
    untitled = sum(1 for g in groups if not g.get("group"))
    covered = {i for g in groups for i in g.get("items", [])}
    result = []
    leftover = [documents[i] for i in range(len(documents)) if i not in covered]
    if leftover:
        result.append({"TRUONGHOP": None, "GIAYTO": [giayto(d) for d in leftover]})
    case = 0
    for group in groups:
        title = group.get("group") or None
        if title is None and untitled > 1:
            case += 1
            title = f"Trường hợp {case}"
        items = [giayto(documents[i]) for i in group.get("items", [])]
        result.append({"TRUONGHOP": title, "GIAYTO": items})
    return result


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def sample_to_record(entry: dict[str, Any]) -> dict[str, Any]:
    """One sample entry as a national record (keys documented in docs/catalog-import.md)."""
    methods = [CHANNEL_NAMES[m] for m in entry.get("submission_methods") or []]
    times = parse_processing_time(entry["processing_time"], methods) if entry.get("processing_time") else {}
    fees = [parse_fee(text) for text in entry.get("fees") or []]
    kinds = list(dict.fromkeys(methods + list(times) + [k for f in fees for k in f.channel_kinds or []]))

    channels = []
    for kind in kinds:
        time = times.get(kind)
        channels.append(
            {
                "KENH": KIND_KENH[kind],
                "THOIGIAN": _json_number(time.amount) if time else None,
                "DONVITINH": UNIT_LABELS[time.unit] if time and time.unit else None,
                "MOTA": (time.description or None) if time else None,
                "PHILEPHI": [
                    {"MAPHILEPHI": None, "SOTIEN": fee.amount, "MOTA": fee.description}
                    for fee in fees
                    if fee.channel_kinds is None or kind in fee.channel_kinds
                ],
            }
        )
    topic = f"{entry.get('group', '')} {entry.get('field_name', '')}"
    applicants = applicants_for(topic)
    online = {"Toàn trình": True, "Một phần": False}.get(entry.get("online_level") or "")
    record: dict[str, Any] = {
        "MATTHC": entry["code"],
        "TENTTHC": entry["name"],
        "LINHVUCTHUCHIEN": (
            [{"MALINHVUC": entry.get("field_code"), "TENLINHVUC": entry["field_name"]}]
            if entry.get("field_name")
            else []
        ),
        "CAPTHUCHIEN": [level.strip() for level in (entry.get("level") or "").split(",") if level.strip()],
        "LOAITTHC": entry.get("catalog_type"),
        "DOITUONGTHUCHIEN": [{"MADOITUONG": a, "TENDOITUONG": str(ApplicantType(a).label)} for a in applicants],
        "DOITUONGSUYRA": True,
        "COQUANTHUCHIEN": [{"MACOQUAN": None, "TENCOQUAN": name} for name in entry.get("agencies") or []],
        "COQUANCONGBO": entry.get("promulgating_agency"),
        "SOQUYETDINH": entry.get("publication_decision"),
        "TOANTRINH": online,
        "THOIHANGIAIQUYET": entry.get("processing_time"),
        "MOTATHOIHAN": entry.get("processing_time_note"),
        "CACHTHUCTHUCHIEN": channels,
        "THANHPHANHOSO": _document_groups(entry),
        "KETQUATHUCHIEN": [{"MAKETQUA": None, "TENKETQUA": name} for name in entry.get("results") or []],
        "CANCUPHAPLY": [
            {**parse_legal_basis(text), "NGAYBANHANH": None, "COQUANBANHANH": None}
            for text in entry.get("legal_basis") or []
        ],
        "DULIEUMAU": True,
        "NGUONDULIEU": entry.get("source"),
        "DUONGDANNGUON": entry.get("source_url"),
        "NGAYTHUTHAP": entry.get("source_date"),
    }
    if not channels and fees:
        record["PHILEPHI"] = [{"MAPHILEPHI": None, "SOTIEN": f.amount, "MOTA": f.description} for f in fees]
    return record


def sample_records(entries: Iterable[object]) -> Iterator[object]:
    """Each entry as a national record; an entry that cannot be converted is passed on as an
    :class:`UnreadableRecord`, so the import reports it and goes on."""
    for entry in entries:
        if not isinstance(entry, dict):
            yield UnreadableRecord("Mục mẫu phải là một đối tượng JSON.", "A sample entry must be a JSON object.")
            continue
        try:
            yield sample_to_record(entry)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            code = entry.get("code") if isinstance(entry.get("code"), str) else ""
            yield UnreadableRecord(
                f"Không chuyển được mục mẫu sang dạng CSDL quốc gia: {error!r}.",
                f"The sample entry could not be converted to the national shape: {error!r}.",
                code=code or "",
            )
