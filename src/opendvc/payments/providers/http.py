"""HTTP to a provider: JSON in, JSON out; an unreachable or unreadable provider is :class:`ProviderUnavailable`."""

from __future__ import annotations

from typing import Any

import requests

from opendvc.payments.providers.base import ProviderUnavailable

TIMEOUT_SECONDS = 8


def post_json(url: str, body: dict[str, Any], *, headers: dict[str, str] | None = None) -> dict[str, Any]:
    try:
        response = requests.post(url, json=body, headers=headers or {}, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error)) from None
    try:
        payload = response.json()
    except ValueError:
        raise ProviderUnavailable(f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(payload, dict) or response.status_code >= 500:
        raise ProviderUnavailable(f"HTTP {response.status_code}")
    return payload


def get_json(url: str, *, headers: dict[str, str] | None = None) -> dict[str, Any]:
    try:
        response = requests.get(url, headers=headers or {}, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error)) from None
    try:
        payload = response.json()
    except ValueError:
        raise ProviderUnavailable(f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(payload, dict) or response.status_code >= 500:
        raise ProviderUnavailable(f"HTTP {response.status_code}")
    return payload
