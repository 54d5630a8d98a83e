"""Create or update the demo accounts (docs/accounts.md); every one has the password ``Demo@12345``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opendvc.accounts.demo import DEMO_PASSWORD, demo_accounts_load


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật các tài khoản mẫu (công dân, doanh nghiệp, cán bộ Sở Tư pháp, quản trị)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Đặt lại mật khẩu của các tài khoản mẫu đã có về {DEMO_PASSWORD}.",
        )

    def handle(self, *args: Any, reset_passwords: bool = False, **options: Any) -> None:
        result = demo_accounts_load(reset_passwords=reset_passwords)
        for code in result.missing_agencies:
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: agency {code} does not exist; its demo officers were created without roles. "
                    "Run `manage.py load_demo_agencies`, then this command again."
                )
            )
        self.stdout.write(
            f"demo accounts: {len(result.created)} created, {len(result.updated)} updated "
            f"(password {DEMO_PASSWORD} for new accounts): {', '.join(result.usernames)}"
        )
