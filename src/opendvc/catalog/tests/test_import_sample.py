"""The bundled sample (305 real procedures) through the sample adapter and the national import."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendvc.catalog.importers.national import content_from_record, import_records
from opendvc.catalog.importers.sample import (
    TimeLimit,
    applicants_for,
    fee_amount,
    parse_fee,
    parse_legal_basis,
    parse_processing_time,
    parse_time,
    sample_records,
    sample_to_record,
)
from opendvc.catalog.models import ChannelKind, Procedure, ProcedureVersion, TimeUnit
from opendvc.catalog.tests.factories import sample_entries

pytestmark = pytest.mark.django_db

ONLINE, POST, IN_PERSON = ChannelKind.ONLINE, ChannelKind.POST, ChannelKind.IN_PERSON
ALL = [ONLINE, POST, IN_PERSON]


def imported(*codes: str) -> dict[str, ProcedureVersion]:
    report = import_records(sample_records(sample_entries(*codes)))
    assert report.count("rejected") == 0, [r.reason_en for r in report.rejected]
    return {
        v.procedure.code: v
        for v in ProcedureVersion.objects.filter(procedure__code__in=codes).select_related("procedure", "field")
    }


def channels(version: ProcedureVersion) -> dict[str, tuple[Decimal | None, str, str]]:
    return {c.kind: (c.time_amount, c.time_unit, c.description) for c in version.channels.all()}


def test_the_whole_sample_imports_without_rejection_in_seconds() -> None:
    started = time.perf_counter()
    report = import_records(sample_records(sample_entries()))
    elapsed = time.perf_counter() - started
    assert (report.count("created"), report.count("rejected")) == (305, 0), [r.reason_en for r in report.rejected]
    assert Procedure.objects.filter(current_version__status="published").count() == 305
    assert not ProcedureVersion.objects.filter(is_sample=False).exists()
    assert elapsed < 60


def test_birth_registration_takes_one_working_day_and_is_free() -> None:
    version = imported("1.001193")["1.001193"]
    assert channels(version) == {kind: (Decimal(1), TimeUnit.WORKING_DAYS, "") for kind in ALL}
    fee = version.fees.get()
    assert (fee.amount, fee.description, fee.channel_kinds) == (0, "Miễn phí", [])
    assert version.levels == ["xa"] and version.field is not None and version.field.code == "G15-TP07"
    assert version.applicant_types == ["citizen"] and version.applicant_types_inferred
    assert version.publication_decision == "163/QĐ-BTP" and version.promulgating_agency_name == "Bộ Tư pháp"
    assert version.is_sample and version.source_url.startswith("https://dichvucong.gov.vn/")
    assert version.documents.filter(group_title="* Giấy tờ phải xuất trình:").count() == 6


def test_channel_prefixed_time_limits_go_to_each_channel() -> None:
    version = imported("1.012786")["1.012786"]
    assert channels(version) == {
        ONLINE: (Decimal(10), TimeUnit.WORKING_DAYS, ""),
        POST: (Decimal(10), TimeUnit.WORKING_DAYS, ""),
        IN_PERSON: (Decimal(20), TimeUnit.WORKING_DAYS, ""),
    }
    assert (
        version.processing_time_text == "Trực tuyến, Dịch vụ bưu chính: 10 Ngày làm việc; Trực tiếp: 20 Ngày làm việc"
    )


def test_time_units_alternatives_and_unknown_units() -> None:
    versions = imported("1.013066", "1.013065", "2.000779", "1.001010", "3.000722")
    assert channels(versions["1.013066"]) == {
        ONLINE: (Decimal(7), TimeUnit.WORKING_DAYS, "7 Ngày làm việc / 2 Ngày làm việc")
    }
    assert channels(versions["1.013065"]) == {ONLINE: (Decimal(8), TimeUnit.WORKING_HOURS, "")}
    assert channels(versions["2.000779"])[IN_PERSON] == (Decimal(10), TimeUnit.CALENDAR_DAYS, "")
    # Months are not a unit of the catalogue: no limit is made up, the text is kept.
    assert channels(versions["1.001010"]) == {IN_PERSON: (None, "", "6 Tháng")}
    amount, unit, description = channels(versions["3.000722"])[ONLINE]
    assert (amount, unit) == (Decimal(3), TimeUnit.WORKING_DAYS) and description.startswith("Ba (03) ngày làm việc")


def test_fee_amounts_only_when_the_text_states_one() -> None:
    versions = imported("3.000347", "3.000349", "2.000635", "1.001146", "1.001020", "2.001583")
    # Đổi GPLX: 135.000 đ, and 115.000 đ online for a period — no single amount, the text is kept.
    fee = versions["3.000347"].fees.get()
    assert fee.amount is None and fee.description.startswith("- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.")
    assert versions["3.000349"].fees.get().amount == 135000
    assert 8000 in set(versions["2.000635"].fees.values_list("amount", flat=True))
    assert set(versions["1.001146"].fees.values_list("amount", flat=True)) == {None}  # USD
    assert set(versions["1.001020"].fees.values_list("amount", flat=True)) == {None}  # "5 Việt Nam Đồng"
    by_channel = {tuple(f.channel_kinds): f.amount for f in versions["2.001583"].fees.all()}
    assert by_channel == {(ONLINE, POST): 100000, (IN_PERSON,): 50000}


def test_missing_data_stays_missing() -> None:
    version = imported("2.000033")["2.000033"]
    assert version.channels.count() == version.fees.count() == version.documents.count() == 0
    assert version.levels == [] and version.processing_time_text == "" and version.online_level == ""
    assert version.applicant_types == ["business", "organisation"] and version.applicant_types_inferred


def test_legal_basis_numbers_are_extracted() -> None:
    version = imported("1.014061")["1.014061"]
    basis = version.legal_bases.get(number="26/2023/QH15")
    assert basis.title == "Luật Căn cước"
    assert parse_legal_basis("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm")["SOVANBAN"] == (
        "66.7/2025/NQ-CP"
    )
    assert parse_legal_basis("Luật Hóa chất") == {"SOVANBAN": None, "TENVANBAN": "Luật Hóa chất"}


def test_a_long_case_title_is_kept_whole() -> None:
    version = imported("1.011441")["1.011441"]
    titles = [d.group_title for d in version.documents.all()]
    assert max(len(t) for t in titles) > 500
    assert not any(t.endswith(" …") for t in titles)
    assert any(t.startswith("Hồ sơ đăng ký đối với nhà ở, công trình xây dựng") for t in titles)


def test_untitled_cases_stay_apart() -> None:
    version = imported("1.011442")["1.011442"]
    titles = set(version.documents.values_list("group_title", flat=True))
    assert {"Trường hợp 1", "Trường hợp 2"} <= titles and "" not in titles


@pytest.mark.parametrize(
    ("topic", "applicants"),
    [
        ("ho-tich Hộ tịch", ("citizen",)),
        ("cu-tru", ("citizen",)),
        ("ho-kinh-doanh", ("citizen", "business")),
        ("doanh-nghiep", ("business", "organisation")),
        ("hop-tac-xa", ("business", "organisation")),
        ("dat-dai Đất đai", ("citizen", "business", "organisation")),
    ],
)
def test_applicants_are_inferred_from_the_topic(topic: str, applicants: tuple[str, ...]) -> None:
    assert applicants_for(topic) == applicants


def test_time_texts_parse_as_the_portal_writes_them() -> None:
    assert parse_time("10 Ngày") == TimeLimit(Decimal(10), TimeUnit.CALENDAR_DAYS, clean=True)
    assert parse_time("1 Ngày / 1 Ngày làm việc / 15 Ngày làm việc").amount == 1
    times = parse_processing_time("Trực tuyến: 1 Ngày làm việc; Trực tuyến: 2 Ngày làm việc", [ONLINE])
    assert times[ONLINE].amount == 1 and times[ONLINE].description.startswith("Trực tuyến: 1")
    assert parse_fee("Trực tuyến, Dịch vụ bưu chính: Miễn phí").channel_kinds == [ONLINE, POST]
    assert fee_amount("Miễn phí (Theo quy định của Hội đồng nhân dân cấp tỉnh)") is None
    assert fee_amount("Miễn phí (Không quy định.)") == 0
    assert fee_amount("+ 160.000/hộ chiếu, trường hợp cấp lại: 320.000đ/hộ chiếu") is None


@given(
    amount=st.integers(min_value=1000, max_value=10**10), style=st.sampled_from(["{:,} Việt Nam Đồng", "{:,} đồng/lần"])
)
def test_a_single_stated_amount_is_read_back(amount: int, style: str) -> None:
    text = style.format(amount)
    if "đồng/" in text:
        text = text.replace(",", ".")
    assert fee_amount(text) == amount


@given(days=st.integers(min_value=1, max_value=999), unit=st.sampled_from(["Ngày làm việc", "Ngày", "Giờ"]))
def test_any_plain_time_limit_is_read(days: int, unit: str) -> None:
    limit = parse_time(f"{days} {unit}")
    assert limit.amount == days and limit.clean


def test_every_sample_entry_converts_to_a_valid_record() -> None:
    for entry in sample_entries():
        content = content_from_record(sample_to_record(entry))
        assert content.code == entry["code"] and content.name == entry["name"]
