"""The reference services: what each is, its WSGI application, and where the portal finds it.

``scripts/serve.py`` (``make run``) starts each on ``127.0.0.1:(PORT + port_offset)`` and passes its
address to every process in ``url_env``. When ``url_env`` is already set — a real e-ID provider or
payment gateway — the reference one is not started. A service reads its own settings from the
environment (``OPENDVC_PUBLIC_URL`` is the portal's address) and keeps its data under
``$OPENDVC_VAR_DIR/reference/<name>/``.

Every service answers ``GET /healthz`` with 200 when it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceService:
    name: str
    title: str
    wsgi: str
    port_offset: int
    url_env: str


SERVICES: list[ReferenceService] = [
    ReferenceService("eid", "Định danh điện tử quốc gia (mẫu)", "reference.eid.app:application", 1, "OPENDVC_EID_URL"),
    ReferenceService(
        "population",
        "CSDL quốc gia về dân cư (mẫu)",
        "reference.population.app:application",
        2,
        "OPENDVC_POPULATION_URL",
    ),
    ReferenceService(
        "connected_portal",
        "Cổng kết nối mẫu (đăng nhập một lần)",
        "reference.connected_portal.app:application",
        3,
        "OPENDVC_CONNECTED_PORTAL_URL",
    ),
    ReferenceService(
        "payment_gateway",
        "Cổng thanh toán mẫu (sandbox, Nền tảng thanh toán 1.0.6, VNPAY 2.1.0)",
        "reference.payment_gateway.app:application",
        4,
        "OPENDVC_PAYMENT_GATEWAY_URL",
    ),
    ReferenceService(
        "obligations",
        "Hệ thống khoản phải nộp mẫu (phạt giao thông, lệ phí trước bạ)",
        "reference.obligations.app:application",
        5,
        "OPENDVC_OBLIGATIONS_URL",
    ),
    ReferenceService(
        "national_portal",
        "Cổng Dịch vụ công quốc gia (mẫu, nhận đồng bộ hồ sơ)",
        "reference.national_portal.app:application",
        6,
        "OPENDVC_NATIONAL_PORTAL_URL",
    ),
]


def service(name: str) -> ReferenceService:
    for candidate in SERVICES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no reference service {name!r}; known: {', '.join(s.name for s in SERVICES) or 'none'}")
