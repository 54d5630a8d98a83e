"""Reference population database (a stand-in for CSDL quốc gia về dân cư): look-ups by personal ID.

``POST /api/v1/citizens/lookup`` answers one person's record to a registered user (the portal,
``Authorization: Bearer <POPULATION_API_KEY>``) **only with that person's consent**, carried in the
body and checked here:

- ``consent.subject`` equals the ``personal_id`` asked for (a person consents for themselves only);
- ``consent.id`` is present and ``consent.given_at`` (UTC, ``yyyy-mm-ddThh:mm:ssZ``) is at most
  ``POPULATION_CONSENT_MAX_AGE`` seconds old (300) and not in the future;
- ``consent.scope`` includes ``identity``; ``residence`` adds the permanent address;
- ``purpose`` says why (it is logged).

Refusals are JSON ``{"error", "error_description"}``: 401 ``unauthorized``, 403 ``consent_required``,
404 ``not_found``, 422 ``invalid_request``, 429 ``too_many_requests`` (over ``POPULATION_RATE_PER_MINUTE``
look-ups a minute per caller). Each answered look-up is written to the access log with the consent id
(``GET /api/v1/citizens/<id>/accesses`` with the same key shows it, as the citizen's own VNeID app would).
"""

from __future__ import annotations

import hmac
import os
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from reference.common import Request, Response, StartResponse, data_dir, database, json_response

SCHEMA = """
CREATE TABLE IF NOT EXISTS accesses (at REAL NOT NULL, personal_id TEXT NOT NULL, consent_id TEXT NOT NULL,
                                     purpose TEXT NOT NULL, caller TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rate (caller TEXT NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL,
                                 PRIMARY KEY (caller, minute));
"""

#: Residents: ID, name, birth date, sex, birth-registration province (3 digits), ethnicity, permanent address.
RESIDENTS: dict[str, dict[str, Any]] = {
    "079090001234": {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1990-05-15",
        "sex": "male",
        "birth_province_code": "079",
        "ethnicity": "Kinh",
        "permanent_address": {"line": "Số 12 Đường Lê Lợi", "commune_code": "26740", "province_code": "79"},
    },
    "079185001235": {
        "full_name": "Trần Thị Bình",
        "birth_date": "1985-09-02",
        "sex": "female",
        "birth_province_code": "079",
        "ethnicity": "Kinh",
        "permanent_address": {"line": "Số 1 Đường Mẫu", "commune_code": "26740", "province_code": "79"},
    },
    "001195001122": {
        "full_name": "Phạm Thị Cúc",
        "birth_date": "1995-07-08",
        "sex": "female",
        "birth_province_code": "001",
        "ethnicity": "Kinh",
        "permanent_address": {"line": "Số 5 Phố Hàng Bạc", "commune_code": "00070", "province_code": "01"},
    },
    "079301005678": {
        "full_name": "Võ Ngọc Diệp",
        "birth_date": "2001-04-20",
        "sex": "female",
        "birth_province_code": "079",
        "ethnicity": "Hoa",
        "permanent_address": {"line": "Số 8 Đường Pasteur", "commune_code": "26743", "province_code": "79"},
    },
    # A record whose registered birth year disagrees with the ID's digits (a data error the portal flags).
    "001090004321": {
        "full_name": "Đặng Quốc Huy",
        "birth_date": "1991-11-30",
        "sex": "male",
        "birth_province_code": "001",
        "ethnicity": "Kinh",
        "permanent_address": {"line": "", "commune_code": "00070", "province_code": "01"},
    },
}


def _error(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status)


class PopulationDatabase:
    def __init__(self) -> None:
        self.db = database(data_dir("population") / "population.sqlite3", SCHEMA)
        self.api_key = os.environ.get("POPULATION_API_KEY", "opendvc-population-development-key")
        self.max_age = int(os.environ.get("POPULATION_CONSENT_MAX_AGE", "300"))
        self.rate = int(os.environ.get("POPULATION_RATE_PER_MINUTE", "120"))

    def _caller(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        key = auth[7:] if auth.lower().startswith("bearer ") else ""
        return "portal" if key and hmac.compare_digest(key.encode(), self.api_key.encode()) else None

    def _over_rate(self, caller: str) -> bool:
        minute = int(time.time() // 60)
        self.db.execute(
            "INSERT INTO rate VALUES (?, ?, 1) ON CONFLICT (caller, minute) DO UPDATE SET count = count + 1",
            (caller, minute),
        )
        (count,) = self.db.execute(
            "SELECT count FROM rate WHERE caller = ? AND minute = ?", (caller, minute)
        ).fetchone()
        return bool(count > self.rate)

    def lookup(self, request: Request) -> Response:
        caller = self._caller(request)
        if caller is None:
            return _error(401, "unauthorized", "a registered API key is required")
        if self._over_rate(caller):
            return _error(429, "too_many_requests", "wait a minute")
        try:
            body = request.json()
        except ValueError:
            return _error(422, "invalid_request", "the body is not JSON")
        if not isinstance(body, dict):
            return _error(422, "invalid_request", "the body must be an object")
        personal_id = str(body.get("personal_id", ""))
        if not re.fullmatch(r"\d{12}", personal_id):
            return _error(422, "invalid_request", "personal_id must be 12 digits")
        consent = body.get("consent")
        problem = self._consent_problem(consent, personal_id)
        if problem:
            return _error(403, "consent_required", problem)
        resident = RESIDENTS.get(personal_id)
        if resident is None:
            return _error(404, "not_found", "no resident with this personal ID")
        assert isinstance(consent, dict)
        self.db.execute(
            "INSERT INTO accesses VALUES (?, ?, ?, ?, ?)",
            (time.time(), personal_id, str(consent["id"]), str(body.get("purpose", ""))[:200], caller),
        )
        record = {"personal_id": personal_id, "nationality": "VN", **resident, "consent_id": str(consent["id"])}
        if "residence" not in consent.get("scope", []):
            record.pop("permanent_address")
        return json_response(record)

    def _consent_problem(self, consent: Any, personal_id: str) -> str:
        if not isinstance(consent, dict) or not consent.get("id"):
            return "the citizen's consent is required"
        if consent.get("subject") != personal_id:
            return "the consent was given by someone else"
        if "identity" not in (consent.get("scope") or []):
            return "the consent does not cover identity data"
        try:
            given = datetime.strptime(str(consent.get("given_at", "")), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return "consent.given_at must be yyyy-mm-ddThh:mm:ssZ"
        age = time.time() - given.timestamp()
        if age > self.max_age or age < -60:
            return "the consent is too old or in the future"
        return ""

    def accesses(self, request: Request, personal_id: str) -> Response:
        if self._caller(request) is None:
            return _error(401, "unauthorized", "a registered API key is required")
        rows = self.db.execute(
            "SELECT at, consent_id, purpose, caller FROM accesses WHERE personal_id = ? ORDER BY at", (personal_id,)
        ).fetchall()
        return json_response(
            {"accesses": [{"at": r[0], "consent_id": r[1], "purpose": r[2], "caller": r[3]} for r in rows]}
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        if request.method == "GET" and request.path == "/healthz":
            return json_response({"status": "ok"})(start_response)
        if request.method == "POST" and request.path == "/api/v1/citizens/lookup":
            return self.lookup(request)(start_response)
        match = re.fullmatch(r"/api/v1/citizens/(\d{12})/accesses", request.path)
        if request.method == "GET" and match:
            return self.accesses(request, match.group(1))(start_response)
        return json_response({"error": "not_found"}, 404)(start_response)


application = PopulationDatabase()
