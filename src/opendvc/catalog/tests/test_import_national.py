"""Importing records of the national TTHC database: validation, all-or-nothing writes, versions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError
from hypothesis import given, settings
from hypothesis import strategies as st

from opendvc.catalog.importers import national
from opendvc.catalog.importers.national import (
    RecordInvalid,
    content_from_record,
    import_records,
    record_from_content,
    records_export,
)
from opendvc.catalog.models import (
    CatalogRevision,
    ChannelKind,
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureVersion,
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
)
from opendvc.catalog.tests.factories import national_record

pytestmark = pytest.mark.django_db


def revision() -> int:
    found = CatalogRevision.objects.filter(pk=1).first()
    return found.revision if found else 0


def reasons(report: national.ImportReport, position: int) -> tuple[str, str]:
    record = report.records[position - 1]
    assert record.outcome == "rejected"
    return record.reason_vi, record.reason_en


def test_a_record_is_imported_with_every_part() -> None:
    report = import_records([national_record()])
    assert [r.outcome for r in report.records] == ["created"]
    procedure = Procedure.objects.get(code="1.001193")
    version = procedure.current_version
    assert version is not None and version.number == 1 and version.status == ProcedureVersion.Status.PUBLISHED
    assert version.name == "Thủ tục đăng ký khai sinh"
    assert version.field is not None and (version.field.code, version.field.name) == ("G15-TP07", "Hộ tịch")
    assert version.levels == ["xa"] and version.applicant_types == ["citizen"]
    assert version.online_level == "full" and version.catalog_type == "standard"
    assert version.effective_from == dt.date(2026, 1, 1) and version.published_at is not None
    assert [s.description for s in version.steps.all()] == ["Nộp hồ sơ", "Cán bộ tư pháp - hộ tịch kiểm tra hồ sơ"]
    channels = list(version.channels.all())
    assert [(c.kind, c.time_amount, c.time_unit) for c in channels] == [
        (ChannelKind.ONLINE, Decimal(1), TimeUnit.WORKING_DAYS),
        (ChannelKind.IN_PERSON, Decimal(1), TimeUnit.WORKING_DAYS),
    ]
    fees = list(version.fees.all())
    assert [(f.amount, f.description, f.channel_kinds) for f in fees] == [(0, "Miễn phí", [])]
    documents = list(version.documents.all())
    assert documents[0].group_title == "* Giấy tờ phải nộp:" and documents[0].originals == 1
    assert documents[0].mandatory is True and documents[0].template_url.startswith("https://dichvucong.gov.vn/")
    basis = version.legal_bases.get()
    assert (basis.number, basis.issued_on, basis.issuer) == ("123/2015/NĐ-CP", dt.date(2015, 11, 15), "Chính phủ")
    assert version.results.get().name == "Giấy khai sinh"
    assert revision() == 1


def test_a_local_variant_code_is_the_national_procedure() -> None:
    report = import_records([national_record(MATTHC="1.003560.000.00.00.H56", TENTTHC="Thủ tục của địa phương")])
    assert report.records[0].outcome == "created" and report.records[0].code == "1.003560"
    assert Procedure.objects.filter(code="1.003560").exists()


BAD_RECORDS: list[tuple[Any, str]] = [
    (national_record(MATTHC="1.23"), "MATTHC"),
    (national_record(MATTHC="1.000002", TENTTHC=""), "TENTTHC"),
    (
        national_record(
            MATTHC="1.000003",
            CACHTHUCTHUCHIEN=[{"KENH": 1, "PHILEPHI": [{"SOTIEN": -5000, "MOTA": "Lệ phí"}]}],
            LINHVUCTHUCHIEN=[{"MALINHVUC": "G99-XX01", "TENLINHVUC": "Lĩnh vực chưa có"}],
        ),
        "CACHTHUCTHUCHIEN[1].PHILEPHI[1].SOTIEN",
    ),
    (
        national_record(MATTHC="1.000004", CACHTHUCTHUCHIEN=[{"KENH": 1, "THOIGIAN": 6, "DONVITINH": "Tháng"}]),
        "CACHTHUCTHUCHIEN[1].DONVITINH",
    ),
    (["MATTHC", "1.000005"], "JSON"),
    (national_record(MATTHC="1.000006", CACHTHUCTHUCHIEN=[{"KENH": 7}]), "KENH"),
    (national_record(MATTHC="1.000007", CACHTHUCTHUCHIEN=[{"KENH": 2, "THOIGIAN": 5}]), "DONVITINH"),
    (national_record(MATTHC="1.000008", CAPTHUCHIEN=["Cấp huyện"]), "CAPTHUCHIEN[1]"),
    (national_record(MATTHC="1.000009", NGAYHIEULUC="31/02/2026"), "NGAYHIEULUC"),
    (national_record(MATTHC="1.000010", SOQUYETDINH="x" * 121), "SOQUYETDINH"),
    (
        national_record(MATTHC="1.000011", THANHPHANHOSO=[{"GIAYTO": [{"TENGIAYTO": "Tờ khai", "SOBANSAO": 1.5}]}]),
        "SOBANSAO",
    ),
    (national_record(MATTHC="1.000012", COQUANTHUCHIEN=[{"MACOQUAN": "h29;drop", "TENCOQUAN": "Sở"}]), "MACOQUAN"),
]


def test_bad_records_are_rejected_with_reasons_and_the_good_ones_imported() -> None:
    good_first = national_record(MATTHC="1.001193")
    good_last = national_record(MATTHC="1.004222", TENTTHC="Đăng ký thường trú")
    report = import_records([good_first, *(record for record, _ in BAD_RECORDS), good_last])

    assert report.count("created") == 2 and report.count("rejected") == len(BAD_RECORDS)
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001193", "1.004222"}
    for position, (_, key) in enumerate(BAD_RECORDS, 2):
        reason_vi, reason_en = reasons(report, position)
        assert key in reason_en and reason_vi and reason_vi != reason_en
    assert "không được là số âm" in reasons(report, 4)[0]
    assert "Tháng" in reasons(report, 5)[1]
    # Nothing of a rejected record was written, not even the new field it named.
    assert not Field.objects.filter(code="G99-XX01").exists()
    assert ProcedureVersion.objects.count() == 2 and Fee.objects.filter(amount__lt=0).count() == 0


def test_every_issue_of_a_record_is_reported_at_once() -> None:
    record = national_record(
        MATTHC="abc", TENTTHC=None, CACHTHUCTHUCHIEN=[{"KENH": 2, "THOIGIAN": -1, "DONVITINH": "Ngày"}]
    )
    with pytest.raises(RecordInvalid) as invalid:
        content_from_record(record)
    keys = {issue.key for issue in invalid.value.issues}
    assert keys == {"MATTHC", "TENTTHC", "CACHTHUCTHUCHIEN[1].THOIGIAN"}


def test_a_failure_while_writing_leaves_nothing_of_that_record(monkeypatch: pytest.MonkeyPatch) -> None:
    original = LegalBasis.objects.bulk_create

    def failing(objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        if objs and objs[0].version.procedure.code == "1.000001":
            raise DatabaseError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(LegalBasis.objects, "bulk_create", failing)
    report = import_records(
        [
            national_record(
                MATTHC="1.000001", LINHVUCTHUCHIEN=[{"MALINHVUC": "G98-XX02", "TENLINHVUC": "Lĩnh vực mới"}]
            ),
            national_record(MATTHC="1.001193"),
        ]
    )
    assert [r.outcome for r in report.records] == ["rejected", "created"]
    assert "disk full" in report.records[0].reason_en
    assert not Procedure.objects.filter(code="1.000001").exists()
    assert not Field.objects.filter(code="G98-XX02").exists()
    assert revision() == 1


def test_reimporting_the_same_records_changes_nothing() -> None:
    records = [national_record(), national_record(MATTHC="1.004222", TENTTHC="Đăng ký thường trú")]
    import_records(records)
    before = revision()
    again = import_records(records)
    assert [r.outcome for r in again.records] == ["unchanged", "unchanged"]
    assert ProcedureVersion.objects.count() == 2 and revision() == before


def test_a_newer_crawl_of_the_same_text_is_unchanged() -> None:
    import_records([national_record()])
    report = import_records([national_record(NGAYTHUTHAP="2026-09-01", NGUONDULIEU="CSDL TTHC, bản mới")])
    assert report.records[0].outcome == "unchanged"


def test_a_changed_record_publishes_version_2_and_keeps_version_1_superseded() -> None:
    import_records([national_record()])
    first = ProcedureVersion.objects.get(procedure__code="1.001193")
    changed = national_record(
        NGAYHIEULUC="2026-08-01",
        CACHTHUCTHUCHIEN=[{"KENH": 2, "THOIGIAN": 2, "DONVITINH": "Ngày làm việc", "PHILEPHI": []}],
    )
    before = revision()
    report = import_records([changed])

    assert report.records[0].outcome == "new_version" and report.records[0].version_number == 2
    first.refresh_from_db()
    assert first.status == ProcedureVersion.Status.SUPERSEDED
    assert first.effective_to == dt.date(2026, 8, 1)
    assert first.channels.count() == 2 and first.fees.count() == 1
    procedure = Procedure.objects.get(code="1.001193")
    current = procedure.current_version
    assert current is not None and current.number == 2 and current.status == ProcedureVersion.Status.PUBLISHED
    assert list(current.channels.values_list("time_amount", flat=True)) == [Decimal(2)]
    assert current.fees.count() == 0 and current.effective_from == dt.date(2026, 8, 1)
    assert revision() == before + 1
    assert import_records([changed]).records[0].outcome == "unchanged"


def test_the_same_fee_listed_under_every_channel_is_one_fee_for_all() -> None:
    import_records([national_record()])
    fee = Fee.objects.get()
    assert fee.channel_kinds == [] and fee.amount == 0
    channel_specific = national_record(
        MATTHC="1.004222",
        CACHTHUCTHUCHIEN=[
            {"KENH": 1, "THOIGIAN": 7, "DONVITINH": "Ngày làm việc", "PHILEPHI": [{"SOTIEN": 15000, "MOTA": "Lệ phí"}]},
            {"KENH": 2, "THOIGIAN": 7, "DONVITINH": "Ngày làm việc", "PHILEPHI": [{"SOTIEN": 7000, "MOTA": "Lệ phí"}]},
        ],
    )
    import_records([channel_specific])
    fees = Fee.objects.filter(version__procedure__code="1.004222").order_by("position")
    assert [(f.amount, f.channel_kinds) for f in fees] == [(15000, ["in_person"]), (7000, ["online"])]


def test_the_nested_thoigian_form_of_national_systems_is_read() -> None:
    record = national_record(
        CACHTHUCTHUCHIEN=[
            {
                "KENH": "1",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": 3,
                        "DONVITINH": "Ngày làm việc",
                        "MOTA": "",
                        "PHILEPHI": [{"MAPHILEPHI": "LP01", "SOTIEN": 8000.0, "DONVI": "Đồng", "MOTA": "Lệ phí"}],
                    }
                ],
            }
        ],
        TRINHTUTHUCHIEN=[{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Nộp hồ sơ"}]}],
    )
    content = content_from_record(record)
    assert content.channels == (ChannelContent(kind="in_person", time_amount=Decimal(3), time_unit="working_days"),)
    assert content.fees == (FeeContent(description="Lệ phí", amount=8000, code="LP01"),)
    assert content.steps == (StepContent(description="Nộp hồ sơ"),)


def test_export_then_import_is_unchanged() -> None:
    import_records(
        [
            national_record(),
            national_record(MATTHC="1.004222", TENTTHC="Đăng ký thường trú", LINHVUCTHUCHIEN=[], TOANTRINH=None),
        ]
    )
    exported = list(records_export())
    assert [r["MATTHC"] for r in exported] == ["1.001193", "1.004222"]
    assert [r.outcome for r in import_records(exported).records] == ["unchanged", "unchanged"]


# --- Property: any content survives export and import ------------------------------------------------

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
short = st.text(alphabet="ABCĐabcđ 0123456789/-", max_size=20)
amounts = st.one_of(st.none(), st.decimals(min_value="0.01", max_value="99999.99", places=2))
kinds = st.sampled_from([k.value for k in ChannelKind])


@st.composite
def channels(draw: st.DrawFn) -> ChannelContent:
    amount = draw(amounts)
    return ChannelContent(
        kind=draw(kinds),
        time_amount=amount,
        time_unit=draw(st.sampled_from([u.value for u in TimeUnit])) if amount is not None else "",
        description=draw(texts),
    )


contents = st.builds(
    ProcedureContent,
    code=st.from_regex(r"[1-3]\.\d{6}", fullmatch=True),
    name=texts.filter(str.strip),
    field_code=st.sampled_from(["", "G15-TP07"]),
    field_name=st.sampled_from(["", "Hộ tịch"]),
    levels=st.lists(st.sampled_from(["bo", "tinh", "xa", "khac"]), unique=True).map(tuple),
    applicant_types=st.lists(st.sampled_from(["citizen", "business", "organisation"]), unique=True).map(tuple),
    applicant_types_inferred=st.booleans(),
    implementing_agencies=st.lists(texts.filter(str.strip), max_size=3).map(tuple),
    catalog_type=st.sampled_from(["", "standard", "specific"]),
    online_level=st.sampled_from(["", "full", "partial"]),
    conditions=texts,
    processing_time_text=texts,
    effective_from=st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1))),
    is_sample=st.booleans(),
    steps=st.lists(st.builds(StepContent, description=texts.filter(str.strip), case_title=short), max_size=3).map(
        tuple
    ),
    channels=st.lists(channels(), max_size=4).map(tuple),
    fees=st.lists(
        st.builds(
            FeeContent,
            description=texts,
            amount=st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)),
            code=short,
            channel_kinds=st.lists(kinds, unique=True).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
    documents=st.lists(
        st.builds(
            DocumentContent,
            name=texts.filter(str.strip),
            group_title=short,
            originals=st.one_of(st.none(), st.integers(0, 9)),
            copies=st.one_of(st.none(), st.integers(0, 9)),
            mandatory=st.one_of(st.none(), st.booleans()),
            template_name=short,
        ),
        max_size=4,
    ).map(tuple),
    results=st.lists(st.builds(ResultContent, name=texts.filter(str.strip), code=short), max_size=2).map(tuple),
    legal_bases=st.lists(
        st.builds(
            LegalBasisContent,
            title=texts.filter(str.strip),
            number=short,
            issued_on=st.none() | st.dates(min_value=dt.date(1900, 1, 1)),
        ),
        max_size=3,
    ).map(tuple),
)


@given(content=contents)
@settings(max_examples=150, deadline=None)
def test_any_content_reads_back_equal_from_its_record(content: ProcedureContent) -> None:
    if content.field_code and not content.field_name:
        content = dataclasses.replace(content, field_name="Hộ tịch")
    content = content.normalised()
    assert content_from_record(record_from_content(content)).same_as(content)
