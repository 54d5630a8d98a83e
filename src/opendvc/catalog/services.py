"""Writes to the procedure catalogue (CSDL quốc gia về TTHC).

Every change that citizens can see goes through a version: a change of the law publishes a new
:class:`ProcedureVersion` and the one it replaces is kept, superseded, so a dossier keeps the text
it was submitted under (Decree 63/2010/NĐ-CP, Art. 15–16, as amended by Decree 92/2017/NĐ-CP, on
publishing TTHC; Circular 02/2017/TT-VPCP on the national TTHC database). Every write bumps
:class:`CatalogRevision` in the same transaction, so web workers know their search index is stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from opendvc.agencies.models import Agency
from opendvc.catalog.memo import catalog_memo_clear
from opendvc.catalog.models import (
    CatalogRevision,
    Channel,
    ChannelKind,
    Fee,
    Field,
    LegalBasis,
    Level,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
    Result,
    ServiceOffering,
)
from opendvc.core.errors import ApiError
from opendvc.core.text import fold

logger = logging.getLogger(__name__)

CHANNEL_ORDER = [kind.value for kind in ChannelKind]
LEVEL_ORDER = [level.value for level in Level]


# --- The content of a version, independent of rows and ids ------------------------------------------


@dataclass(frozen=True)
class StepContent:
    description: str
    case_title: str = ""


@dataclass(frozen=True)
class ChannelContent:
    kind: str
    time_amount: Decimal | None = None
    time_unit: str = ""
    description: str = ""


@dataclass(frozen=True)
class FeeContent:
    """A fee; ``channel_kinds`` empty means it applies whichever way the dossier is submitted."""

    description: str = ""
    amount: int | None = None
    code: str = ""
    channel_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentContent:
    name: str
    group_title: str = ""
    originals: int | None = None
    copies: int | None = None
    mandatory: bool | None = None
    template_name: str = ""
    template_url: str = ""


@dataclass(frozen=True)
class ResultContent:
    name: str
    code: str = ""


@dataclass(frozen=True)
class LegalBasisContent:
    title: str
    number: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""


@dataclass(frozen=True)
class ProcedureContent:
    """Everything a published version says, as plain values: what imports write and compare.

    Two contents are the same procedure text when they are equal; the provenance fields
    (``source``, ``source_url``, ``source_date``) say where a text was read and take no part in
    that comparison, so reading the same text again from a newer dump changes nothing.
    A field (lĩnh vực) is identified by its code when it has one, by its name otherwise.
    """

    code: str
    name: str
    field_code: str = ""
    field_name: str = field(default="", compare=False)
    levels: tuple[str, ...] = ()
    applicant_types: tuple[str, ...] = ()
    applicant_types_inferred: bool = False
    implementing_agencies: tuple[str, ...] = ()
    catalog_type: str = ""
    promulgating_agency_name: str = ""
    publication_decision: str = ""
    online_level: str = ""
    conditions: str = ""
    processing_time_text: str = ""
    processing_time_note: str = ""
    effective_from: dt.date | None = None
    is_sample: bool = False
    steps: tuple[StepContent, ...] = ()
    channels: tuple[ChannelContent, ...] = ()
    fees: tuple[FeeContent, ...] = ()
    documents: tuple[DocumentContent, ...] = ()
    results: tuple[ResultContent, ...] = ()
    legal_bases: tuple[LegalBasisContent, ...] = ()
    source: str = field(default="", compare=False)
    source_url: str = field(default="", compare=False)
    source_date: dt.date | None = field(default=None, compare=False)

    def same_as(self, other: ProcedureContent) -> bool:
        """Equal texts; an uncoded field must also carry the same name."""
        if self != other:
            return False
        return bool(self.field_code) or self.field_name == other.field_name

    def normalised(self) -> ProcedureContent:
        """One spelling for one meaning: ordered levels and applicant types; the same fee listed for
        several channels is one fee, for the channels the procedure offers among them; a fee for
        every channel offered applies to all (``channel_kinds`` empty); fees follow the order of
        the channels they are listed under, as in a national record."""
        offered = {channel.kind for channel in self.channels}
        merged: dict[FeeContent, set[str] | None] = {}
        for fee in self.fees:
            key = dataclasses.replace(fee, channel_kinds=())
            kinds = set(fee.channel_kinds) or None
            if key in merged:
                known = merged[key]
                kinds = None if known is None or kinds is None else known | kinds
            merged[key] = kinds
        fees = []
        for key, kinds in merged.items():
            if kinds is not None and offered and kinds & offered:
                kinds &= offered
            if kinds is None or (offered and kinds >= offered):
                fees.append(key)
            else:
                fees.append(dataclasses.replace(key, channel_kinds=tuple(k for k in CHANNEL_ORDER if k in kinds)))

        def listed_under(fee: FeeContent) -> int:
            if not fee.channel_kinds:
                return 0
            found = (i for i, channel in enumerate(self.channels) if channel.kind in fee.channel_kinds)
            return next(found, len(self.channels))

        fees.sort(key=listed_under)
        applicant_order = ["citizen", "business", "organisation"]
        return dataclasses.replace(
            self,
            levels=tuple(level for level in LEVEL_ORDER if level in set(self.levels)),
            applicant_types=tuple(a for a in applicant_order if a in set(self.applicant_types)),
            fees=tuple(fees),
        )


def procedure_content_of(version: ProcedureVersion) -> ProcedureContent:
    """The content of a stored version (child rows in their published order)."""
    procedure_field = version.field
    return ProcedureContent(
        code=version.procedure.code,
        name=version.name,
        field_code=(procedure_field.code or "") if procedure_field else "",
        field_name=procedure_field.name if procedure_field else "",
        levels=tuple(version.levels or ()),
        applicant_types=tuple(version.applicant_types or ()),
        applicant_types_inferred=version.applicant_types_inferred,
        implementing_agencies=tuple(str(a) for a in version.implementing_agencies or ()),
        catalog_type=version.catalog_type,
        promulgating_agency_name=version.promulgating_agency_name,
        publication_decision=version.publication_decision,
        online_level=version.online_level,
        conditions=version.conditions,
        processing_time_text=version.processing_time_text,
        processing_time_note=version.processing_time_note,
        effective_from=version.effective_from,
        is_sample=version.is_sample,
        steps=tuple(
            StepContent(description=s.description, case_title=s.case_title)
            for s in sorted(version.steps.all(), key=lambda s: (s.position, s.pk))
        ),
        channels=tuple(
            ChannelContent(kind=c.kind, time_amount=c.time_amount, time_unit=c.time_unit, description=c.description)
            for c in sorted(version.channels.all(), key=lambda c: (c.position, c.pk))
        ),
        fees=tuple(
            FeeContent(description=f.description, amount=f.amount, code=f.code, channel_kinds=tuple(f.channel_kinds))
            for f in sorted(version.fees.all(), key=lambda f: (f.position, f.pk))
        ),
        documents=tuple(
            DocumentContent(
                name=d.name,
                group_title=d.group_title,
                originals=d.originals,
                copies=d.copies,
                mandatory=d.mandatory,
                template_name=d.template_name,
                template_url=d.template_url,
            )
            for d in sorted(version.documents.all(), key=lambda d: (d.position, d.pk))
        ),
        results=tuple(
            ResultContent(name=r.name, code=r.code)
            for r in sorted(version.results.all(), key=lambda r: (r.position, r.pk))
        ),
        legal_bases=tuple(
            LegalBasisContent(title=b.title, number=b.number, issued_on=b.issued_on, issuer=b.issuer)
            for b in sorted(version.legal_bases.all(), key=lambda b: (b.position, b.pk))
        ),
        source=version.source,
        source_url=version.source_url,
        source_date=version.source_date,
    ).normalised()


VERSION_CHILDREN = ("steps", "channels", "fees", "documents", "results", "legal_bases")


def _version_with_children(version_id: int) -> ProcedureVersion:
    return (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related(*VERSION_CHILDREN)
        .get(pk=version_id)
    )


# --- Catalogue revision -------------------------------------------------------------------------------


def catalog_revision_bump() -> int:
    """Count one more change to the catalogue; returns the new revision.

    Runs in the caller's transaction when there is one, so the bump commits (or not) with the write.
    This process forgets what it remembered of the catalogue at once; other workers on their next
    request (``catalog.memo``).
    """
    catalog_memo_clear()
    updated = CatalogRevision.objects.filter(pk=1).update(revision=F("revision") + 1, changed_at=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                CatalogRevision.objects.create(pk=1, revision=1)
        except IntegrityError:
            CatalogRevision.objects.filter(pk=1).update(revision=F("revision") + 1, changed_at=timezone.now())
    return CatalogRevision.objects.values_list("revision", flat=True).get(pk=1)


# --- Writing versions ---------------------------------------------------------------------------------


def _field_for(content: ProcedureContent) -> Field | None:
    """The field (lĩnh vực) by code, or by name when uncoded; created when new.

    An existing field keeps its name: fields are reference data maintained by editors.
    """
    if content.field_code:
        found, _ = Field.objects.get_or_create(
            code=content.field_code,
            defaults={
                "name": content.field_name or content.field_code,
                "ministry_name": content.promulgating_agency_name,
            },
        )
        return found
    if content.field_name:
        found, _ = Field.objects.get_or_create(
            code=None, name=content.field_name, defaults={"ministry_name": content.promulgating_agency_name}
        )
        return found
    return None


def _version_create(
    *, procedure: Procedure, content: ProcedureContent, number: int, status: str, change_note: str = ""
) -> ProcedureVersion:
    """Create a version and all its child rows (one bulk insert per kind of row)."""
    is_published = status == ProcedureVersion.Status.PUBLISHED
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        status=status,
        name=content.name,
        field=_field_for(content),
        levels=list(content.levels),
        applicant_types=list(content.applicant_types),
        applicant_types_inferred=content.applicant_types_inferred,
        implementing_agencies=list(content.implementing_agencies),
        catalog_type=content.catalog_type,
        promulgating_agency_name=content.promulgating_agency_name,
        publication_decision=content.publication_decision,
        online_level=content.online_level,
        conditions=content.conditions,
        processing_time_text=content.processing_time_text,
        processing_time_note=content.processing_time_note,
        effective_from=content.effective_from,
        published_at=timezone.now() if is_published else None,
        change_note=change_note,
        source=content.source,
        source_url=content.source_url,
        source_date=content.source_date,
        is_sample=content.is_sample,
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(version=version, position=i, case_title=s.case_title, description=s.description)
        for i, s in enumerate(content.steps, 1)
    )
    Channel.objects.bulk_create(
        Channel(
            version=version,
            position=i,
            kind=c.kind,
            time_amount=c.time_amount,
            time_unit=c.time_unit,
            description=c.description,
        )
        for i, c in enumerate(content.channels, 1)
    )
    Fee.objects.bulk_create(
        Fee(
            version=version,
            position=i,
            channel_kinds=list(f.channel_kinds),
            code=f.code,
            amount=f.amount,
            description=f.description,
        )
        for i, f in enumerate(content.fees, 1)
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            position=i,
            group_title=d.group_title,
            name=d.name,
            originals=d.originals,
            copies=d.copies,
            mandatory=d.mandatory,
            template_name=d.template_name,
            template_url=d.template_url,
        )
        for i, d in enumerate(content.documents, 1)
    )
    Result.objects.bulk_create(
        Result(version=version, position=i, code=r.code, name=r.name) for i, r in enumerate(content.results, 1)
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, position=i, number=b.number, title=b.title, issued_on=b.issued_on, issuer=b.issuer)
        for i, b in enumerate(content.legal_bases, 1)
    )
    return version


def procedure_version_next_number(*, procedure: Procedure) -> int:
    """The number the procedure's next version takes (versions are never renumbered)."""
    highest = procedure.versions.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def _supersede(previous: ProcedureVersion, *, on: dt.date) -> None:
    """Mark the published version as replaced; ``effective_to`` is the day its successor took over."""
    ends = max(on, previous.effective_from) if previous.effective_from else on
    previous.status = ProcedureVersion.Status.SUPERSEDED
    previous.effective_to = ends
    previous.save(update_fields=["status", "effective_to"])


