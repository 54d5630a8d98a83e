"""The catalogue commands and the demo service offerings."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from opendvc.agencies.models import Agency
from opendvc.catalog.importers.national import import_records
from opendvc.catalog.importers.sample import sample_records
from opendvc.catalog.models import Procedure, ProcedureVersion, ServiceOffering
from opendvc.catalog.services import offerings_link_demo
from opendvc.catalog.tests.factories import AgencyFactory, demo_agencies, national_record, sample_entries

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def offered_by(code: str) -> set[str]:
    return set(ServiceOffering.objects.filter(procedure__code=code).values_list("agency__code", flat=True))


def test_load_demo_catalog_then_export_and_import_again_changes_nothing(tmp_path: Path) -> None:
    demo_agencies()
    out = run("load_demo_catalog")
    assert "305 created, 0 new version, 0 unchanged, 0 rejected" in out
    assert "305 bản ghi: 305 tạo mới" in out
    offerings = ServiceOffering.objects.count()
    assert offerings > 0 and offered_by("1.001193") == {"H29.60.01", "H26.60.01"}

    again = run("load_demo_catalog")
    assert "0 created, 0 new version, 305 unchanged, 0 rejected" in again
    assert ServiceOffering.objects.count() == offerings

    for name in ("catalogue.json", "catalogue.jsonl"):
        target = tmp_path / name
        assert "305" in run("export_catalog", str(target))
        assert "305 unchanged, 0 rejected" in run("import_catalog", str(target))
    assert ProcedureVersion.objects.count() == 305


def test_import_catalog_reports_each_rejection_and_succeeds(tmp_path: Path) -> None:
    lines = [
        json.dumps(national_record(), ensure_ascii=False),
        "{not json",
        json.dumps(national_record(MATTHC="1.23"), ensure_ascii=False),
        json.dumps(national_record(MATTHC="1.004222", TENTTHC="Đăng ký thường trú"), ensure_ascii=False),
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run("import_catalog", str(dump))
    assert "4 records: 2 created, 0 new version, 0 unchanged, 2 rejected" in out
    assert "#2 ?: Line 2 is not valid JSON" in out
    assert "#3 1.23: MATTHC: “1.23”: A procedure code looks like N.NNNNNN" in out
    assert "#3 1.23: MATTHC: “1.23”: Mã thủ tục hành chính có dạng N.NNNNNN" in out
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001193", "1.004222"}


def test_import_catalog_reads_the_sample_format(tmp_path: Path) -> None:
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps(sample_entries("1.001193", "3.000347"), ensure_ascii=False), encoding="utf-8")
    assert "2 created" in run("import_catalog", str(sample), "--format", "sample")


@pytest.mark.parametrize("content", [None, "[{]", '"just a string"'])
def test_a_file_that_cannot_be_read_fails_the_command(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "dump.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        run("import_catalog", str(path))


def test_offerings_follow_levels_and_the_promulgating_ministry() -> None:
    demo_agencies()
    AgencyFactory.create(code="H17.60.01", name="Ủy ban nhân dân Phường Hải Châu", kind=Agency.Kind.COMMUNE_COMMITTEE)
    codes = ["1.001193", "2.000635", "2.000779", "3.000347", "1.013233", "1.012786", "3.000333", "1.009141", "1.001612"]
    import_records(sample_records(sample_entries(*codes)))
    report = offerings_link_demo()

    assert offered_by("1.001193") == {"H29.60.01", "H26.60.01", "H17.60.01"}  # Cấp xã
    assert offered_by("3.000347") == {"G01.C08"}  # Cấp Bộ: Cục Cảnh sát giao thông of Bộ Công an
    assert offered_by("1.013233") == {"H29.18", "H26.50"}  # Cấp tỉnh, Sở Xây dựng where there is one
    assert offered_by("1.012786") == {"H29.50", "H26.50"}  # no Sở Nông nghiệp và Môi trường loaded
    assert offered_by("3.000333") == {"G01.79", "H26.50"}  # lý lịch tư pháp: Công an TP.HCM, Hà Nội's centre
    assert offered_by("1.009141") == {"H17.60.01"}  # Đà Nẵng's own procedure, Cấp xã: only in Đà Nẵng
    assert offered_by("1.001612") == {"G12", "H29.60.01", "H26.60.01", "H17.60.01"}  # Cấp Bộ and Cấp xã
    assert report.procedures_without_agency == []

    assert offered_by("2.000779") == {"H29.60.01", "H26.60.01", "H17.60.01"}  # hộ tịch, Cấp xã
    assert offered_by("2.000635") == {"H29.17", "H26.17", "H29.60.01", "H26.60.01", "H17.60.01"}  # tỉnh + xã
    assert offered_by("1.001193") >= {"H29.60.01"} and "H29.17" not in offered_by("1.001193")
    full = ServiceOffering.objects.filter(procedure__code="3.000347").get()
    assert full.online_level == ProcedureVersion.objects.get(procedure__code="3.000347").online_level
    assert full.online_service_code == "3.000347.01"

    again = offerings_link_demo()
    assert (again.created, again.updated) == (0, 0) and again.unchanged == report.created


def test_no_agencies_no_offerings() -> None:
    import_records([national_record()])
    report = offerings_link_demo()
    assert report.created == 0 and ServiceOffering.objects.count() == 0
    assert "load_demo_agencies" in report.message_en and report.message_vi
