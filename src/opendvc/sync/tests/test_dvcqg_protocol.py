"""The national-portal protocol as deployed: auth, DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo, LayThuTuc,
LayDanhSachTTHC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.sync.models import SyncSession
from opendvc.sync.services import integrated_system_password_rotate
from opendvc.sync.tests.conftest import Dvcqg, dvcqg_dossier

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_auth_answers_a_session_with_error_code_zero(sync_world, client):
    answer = Dvcqg(client).post("/api/dvcqg/auth", {"username": "lgsp.hcm", "password": "Demo@12345"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["error_code"] == 0
    assert len(body["session"]) >= 32
    assert not SyncSession.objects.filter(token_hash=body["session"]).exists()


def test_auth_with_a_wrong_password_is_refused(sync_world, client):
    answer = Dvcqg(client).post("/api/dvcqg/auth", {"username": "lgsp.hcm", "password": "Demo@1234"})
    assert answer.status_code == 401
    assert answer.json()["error_code"] == "91"
    assert answer.json()["code"] == "invalid_credentials"


def test_service_without_a_valid_session_is_refused(sync_world, client):
    caller = Dvcqg(client)
    caller.session = "not-a-session"
    answer = caller.call("DongBoHoSoMC", data=[dvcqg_dossier()])
    assert answer.status_code == 401
    assert answer.json()["code"] == "invalid_session"
    assert not Dossier.objects.exists()


def test_password_rotation_keeps_both_passwords_valid_during_the_overlap(sync_world, client):
    integrated_system_password_rotate(system=sync_world.system, password="Moi@2026-secret")
    assert Dvcqg(client, password="Demo@12345").session
    assert Dvcqg(client, password="Moi@2026-secret").session


def test_expired_previous_password_is_refused_after_the_overlap(sync_world, client, settings):
    settings.SYNC_ROTATION_OVERLAP_SECONDS = -1
    integrated_system_password_rotate(system=sync_world.system, password="Moi@2026-secret")
    assert not Dvcqg(client, password="Demo@12345").session
    assert Dvcqg(client, password="Moi@2026-secret").session


def test_dongbohoso_creates_the_dossier_with_wire_dates_in_ho_chi_minh_time(dvcqg, sync_world):
    reply = dvcqg.sync([dvcqg_dossier()])
    assert reply["error_code"] == "00"
    assert reply["results"] == [
        {
            "MaHoSo": "H29.17-261110-0001",
            "error_code": "00",
            "message": "Đã tạo hồ sơ",
            "result": "created",
            "reason": "",
        }
    ]
    dossier = Dossier.objects.get()
    assert dossier.source_system_id == sync_world.system.id
    assert dossier.agency == sync_world.justice
    assert dossier.status == 4
    assert dossier.received_at == datetime(2026, 11, 10, 9, 12, tzinfo=HCM)
    event = DossierEvent.objects.get()
    assert (event.action, event.from_status, event.to_status) == ("sync_status", None, 4)
    assert event.at == datetime(2026, 11, 10, 9, 12, tzinfo=HCM)


def test_same_record_twice_is_one_effect(dvcqg):
    dvcqg.sync([dvcqg_dossier()])
    again = dvcqg.sync([dvcqg_dossier()], updating=True)
    assert again["results"][0]["result"] == "unchanged"
    assert again["results"][0]["error_code"] == "00"
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.count() == 1


def test_newer_record_updates_and_appends_an_event_to_the_chain(dvcqg):
    from opendvc.dossiers.selectors import dossier_chain_verify

    dvcqg.sync([dvcqg_dossier()])
    done = dvcqg_dossier(TrangThaiHoSo=10, NgayKetThucXuLy="20261112100000", NgayTra="20261112153000")
    reply = dvcqg.sync([done], updating=True)
    assert reply["results"][0]["result"] == "updated"
    dossier = Dossier.objects.get()
    assert dossier.status == 10
    events = list(DossierEvent.objects.order_by("seq").values_list("seq", "from_status", "to_status"))
    assert events == [(1, None, 4), (2, 4, 10)]
    assert dossier_chain_verify(dossier=dossier).ok


def test_an_older_record_arriving_late_does_not_overwrite_a_newer_status(dvcqg):
    done = dvcqg_dossier(TrangThaiHoSo=10, NgayKetThucXuLy="20261112100000", NgayTra="20261112153000")
    dvcqg.sync([done])
    late = dvcqg.sync([dvcqg_dossier()], updating=True)
    assert late["results"][0]["result"] == "unchanged"
    assert Dossier.objects.get().status == 10


def test_one_bad_record_is_refused_alone_and_the_rest_applied(dvcqg):
    reply = dvcqg.sync([dvcqg_dossier(), dvcqg_dossier("H29.17-261110-0002", NgayNopHoSo="10/11/2026")])
    assert [r["result"] for r in reply["results"]] == ["created", "rejected"]
    assert reply["results"][1]["error_code"] == "01"
    assert "NgayNopHoSo" in reply["results"][1]["message"]
    assert list(Dossier.objects.values_list("code", flat=True)) == ["H29.17-261110-0001"]


def test_payment_online_records_a_payment_settled_event(dvcqg):
    dvcqg.sync([dvcqg_dossier(DuocThanhToanTrucTuyen=1)])
    settled = DossierEvent.objects.get(action="payment_settled")
    assert settled.data["online"] is True
    dvcqg.sync([dvcqg_dossier(DuocThanhToanTrucTuyen=1, NgayCapNhat="20261111080000")], updating=True)
    assert DossierEvent.objects.filter(action="payment_settled").count() == 1


def test_synced_dossier_joins_the_account_with_the_same_verified_personal_id(dvcqg):
    citizen = User.objects.create(
        username="079190001234", personal_id="079190001234", kind=User.Kind.CITIZEN, eid_verified_at=timezone.now()
    )
    dvcqg.sync([dvcqg_dossier()])
    assert Dossier.objects.get().applicant == citizen


def test_progress_records_history_and_moves_the_status_when_newer(dvcqg):
    dvcqg.sync([dvcqg_dossier()])
    step = {
        "MaHoSo": "H29.17-261110-0001",
        "NguoiXuLy": "Trần Văn Bình",
        "ChucDanh": "Chuyên viên",
        "ThoiDiemXuLy": "20261111100000",
        "PhongBanXuLy": "Phòng Hộ tịch",
        "NoiDungXuLy": "Yêu cầu bổ sung giấy chứng sinh",
        "TrangThai": 5,
        "NgayBatDau": "20261110091200",
        "NgayKetThucTheoQuyDinh": "20261113170000",
    }
    reply = dvcqg.call("CapNhatTienDoHoSoMC", data=[step]).json()
    assert reply["results"][0]["result"] == "updated"
    assert Dossier.objects.get().status == 5
    again = dvcqg.call("CapNhatTienDoHoSoMC", data=[step]).json()
    assert again["results"][0]["result"] == "unchanged"
    older = {**step, "ThoiDiemXuLy": "20261110100000", "TrangThai": 4, "NoiDungXuLy": "Thụ lý"}
    dvcqg.call("CapNhatTienDoHoSoMC", data=[older])
    assert Dossier.objects.get().status == 5
    assert DossierEvent.objects.filter(action="sync_progress").count() == 2


def test_progress_for_an_unknown_dossier_is_rejected(dvcqg):
    step = {"MaHoSo": "H29.17-261110-0009", "ThoiDiemXuLy": "20261111100000", "TrangThai": 4}
    reply = dvcqg.call("CapNhatTienDoHoSoMC", data=[step]).json()
    assert reply["results"][0]["reason"] == "dossier_unknown"
    assert reply["results"][0]["error_code"] == "15"


def test_tracuuhoso_returns_the_dossier_in_wire_names(dvcqg):
    dvcqg.sync([dvcqg_dossier()])
    body = dvcqg.call("TraCuuHoSo", MaHoSo="H29.17-261110-0001").json()
    assert body["error_code"] == "00"
    assert body["data"]["TrangThaiHoSo"] == 4
    assert body["data"]["NgayTiepNhan"] == "20261110091200"


def test_tracuuhoso_of_an_agency_outside_the_scope_is_not_found(dvcqg, sync_world):
    from opendvc.dossiers.tests.factories import dossier_in_state, make_world  # noqa: F401

    answer = dvcqg.call("TraCuuHoSo", MaHoSo="H26.17-261110-0001")
    assert answer.status_code == 404
    assert answer.json()["error_code"] == "97"


def test_laythutuc_and_laydanhsachtthc(dvcqg):
    procedure = dvcqg.call("LayThuTuc", MaTTHC="1.001193").json()
    assert procedure["data"]["TenTTHC"] == "Thủ tục đăng ký khai sinh"
    listing = dvcqg.call("LayDanhSachTTHC", madonvi="H29.17").json()
    assert [p["MaTTHC"] for p in listing["data"]] == ["1.001193"]


@pytest.mark.parametrize("body", [b"[]", b"not json", b'{"service": "XoaHoSo"}'])
def test_malformed_calls_get_a_clear_error_not_a_500(dvcqg, body):
    answer = dvcqg.client.post("/api/dvcqg/service", data=body, content_type="application/json")
    assert answer.status_code in (400, 401)
    assert answer.json()["error_code"] != "00"


def test_more_than_1000_records_are_refused_whole(dvcqg):
    answer = dvcqg.call("DongBoHoSoMC", data=[dvcqg_dossier()] * 1001)
    assert answer.status_code == 413
    assert not Dossier.objects.exists()


def test_synced_events_feed_the_statistics_rollups(dvcqg, sync_world):
    """The reporting listener folds synchronised events like native ones: received online on the day
    of reception, resolved on time against NgayHenTra, paid online."""
    from django.db.models import Sum

    from opendvc.reporting.models import DailyStat

    dvcqg.sync([dvcqg_dossier(DuocThanhToanTrucTuyen=1)])
    done = dvcqg_dossier(
        TrangThaiHoSo=10, NgayKetThucXuLy="20261113100000", NgayTra="20261113153000", DuocThanhToanTrucTuyen=1
    )
    dvcqg.sync([done], updating=True)
    totals = DailyStat.objects.filter(agency=sync_world.justice).aggregate(
        received=Sum("received_online"),
        on_time=Sum("resolved_on_time"),
        late=Sum("resolved_late"),
        paid=Sum("paid_online"),
        digitised=Sum("received_digitised"),
    )
    assert totals == {"received": 1, "on_time": 1, "late": 0, "paid": 1, "digitised": 1}