def _procedure_locked(code: str) -> tuple[Procedure, bool]:
    """The procedure row, locked for the rest of the transaction (created when new)."""
    procedure = Procedure.objects.select_for_update().filter(code=code).first()
    if procedure is not None:
        return procedure, False
    try:
        with transaction.atomic():
            return Procedure.objects.create(code=code), True
    except IntegrityError:
        return Procedure.objects.select_for_update().get(code=code), False


ImportOutcome = Literal["created", "new_version", "unchanged"]


@dataclass(frozen=True)
class ProcedureImportResult:
    outcome: ImportOutcome
    version: ProcedureVersion


def procedure_import(*, content: ProcedureContent, bump_revision: bool = True) -> ProcedureImportResult:
    """Publish a procedure's text as read from the national database (or an adapter of it).

    New code: the procedure and its version 1 are created, published. Same text as the published
    version: nothing is written. Different text: a new version (number + 1) is published and the
    previous one is kept, superseded (Decree 63/2010/NĐ-CP, Art. 15; Circular 02/2017/TT-VPCP).
    All of it or nothing is written; the catalogue revision is bumped with the write, unless the
    caller (an import of many records) bumps it once for all with ``bump_revision=False``.
    """
    content = content.normalised()
    with transaction.atomic():
        procedure, created = _procedure_locked(content.code)
        current = None
        if not created:
            current_id = (
                procedure.versions.filter(status=ProcedureVersion.Status.PUBLISHED).values_list("pk", flat=True).first()
            )
            if current_id is not None:
                current = _version_with_children(current_id)
                if procedure_content_of(current).same_as(content):
                    return ProcedureImportResult("unchanged", current)
        if current is not None:
            _supersede(current, on=content.effective_from or timezone.localdate())
        version = _version_create(
            procedure=procedure,
            content=content,
            number=1 if created else procedure_version_next_number(procedure=procedure),
            status=ProcedureVersion.Status.PUBLISHED,
            change_note="" if current is None else "Cập nhật từ Cơ sở dữ liệu quốc gia về TTHC",
        )
        procedure.current_version = version
        procedure.save(update_fields=["current_version", "updated_at"])
        if bump_revision:
            catalog_revision_bump()
    return ProcedureImportResult("created" if current is None and created else "new_version", version)


