"""Reference national portal (Cổng Dịch vụ công quốc gia, mẫu): the receiving end of the DVCQG protocol.

It receives what OpenDVC's outbound worker pushes, exactly as the national portal would:

- ``POST /api/dvcqg/auth`` ``{"username", "password"}`` (``NATIONAL_PORTAL_USERNAME`` /
  ``NATIONAL_PORTAL_PASSWORD``, defaults ``opendvc`` / ``opendvc-national-development-secret``) →
  ``{"session", "error_code": 0}``;
- ``POST /api/dvcqg/service`` with ``service`` ``DongBoHoSoMC`` (``data: [dossier…]``): each record is
  kept by ``MaHoSo``; one newer than the stored one (by ``NgayCapNhat``) replaces it, the same one again
  changes nothing, an older one is ignored. Every distinct fact (``MaHoSo``, ``NgayCapNhat``) is logged
  once in ``facts`` — so a sender that resent a change as a new fact would be visible there;
- ``TraCuuHoSo`` (``MaHoSo``) answers the stored record;
- ``GET /api/records`` lists every stored record and ``GET /api/facts`` the fact log (for tests and
  for looking at what arrived).

Its data is ``$OPENDVC_VAR_DIR/reference/national_portal/portal.sqlite3``.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Iterable
from typing import Any

from reference.common import Request, StartResponse, data_dir, database, json_response

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS records (code TEXT PRIMARY KEY, updated TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (code TEXT NOT NULL, updated TEXT NOT NULL, status INTEGER NOT NULL,
                                  received INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (code, updated));
"""

REQUIRED = ("MaHoSo", "MaTTHC", "ChuHoSo", "TrangThaiHoSo", "KenhThucHien", "NgayNopHoSo", "NgayCapNhat")


class NationalPortal:
    def __init__(self) -> None:
        self.username = os.environ.get("NATIONAL_PORTAL_USERNAME", "opendvc")
        self.password = os.environ.get("NATIONAL_PORTAL_PASSWORD", "opendvc-national-development-secret")
        self.db = database(data_dir("national_portal") / "portal.sqlite3", SCHEMA)

    def auth(self, request: Request) -> Any:
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_response({"error_code": "90", "message": "invalid request"}, 400)
        ok_user = hmac.compare_digest(str(body.get("username", "")), self.username)
        ok_password = hmac.compare_digest(str(body.get("password", "")), self.password)
        if not (ok_user and ok_password):
            return json_response({"error_code": "91", "message": "sai tên đăng nhập hoặc mật khẩu"}, 401)
        token = secrets.token_urlsafe(24)
        self.db.execute("INSERT INTO sessions VALUES (?)", (token,))
        return json_response({"session": token, "error_code": 0})

    def service(self, request: Request) -> Any:
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_response({"error_code": "90", "message": "invalid request"}, 400)
        session = str(body.get("session", ""))
        if not self.db.execute("SELECT 1 FROM sessions WHERE token = ?", (session,)).fetchone():
            return json_response({"error_code": "92", "message": "phiên không hợp lệ"}, 401)
        if body.get("service") == "DongBoHoSoMC":
            data = body.get("data")
            if not isinstance(data, list):
                return json_response({"error_code": "90", "message": "data must be a list"}, 400)
            return json_response({"error_code": "00", "results": [self._store(r) for r in data]})
        if body.get("service") == "TraCuuHoSo":
            row = self.db.execute("SELECT body FROM records WHERE code = ?", (str(body.get("MaHoSo", "")),)).fetchone()
            if row is None:
                return json_response({"error_code": "97", "message": "không tìm thấy hồ sơ"}, 404)
            return json_response({"error_code": "00", "data": json.loads(row[0])})
        return json_response({"error_code": "96", "message": "dịch vụ không được hỗ trợ"}, 400)

    def _store(self, record: Any) -> dict[str, str]:
        if not isinstance(record, dict) or any(record.get(k) in (None, "") for k in REQUIRED):
            code = record.get("MaHoSo", "") if isinstance(record, dict) else ""
            return {"MaHoSo": str(code), "error_code": "01", "message": "thiếu trường bắt buộc"}
        code, updated = str(record["MaHoSo"]), str(record["NgayCapNhat"])
        body = json.dumps(record, ensure_ascii=False, sort_keys=True)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute(
                "INSERT INTO facts (code, updated, status) VALUES (?, ?, ?) "
                "ON CONFLICT (code, updated) DO UPDATE SET received = received + 1",
                (code, updated, int(record["TrangThaiHoSo"])),
            )
            held = self.db.execute("SELECT updated, body FROM records WHERE code = ?", (code,)).fetchone()
            if held is None:
                self.db.execute("INSERT INTO records VALUES (?, ?, ?)", (code, updated, body))
                message = "created"
            elif (updated, body) > (held[0], held[1]):
                self.db.execute("UPDATE records SET updated = ?, body = ? WHERE code = ?", (updated, body, code))
                message = "updated"
            else:
                message = "unchanged"
            self.db.execute("COMMIT")
        except Exception:
            self.db.execute("ROLLBACK")
            raise
        return {"MaHoSo": code, "error_code": "00", "message": message}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        if request.method == "GET" and request.path == "/healthz":
            return json_response({"status": "ok"})(start_response)
        if request.method == "POST" and request.path == "/api/dvcqg/auth":
            return self.auth(request)(start_response)
        if request.method == "POST" and request.path == "/api/dvcqg/service":
            return self.service(request)(start_response)
        if request.method == "GET" and request.path == "/api/records":
            rows = self.db.execute("SELECT body FROM records ORDER BY code").fetchall()
            return json_response({"records": [json.loads(r[0]) for r in rows]})(start_response)
        if request.method == "GET" and request.path == "/api/facts":
            rows = self.db.execute(
                "SELECT code, updated, status, received FROM facts ORDER BY code, updated"
            ).fetchall()
            facts = [{"MaHoSo": r[0], "NgayCapNhat": r[1], "TrangThaiHoSo": r[2], "received": r[3]} for r in rows]
            return json_response({"facts": facts})(start_response)
        return json_response({"error_code": "97", "message": "not found"}, 404)(start_response)


application = NationalPortal()
