"""Public tracking: code plus the last four digits of the applicant's ID or phone, the same answer for
a wrong code and a wrong factor, the look-up limit, no personal data."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.dossiers.tests.factories import World
from opendvc.dossiers_web.tests.conftest import advance, submit
from opendvc.dossiers_web.tests.test_officer_pages import text

pytestmark = pytest.mark.django_db

NOT_FOUND = "Không có hồ sơ nào khớp với mã và 4 chữ số bạn nhập."


def test_the_page_works_without_signing_in_and_prefills_the_code(client: Client, world: World) -> None:
    response = client.get("/tra-cuu-ho-so/?code=H29.17-261124-0001")
    assert response.status_code == 200
    assert 'value="H29.17-261124-0001"' in response.content.decode()


@pytest.mark.parametrize("source", ["id", "phone"])
def test_right_code_and_factor_show_the_progress(client: Client, world: World, source: str) -> None:
    dossier = advance(world, submit(world), to="appraise")
    factor = str(world.citizen.personal_id if source == "id" else world.citizen.phone)[-4:]
    response = client.post("/tra-cuu-ho-so/", {"code": dossier.code.lower(), "factor": factor})
    assert response.status_code == 200
    body = text(response)
    assert dossier.code in body and "Đang được giải quyết" in body and "Đang xử lý" in body
    assert world.citizen.full_name not in body and world.citizen.phone not in body
    assert f"/accounts/login/?next=%2Fho-so-cua-toi%2F{dossier.code}%2F" in response.content.decode()


def test_a_wrong_factor_and_an_unknown_code_get_the_same_answer(client: Client, world: World) -> None:
    dossier = submit(world)
    wrong_factor = client.post("/tra-cuu-ho-so/", {"code": dossier.code, "factor": "0000"})
    unknown_code = client.post("/tra-cuu-ho-so/", {"code": f"{world.agency.code}-261231-9999", "factor": "0000"})
    assert wrong_factor.status_code == unknown_code.status_code == 404
    assert NOT_FOUND in text(wrong_factor) and NOT_FOUND in text(unknown_code)
    assert dossier.code not in text(wrong_factor).replace(f'value="{dossier.code}"', "")


def test_input_mistakes_are_explained_beside_the_fields(client: Client, world: World) -> None:
    empty = client.post("/tra-cuu-ho-so/", {"code": "", "factor": "12a4"})
    assert empty.status_code == 400
    body = text(empty)
    assert "Nhập mã hồ sơ, ví dụ H29.17-261124-0001." in body and "Chỉ nhập chữ số, ví dụ 4567." in body
    malformed = client.post("/tra-cuu-ho-so/", {"code": "HS-123", "factor": "1234"})
    assert malformed.status_code == 400
    assert "Mã hồ sơ có dạng {mã cơ quan}-{yyMMdd}-{4 chữ số}" in text(malformed)


def test_look_ups_are_limited_per_address(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DOSSIER_TRACK_RATE_PER_MINUTE = 2
    dossier = submit(world)
    factor = world.citizen.phone[-4:]
    for _ in range(2):
        assert client.post("/tra-cuu-ho-so/", {"code": dossier.code, "factor": factor}).status_code == 200
    limited = client.post("/tra-cuu-ho-so/", {"code": dossier.code, "factor": factor})
    assert limited.status_code == 429
    assert "Bạn tra cứu quá nhiều lần; hãy thử lại sau một phút." in text(limited)
    api = client.get("/api/v1/dossiers/track", {"code": dossier.code, "factor": factor})
    assert api.status_code == 429, "the page and the API share one budget per address"