#: Demo procedures whose fees are paid with the dossier, and the rule that says so.
DEMO_FEES_AT_SUBMISSION = {
    # Đăng ký thành lập hộ kinh doanh: 150.000 đ online; "nộp lệ phí đăng ký hộ kinh doanh tại thời điểm
    # nộp hồ sơ" (Circular 85/2019/TT-BTC, as the catalogue entry quotes it).
    "1.001612": "Thông tư 85/2019/TT-BTC",
}


def fee_payment_moment_set(*, procedure_code: str, moment: str) -> bool:
    """Say when the published version's fees are paid (``FeePaymentMoment``); True when it changed.

    A setting of the catalogue, not of its content: the published version is updated in place and the
    catalogue revision moves, so every worker's submissions see it. Dossiers already submitted keep
    what they owe.
    """
    with transaction.atomic():
        changed = (
            ProcedureVersion.objects.filter(procedure__code=procedure_code, status=ProcedureVersion.Status.PUBLISHED)
            .exclude(fee_payment_moment=moment)
            .update(fee_payment_moment=moment)
        )
        if changed:
            catalog_revision_bump()
    return bool(changed)


def procedure_version_create_draft(*, procedure: Procedure, change_note: str = "") -> ProcedureVersion:
    """Copy the published version, with every step, channel, fee, document, result and legal basis,
    into a new draft that editors amend before publishing it.

    Refused when the procedure has no published version or already has a draft.
    """
    with transaction.atomic():
        procedure, _ = _procedure_locked(procedure.code)
        if procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).exists():
            raise ApiError(
                "draft_exists",
                f"Thủ tục {procedure.code} đã có một bản dự thảo; hãy sửa hoặc công bố bản đó.",
                f"Procedure {procedure.code} already has a draft; edit or publish that one.",
                status=409,
            )
        published_id = (
            procedure.versions.filter(status=ProcedureVersion.Status.PUBLISHED).values_list("pk", flat=True).first()
        )
        if published_id is None:
            raise ApiError(
                "no_published_version",
                f"Thủ tục {procedure.code} chưa có phiên bản đang áp dụng để sao chép.",
                f"Procedure {procedure.code} has no published version to copy.",
                status=409,
            )
        source = _version_with_children(published_id)
        draft = _version_create(
            procedure=procedure,
            content=dataclasses.replace(procedure_content_of(source), effective_from=None),
            number=procedure_version_next_number(procedure=procedure),
            status=ProcedureVersion.Status.DRAFT,
            change_note=change_note,
        )
        if draft.fee_payment_moment != source.fee_payment_moment:
            draft.fee_payment_moment = source.fee_payment_moment
            draft.save(update_fields=["fee_payment_moment"])
        # Uploaded form templates are files, not content: the draft points at the same files.
        templates = {d.position: d.template_file.name for d in source.documents.all() if d.template_file}
        if templates:
            for document in draft.documents.all():
                if document.position in templates:
                    document.template_file.name = templates[document.position]
                    document.save(update_fields=["template_file"])
        catalog_revision_bump()
    return draft


