"""Small helpers the reference services share: a WSGI request/response, HTML pages, a data folder.

They are plain WSGI so each service stays a few hundred readable lines and never imports the portal.
"""

from __future__ import annotations

import html
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

StartResponse = Callable[..., Any]
STATUS_TEXT = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()}
        content_type = environ.get("CONTENT_TYPE", "")
        form: dict[str, str] = {}
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        cookies: dict[str, str] = {}
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name:
                cookies[name] = value
        return cls(environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), query, form, headers, body, cookies)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8") or "null")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, start_response: StartResponse) -> Iterable[bytes]:
        start_response(f"{self.status} {STATUS_TEXT.get(self.status, '')}", self.headers)
        return [self.body]


def json_response(data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(
        status,
        body,
        [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"), *(headers or [])],
    )


PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;"
    "color:#1b1b1b}"
    "label{display:block;font-weight:700;margin-top:1rem}input{font-size:1.1rem;padding:.4rem;width:100%;max-width:20rem}"
    "button{font-size:1.1rem;padding:.5rem 1.2rem;margin:1rem .5rem 0 0}.error{color:#b50909;font-weight:700}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}"
    # Radio choices sit beside their text, and whatever has the keyboard's focus is plainly marked.
    "input[type=radio]{width:auto;margin-right:.5rem}fieldset label{font-weight:400;margin-top:.5rem}"
    ":focus-visible{outline:3px solid #2491ff;outline-offset:2px}"
)


def page(
    title: str, content: str, *, status: int = 200, lang: str = "vi", headers: list[tuple[str, str]] | None = None
) -> Response:
    document = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{PAGE_STYLE}</style></head><body><main>{content}</main></body></html>"
    )
    return Response(
        status,
        document.encode("utf-8"),
        [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), *(headers or [])],
    )


def redirect(url: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(302, b"", [("Location", url), ("Cache-Control", "no-store"), *(headers or [])])


def with_params(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode({k: v for k, v in params.items() if v is not None})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def data_dir(name: str) -> Path:
    """``$OPENDVC_VAR_DIR/reference/<name>/`` (``var/`` of the repository by default)."""
    root = Path(os.environ.get("OPENDVC_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
    path = root / "reference" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def database(path: Path, schema: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=20, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(schema)
    return connection


def write_once(path: Path, make: Callable[[], str]) -> str:
    """The file's text, creating it atomically the first time (several workers may start at once)."""
    if not path.exists():
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(make(), encoding="utf-8")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8")
