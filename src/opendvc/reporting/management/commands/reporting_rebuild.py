"""``manage.py reporting_rebuild [--check]``: recompute the statistics rollups from the dossier events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendvc.reporting.services import rollup_rebuild


class Command(BaseCommand):
    help = "Tính lại số liệu thống kê từ lịch sử sự kiện hồ sơ (--check: chỉ so sánh, không ghi)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare the stored rollups, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        result = rollup_rebuild(check=options["check"])
        summary = f"{result.events} events, {result.daily_rows} daily rows, {result.half_rows} half-month rows"
        if not options["check"]:
            self.stdout.write(f"Rebuilt: {summary}.")
            return
        if result.differing:
            for line in result.differences:
                self.stderr.write(line)
            raise CommandError(f"{result.differing} rollup rows differ from the event log ({summary}).")
        self.stdout.write(f"Rollups agree with the event log: {summary}.")
