"""The header's account links, the tracking link and the one place messages are shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from opendvc.accounts.models import User
from opendvc.dossiers.tests.factories import World
from opendvc.dossiers_web.tests.conftest import submit
from opendvc.dossiers_web.tests.test_officer_pages import text

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def test_visitors_get_a_login_link_back_to_the_page(client: Client) -> None:
    html = client.get("/tra-cuu-ho-so/?code=X").content.decode()
    assert 'href="/accounts/login/?next=/tra-cuu-ho-so/%3Fcode%3DX"' in html
    assert 'href="/tra-cuu-ho-so/" aria-current="page"' in html


def test_citizens_and_officers_get_their_own_links_and_a_logout_form(world: World, login: Login) -> None:
    citizen = login(world.citizen).get("/tra-cuu-ho-so/").content.decode()
    assert 'href="/ho-so-cua-toi/"' in citizen and 'href="/can-bo/"' not in citizen
    assert 'action="/accounts/logout/"' in citizen and 'href="/accounts/me/"' in citizen
    officer = login(world.desk).get("/tra-cuu-ho-so/").content.decode()
    assert 'href="/can-bo/"' in officer and 'href="/ho-so-cua-toi/"' not in officer


def test_a_page_cached_for_everyone_carries_nothing_personal(world: World, login: Login, client: Client) -> None:
    login(world.citizen).get("/")
    client.logout()
    html = client.get("/").content.decode()
    assert 'href="/ho-so-cua-toi/"' not in html and "Đăng xuất" not in html
    assert 'href="/accounts/me/"' in html


def test_a_message_is_shown_once(world: World, login: Login) -> None:
    dossier = submit(world)
    client = login(world.citizen)
    client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": ""})
    body = text(client.get(f"/ho-so-cua-toi/{dossier.code}/"))
    assert body.count(f"Đã rút hồ sơ {dossier.code}.") == 1


def test_account_pages_show_a_message_once_now_that_the_layout_does(world: World, login: Login) -> None:
    dossier = submit(world)
    client = login(world.citizen)
    client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": ""})
    body = text(client.get("/accounts/me/"))
    assert body.count(f"Đã rút hồ sơ {dossier.code}.") == 1
