"""Create an OAuth2 client (client credentials) for an integrated system; the secret is printed once.

Running it again is the rotation: the previous client keeps working for ``SYNC_ROTATION_OVERLAP_SECONDS``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opendvc.sync.models import IntegratedSystem
from opendvc.sync.services import integrated_system_oauth_client_create


class Command(BaseCommand):
    help = "Tạo OAuth2 client (client credentials) cho hệ thống tích hợp; mật khẩu client chỉ hiện một lần."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("system", help="tên đăng nhập của hệ thống, ví dụ lgsp.hcm")

    def handle(self, *args: Any, system: str, **options: Any) -> None:
        found = IntegratedSystem.objects.filter(code=system.strip().lower()).first()
        if found is None:
            raise CommandError(f"no integrated system {system!r}")
        client_id, secret = integrated_system_oauth_client_create(system=found)
        self.stdout.write(f"client_id={client_id}\nclient_secret={secret}")
