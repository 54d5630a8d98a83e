"""Export every published procedure as records of the national TTHC database.

    manage.py export_catalog catalogue.json      # JSON array
    manage.py export_catalog catalogue.jsonl     # JSON Lines

Importing the file again changes nothing (every record is "unchanged").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendvc.catalog.importers.national import records_export, records_write


class Command(BaseCommand):
    help = "Xuất các thủ tục đang áp dụng theo dạng bản ghi CSDL quốc gia về TTHC."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Tệp đích; đuôi .jsonl hoặc .ndjson cho JSON Lines, còn lại là mảng JSON.")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        target = Path(path)
        lines = target.suffix.lower() in {".jsonl", ".ndjson"}
        try:
            handle, temporary = tempfile.mkstemp(dir=target.parent or Path(), prefix=f".{target.name}.")
        except OSError as error:
            raise CommandError(
                f"Không ghi được vào {target.parent} / cannot write to {target.parent}: {error}"
            ) from error
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                count = records_write(records_export(), stream, lines=lines)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(f"Đã xuất {count} thủ tục vào {target}. / Exported {count} procedures to {target}.")
