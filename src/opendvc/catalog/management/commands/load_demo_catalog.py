"""Load the demo catalogue: the bundled sample of 305 real procedures, then its service offerings.

The sample goes through the same import as a dump of the national database (via the sample
adapter), so running this again changes nothing. Offerings link each procedure to the demo
agencies that would provide it; load the agencies first (``load_demo_agencies``). Procedures whose
fees the law has paid with the dossier (``DEMO_FEES_AT_SUBMISSION``) are marked so.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opendvc.catalog.importers.national import CatalogFileError, import_records, records_read
from opendvc.catalog.importers.sample import sample_records
from opendvc.catalog.management.commands.import_catalog import report_write
from opendvc.catalog.models import FeePaymentMoment
from opendvc.catalog.services import DEMO_FEES_AT_SUBMISSION, fee_payment_moment_set, offerings_link_demo


class Command(BaseCommand):
    help = "Nạp danh mục thủ tục mẫu (305 thủ tục thật) và liên kết với các cơ quan mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entries = records_read(settings.TTHC_SAMPLE_PATH)
        except CatalogFileError as error:
            raise CommandError(str(error)) from error
        report_write(self, import_records(sample_records(entries)))
        links = offerings_link_demo()
        self.stdout.write(links.message_vi)
        self.stdout.write(links.message_en)
        for code, rule in DEMO_FEES_AT_SUBMISSION.items():
            if fee_payment_moment_set(procedure_code=code, moment=FeePaymentMoment.AT_SUBMISSION):
                self.stdout.write(f"{code}: phí, lệ phí nộp khi nộp hồ sơ ({rule})")
