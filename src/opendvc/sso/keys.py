"""The provider's RS256 signing keys: one active, the previous ones still published in the JWKS.

Keys come from the environment in production (``OIDC_RSA_PRIVATE_KEY``, and the retired ones in
``OIDC_RSA_PRIVATE_KEYS_INACTIVE`` separated by blank lines), else from PEM files in
``$OPENDVC_VAR_DIR/sso/keys/``: the newest file signs, the ``KEEP_INACTIVE`` before it are only
published so ID tokens signed before a rotation still verify until they expire. The first start
creates a key; ``manage.py oidc_rotate_keys`` adds a new one (restart the workers to use it).

This module is imported by the settings, so it must not import Django models.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEEP_INACTIVE = 2
KEY_BITS = 2048


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def oidc_key_add(directory: Path) -> Path:
    """Write a new key file named by the time (so names sort by age); never overwrites one."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = directory / f"{stamp}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(rsa_private_key_pem())
    return path


def oidc_key_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pem")) if directory.exists() else []


def oidc_keys_prune(directory: Path) -> list[Path]:
    """Remove files older than the active key and the ``KEEP_INACTIVE`` published before it."""
    files = oidc_key_files(directory)
    old = files[: max(len(files) - 1 - KEEP_INACTIVE, 0)]
    for path in old:
        path.unlink()
    return old


def oidc_signing_keys(directory: Path) -> tuple[str, list[str]]:
    """``(active PEM, [inactive PEMs, newest first])``."""
    active = os.environ.get("OIDC_RSA_PRIVATE_KEY", "").strip()
    if active:
        retired = os.environ.get("OIDC_RSA_PRIVATE_KEYS_INACTIVE", "")
        return active, [block.strip() + "\n" for block in retired.split("\n\n") if block.strip()]
    files = oidc_key_files(directory)
    if not files:
        with contextlib.suppress(FileExistsError):
            oidc_key_add(directory)
        files = oidc_key_files(directory)
    pems = [path.read_text(encoding="ascii") for path in files]
    return pems[-1], list(reversed(pems[:-1]))[:KEEP_INACTIVE]
