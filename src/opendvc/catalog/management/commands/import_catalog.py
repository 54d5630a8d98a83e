"""Import procedures from a dump of the national TTHC database (or the sample's format).

    manage.py import_catalog dump.json                   # JSON array of national records
    manage.py import_catalog dump.jsonl                  # JSON Lines
    manage.py import_catalog tthc-sample.json --format sample

Prints how many records were created, published as a new version, unchanged or rejected, then
each rejection with its reasons. Rejections are the data's problem, not the command's: the exit
status is 0 unless the file itself cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendvc.catalog.importers.national import CatalogFileError, ImportReport, import_records, records_read
from opendvc.catalog.importers.sample import sample_records


def report_write(command: BaseCommand, report: ImportReport) -> None:
    command.stdout.write(report.summary())
    for record in report.rejected:
        command.stdout.write(f"  #{record.position} {record.code or '?'}: {record.reason_vi}")
        command.stdout.write(f"  #{record.position} {record.code or '?'}: {record.reason_en}")


class Command(BaseCommand):
    help = "Nhập thủ tục hành chính từ tệp của CSDL quốc gia về TTHC (JSON hoặc JSON Lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Tệp JSON (mảng bản ghi) hoặc JSON Lines.")
        parser.add_argument(
            "--format",
            choices=["national", "sample"],
            default="national",
            help="national: bản ghi CSDL quốc gia (mặc định); sample: định dạng tthc-sample.json.",
        )

    def handle(self, *args: Any, path: str, format: str, **options: Any) -> None:
        try:
            records = records_read(Path(path))
        except CatalogFileError as error:
            raise CommandError(str(error)) from error
        report = import_records(sample_records(records) if format == "sample" else records)
        report_write(self, report)