def procedure_version_publish(
    *, version: ProcedureVersion, effective_from: dt.date | None = None, change_note: str | None = None
) -> ProcedureVersion:
    """Publish a draft: it becomes the version citizens read; the one it replaces is superseded.

    The version applies from ``effective_from``, else the date set on the draft, else today
    (Decree 63/2010/NĐ-CP, Art. 15: a procedure applies once its publishing decision takes effect).
    """
    with transaction.atomic():
        procedure, _ = _procedure_locked(version.procedure.code)
        version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != ProcedureVersion.Status.DRAFT:
            raise ApiError(
                "version_not_draft",
                f"Chỉ công bố được bản dự thảo; {version} đang ở trạng thái “{version.get_status_display()}”.",
                f"Only a draft can be published; {version} is {version.status}.",
                status=409,
            )
        if not version.name.strip():
            raise ApiError("name_required", "Bản dự thảo chưa có tên thủ tục.", "The draft has no procedure name.")
        starts = effective_from or version.effective_from or timezone.localdate()
        previous = procedure.versions.filter(status=ProcedureVersion.Status.PUBLISHED).first()
        if previous is not None:
            _supersede(previous, on=starts)
        version.status = ProcedureVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.effective_from = starts
        version.effective_to = None
        if change_note is not None:
            version.change_note = change_note
        version.save(update_fields=["status", "published_at", "effective_from", "effective_to", "change_note"])
        procedure.current_version = version
        procedure.save(update_fields=["current_version", "updated_at"])
        catalog_revision_bump()
    return version


