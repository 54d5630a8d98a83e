"""Load the demo online forms (``forms/data/*.json``) onto the demo catalogue's published versions.

Idempotent: a form whose content has not changed is left as it is; a changed one gets the next
version number. Procedures missing from the catalogue are reported and skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opendvc.forms.demo import demo_forms_load


class Command(BaseCommand):
    help = "Nạp các tờ khai trực tuyến mẫu cho các thủ tục của danh mục mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_forms_load()
        for code in report.missing:
            self.stderr.write(f"{code}: không có trong danh mục hoặc chưa có phiên bản đang áp dụng, bỏ qua")
        self.stdout.write(
            f"demo forms: {len(report.created)} created or updated, {len(report.unchanged)} unchanged, "
            f"{len(report.missing)} skipped"
        )
