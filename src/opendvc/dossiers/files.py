"""What a file is, judged by its first bytes — never by its name or the browser's claim.

Dossier components are scans and electronic documents; Circular 03/2025/TT-VPCP (Art. 8) lets the
portal limit the formats it accepts. OpenDVC accepts PDF, JPEG and PNG.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from django.conf import settings

DEFAULT_MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024

#: Accepted content types, their file extension and their signature ("magic bytes").
SIGNATURES: Final[tuple[tuple[str, str, bytes], ...]] = (
    ("application/pdf", ".pdf", b"%PDF-"),
    ("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    ("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
)
SNIFF_BYTES: Final = max(len(signature) for _, _, signature in SIGNATURES)
EXTENSIONS: Final[dict[str, str]] = {content_type: extension for content_type, extension, _ in SIGNATURES}


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def sniff_content_type(head: bytes) -> str | None:
    """The accepted content type whose signature ``head`` starts with, else ``None``."""
    for content_type, _, signature in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_original_name(name: str) -> str:
    """The last path segment, NFC-normalised, without control or path characters, at most 255 chars."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = _UNSAFE.sub("_", unicodedata.normalize("NFC", base)).strip(" .")
    return (base or "tep")[:255]
