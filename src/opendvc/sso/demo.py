"""Demo identity data: the reference connected portal's client, the demo officers' authenticators,
and a demo procedure that requires a level-2 e-ID account (docs/identity.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from opendvc.accounts.demo import ADMIN, OFFICERS
from opendvc.accounts.mfa import totp_demo_device
from opendvc.accounts.models import User
from opendvc.catalog.models import ProcedureVersion
from opendvc.sso.services import oidc_client_register

CONNECTED_PORTAL_CLIENT_ID = "connected-portal-demo"
CONNECTED_PORTAL_CLIENT_SECRET = "connected-portal-demo-secret"  # noqa: S105 - published demo credentials
#: The demo officers' TOTP secret, published in the README: b"opendvc-demo-officer" (base32 below).
DEMO_TOTP_KEY_HEX = "6f70656e6476632d64656d6f2d6f666669636572"
DEMO_TOTP_SECRET_BASE32 = "N5YGK3TEOZRS2ZDFNVXS233GMZUWGZLS"  # noqa: S105 - published demo secret
#: Phiếu lý lịch tư pháp: online applications need a level-2 VNeID account on the national portal.
LEVEL_2_PROCEDURES = ("3.000333",)


@dataclass
class DemoIdentityResult:
    client_id: str = ""
    redirect_uris: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    level_2: list[str] = field(default_factory=list)


@transaction.atomic
def demo_identity_load() -> DemoIdentityResult:
    result = DemoIdentityResult()
    base = settings.OPENDVC_CONNECTED_PORTAL_URL.rstrip("/")
    client, _ = oidc_client_register(
        name="Cổng dịch vụ công Bộ Mẫu (cổng kết nối mẫu)",
        redirect_uris=[f"{base}/callback"],
        post_logout_redirect_uris=[f"{base}/logged-out"],
        confidential=True,
        client_id=CONNECTED_PORTAL_CLIENT_ID,
        client_secret=CONNECTED_PORTAL_CLIENT_SECRET,
    )
    result.client_id, result.redirect_uris = client.client_id, client.redirect_uris.split()
    usernames = [officer.person.username for officer in OFFICERS] + [ADMIN.username]
    for user in User.objects.filter(username__in=usernames):
        totp_demo_device(user=user, key_hex=DEMO_TOTP_KEY_HEX)
        result.officers.append(user.username)
    for version in ProcedureVersion.objects.filter(
        procedure__code__in=LEVEL_2_PROCEDURES, status=ProcedureVersion.Status.PUBLISHED
    ):
        version.required_assurance_level = 2
        version.save(update_fields=["required_assurance_level"])
        result.level_2.append(version.procedure.code)
    return result
