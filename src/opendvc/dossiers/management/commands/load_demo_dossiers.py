"""Create the demo dossiers of the two demo Departments of Justice (``opendvc.dossiers.demo``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opendvc.dossiers.demo import demo_dossiers_load


class Command(BaseCommand):
    help = (
        "Tạo hồ sơ mẫu ở mọi trạng thái cho Sở Tư pháp TP. Hồ Chí Minh (H29.17) và TP. Hà Nội (H26.17); "
        "chạy lại không tạo trùng."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_dossiers_load()
        if result.missing and not result.created and not result.existing:
            raise CommandError(
                "Missing: "
                + ", ".join(result.missing)
                + ". Run load_demo_agencies, load_demo_catalog and load_demo_accounts first."
            )
        for name in result.missing:
            self.stderr.write(self.style.WARNING(f"Warning: missing {name}; its demo dossiers were not created."))
        for line in result.skipped:
            self.stderr.write(self.style.WARNING(f"Warning: skipped {line}"))
        self.stdout.write(
            f"demo dossiers: {len(result.created)} created, {result.existing} already there, "
            f"{len(result.skipped)} skipped"
        )
