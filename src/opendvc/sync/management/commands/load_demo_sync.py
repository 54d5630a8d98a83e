"""Create the demo integrated system ``lgsp.hcm`` (password ``Demo@12345``) for the Hồ Chí Minh City agencies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opendvc.sync.demo import DEMO_PASSWORD, demo_sync_load


class Command(BaseCommand):
    help = "Nạp hệ thống tích hợp mẫu lgsp.hcm (đồng bộ hồ sơ các cơ quan Thành phố Hồ Chí Minh)."

    def handle(self, *args: Any, **options: Any) -> None:
        system = demo_sync_load()
        provinces = ", ".join(system.scope_provinces.values_list("name", flat=True)) or "—"
        self.stdout.write(f"integrated system {system.code} (password {DEMO_PASSWORD}) for {provinces}")
