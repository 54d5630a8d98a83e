"""Citizen registration: the page, the service's refusals, and that a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from opendvc.accounts.models import User, VerificationCode
from opendvc.accounts.services import citizen_register
from opendvc.accounts.tests.factories import UserFactory
from opendvc.core.errors import ApiError
from opendvc.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/accounts/register/"


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Lê Thị Hồng Nhung",
        "personal_id": "079190004321",  # 079 HCM, 1 = female 19xx, 90 = 1990
        "birth_day": "27",
        "birth_month": "3",
        "birth_year": "1990",
        "sex": "female",
        "phone": "0912 345 678",
        "email": "nhung@example.com",
        "password1": "Hoa-sen-2026!",
        "password2": "Hoa-sen-2026!",
    }
    data.update(overrides)
    return data


def nothing_created() -> bool:
    return not User.objects.exists() and not VerificationCode.objects.exists() and not Notification.objects.exists()


def test_citizen_registers_with_personal_id_as_username_and_receives_codes(
    client: Client,
    django_capture_on_commit_callbacks: Any,
    sms_messages: Callable[[], list[dict[str, Any]]],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/verify/phone/"
    user = User.objects.get()
    assert user.username == user.personal_id == "079190004321"
    assert user.kind == User.Kind.CITIZEN
    assert user.full_name == "Lê Thị Hồng Nhung"
    assert user.phone == "0912345678"
    assert user.birth_date == date(1990, 3, 27) and user.sex == User.Sex.FEMALE
    assert user.is_active and user.check_password("Hoa-sen-2026!")
    assert user.phone_verified_at is None and user.email_verified_at is None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert [m["to"] for m in sms_messages()] == ["0912345678"]
    assert [m.to for m in mail.outbox] == [["nhung@example.com"]]
    assert set(VerificationCode.objects.values_list("channel", flat=True)) == {"sms", "email"}


def test_birth_date_and_sex_are_optional(client: Client) -> None:
    response = client.post(URL, form_data(birth_day="", birth_month="", birth_year="", sex="", email=""))
    assert response.status_code == 302
    user = User.objects.get()
    assert user.birth_date is None and user.sex == "" and user.email == ""
    assert list(VerificationCode.objects.values_list("channel", flat=True)) == ["sms"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"personal_id": "07919000432"}, "personal_id", "Nhập số định danh cá nhân gồm 12 chữ số."),
        ({"personal_id": "0791900043ab"}, "personal_id", "Nhập số định danh cá nhân gồm 12 chữ số."),
        ({"birth_year": "1991"}, "personal_id", "Số định danh này thuộc người sinh năm 1990"),
        ({"sex": "male"}, "personal_id", "Số định danh này thuộc người giới tính nữ"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "không được chỉ gồm chữ số"),
        ({"password1": "abc", "password2": "abc"}, "password1", "Mật khẩu phải có ít nhất 8 ký tự."),
        ({"password2": "Hoa-sen-2027!"}, "password2", "Hai mật khẩu không giống nhau"),
        ({"phone": "12345"}, "phone", "Nhập số điện thoại di động gồm 10 chữ số"),
        ({"email": "nhung@"}, "email", "Nhập địa chỉ thư điện tử đúng dạng"),
        ({"full_name": "Nhung 123"}, "full_name", "chỉ gồm chữ cái"),
        ({"full_name": ""}, "full_name", "Nhập họ, chữ đệm và tên."),
        ({"birth_day": "31", "birth_month": "2"}, "birth_day", "Ngày sinh phải là một ngày có thật"),
        ({"birth_day": ""}, "birth_day", "Nhập đủ ngày, tháng và năm sinh"),
    ],
)
def test_refusal_shows_the_error_beside_the_field_keeps_input_and_creates_nothing(
    client: Client, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client.post(URL, form_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert 'class="usa-alert usa-alert--error odvc-error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert "Lê Thị Hồng Nhung" in html or overrides.get("full_name") is not None
    assert "Hoa-sen-2026!" not in html  # passwords are never sent back
    assert nothing_created()


def test_a_personal_id_that_already_has_an_account_is_refused(client: Client) -> None:
    existing = UserFactory.create(personal_id="079190004321")
    response = client.post(URL, form_data())

    assert response.status_code == 200
    assert "đã có tài khoản" in " ".join(response.context["form"].errors["personal_id"])
    assert list(User.objects.all()) == [existing]
    assert not VerificationCode.objects.exists()


def test_the_service_reports_every_problem_at_once() -> None:
    with pytest.raises(ApiError) as caught:
        citizen_register(
            full_name="",
            personal_id="123",
            phone="abc",
            email="x@",
            password="123",
        )
    assert caught.value.code == "invalid_registration"
    fields = {detail["field"] for detail in caught.value.details}
    assert fields == {"full_name", "personal_id", "phone", "email", "password"}
    assert all(detail["messages"]["vi"] and detail["messages"]["en"] for detail in caught.value.details)
    assert nothing_created()


def test_sex_digit_rule_covers_the_2000s() -> None:
    user = citizen_register(
        full_name="Trần Bảo Ngọc",
        personal_id="001305000001",  # 3 = female born 20xx, 05 = 2005
        phone="+84 912 000 111",
        password="Hoa-sen-2026!",
        birth_date=date(2005, 1, 2),
        sex="female",
    )
    assert user.phone == "0912000111"
    with pytest.raises(ApiError) as caught:
        citizen_register(
            full_name="Trần Bảo Long",
            personal_id="001205000002",  # 2 = male born 20xx
            phone="0912000112",
            password="Hoa-sen-2026!",
            birth_date=date(1905, 1, 2),
        )
    assert [d["code"] for d in caught.value.details] == ["personal_id_birth_year_mismatch"]


def test_the_page_has_the_fields_people_expect(client: Client) -> None:
    html = client.get(URL).content.decode()
    assert "Họ, chữ đệm và tên" in html
    for name in ("full_name", "personal_id", "birth_day", "birth_month", "birth_year", "phone", "email"):
        assert f'name="{name}"' in html
    assert 'inputmode="numeric"' in html
    assert "(không bắt buộc)" in html


def test_a_logged_in_person_is_sent_to_their_account(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get(URL)["Location"] == "/accounts/me/"


def test_every_problem_is_shown_at_once_even_with_fields_missing(client: Client) -> None:
    response = client.post(URL, form_data(personal_id="07919000432", phone="", password1="abc", password2=""))
    errors = response.context["form"].errors
    assert "12 chữ số" in errors["personal_id"][0]
    assert errors["phone"] == ["Nhập số điện thoại di động, ví dụ 0912345678."]
    assert "ít nhất 8 ký tự" in errors["password1"][0]
    assert "password2" in errors
    assert nothing_created()
