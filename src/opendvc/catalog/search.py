"""Catalogue search (interface; implementation in progress)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchFilters:
    field: str | None = None  # field code or field id
    agency: str | None = None  # agency code offering the procedure
    province: str | None = None  # administrative-unit code of a province (e.g. "79")
    applicant: str | None = None  # ApplicantType value
    online_level: str | None = None  # OnlineLevel value


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    field_code: str | None
    field_name: str | None
    levels: list[str]
    online_level: str
    applicant_types: list[str]
    score: float


@dataclass(frozen=True)
class SearchPage:
    items: list[SearchHit]
    next: str | None
    total: int
    corrected_terms: dict[str, str] = field(default_factory=dict)


class SearchIndex:
    def search(self, *, query: str, filters: SearchFilters, cursor: str | None, limit: int) -> SearchPage:
        raise NotImplementedError


def search_index() -> SearchIndex:
    return SearchIndex()
