"""Verify the event hash chain of dossiers (all, or one agency's); exit with status 1 if any is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendvc.dossiers.models import Dossier
from opendvc.dossiers.selectors import dossier_chain_verify


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm lịch sử hồ sơ (append-only, chống sửa đổi). Verify dossiers' event hash chains."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", help="chỉ kiểm tra hồ sơ của cơ quan mã này (only this agency's dossiers)")

    def handle(self, *args: Any, **options: Any) -> None:
        dossiers = Dossier.objects.order_by("pk")
        if options.get("agency"):
            dossiers = dossiers.filter(agency__code=options["agency"])
        checked = broken = 0
        for dossier in dossiers.iterator(chunk_size=500):
            checked += 1
            result = dossier_chain_verify(dossier=dossier)
            if not result.ok:
                broken += 1
                self.stderr.write(f"{dossier.code}: {result.reason} at event {result.broken_at}")
        self.stdout.write(f"{checked} dossiers checked, {broken} broken")
        if broken:
            raise CommandError(f"{broken} dossier event chains are broken")
