"""Form data against each demo form: good answers pass; each kind of wrong answer is refused with the
field's JSON pointer and a message in Vietnamese and English that says how to fix it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendvc.core.errors import ApiError
from opendvc.dossiers.tests.factories import World
from opendvc.forms.demo import demo_form_definitions
from opendvc.forms.schema import form_spec_build
from opendvc.forms.tests.samples import HANOI, HOAN_KIEM, SAMPLES, sample
from opendvc.forms.validation import form_data_validate, form_errors

pytestmark = pytest.mark.django_db


def spec_of(code: str) -> Any:
    document = demo_form_definitions()[code]
    return form_spec_build(document["schema"], document["ui"])


def errors_of(code: str, data: Any) -> dict[str, tuple[str, str]]:
    return {e.pointer: (e.message_vi, e.message_en) for e in form_errors(spec=spec_of(code), data=data)}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_good_answers_pass_every_demo_form(units: Any, code: str) -> None:
    assert errors_of(code, sample(code)) == {}


def test_there_are_at_least_ten_demo_forms_with_a_sample_each() -> None:
    assert len(demo_form_definitions()) >= 10
    assert set(demo_form_definitions()) == set(SAMPLES)


def test_a_missing_answer_names_its_field_in_both_languages(units: Any) -> None:
    data = sample("1.001193")
    del data["tre"]["ho_ten"]
    assert errors_of("1.001193", data) == {
        "/tre/ho_ten": ("Nhập họ, chữ đệm và tên của trẻ.", "Enter the child's full name.")
    }


def test_a_missing_section_lists_each_field_it_requires(units: Any) -> None:
    data = sample("1.001193")
    del data["me"]
    found = errors_of("1.001193", data)
    assert set(found) == {
        "/me/ho_ten",
        "/me/ngay_sinh",
        "/me/dan_toc",
        "/me/quoc_tich",
        "/me/noi_cu_tru/tinh",
        "/me/noi_cu_tru/xa",
        "/me/noi_cu_tru/chi_tiet",
    }
    assert found["/me/dan_toc"][0] == "Chọn dân tộc của mẹ."


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (("nguoi_yeu_cau", "so_dinh_danh", "07919500123"), "/nguoi_yeu_cau/so_dinh_danh", "12 chữ số"),
        (
            ("nguoi_yeu_cau", "dien_thoai", "0212345678"),
            "/nguoi_yeu_cau/dien_thoai",
            "bắt đầu bằng 03, 05, 07, 08 hoặc 09",
        ),
        (("nguoi_yeu_cau", "email", "hoa@"), "/nguoi_yeu_cau/email", "ten@example.com"),
        (("tre", "ngay_sinh", "2025-02-30"), "/tre/ngay_sinh", "một ngày có thật"),
        (("tre", "ngay_sinh", "2999-01-01"), "/tre/ngay_sinh", "không thể sau ngày hôm nay"),
        (("tre", "gioi_tinh", "khac"), "/tre/gioi_tinh", "Chọn giới tính trong danh sách"),
        (("tre", "dan_toc", "Kinh Tày"), "/tre/dan_toc", "Chọn dân tộc trong danh sách"),
        (("tre", "ho_ten", "Nguyễn Văn 2"), "/tre/ho_ten", "chỉ gồm chữ cái"),
        (("tre", "ho_ten", "A" * 101), "/tre/ho_ten", "dài tối đa 100 ký tự"),
        (("me", "ngay_sinh", "2026-01-01"), "/me/ngay_sinh", "phải trước ngày sinh của trẻ"),
        (("cam_doan", None, False), "/cam_doan", "Đánh dấu vào ô"),
        (("so_ban_sao", None, 11), "/so_ban_sao", "không được quá 10"),
        (("so_ban_sao", None, "hai"), "/so_ban_sao", "bằng chữ số"),
    ],
)
def test_each_kind_of_wrong_answer_is_refused_with_its_pointer(
    units: Any, change: tuple[str, str | None, Any], pointer: str, words: str
) -> None:
    data = sample("1.001193")
    section, key, value = change
    if key is None:
        data[section] = value
    else:
        data[section][key] = value
    found = errors_of("1.001193", data)
    assert pointer in found, found
    message_vi, message_en = found[pointer]
    assert words in message_vi
    assert message_en and message_en != message_vi


def test_a_personal_id_is_checked_against_the_birth_year_and_the_sex(units: Any) -> None:
    data = sample("1.001193")
    data["nguoi_yeu_cau"]["ngay_sinh"] = "1996-04-12"
    data["me"]["so_dinh_danh"] = "079095001234"  # a man's number (4th digit even)
    found = errors_of("1.001193", data)
    assert "năm sinh 1996" in found["/nguoi_yeu_cau/so_dinh_danh"][0]
    assert "giới tính nữ" in found["/me/so_dinh_danh"][0]
    assert "sex female" in found["/me/so_dinh_danh"][1]


def test_the_commune_must_belong_to_the_chosen_province(units: Any) -> None:
    data = sample("1.001193")
    data["tre"]["noi_sinh"]["xa"] = HOAN_KIEM
    assert errors_of("1.001193", data)["/tre/noi_sinh/xa"][0].startswith("Chọn xã, phường, đặc khu thuộc")
    data["tre"]["noi_sinh"]["tinh"] = HANOI
    assert errors_of("1.001193", data) == {}
    data["tre"]["noi_sinh"]["tinh"] = "99"
    assert "/tre/noi_sinh/tinh" in errors_of("1.001193", data)


def test_a_tax_code_and_a_table_of_rows_are_checked(units: Any) -> None:
    business = sample("1.001612")
    business["chu_ho"]["ma_so_thue"] = "031234567"
    assert "Mã số thuế gồm 10 chữ số" in errors_of("1.001612", business)["/chu_ho/ma_so_thue"][0]
    record = sample("3.000333")
    record["qua_trinh_cu_tru"][1]["tu"] = "2012"
    del record["qua_trinh_cu_tru"][0]["noi_cu_tru"]
    found = errors_of("3.000333", record)
    assert found["/qua_trinh_cu_tru/1/tu"][0] == "Nhập tháng và năm dạng 03/2010."
    assert found["/qua_trinh_cu_tru/0/noi_cu_tru"][0] == "Nhập nơi cư trú."


def test_marriage_checks_both_ages_and_sexes(units: Any) -> None:
    data = sample("1.000894")
    data["ben_nam"]["ngay_sinh"] = "2010-01-01"
    data["ben_nam"]["so_dinh_danh"] = "079210001234"  # 2 → man born 20xx, 10 → 2010
    found = errors_of("1.000894", data)
    assert list(found) == ["/ben_nam/ngay_sinh"]
    assert "từ đủ 20 tuổi" in found["/ben_nam/ngay_sinh"][0]


def test_an_answer_the_form_does_not_have_is_refused(units: Any) -> None:
    data = sample("1.014137")
    data["ghi_chu"] = "x"
    assert errors_of("1.014137", data)["/ghi_chu"][0] == "Tờ khai không có mục «ghi_chu»; hãy bỏ mục này."


def test_not_an_object_at_all_is_refused_at_the_root(units: Any) -> None:
    found = errors_of("1.014137", ["a", "list"])
    assert list(found) == ["/"]


# --- The dossiers app's validator ------------------------------------------------------------------


def test_the_validator_refuses_with_form_invalid_and_one_detail_per_field(world: World) -> None:
    data = sample("1.001193")
    data["nguoi_yeu_cau"]["dien_thoai"] = "12345"
    del data["tre"]["gioi_tinh"]
    with pytest.raises(ApiError) as caught:
        form_data_validate(version=world.version, form_version="1.1", data=data)
    error = caught.value
    assert (error.code, error.status) == ("form_invalid", 422)
    assert [d["field"] for d in error.details] == ["/nguoi_yeu_cau/dien_thoai", "/tre/gioi_tinh"]
    assert all(d["message_vi"] and d["message_en"] for d in error.details)
    assert error.message_vi.startswith("Tờ khai còn 2 chỗ cần sửa.")


def test_the_validator_accepts_good_data_and_a_paper_form(world: World) -> None:
    form_data_validate(version=world.version, form_version="1.1", data=sample("1.001193"))
    form_data_validate(version=world.version, form_version="", data={})


def test_an_old_form_version_is_stale(world: World) -> None:
    with pytest.raises(ApiError) as caught:
        form_data_validate(version=world.version, form_version="1.0", data=sample("1.001193"))
    assert (caught.value.code, caught.value.status) == ("form_version_stale", 409)


def test_a_version_without_a_form_takes_any_data(db: None) -> None:
    from opendvc.dossiers.tests.factories import make_world

    other = make_world()
    form_data_validate(version=other.version, form_version="", data={"ghi_chu": "bất kỳ"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    year=st.integers(min_value=1900, max_value=2099),
    female=st.booleans(),
    serial=st.integers(min_value=0, max_value=999_999),
    claimed=st.integers(min_value=1900, max_value=2099),
)
def test_a_personal_id_agrees_with_a_birth_year_exactly_when_it_encodes_it(
    units: Any, year: int, female: bool, serial: int, claimed: int
) -> None:
    century_sex = 2 * ((year - 1900) // 100) + int(female)
    number = f"079{century_sex}{year % 100:02d}{serial:06d}"
    data = sample("1.001193")
    data["me"].update(so_dinh_danh=number, ngay_sinh=f"{claimed}-01-01")
    found = errors_of("1.001193", data)
    id_wrong = "/me/so_dinh_danh" in found
    assert id_wrong == (claimed != year or not female)
