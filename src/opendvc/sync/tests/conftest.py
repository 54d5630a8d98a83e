"""A small world for synchronisation tests: Hồ Chí Minh City and Hà Nội agencies, real procedures of
the national catalogue (birth registration 1.001193, residence 1.004222), the demo system ``lgsp.hcm``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.models import Procedure, ProcedureVersion, ServiceOffering
from opendvc.sync.models import IntegratedSystem
from opendvc.sync.services import integrated_system_create

PASSWORD = "Demo@12345"


@dataclass
class SyncWorld:
    hcm: AdministrativeUnit
    hanoi: AdministrativeUnit
    justice: Agency
    centre: Agency
    hanoi_justice: Agency
    unassigned: Agency
    birth: Procedure
    residence: Procedure
    retired: Procedure
    system: IntegratedSystem


def _agency(code: str, name: str, unit: AdministrativeUnit | None, province: AdministrativeUnit | None) -> Agency:
    return Agency.objects.create(
        code=code,
        level1=code.split(".")[0],
        depth=code.count(".") + 1,
        name=name,
        kind=Agency.Kind.DEPARTMENT,
        administrative_unit=unit,
        province=province,
    )


def _procedure(code: str, name: str, *, status: str = ProcedureVersion.Status.PUBLISHED) -> Procedure:
    procedure = Procedure.objects.create(code=code)
    version = ProcedureVersion.objects.create(procedure=procedure, number=1, status=status, name=name)
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return procedure


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sync_world(db: Any) -> SyncWorld:
    kind = AdministrativeUnit.Kind.CENTRAL_CITY
    hcm = AdministrativeUnit.objects.create(code="79", name="Thành phố Hồ Chí Minh", codename="ho_chi_minh", kind=kind)
    hanoi = AdministrativeUnit.objects.create(code="01", name="Thành phố Hà Nội", codename="ha_noi", kind=kind)
    justice = _agency("H29.17", "Sở Tư pháp Thành phố Hồ Chí Minh", hcm, hcm)
    centre = _agency("H29.40", "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh", hcm, hcm)
    hanoi_justice = _agency("H26.17", "Sở Tư pháp Thành phố Hà Nội", hanoi, hanoi)
    unassigned = _agency("H29.99", "Ban quản lý thử nghiệm", None, hcm)
    birth = _procedure("1.001193", "Thủ tục đăng ký khai sinh")
    residence = _procedure("1.004222", "Đăng ký thường trú")
    retired = _procedure("1.000656", "Thủ tục đã bãi bỏ", status=ProcedureVersion.Status.WITHDRAWN)
    for agency in (justice, hanoi_justice, unassigned):
        ServiceOffering.objects.create(procedure=birth, agency=agency)
        ServiceOffering.objects.create(procedure=retired, agency=agency)
    ServiceOffering.objects.create(procedure=residence, agency=centre)
    system = integrated_system_create(
        code="lgsp.hcm",
        name="Nền tảng tích hợp, chia sẻ dữ liệu Thành phố Hồ Chí Minh",
        operator="Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh",
        password=PASSWORD,
        provinces=[hcm],
        rate_limit_per_minute=100_000,
    )
    return SyncWorld(hcm, hanoi, justice, centre, hanoi_justice, unassigned, birth, residence, retired, system)


def dvcqg_dossier(code: str = "H29.17-261110-0001", **overrides: Any) -> dict[str, Any]:
    """A realistic ``DongBoHoSoMC`` record: a birth registration received online and in progress."""
    record: dict[str, Any] = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaLinhVuc": "G15-TP07",
        "TenLinhVuc": "Hộ tịch",
        "SoBienNhan": "BN-2026-000123",
        "ChuHoSo": "Nguyễn Thị Mai Anh",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "",
        "SoGiayToChuHoSo": "079190001234",
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "079190001234"}],
        "Email": "maianh@example.vn",
        "SoDienThoai": "0912345678",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con Nguyễn Minh Khôi",
        "NgayNopHoSo": "20261110081500",
        "NgayTiepNhan": "20261110091200",
        "NgayHenTra": "20261113170000",
        "NgayTra": "",
        "NgayKetThucXuLy": "",
        "NgayTuChoi": "",
        "TrangThaiHoSo": 4,
        "KenhThucHien": 2,
        "DonViXuLy": "Sở Tư pháp Thành phố Hồ Chí Minh",
        "GhiChu": "",
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiKhoanDuocXacThucVoiVNeID": 1,
        "DuocThanhToanTrucTuyen": 0,
        "TaiLieuNop": [
            {
                "TepDinhKemId": "1",
                "TenTepDinhKem": "to-khai.pdf",
                "DuocSoHoa": 1,
                "DuocTaiSuDung": 0,
                "DuocLayTuKhoDMQG": 0,
            }
        ],
        "DanhSachLePhi": [
            {"TenPhiLePhi": "Lệ phí đăng ký khai sinh", "MaPhiLePhi": "LP01", "HinhThucThu": 1, "Gia": 0}
        ],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }
    record.update(overrides)
    return record


def native_dossier(code: str = "H29.17-261110-0001", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": code,
        "agency_code": "H29.17",
        "procedure_code": "1.001193",
        "applicant_kind": 1,
        "applicant_name": "Nguyễn Thị Mai Anh",
        "applicant_id_number": "079190001234",
        "applicant_phone": "0912345678",
        "summary": "Đăng ký khai sinh cho con Nguyễn Minh Khôi",
        "status": 4,
        "channel": 2,
        "submitted_at": "2026-11-10T08:15:00",
        "received_at": "2026-11-10T09:12:00",
        "due_at": "2026-11-13T17:00:00",
        "event_at": "2026-11-10T09:12:00+07:00",
    }
    record.update(overrides)
    return record


class Dvcqg:
    """A client of the national-portal protocol, as an integrated system uses it."""

    def __init__(self, client: Client, username: str = "lgsp.hcm", password: str = PASSWORD) -> None:
        self.client = client
        answer = self.post("/api/dvcqg/auth", {"username": username, "password": password})
        self.session = answer.json().get("session", "")

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, data=json.dumps(body), content_type="application/json")

    def call(self, service: str, madonvi: str = "H29.17", **fields: Any) -> Any:
        return self.post(
            "/api/dvcqg/service", {"session": self.session, "madonvi": madonvi, "service": service, **fields}
        )

    def sync(self, records: list[dict[str, Any]], *, updating: bool = False) -> dict[str, Any]:
        answer = self.call("DongBoHoSoMC", isUpdating=updating, data=records)
        assert answer.status_code == 200, answer.content
        return answer.json()  # type: ignore[no-any-return]


@pytest.fixture
def dvcqg(sync_world: SyncWorld, client: Client) -> Dvcqg:
    return Dvcqg(client)
