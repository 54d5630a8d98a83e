"""Each data-quality check refuses its record with its own code, keeps it in quarantine, and counts it."""

from __future__ import annotations

from typing import Any

import pytest

from opendvc.dossiers.models import Dossier
from opendvc.sync.models import QuarantinedRecord
from opendvc.sync.selectors import quality_counts
from opendvc.sync.tests.conftest import dvcqg_dossier

RETURNED: dict[str, Any] = {"TrangThaiHoSo": 10, "NgayKetThucXuLy": "20261112100000", "NgayTra": "20261112153000"}

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("procedure_unknown", "07", {"MaTTHC": "1.999999"}),
    ("procedure_retired", "08", {"MaTTHC": "1.000656"}),
    ("agency_unknown", "04", {"MaHoSo": "H29.55-261110-0001", "MaDonVi": "H29.55"}),
    ("agency_without_unit", "05", {"MaHoSo": "H29.99-261110-0001", "MaDonVi": "H29.99"}),
    ("invalid_dossier_code", "02", {"MaHoSo": "HS-2026-0001"}),
    ("invalid_dossier_code", "02", {"MaHoSo": "H29.17-261340-0001"}),
    ("dossier_code_agency_mismatch", "03", {"MaHoSo": "H29.40-261110-0001"}),
    ("dates_returned_before_received", "10", {**RETURNED, "NgayTra": "20261109153000"}),
    ("dates_due_before_received", "11", {"NgayHenTra": "20261109170000"}),
    ("status_jump_impossible", "12", {**RETURNED, "NgayTiepNhan": ""}),
    ("invalid_personal_id", "13", {"SoGiayToChuHoSo": "07919000123", "DinhDanhCHS": []}),
    ("invalid_personal_id", "13", {"SoGiayToChuHoSo": "999190001234"}),
    ("procedure_not_offered", "09", {"MaTTHC": "1.004222"}),
    ("agency_out_of_scope", "06", {"MaHoSo": "H26.17-261110-0001", "MaDonVi": "H26.17"}),
    ("invalid_record", "01", {"TrangThaiHoSo": 11}),
    ("invalid_record", "01", {"ChuHoSo": ""}),
    ("invalid_record", "01", {"ChuHoSo": "Nguyễn\x00Văn"}),
]


@pytest.mark.parametrize(("reason", "wire", "changes"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_check_refuses_the_record_with_its_code_and_quarantines_it(dvcqg, sync_world, reason, wire, changes):
    record = dvcqg_dossier(**changes)
    reply = dvcqg.sync([record, dvcqg_dossier("H29.17-261110-0777")])
    bad, good = reply["results"]
    assert (bad["result"], bad["reason"], bad["error_code"]) == ("rejected", reason, wire)
    assert bad["message"]
    assert good["result"] == "created"
    assert list(Dossier.objects.values_list("code", flat=True)) == ["H29.17-261110-0777"]
    kept = QuarantinedRecord.objects.get()
    assert (kept.reason, kept.system, kept.resolved_at) == (reason, sync_world.system, None)
    assert kept.payload["MaHoSo"] == record["MaHoSo"]


def test_a_final_status_cannot_go_back(dvcqg):
    dvcqg.sync([dvcqg_dossier(**RETURNED)])
    reopened = dvcqg_dossier(TrangThaiHoSo=4, NgayCapNhat="20261120080000")
    reply = dvcqg.sync([reopened], updating=True)
    assert reply["results"][0]["reason"] == "status_jump_impossible"
    assert Dossier.objects.get().status == 10


def test_corrected_record_resubmitted_resolves_the_quarantine(dvcqg, sync_world):
    dvcqg.sync([dvcqg_dossier(MaTTHC="1.999999")])
    dvcqg.sync([dvcqg_dossier(MaTTHC="1.999998")])
    kept = QuarantinedRecord.objects.get()
    assert kept.attempts == 2
    dvcqg.sync([dvcqg_dossier()])
    kept.refresh_from_db()
    assert kept.resolved_at is not None
    assert Dossier.objects.count() == 1
    [row] = quality_counts(system=sync_world.system)
    assert (row.agency_code, row.reason, row.open, row.resolved, row.attempts) == (
        "H29.17",
        "procedure_unknown",
        0,
        1,
        2,
    )


def test_quality_counts_per_system_and_agency(dvcqg, sync_world):
    dvcqg.sync(
        [
            dvcqg_dossier("H29.17-261110-0001", MaTTHC="1.999999"),
            dvcqg_dossier("H29.17-261110-0002", MaTTHC="1.999999"),
            dvcqg_dossier("H29.40-261110-0003", MaDonVi="H29.40", MaTTHC="1.999999"),
            dvcqg_dossier("H29.17-261110-0004", SoGiayToChuHoSo="1"),
        ]
    )
    rows = {(r.agency_code, r.reason): r.open for r in quality_counts(system=sync_world.system)}
    assert rows == {
        ("H29.17", "invalid_personal_id"): 1,
        ("H29.17", "procedure_unknown"): 2,
        ("H29.40", "procedure_unknown"): 1,
    }


def test_a_system_cannot_update_a_dossier_of_another_system(dvcqg, sync_world, client):
    from opendvc.sync.services import integrated_system_create
    from opendvc.sync.tests.conftest import Dvcqg

    dvcqg.sync([dvcqg_dossier()])
    integrated_system_create(
        code="lgsp.other", name="Khác", operator="Khác", password="Khac@12345", provinces=[sync_world.hcm]
    )
    other = Dvcqg(client, username="lgsp.other", password="Khac@12345")
    reply = other.sync([dvcqg_dossier(TrangThaiHoSo=8, NgayCapNhat="20261120080000")])
    assert reply["results"][0]["reason"] == "dossier_owned_elsewhere"
    assert Dossier.objects.get().status == 4
