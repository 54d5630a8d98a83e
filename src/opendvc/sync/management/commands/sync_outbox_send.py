"""Send the outbox to the national portal: once, or ``--loop`` every ``--every`` seconds until stopped."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from opendvc.sync.outbound import outbox_pending_count, outbox_send


class Command(BaseCommand):
    help = "Gửi các thay đổi hồ sơ chờ đồng bộ lên Cổng Dịch vụ công quốc gia."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Chạy liên tục.")
        parser.add_argument("--every", type=float, default=2.0, help="Số giây giữa hai lần gửi khi chạy liên tục.")

    def handle(self, *args: Any, loop: bool = False, every: float = 2.0, **options: Any) -> None:
        while True:
            report = outbox_send()
            self.stdout.write(
                f"sent {report.sent} entries ({report.records} records), refused {report.refused}, "
                f"failed calls {report.failed_calls}, pending {outbox_pending_count()}"
            )
            if not loop:
                return
            time.sleep(every)
