"""Load the demo agencies (ministries, provincial and commune People's Committees, departments)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opendvc.agencies.models import AdministrativeUnit
from opendvc.agencies.services import demo_agencies_load
from opendvc.core.errors import ApiError


class Command(BaseCommand):
    help = "Load the demo agencies (marked as sample data). Run load_administrative_units first. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not AdministrativeUnit.objects.exists():
            raise CommandError("No administrative units yet: run `manage.py load_administrative_units` first.")
        try:
            count = demo_agencies_load()
        except ApiError as error:
            raise CommandError(f"{error.code}: {error.message_en}") from error
        self.stdout.write(f"Demo agencies: {count} loaded.")
