"""The population-database client interface; plugins implement :class:`PopulationRegistry`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar


@dataclass(frozen=True)
class Consent:
    id: str
    subject: str
    purpose: str
    scope: tuple[str, ...]
    given_at: datetime


@dataclass(frozen=True)
class PopulationRecord:
    personal_id: str
    full_name: str
    birth_date: date | None
    sex: str
    birth_province_code: str = ""
    nationality: str = "VN"
    ethnicity: str = ""
    address_line: str = ""
    commune_code: str = ""
    province_code: str = ""
    consent_id: str = ""
    warnings: tuple[str, ...] = field(default=())


class PopulationError(Exception):
    """``code`` is the registry's reason: ``not_found``, ``consent_required``, ``unauthorized``,
    ``unavailable``, ``too_many_requests``, ``invalid_request``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class PopulationRegistry:
    name: ClassVar[str] = ""
    verbose_name: ClassVar[str] = ""

    def lookup(self, *, personal_id: str, consent: Consent) -> PopulationRecord:
        raise NotImplementedError
