"""The population database over HTTP, as ``reference/population`` answers it (docs/identity.md).

``POST {OPENDVC_POPULATION_URL}/api/v1/citizens/lookup`` with ``Authorization: Bearer <API key>``
(the portal is a registered user of the database) and the citizen's consent in the body::

    {"personal_id": "079090001234",
     "purpose": "Điền sẵn tờ khai thủ tục 1.001193",
     "consent": {"id": "<uuid>", "subject": "079090001234", "scope": ["identity", "residence"],
                 "given_at": "2026-11-24T02:12:09Z", "method": "checkbox"}}

The database refuses a look-up whose consent is missing, is for someone else, or is older than five
minutes (403 ``consent_required``), and logs the consent id with every access it answers.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

import requests
from django.conf import settings

from opendvc.population.base import Consent, PopulationError, PopulationRecord, PopulationRegistry
from opendvc.population.registry import register

TIMEOUT_SECONDS = 5


@register("reference")
class HttpPopulationRegistry(PopulationRegistry):
    verbose_name = "CSDL quốc gia về dân cư (HTTP)"

    def lookup(self, *, personal_id: str, consent: Consent) -> PopulationRecord:
        body: dict[str, Any] = {
            "personal_id": personal_id,
            "purpose": consent.purpose,
            "consent": {
                "id": consent.id,
                "subject": consent.subject,
                "scope": list(consent.scope),
                "given_at": consent.given_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "method": "checkbox",
            },
        }
        try:
            response = requests.post(
                f"{settings.OPENDVC_POPULATION_URL.rstrip('/')}/api/v1/citizens/lookup",
                json=body,
                headers={"Authorization": f"Bearer {settings.POPULATION_API_KEY}"},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise PopulationError("unavailable", str(error)) from None
        try:
            payload: dict[str, Any] = response.json()
        except ValueError:
            raise PopulationError("unavailable", f"HTTP {response.status_code}, not JSON") from None
        if response.status_code != 200:
            raise PopulationError(str(payload.get("error", "unavailable")), str(payload.get("error_description", "")))
        address = payload.get("permanent_address") or {}
        born = payload.get("birth_date")
        return PopulationRecord(
            personal_id=str(payload["personal_id"]),
            full_name=str(payload.get("full_name", "")),
            birth_date=date.fromisoformat(born) if born else None,
            sex=str(payload.get("sex", "")),
            birth_province_code=str(payload.get("birth_province_code", "")),
            nationality=str(payload.get("nationality", "VN")),
            ethnicity=str(payload.get("ethnicity", "")),
            address_line=str(address.get("line", "")),
            commune_code=str(address.get("commune_code", "")),
            province_code=str(address.get("province_code", "")),
            consent_id=str(payload.get("consent_id", "")),
        )
