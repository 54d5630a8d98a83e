"""Catalogue search as citizens type it: without accents, in any word order, with a typo.

The national catalogue is small (≈ 5,700 procedures) and read far more often than it changes, so
each web worker keeps an in-memory inverted index of the published versions and rebuilds it when
the catalogue revision (:class:`~opendvc.catalog.models.CatalogRevision`) moves. The same code ranks
on SQLite and PostgreSQL, so search behaves identically on both.

Ranking: every query word is matched against the indexed words exactly, as a prefix (people stop
typing early) or within one edit (a typo), each with a lower weight; matches in the procedure name
weigh more than in its field or results; rare words weigh more than common ones (IDF). A procedure
must cover most of the query's weight to be listed, and one whose name contains the query as a
phrase is ranked first.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
from django.conf import settings
from django.db import connection
from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from opendvc.core.codes import CodeError, parse_agency_code
from opendvc.core.errors import ApiError
from opendvc.core.text import fold, words

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 16
MAX_LIMIT = 100
# Weights of a query word's match kinds and of the places a word is found.
EXACT, PREFIX, TYPO = 1.0, 0.7, 0.55
NAME_WEIGHT, FIELD_WEIGHT, OTHER_WEIGHT = 3.0, 1.0, 0.5
MIN_COVERAGE = 0.6
BM25_K1, BM25_B = 1.2, 0.75
PAIR_WEIGHT = 0.5
PHRASE_CANDIDATES = 100
PAGE_MEMO_SIZE = 20_000  # remembered result pages per index (a few KB each)
PHRASE_BONUS = 2.0


@dataclass(frozen=True)
class SearchFilters:
    field: str | None = None  # field code ("G15-TP07") or field name
    agency: str | None = None  # code of an agency offering the procedure (either written order)
    province: str | None = None  # administrative-unit code of a province ("79"): offered there
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
    #: The page's encodings once a caller has written them (the API's JSON, gzipped), so a page the
    #: index remembers is serialised and compressed once, not on every request.
    encoded: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class _Doc:
    code: str
    name: str
    field_code: str | None
    field_name: str | None
    levels: list[str]
    online_level: str
    applicant_types: list[str]
    agencies: set[str]
    provinces: set[str]
    folded_name: str


def _invalid_query(message_vi: str, message_en: str) -> ApiError:
    return ApiError("invalid_query", message_vi, message_en)


def normalise_query(query: str) -> str:
    """Check a query typed by a person; refuse what cannot be a search (binary, absurdly long)."""
    if len(query) > MAX_QUERY_LENGTH:
        raise _invalid_query(
            f"Từ khóa tìm kiếm dài tối đa {MAX_QUERY_LENGTH} ký tự.",
            f"A search query has at most {MAX_QUERY_LENGTH} characters.",
        )
    if any(unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"} and ch not in "\t\n\r" for ch in query):
        raise _invalid_query(
            "Từ khóa tìm kiếm chứa ký tự không hợp lệ.",
            "The search query contains characters that are not allowed.",
        )
    return " ".join(query.split())


def encode_cursor(score: float, code: str) -> str:
    raw = json.dumps([round(score, 6), code], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    """The position after which the next page starts: (score, code) of the last item shown."""
    invalid = ApiError(
        "invalid_cursor",
        "Con trỏ trang không hợp lệ; hãy tìm kiếm lại từ đầu.",
        "The page cursor is not valid; start the search again.",
    )
    if len(cursor) > 200 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise invalid
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int | float)
        or isinstance(value[0], bool)
        or not isinstance(value[1], str)
        or not math.isfinite(value[0])
    ):
        raise invalid
    return float(value[0]), value[1]


class SearchIndex:
    """An immutable inverted index over the published catalogue at one revision."""

    def __init__(self, docs: list[_Doc], revision: tuple[int, str]) -> None:
        self.revision = revision
        self.docs = docs
        self.codes = [d.code for d in docs]
        self._order_by_code = np.argsort(np.array(self.codes, dtype=object)).astype(np.int64)
        self._folded_names = [d.folded_name for d in docs]
        self._code_rank = np.empty(len(docs), dtype=np.int64)
        self._code_rank[self._order_by_code] = np.arange(len(docs))
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        lengths = [len(doc.folded_name.split()) or 1 for doc in docs]
        average = sum(lengths) / max(len(lengths), 1)
        for i, doc in enumerate(docs):
            # BM25 length normalisation: a word in a short name says more than in a long one.
            norm = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * lengths[i] / average))
            self._add(postings, i, doc.name, NAME_WEIGHT * norm)
            if doc.field_name:
                self._add(postings, i, doc.field_name, FIELD_WEIGHT)
            if doc.field_code:
                self._add(postings, i, doc.field_code, OTHER_WEIGHT)
            self._add(postings, i, doc.code, NAME_WEIGHT)
        n = max(len(docs), 1)
        self.vocabulary = sorted(term for term in postings if " " not in term)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        for term, entries in postings.items():
            ids = np.fromiter(entries.keys(), dtype=np.int64, count=len(entries))
            weights = np.fromiter(entries.values(), dtype=np.float64, count=len(entries))
            self.postings[term] = (ids, weights)
            self.idf[term] = math.log(1 + (n - len(entries) + 0.5) / (len(entries) + 0.5))
        self._deletions: dict[str, list[str]] = defaultdict(list)
        for term in self.vocabulary:
            if len(term) >= 4 and not term.isdigit():
                for variant in _deletions(term):
                    self._deletions[variant].append(term)
        self._short_terms = [t for t in self.vocabulary if 1 <= len(t) <= 4 and not t.isdigit()]
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._pages: dict[tuple[str, SearchFilters, str | None, int], SearchPage] = {}  # by folded words
        self._lock = threading.Lock()

    @staticmethod
    def _add(postings: dict[str, dict[int, float]], doc: int, text: str, weight: float) -> None:
        """Index the words of a text and, as ``"left right"`` entries, its adjacent word pairs."""
        tokens = words(text)
        for token in tokens:
            entry = postings[token]
            entry[doc] = max(entry.get(doc, 0.0), weight)
        for left, right in pairwise(tokens):
            joined = postings[f"{left} {right}"]
            joined[doc] = max(joined.get(doc, 0.0), weight)

    # -- matching ------------------------------------------------------------------------------------

    def _variants(self, token: str, *, is_last: bool, before: str, after: str) -> list[tuple[str, float]]:
        """Indexed words a query word may stand for, with the weight of that reading.

        A short word (2–3 letters, most Vietnamese syllables) is read as a typo only when the
        corrected word is found next to its neighbour somewhere (``lai xr`` → ``lai xe``).
        """
        found: dict[str, float] = {}
        if token in self.postings:
            found[token] = EXACT
        if len(token) >= 2 and (is_last or token not in self.postings):
            start = bisect_left(self.vocabulary, token)
            for term in self.vocabulary[start : start + 50]:
                if not term.startswith(token):
                    break
                found.setdefault(term, PREFIX)
        if token not in self.postings and len(token) >= 4 and not token.isdigit():
            for variant in [token, *_deletions(token)]:
                for term in self._deletions.get(variant, ()):
                    if term not in found and OSA.distance(token, term, score_cutoff=1) <= 1:
                        found[term] = TYPO
                if variant in self.postings and variant not in found and len(variant) >= 3:
                    found[variant] = TYPO
        if token not in self.postings and 2 <= len(token) <= 3 and not token.isdigit() and (before or after):
            for term, _, _ in extract(token, self._short_terms, scorer=OSA.distance, score_cutoff=1, limit=None):
                if term not in found and (
                    (before and f"{before} {term}" in self.postings) or (after and f"{term} {after}" in self.postings)
                ):
                    found[term] = TYPO
        return list(found.items())

    def _mask(self, kind: str, value: str) -> np.ndarray:
        key = (kind, value)
        mask = self._masks.get(key)
        if mask is None:
            if kind == "field":
                folded = fold(value)
                mask = np.array(
                    [d.field_code == value or fold(d.field_name or "") == folded for d in self.docs], dtype=bool
                )
            elif kind == "agency":
                mask = np.array([value in d.agencies for d in self.docs], dtype=bool)
            elif kind == "province":
                mask = np.array([value in d.provinces for d in self.docs], dtype=bool)
            elif kind == "applicant":
                mask = np.array([value in d.applicant_types for d in self.docs], dtype=bool)
            else:
                mask = np.array([d.online_level == value for d in self.docs], dtype=bool)
            with self._lock:
                if len(self._masks) > 2000:
                    self._masks.clear()
                self._masks[key] = mask
        return mask

    def _filter_mask(self, filters: SearchFilters) -> np.ndarray | None:
        mask: np.ndarray | None = None
        for kind in ("field", "agency", "province", "applicant", "online_level"):
            value = getattr(filters, kind)
            if value:
                part = self._mask(kind, value)
                mask = part if mask is None else mask & part
        return mask

    # -- searching -----------------------------------------------------------------------------------

    def search(self, *, query: str, filters: SearchFilters, cursor: str | None, limit: int) -> SearchPage:
        """One page of results; pages already computed by this index are answered from memory.

        Citizens' queries repeat heavily (the same few hundred procedures make most of the traffic),
        and an index never changes once built — a new catalogue revision builds a new index, and the
        remembered pages go with the old one.
        """
        query = normalise_query(query)
        limit = max(1, min(limit, MAX_LIMIT))
        key = (" ".join(words(query)[:MAX_QUERY_WORDS]), filters, cursor, limit)
        page = self._pages.get(key)
        if page is None:
            page = self._search(query=query, filters=filters, cursor=cursor, limit=limit)
            with self._lock:
                if len(self._pages) >= PAGE_MEMO_SIZE:
                    self._pages.clear()
                self._pages[key] = page
        return page

    def _search(self, *, query: str, filters: SearchFilters, cursor: str | None, limit: int) -> SearchPage:
        after = decode_cursor(cursor) if cursor else None
        tokens = words(query)[:MAX_QUERY_WORDS]
        mask = self._filter_mask(filters)
        n = len(self.docs)
        corrected: dict[str, str] = {}
        if not tokens:
            order = self._order_by_code
            if mask is not None:
                order = order[mask[order]]
            scores = np.zeros(n)
        else:
            scores = np.zeros(n)
            covered = np.zeros(n)
            total_weight = 0.0
            readings: list[list[str]] = []
            for position, token in enumerate(tokens):
                variants = self._variants(
                    token,
                    is_last=position == len(tokens) - 1,
                    before=tokens[position - 1] if position else "",
                    after=tokens[position + 1] if position + 1 < len(tokens) else "",
                )
                readings.append([t for t, kind in variants if kind != PREFIX] or [t for t, _ in variants])
                token_idf = max((self.idf[t] for t, kind in variants if kind == EXACT), default=None)
                if token_idf is None:
                    token_idf = max((self.idf[t] for t, _ in variants), default=1.0)
                total_weight += token_idf
                best = np.zeros(n)
                for term, kind in variants:
                    ids, weights = self.postings[term]
                    best[ids] = np.maximum(best[ids], weights * (kind * self.idf[term]))
                if variants and not any(kind == EXACT for _, kind in variants):
                    typo = [t for t, kind in variants if kind == TYPO]
                    if typo:
                        corrected[token] = max(typo, key=lambda t: len(self.postings[t][0]))
                scores += best
                covered += (best > 0) * token_idf
            for left, right in pairwise(readings):
                pair_best = np.zeros(n)
                for a in left[:3]:
                    for b in right[:3]:
                        pair = self.postings.get(f"{a} {b}")
                        if pair is not None:
                            weight = pair[1] * (PAIR_WEIGHT * self.idf[f"{a} {b}"])
                            pair_best[pair[0]] = np.maximum(pair_best[pair[0]], weight)
                scores += pair_best
            coverage = covered / total_weight if total_weight else covered
            scores = scores * coverage
            folded_query = " ".join(tokens)
            candidates = np.nonzero(coverage >= MIN_COVERAGE)[0]
            if mask is not None:
                candidates = candidates[mask[candidates]]
            if len(tokens) > 1 and len(candidates):
                # The phrase bonus can only lift the best-scored candidates into the first pages.
                leaders = candidates[np.argsort(-scores[candidates], kind="stable")[:PHRASE_CANDIDATES]]
                names = self._folded_names
                bonus = PHRASE_BONUS * total_weight
                i: int
                for i in leaders.tolist():
                    if folded_query in names[i]:
                        scores[i] += bonus
            rounded = np.round(scores[candidates], 6)
            order = candidates[np.lexsort((self._code_rank[candidates], -rounded))]
            scores = np.round(scores, 6)
        total = len(order)
        if after is not None:
            after_score, after_code = after
            keys = [(-float(scores[i]), self.codes[i]) for i in order]
            order = order[bisect_right(keys, (-after_score, after_code)) :]
        page = order[: limit + 1]
        items = [self._hit(int(i), float(scores[i])) for i in page[:limit]]
        next_cursor = encode_cursor(items[-1].score, items[-1].code) if len(page) > limit else None
        return SearchPage(items=items, next=next_cursor, total=total, corrected_terms=corrected)

    def _hit(self, i: int, score: float) -> SearchHit:
        doc = self.docs[i]
        return SearchHit(
            code=doc.code,
            name=doc.name,
            field_code=doc.field_code,
            field_name=doc.field_name,
            levels=doc.levels,
            online_level=doc.online_level,
            applicant_types=doc.applicant_types,
            score=score,
        )


def _deletions(term: str) -> list[str]:
    return [term[:i] + term[i + 1 :] for i in range(len(term))]


def validate_filters(filters: SearchFilters) -> SearchFilters:
    """Refuse filter values that cannot match anything because they are malformed."""
    from opendvc.catalog.models import ApplicantType, OnlineLevel

    agency = filters.agency
    if agency:
        try:
            agency = parse_agency_code(agency).canonical
        except CodeError as error:
            raise ApiError(error.code, error.message_vi, error.message_en) from None
    if filters.applicant and filters.applicant not in ApplicantType.values:
        raise ApiError(
            "invalid_filter",
            "Đối tượng thực hiện phải là một trong: " + ", ".join(ApplicantType.values) + ".",
            "Applicant must be one of: " + ", ".join(ApplicantType.values) + ".",
        )
    if filters.online_level and filters.online_level not in OnlineLevel.values:
        raise ApiError(
            "invalid_filter",
            "Mức độ trực tuyến phải là một trong: " + ", ".join(OnlineLevel.values) + ".",
            "Online level must be one of: " + ", ".join(OnlineLevel.values) + ".",
        )
    if filters.province and not re.fullmatch(r"\d{1,2}", filters.province):
        raise ApiError(
            "unknown_province",
            "Mã tỉnh/thành phố gồm 2 chữ số (ví dụ 79 là Thành phố Hồ Chí Minh).",
            "A province code has 2 digits (e.g. 79 is Hồ Chí Minh City).",
        )
    province = filters.province.zfill(2) if filters.province else None
    if filters.field and len(filters.field) > 255:
        raise ApiError("invalid_filter", "Lĩnh vực không hợp lệ.", "The field filter is not valid.")
    return SearchFilters(
        field=filters.field or None,
        agency=agency or None,
        province=province,
        applicant=filters.applicant or None,
        online_level=filters.online_level or None,
    )


# -- the per-process index ---------------------------------------------------------------------------

_current: SearchIndex | None = None
_checked_at = 0.0
_build_lock = threading.Lock()


def catalog_revision() -> tuple[int, str]:
    """The catalogue's revision: its counter and the time of the last change (unique per write)."""
    # Read on every request that uses a remembered fact: plain SQL, without building a queryset
    # (the table of opendvc.catalog.models.CatalogRevision).
    with connection.cursor() as cursor:
        cursor.execute("SELECT revision, changed_at FROM catalog_catalogrevision WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return (0, "")
    changed_at = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(str(row[1]))
    if changed_at.tzinfo is None:  # SQLite hands back the stored UTC time without its zone
        changed_at = changed_at.replace(tzinfo=UTC)
    return (int(row[0]), changed_at.astimezone(UTC).isoformat())


def build_index(revision: tuple[int, str] | None = None) -> SearchIndex:
    """Read the published catalogue and build its index (a few queries, whatever its size)."""
    from opendvc.catalog.models import ProcedureVersion, ServiceOffering

    revision = catalog_revision() if revision is None else revision
    versions = (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
        .select_related("procedure", "field")
        .only(
            "name",
            "levels",
            "online_level",
            "applicant_types",
            "procedure__code",
            "field__code",
            "field__name",
        )
        .order_by("procedure__code")
    )
    offered: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for procedure_id, agency_code, province_code in ServiceOffering.objects.filter(is_active=True).values_list(
        "procedure_id", "agency__code", "agency__province__code"
    ):
        agencies, provinces = offered[procedure_id]
        agencies.add(agency_code)
        if province_code:
            provinces.add(province_code)
    docs = []
    for version in versions.iterator(chunk_size=2000):
        agencies, provinces = offered.get(version.procedure_id, (set(), set()))
        docs.append(
            _Doc(
                code=version.procedure.code,
                name=version.name,
                field_code=version.field.code if version.field else None,
                field_name=version.field.name if version.field else None,
                levels=list(version.levels or []),
                online_level=version.online_level,
                applicant_types=list(version.applicant_types or []),
                agencies=agencies,
                provinces=provinces,
                folded_name=" ".join(words(version.name)),
            )
        )
    return SearchIndex(docs, revision)


def search_index() -> SearchIndex:
    """This worker's index, rebuilt when the catalogue revision has moved (checked every few seconds)."""
    global _current, _checked_at
    now = time.monotonic()
    index = _current
    if index is not None and now - _checked_at < settings.CATALOG_INDEX_CHECK_SECONDS:
        return index
    revision = catalog_revision()
    _checked_at = now
    if index is not None and index.revision == revision:
        return index
    with _build_lock:
        if _current is None or _current.revision != revision:
            _current = build_index(revision)
        return _current


def search_index_reset() -> None:
    """Forget this worker's index (tests, and after bulk imports in the same process)."""
    global _current, _checked_at
    _current = None
    _checked_at = 0.0
