"""Load decided days (holidays, days off, make-up days) from a JSON file, or show a year's calendar.

The file is a list of ``{"date": "2027-02-05", "kind": "holiday" | "day_off" | "makeup_working_day",
"name": "…", "legal_basis": "…", "agency": "H29" (optional: a local decision)}``. Loading is
idempotent: a row of the same date and scope is replaced.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from opendvc.agencies.selectors import agency_get
from opendvc.core.calendar import WorkingCalendar, calendar_day_upsert
from opendvc.core.errors import ApiError


class Command(BaseCommand):
    help = "Nạp ngày nghỉ lễ, nghỉ bù, ngày làm bù từ tệp JSON, hoặc xem lịch một năm (--show 2027)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="Tệp JSON các ngày đã quyết định.")
        parser.add_argument("--show", type=int, metavar="YEAR", help="In các ngày nghỉ và ngày làm bù của năm.")
        parser.add_argument("--agency", help="Mã cơ quan (lịch của cơ quan thay vì lịch toàn quốc).")

    def handle(self, *args: Any, file: str | None = None, show: int | None = None, **options: Any) -> None:
        try:
            agency = agency_get(code=options["agency"]) if options.get("agency") else None
            if file:
                self._load(Path(file))
            if show:
                self._show(show, agency)
        except ApiError as error:
            raise CommandError(error.message_en) from None
        if not file and not show:
            raise CommandError("Give a JSON file to load, or --show YEAR.")

    @transaction.atomic
    def _load(self, path: Path) -> None:
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from None
        if not isinstance(items, list):
            raise CommandError(f"{path}: expected a list of days")
        for number, item in enumerate(items, start=1):
            try:
                calendar_day_upsert(
                    day=date.fromisoformat(item["date"]),
                    kind=item["kind"],
                    name=item["name"],
                    legal_basis=item.get("legal_basis", ""),
                    agency=agency_get(code=item["agency"]) if item.get("agency") else None,
                )
            except (KeyError, TypeError, ValueError, ValidationError, ApiError) as error:
                raise CommandError(f"{path}, item {number}: {error}") from None
        self.stdout.write(f"{len(items)} ngày đã nạp từ {path}")

    def _show(self, year: int, agency: Any) -> None:
        calendar = WorkingCalendar(agency=agency)
        start, end = date(year, 1, 1), date(year, 12, 31)
        lines = [
            (day.date, "nghỉ    ", day.reason)
            for day in calendar.non_working_days(start, end)
            if day.date.weekday() < 5 or day.reason not in {"Thứ Bảy", "Chủ nhật"}
        ]
        lines += [(day.date, "làm việc", day.reason) for day in calendar.makeup_days(start, end)]
        for day, status, reason in sorted(lines):
            self.stdout.write(f"{day:%d/%m/%Y}  {status}  {reason}")
