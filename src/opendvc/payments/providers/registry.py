"""Providers by name, and which ones an agency offers (``settings.PAYMENT_PROVIDERS``)."""

from __future__ import annotations

from django.conf import settings

from opendvc.core.errors import ApiError
from opendvc.payments.providers.base import PaymentProvider

_PLUGINS: dict[str, type[PaymentProvider]] = {}


def register(name: str):  # type: ignore[no-untyped-def]
    def wrap(cls: type[PaymentProvider]) -> type[PaymentProvider]:
        cls.name = name
        _PLUGINS[name] = cls
        return cls

    return wrap


def _load() -> None:
    from opendvc.payments.providers import national, sandbox, vietqr, vnpay  # noqa: F401 - registers them


def provider_get(name: str) -> PaymentProvider:
    _load()
    if name not in _PLUGINS:
        raise ApiError(
            "provider_unknown",
            f"Không có kênh thanh toán {name}.",
            f"There is no payment provider {name}.",
            status=404,
        )
    return _PLUGINS[name]()


def provider_names() -> list[str]:
    _load()
    return sorted(_PLUGINS)


def providers_for_agency(agency_code: str) -> list[str]:
    """The providers an agency offers, in the order the payer sees them; the ``"*"`` entry by default."""
    _load()
    table: dict[str, list[str]] = getattr(settings, "PAYMENT_PROVIDERS", {}) or {}
    names = table.get(agency_code) or table.get("*") or []
    return [name for name in names if name in _PLUGINS]
