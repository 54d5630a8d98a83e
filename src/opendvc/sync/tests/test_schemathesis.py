"""schemathesis against the sync API's OpenAPI schema: whatever it sends, the answer is never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from opendvc.sync.services import integrated_system_oauth_client_create


@pytest.fixture
def bearer(sync_world: Any, client: Any) -> dict[str, str]:
    client_id, secret = integrated_system_oauth_client_create(system=sync_world.system)
    answer = client.post(
        "/o/token/", {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _schema() -> Any:
    from opendvc.config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(path_regex="^/api/v1/sync/")


schema = _schema()


@pytest.fixture
def direct_calls(bearer: dict[str, str]) -> Any:
    """The token's headers. Calling the WSGI application directly would close the database connection at the end of each
    request (and with it the test's transaction); Django's test client disconnects the same handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield bearer
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_the_sync_api_never_answers_a_server_error(case: Any, direct_calls: dict[str, str]) -> None:
    case.call_and_validate(headers=direct_calls, checks=[not_a_server_error])
