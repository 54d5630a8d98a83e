"""Load the 2025 administrative units and the map from pre-2025 communes (Resolution 202/2025/QH15)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opendvc.agencies.services import administrative_units_load, legacy_unit_mappings_load


class Command(BaseCommand):
    help = "Load the 34 provinces, 3,321 communes and the pre-2025 → 2025 commune map. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        units = administrative_units_load()
        self.stdout.write(
            f"Administrative units: {units['provinces']} provinces, {units['communes']} communes "
            f"({units['created']} created, {units['updated']} updated)."
        )
        legacy = legacy_unit_mappings_load()
        self.stdout.write(
            f"Pre-2025 units: {legacy['old_wards']} old communes and "
            f"{legacy['old_units'] - legacy['old_wards']} island districts mapped to {legacy['new_units']} new units "
            f"({legacy['old_wards_divided']} old communes were split; {legacy['mappings']} mappings: "
            f"{legacy['created']} created, {legacy['updated']} updated, {legacy['deleted']} removed)."
        )
        if legacy["code_mismatches"]:
            self.stdout.write(
                f"Note: {legacy['code_mismatches']} communes carry a different code in vietnamadminunits; "
                "the codes of vietnam-provinces are kept."
            )
