"""Register the reference connected portal, give the demo officers their published TOTP secret,
and mark the demo procedures that need a level-2 e-ID account (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opendvc.sso.demo import DEMO_TOTP_SECRET_BASE32, demo_identity_load


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu về định danh: cổng kết nối mẫu, xác thực hai lớp của cán bộ mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_identity_load()
        self.stdout.write(
            f"connected portal client {result.client_id} ({', '.join(result.redirect_uris)}); "
            f"TOTP secret {DEMO_TOTP_SECRET_BASE32} for {len(result.officers)} demo officers; "
            f"level 2 required by {', '.join(result.level_2) or 'no procedure'}"
        )
