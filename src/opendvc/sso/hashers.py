"""A fast hasher for OAuth2 client secrets only (``OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]``).

People's passwords are short and guessable, so they get Django's slow PBKDF2. A client secret is
128 random characters (django-oauth-toolkit's generator, ~760 bits): no dictionary or brute force
reaches it, so a salted SHA-256 protects a leaked database as well as PBKDF2 would, while PBKDF2's
million rounds would cost every token request about half a second of CPU.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


class ClientSecretHasher(BasePasswordHasher):
    algorithm = "odvc_client_secret"

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)  # type: ignore[attr-defined]
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"]),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None

    def must_update(self, encoded: str) -> bool:
        return False
