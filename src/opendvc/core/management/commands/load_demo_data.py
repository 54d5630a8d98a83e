"""Load the reference data and the demo data once: administrative units, agencies, the catalogue.

Each step is idempotent on its own; this command also remembers which data version each step
loaded, so ``make run`` starts in seconds after the first time.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from opendvc.core.models import SetupStep

# Bump a step's version when its data changes, so existing installations load it again.
STEPS: list[tuple[str, str, str]] = [
    ("administrative_units", "2025.10.1", "load_administrative_units"),
    ("demo_agencies", "1", "load_demo_agencies"),
    ("demo_catalog", "3", "load_demo_catalog"),
    ("demo_accounts", "2", "load_demo_accounts"),
    ("demo_forms", "1", "load_demo_forms"),
    ("demo_dossiers", "1", "load_demo_dossiers"),
    ("demo_identity", "1", "load_demo_identity"),
    ("demo_sync", "1", "load_demo_sync"),
]


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính và dữ liệu mẫu (chỉ một lần cho mỗi phiên bản dữ liệu)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Nạp lại kể cả khi đã nạp.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        for name, version, command in STEPS:
            done = SetupStep.objects.filter(name=name, version=version).exists()
            if done and not force:
                self.stdout.write(f"{name}: already loaded (version {version})")
                continue
            self.stdout.write(f"{name}: loading…")
            call_command(command, stdout=self.stdout, stderr=self.stderr)
            SetupStep.objects.update_or_create(name=name, defaults={"version": version})
