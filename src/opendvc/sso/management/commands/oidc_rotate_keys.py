"""Add a new signing key; the previous ones stay published in the JWKS (``sso/keys.py``).

Restart the web workers afterwards: they sign with the newest key from then on, while ID tokens
signed before still verify with the old key, published until ``KEEP_INACTIVE`` newer keys exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from opendvc.sso.keys import oidc_key_add, oidc_keys_prune


class Command(BaseCommand):
    help = "Tạo khóa ký mới cho OpenID Connect (khóa cũ vẫn được công bố trong JWKS một thời gian)."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = settings.VAR_DIR / "sso" / "keys"
        path = oidc_key_add(directory)
        removed = oidc_keys_prune(directory)
        self.stdout.write(f"new signing key {path.name}; removed {len(removed)} retired key(s); restart the workers")
