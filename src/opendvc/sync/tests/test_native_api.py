"""The native API: OAuth2 client credentials, batches in OpenDVC's schema, per-record outcomes, scope."""

from __future__ import annotations

import json
from typing import Any

from opendvc.dossiers.models import Dossier
from opendvc.sync.services import integrated_system_oauth_client_create
from opendvc.sync.tests.conftest import native_dossier


def _token(client, client_id: str, secret: str) -> str:
    answer = client.post(
        "/o/token/", {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]  # type: ignore[no-any-return]


def _post(client, token: str, path: str, records) -> Any:
    return client.post(
        path,
        data=json.dumps({"records": records}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_client_credentials_token_syncs_a_batch(sync_world, client):
    token = _token(client, *integrated_system_oauth_client_create(system=sync_world.system))
    answer = _post(client, token, "/api/v1/sync/dossiers", [native_dossier(), native_dossier("H29.17-261110-0002")])
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    again = _post(client, token, "/api/v1/sync/dossiers", [native_dossier()]).json()
    assert again["counts"]["unchanged"] == 1


def test_agency_outside_the_scope_is_refused_for_that_record(sync_world, client):
    token = _token(client, *integrated_system_oauth_client_create(system=sync_world.system))
    hanoi = native_dossier("H26.17-261110-0001", agency_code="H26.17")
    body = _post(client, token, "/api/v1/sync/dossiers", [hanoi, native_dossier()]).json()
    assert [r["result"] for r in body["results"]] == ["rejected", "created"]
    assert body["results"][0]["reason"] == "agency_out_of_scope"
    assert not Dossier.objects.filter(agency=sync_world.hanoi_justice).exists()


def test_without_a_token_or_with_a_personal_token_the_api_refuses(sync_world, client):
    answer = client.post("/api/v1/sync/dossiers", data="{}", content_type="application/json")
    assert answer.status_code == 401
    answer = _post(client, "odvc_abc_def", "/api/v1/sync/dossiers", [native_dossier()])
    assert answer.status_code == 401
    assert not Dossier.objects.exists()


def test_rotated_client_keeps_working_during_the_overlap_then_stops(sync_world, client, settings):
    old = integrated_system_oauth_client_create(system=sync_world.system)
    settings.SYNC_ROTATION_OVERLAP_SECONDS = -1
    new = integrated_system_oauth_client_create(system=sync_world.system)
    old_token = _token(client, *old)
    assert _post(client, old_token, "/api/v1/sync/dossiers", [native_dossier()]).status_code == 401
    assert _post(client, _token(client, *new), "/api/v1/sync/dossiers", [native_dossier()]).status_code == 200


def test_a_malformed_record_is_rejected_alone(sync_world, client):
    token = _token(client, *integrated_system_oauth_client_create(system=sync_world.system))
    body = _post(client, token, "/api/v1/sync/dossiers", [{"code": 5}, "x", native_dossier()]).json()
    assert [r["result"] for r in body["results"]] == ["rejected", "rejected", "created"]
    assert body["results"][0]["reason"] == "invalid_record"


def test_quality_api_shows_a_system_its_own_refusals(sync_world, client):
    token = _token(client, *integrated_system_oauth_client_create(system=sync_world.system))
    _post(client, token, "/api/v1/sync/dossiers", [native_dossier(procedure_code="1.999999")])
    rows = client.get("/api/v1/sync/quality", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [(r["agency_code"], r["reason"], r["open"]) for r in rows] == [("H29.17", "procedure_unknown", 1)]
    kept = client.get("/api/v1/sync/quarantine", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert kept[0]["payload"]["procedure_code"] == "1.999999"


def test_openapi_documents_the_sync_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/v1/sync/dossiers"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "records" in body["properties"]
    assert body["properties"]["records"]["maxItems"] == 1000
