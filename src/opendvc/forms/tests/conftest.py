"""Fixtures of the online forms' tests: the 2025 units the samples name, a procedure with the real
birth registration form (the dossiers tests' world), and a signed-in citizen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from opendvc.agencies.models import AdministrativeUnit
from opendvc.dossiers.tests.factories import World, make_world
from opendvc.forms.demo import demo_form_definitions
from opendvc.forms.models import ProcedureForm
from opendvc.forms.services import procedure_form_save
from opendvc.forms.tests.samples import BEN_THANH, HANOI, HCM, HOAN_KIEM, SAI_GON


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NOTIFICATION_SMS_FILE = tmp_path / "outbox" / "sms.jsonl"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units(db: None) -> dict[str, AdministrativeUnit]:
    city = AdministrativeUnit.Kind.CENTRAL_CITY
    hcm = AdministrativeUnit.objects.create(code=HCM, name="Thành phố Hồ Chí Minh", codename="ho_chi_minh", kind=city)
    hanoi = AdministrativeUnit.objects.create(code=HANOI, name="Thành phố Hà Nội", codename="ha_noi", kind=city)
    ward = AdministrativeUnit.Kind.WARD
    return {
        HCM: hcm,
        HANOI: hanoi,
        SAI_GON: AdministrativeUnit.objects.create(
            code=SAI_GON, name="Phường Sài Gòn", codename="sai_gon", kind=ward, province=hcm
        ),
        BEN_THANH: AdministrativeUnit.objects.create(
            code=BEN_THANH, name="Phường Bến Thành", codename="ben_thanh", kind=ward, province=hcm
        ),
        HOAN_KIEM: AdministrativeUnit.objects.create(
            code=HOAN_KIEM, name="Phường Hoàn Kiếm", codename="hoan_kiem", kind=ward, province=hanoi
        ),
    }


def demo_form(version: Any, code: str) -> ProcedureForm:
    document = demo_form_definitions()[code]
    form, _ = procedure_form_save(
        version=version,
        title=document["title"],
        schema=document["schema"],
        ui=document["ui"],
        template_reference=document["template_reference"],
    )
    return form


@pytest.fixture
def world(units: dict[str, AdministrativeUnit]) -> World:
    """Birth registration (1.001193) offered online by one agency: the catalogue marks its
    "Tờ khai" mandatory, the form asks for the "Giấy chứng sinh" as required."""
    world = make_world(procedure_code="1.001193")
    demo_form(world.version, "1.001193")
    return world


@pytest.fixture
def citizen_client(world: World) -> Client:
    client = Client()
    client.force_login(world.citizen)
    return client
