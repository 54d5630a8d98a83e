"""Factories for catalogue tests: procedures with a published version, agencies, national records.

Names and codes are real ones from the national catalogue sample (catalog/data/tthc-sample.json).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache
from typing import Any

import factory
from django.conf import settings

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.models import (
    Channel,
    ChannelKind,
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
    Result,
    TimeUnit,
)
from opendvc.core.codes import parse_agency_code


class FieldFactory(factory.django.DjangoModelFactory[Field]):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "G15-TP07"
    name = "Hộ tịch"
    ministry_name = "Bộ Tư pháp"


class ProcedureFactory(factory.django.DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory[ProcedureVersion]):
    """A published version, made the procedure's current one."""

    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = ProcedureVersion.Status.PUBLISHED
    name = "Thủ tục đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    levels = factory.LazyFunction(lambda: ["xa"])
    applicant_types = factory.LazyFunction(lambda: ["citizen"])
    online_level = "full"
    promulgating_agency_name = "Bộ Tư pháp"
    publication_decision = "163/QĐ-BTP"

    @factory.post_generation
    def make_current(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and obj.status == ProcedureVersion.Status.PUBLISHED:
            obj.procedure.current_version = obj
            obj.procedure.save(update_fields=["current_version"])


def procedure_with_parts(*, code: str = "1.001193", **kwargs: Any) -> ProcedureVersion:
    """A published version with one row of every part (step, channel, fee, document, result, legal basis)."""
    version = ProcedureVersionFactory.create(procedure=ProcedureFactory.create(code=code), **kwargs)
    ProcedureStep.objects.create(version=version, position=1, description="Nộp hồ sơ tại Ủy ban nhân dân cấp xã")
    Channel.objects.create(
        version=version, position=1, kind=ChannelKind.ONLINE, time_amount=Decimal(1), time_unit=TimeUnit.WORKING_DAYS
    )
    Fee.objects.create(version=version, position=1, amount=0, description="Miễn phí")
    RequiredDocument.objects.create(version=version, position=1, name="Tờ khai đăng ký khai sinh", originals=1)
    Result.objects.create(version=version, position=1, name="Giấy khai sinh")
    LegalBasis.objects.create(version=version, position=1, number="60/2014/QH13", title="Luật Hộ tịch")
    return version


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = "G15"
    name = "Bộ Tư pháp"
    kind = Agency.Kind.MINISTRY
    is_sample = True
    level1 = factory.LazyAttribute(lambda a: parse_agency_code(a.code).level1)
    depth = factory.LazyAttribute(lambda a: parse_agency_code(a.code).depth)


def demo_agencies() -> dict[str, Agency]:
    """A few demo agencies in the shape the demo loader gives them: ministries, a ministry's
    department, two cities with departments, police, a centre and communes; Đà Nẵng's committee only."""
    hcm = AdministrativeUnit.objects.create(
        code="79", name="Thành phố Hồ Chí Minh", codename="ho_chi_minh", kind=AdministrativeUnit.Kind.CENTRAL_CITY
    )
    hanoi = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", codename="ha_noi", kind=AdministrativeUnit.Kind.CENTRAL_CITY
    )
    rows = [
        ("G01", "Bộ Công an", Agency.Kind.MINISTRY, None),
        ("G01.C08", "Cục Cảnh sát giao thông", Agency.Kind.MINISTRY_UNIT, None),
        ("G01.79", "Công an Thành phố Hồ Chí Minh", Agency.Kind.VERTICAL_UNIT, hcm),
        ("G15", "Bộ Tư pháp", Agency.Kind.MINISTRY, None),
        ("G12", "Bộ Tài chính", Agency.Kind.MINISTRY, None),
        ("H29", "Ủy ban nhân dân Thành phố Hồ Chí Minh", Agency.Kind.PROVINCIAL_COMMITTEE, hcm),
        ("H26", "Ủy ban nhân dân Thành phố Hà Nội", Agency.Kind.PROVINCIAL_COMMITTEE, hanoi),
        ("H17", "Ủy ban nhân dân Thành phố Đà Nẵng", Agency.Kind.PROVINCIAL_COMMITTEE, None),
        ("H29.17", "Sở Tư pháp Thành phố Hồ Chí Minh", Agency.Kind.DEPARTMENT, hcm),
        ("H26.17", "Sở Tư pháp Thành phố Hà Nội", Agency.Kind.DEPARTMENT, hanoi),
        ("H29.18", "Sở Xây dựng Thành phố Hồ Chí Minh", Agency.Kind.DEPARTMENT, hcm),
        ("H29.50", "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh", Agency.Kind.PUBLIC_SERVICE_CENTRE, hcm),
        ("H26.50", "Trung tâm Phục vụ hành chính công Thành phố Hà Nội", Agency.Kind.PUBLIC_SERVICE_CENTRE, hanoi),
        ("H29.60.01", "Ủy ban nhân dân Phường Sài Gòn", Agency.Kind.COMMUNE_COMMITTEE, hcm),
        ("H26.60.01", "Ủy ban nhân dân Phường Hoàn Kiếm", Agency.Kind.COMMUNE_COMMITTEE, hanoi),
    ]
    return {
        code: AgencyFactory.create(code=code, name=name, kind=kind, province=province)
        for code, name, kind, province in rows
    }


