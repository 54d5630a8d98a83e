"""Run the periodic jobs of ``settings.PERIODIC_JOBS`` as they fall due (``make run`` starts this)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from opendvc.core.periodic import periodic_jobs, periodic_jobs_run_due


class Command(BaseCommand):
    help = "Chạy các công việc định kỳ khi đến hạn (gửi đồng bộ, đối soát thanh toán, dọn tệp tạm…)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Chạy một lượt các việc đến hạn rồi thoát.")
        parser.add_argument("--job", help="Chỉ chạy công việc có tên này.")
        parser.add_argument("--force", action="store_true", help="Chạy cả khi chưa đến hạn.")
        parser.add_argument("--interval", type=float, default=1.0, help="Giây giữa hai lượt kiểm tra.")

    def handle(self, *args: Any, once: bool, job: str | None, force: bool, interval: float, **options: Any) -> None:
        names = [j.name for j in periodic_jobs()]
        if job and job not in names:
            self.stderr.write(f"unknown job {job!r}; configured: {', '.join(names) or 'none'}")
            raise SystemExit(2)
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            close_old_connections()
            for name in periodic_jobs_run_due(only=job, force=force):
                self.stdout.write(f"ran {name}")
            if once or stopping:
                return
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))
            if stopping:
                return
