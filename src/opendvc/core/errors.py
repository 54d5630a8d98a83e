"""Errors that reach people: a machine-readable code plus a message in Vietnamese and English."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation


class ApiError(Exception):
    """A refusal the API reports as-is: ``code`` for programs, ``message_vi``/``message_en`` for people."""

    def __init__(
        self,
        code: str,
        message_vi: str,
        message_en: str,
        *,
        status: int = 400,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.status = status
        self.details = details or []

    def message(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "vi"
        return self.message_en if language.startswith("en") else self.message_vi


class NotFound(ApiError):
    def __init__(self, message_vi: str, message_en: str, *, code: str = "not_found") -> None:
        super().__init__(code, message_vi, message_en, status=404)


def error_body(request: HttpRequest, error: ApiError) -> dict[str, Any]:
    """The uniform JSON error body; ``message`` follows the request's language (Vietnamese by default)."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    return {
        "code": error.code,
        "message": error.message(language),
        "messages": {"vi": error.message_vi, "en": error.message_en},
        "details": error.details,
    }