# --- Service offerings for the demo -------------------------------------------------------------------


@dataclass
class OfferingLinkReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    procedures_linked: int = 0
    procedures_without_agency: list[str] = field(default_factory=list)
    message_vi: str = ""
    message_en: str = ""


def _ministry_key(name: str) -> str:
    """``"Bộ xây dựng (Giao thông vận tải cũ)"`` → ``"xay dung"``: the sector a ministry names."""
    words = fold(re.sub(r"\(.*?\)", " ", name)).split()
    return " ".join(words[1:]) if words[:1] == ["bo"] else ""


def _counterpart_prefix(sector: str) -> str:
    """The folded name prefix of a ministry's body in a province: Bộ Tư pháp → Sở Tư pháp; the
    police have no department but a provincial force (Bộ Công an → Công an Thành phố …)."""
    return sector if sector == "cong an" else f"so {sector}"


def _province_key(agency: Agency) -> str | None:
    """The province an agency serves: its province when recorded, else its ``H..`` level-1 code.
    Ministry-coded provincial bodies (``G01.79`` Công an Thành phố Hồ Chí Minh) have a province."""
    if agency.province_id is not None:
        return f"unit:{agency.province_id}"
    return f"code:{agency.level1}" if agency.level1.startswith("H") else None


def _place(committee_name: str) -> str:
    """``"Ủy ban nhân dân Thành phố Đà Nẵng"`` → ``"da nang"``: the place a People's Committee governs."""
    folded = fold(committee_name)
    for prefix in ("uy ban nhan dan", "ubnd", "thanh pho", "tinh"):
        folded = folded.removeprefix(prefix).strip()
    return folded


