"""The apply page of a procedure that requires a level-2 e-ID account."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.dossiers.tests.factories import World

pytestmark = pytest.mark.django_db


def test_the_start_page_says_a_level_2_account_is_needed_and_offers_the_eid(
    world: World, citizen_client: Client
) -> None:
    world.version.required_assurance_level = 2
    world.version.save()
    html = citizen_client.get("/nop-ho-so/1.001193/").content.decode()
    assert "Thủ tục này yêu cầu tài khoản định danh điện tử mức 2" in html
    assert 'href="/accounts/vneid/?level=2&amp;next=/nop-ho-so/1.001193/"' in html


def test_a_level_2_account_is_not_warned(world: World, citizen_client: Client) -> None:
    world.version.required_assurance_level = 2
    world.version.save()
    world.citizen.assurance_level = 2
    world.citizen.save()
    assert "yêu cầu tài khoản định danh điện tử" not in citizen_client.get("/nop-ho-so/1.001193/").content.decode()
