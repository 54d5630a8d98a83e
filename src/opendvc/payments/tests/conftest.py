from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import World, dossier_in_state, make_world


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


@pytest.fixture
def fee_dossier(world: World) -> Dossier:
    """A dossier of the world's citizen waiting for its 8.000 đ fee (status 6)."""
    return dossier_in_state(world, status=6, step="appraise", fee_amount=8000)


@pytest.fixture
def gateway(reference_service: Callable[..., str], settings: Any) -> str:
    url = reference_service("payment_gateway")
    settings.OPENDVC_PAYMENT_GATEWAY_URL = url
    return url


@pytest.fixture
def obligations_source(reference_service: Callable[..., str], settings: Any) -> str:
    url = reference_service("obligations")
    settings.OPENDVC_OBLIGATIONS_URL = url
    return url


@pytest.fixture
def paying(db: None, gateway: str) -> tuple[World, Dossier]:
    """The world and its dossier waiting for 8.000 đ, with the reference gateway running."""
    world = make_world()
    return world, dossier_in_state(world, status=6, step="appraise", fee_amount=8000)