def offerings_link_demo(*, procedures: Iterable[Procedure] | None = None) -> OfferingLinkReport:
    """Link each published procedure to the loaded demo agencies that would provide it.

    - Cấp Bộ: the ministry whose name is the procedure's promulgating agency (cơ quan công bố), or
      its departments named among the executing agencies (Cục Cảnh sát giao thông…).
    - Cấp tỉnh: in each province that has departments or a public-service centre loaded, the
      promulgating ministry's body there (Bộ Tư pháp → Sở Tư pháp; Bộ Xây dựng → Sở Xây dựng;
      Bộ Công an → Công an tỉnh), else the province's public-service centre.
    - Cấp xã: every commune People's Committee loaded.

    Agencies are placed in a province by their recorded province, else by their ``H..`` code.
    A province's own procedure (``catalog_type`` specific, published by its People's Committee) is
    offered only in that province. Agencies marked ``is_sample`` are the demo's; when none is
    marked, every active agency is used. Existing offerings are kept (editors may have added
    some); their online level follows the published version.
    """
    report = OfferingLinkReport()
    agencies = Agency.objects.filter(is_active=True)
    if agencies.filter(is_sample=True).exists():
        agencies = agencies.filter(is_sample=True)
    agency_list = list(agencies.only("id", "code", "name", "kind", "level1", "province_id").order_by("code"))
    if not agency_list:
        report.message_vi = "Chưa nạp cơ quan nào nên không liên kết dịch vụ công (chạy load_demo_agencies trước)."
        report.message_en = (
            "No agencies are loaded, so no service offerings were linked (run load_demo_agencies first)."
        )
        return report

    ministries = {_ministry_key(a.name): a for a in agency_list if a.kind == Agency.Kind.MINISTRY}
    ministry_units = {fold(a.name): a for a in agency_list if a.kind == Agency.Kind.MINISTRY_UNIT}
    places: dict[str, str] = {}
    bodies: dict[str, list[Agency]] = defaultdict(list)
    centres: dict[str, list[Agency]] = defaultdict(list)
    communes: dict[str, list[Agency]] = defaultdict(list)
    for agency in agency_list:
        province = _province_key(agency)
        if province is None:
            continue
        if agency.kind == Agency.Kind.PROVINCIAL_COMMITTEE:
            places[province] = _place(agency.name)
        elif agency.kind in (Agency.Kind.DEPARTMENT, Agency.Kind.VERTICAL_UNIT):
            bodies[province].append(agency)
        elif agency.kind == Agency.Kind.PUBLIC_SERVICE_CENTRE:
            centres[province].append(agency)
        elif agency.kind == Agency.Kind.COMMUNE_COMMITTEE:
            communes[province].append(agency)
    demo_provinces = sorted(set(bodies) | set(centres))

    def central(version: ProcedureVersion, sector: str) -> list[Agency]:
        ministry = ministries.get(sector)
        if ministry is None:
            return []
        named = (ministry_units.get(fold(str(name))) for name in version.implementing_agencies or ())
        units = [unit for unit in named if unit is not None and unit.level1 == ministry.level1]
        return units or [ministry]

    def provincial(province: str, sector: str) -> list[Agency]:
        prefix = _counterpart_prefix(sector) if sector else ""
        matching = [b for b in bodies.get(province, []) if prefix and f"{fold(b.name)} ".startswith(f"{prefix} ")]
        return matching or centres.get(province, [])[:1]

    queryset = Procedure.objects.filter(current_version__status=ProcedureVersion.Status.PUBLISHED).select_related(
        "current_version"
    )
    if procedures is not None:
        queryset = queryset.filter(pk__in=[p.pk for p in procedures])
    wanted: dict[tuple[int, int], str] = {}
    for procedure in queryset.order_by("code"):
        version = procedure.current_version
        assert version is not None
        levels = set(version.levels or ())
        promulgator = version.promulgating_agency_name
        sector = _ministry_key(promulgator)
        provinces = sorted(set(demo_provinces) | set(communes))
        if version.catalog_type == ProcedureVersion.CatalogType.SPECIFIC:
            own = fold(promulgator)
            provinces = [p for p in provinces if places.get(p) and places[p] in own]
        targets: list[Agency] = []
        if Level.MINISTRY in levels:
            targets.extend(central(version, sector))
        for province in provinces:
            if Level.PROVINCE in levels and province in demo_provinces:
                targets.extend(provincial(province, sector))
            if Level.COMMUNE in levels:
                targets.extend(communes.get(province, []))
        if not targets:
            report.procedures_without_agency.append(procedure.code)
            continue
        report.procedures_linked += 1
        for agency in targets:
            wanted[(procedure.pk, agency.pk)] = version.online_level

    with transaction.atomic():
        existing = {
            (o.procedure_id, o.agency_id): o
            for o in ServiceOffering.objects.filter(procedure_id__in={p for p, _ in wanted})
        }
        new = []
        for (procedure_id, agency_id), online_level in wanted.items():
            offering = existing.get((procedure_id, agency_id))
            if offering is None:
                new.append(ServiceOffering(procedure_id=procedure_id, agency_id=agency_id, online_level=online_level))
            elif offering.online_level != online_level:
                offering.online_level = online_level
                offering.save(update_fields=["online_level"])
                report.updated += 1
            else:
                report.unchanged += 1
        ServiceOffering.objects.bulk_create(new, batch_size=500)
        report.created = len(new)
        if report.created or report.updated:
            catalog_revision_bump()
    report.message_vi = (
        f"Liên kết {report.procedures_linked} thủ tục với cơ quan: {report.created} dịch vụ mới, "
        f"{report.updated} cập nhật, {report.unchanged} không đổi; "
        f"{len(report.procedures_without_agency)} thủ tục không có cơ quan mẫu phù hợp."
    )
    report.message_en = (
        f"Linked {report.procedures_linked} procedures to agencies: {report.created} new offerings, "
        f"{report.updated} updated, {report.unchanged} unchanged; "
        f"{len(report.procedures_without_agency)} procedures have no matching demo agency."
    )
    return report