@cache
def _sample() -> tuple[dict[str, Any], ...]:
    with open(settings.TTHC_SAMPLE_PATH, encoding="utf-8") as stream:
        return tuple(json.load(stream))


def sample_entries(*codes: str) -> list[dict[str, Any]]:
    """Entries of the bundled sample (all of them without codes), as fresh copies."""
    entries = _sample()
    if codes:
        by_code = {entry["code"]: entry for entry in entries}
        entries = tuple(by_code[code] for code in codes)
    return copy.deepcopy(list(entries))


def national_record(**overrides: Any) -> dict[str, Any]:
    """A valid national record (đăng ký khai sinh, as published), with keys overridden."""
    record: dict[str, Any] = {
        "MATTHC": "1.001193",
        "TENTTHC": "Thủ tục đăng ký khai sinh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-TP07", "TENLINHVUC": "Hộ tịch"}],
        "CAPTHUCHIEN": ["Cấp xã"],
        "LOAITTHC": "STANDARD",
        "DOITUONGTHUCHIEN": [{"MADOITUONG": "citizen", "TENDOITUONG": "Công dân"}],
        "COQUANTHUCHIEN": [{"MACOQUAN": None, "TENCOQUAN": "Ủy ban nhân dân cấp xã"}],
        "COQUANCONGBO": "Bộ Tư pháp",
        "SOQUYETDINH": "163/QĐ-BTP",
        "TOANTRINH": True,
        "TRINHTUTHUCHIEN": [{"TRUONGHOP": None, "BUOC": ["Nộp hồ sơ", "Cán bộ tư pháp - hộ tịch kiểm tra hồ sơ"]}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": 2,
                "THOIGIAN": 1,
                "DONVITINH": "Ngày làm việc",
                "MOTA": None,
                "PHILEPHI": [{"MAPHILEPHI": None, "SOTIEN": 0, "MOTA": "Miễn phí"}],
            },
            {
                "KENH": 1,
                "THOIGIAN": 1,
                "DONVITINH": "Ngày làm việc",
                "MOTA": None,
                "PHILEPHI": [{"MAPHILEPHI": None, "SOTIEN": 0, "MOTA": "Miễn phí"}],
            },
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "* Giấy tờ phải nộp:",
                "GIAYTO": [
                    {
                        "TENGIAYTO": "Tờ khai đăng ký khai sinh",
                        "MAUDON": "Tờ khai đăng ký khai sinh",
                        "DUONGDANMAUDON": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html",
                        "SOBANCHINH": 1,
                        "SOBANSAO": 0,
                        "BATBUOC": True,
                    },
                    {"TENGIAYTO": "Giấy chứng sinh", "SOBANCHINH": 1, "BATBUOC": True},
                ],
            }
        ],
        "KETQUATHUCHIEN": [{"MAKETQUA": None, "TENKETQUA": "Giấy khai sinh"}],
        "CANCUPHAPLY": [
            {
                "SOVANBAN": "123/2015/NĐ-CP",
                "TENVANBAN": "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
                "NGAYBANHANH": "2015-11-15",
                "COQUANBANHANH": "Chính phủ",
            }
        ],
        "NGAYHIEULUC": "2026-01-01",
        "NGUONDULIEU": "CSDL quốc gia về TTHC",
        "DUONGDANNGUON": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7",
        "NGAYTHUTHAP": "2026-07-18",
    }
    record.update(copy.deepcopy(overrides))
    return record
