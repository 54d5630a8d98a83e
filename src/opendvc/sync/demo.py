"""The demo integrated system: ``lgsp.hcm`` / ``Demo@12345``, writing for the Hồ Chí Minh City agencies."""

from __future__ import annotations

from opendvc.agencies.models import AdministrativeUnit
from opendvc.sync.models import IntegratedSystem
from opendvc.sync.services import integrated_system_create

DEMO_SYSTEM = "lgsp.hcm"
DEMO_PASSWORD = "Demo@12345"  # noqa: S105 - published demo credentials, documented in the README
HCM_PROVINCE_CODE = "79"


def demo_sync_load() -> IntegratedSystem:
    """Create the demo system once (idempotent: an existing one keeps its credentials and scope)."""
    existing = IntegratedSystem.objects.filter(code=DEMO_SYSTEM).first()
    if existing is not None:
        return existing
    return integrated_system_create(
        code=DEMO_SYSTEM,
        name="Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) Thành phố Hồ Chí Minh (mẫu)",
        operator="Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh",
        password=DEMO_PASSWORD,
        provinces=AdministrativeUnit.objects.filter(code=HCM_PROVINCE_CODE),
        rate_limit_per_minute=6000,
    )
