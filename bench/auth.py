"""Benchmark: the OpenID Connect token endpoint and userinfo over HTTP, against a minimal endpoint.

Builds ``--users`` citizens, a confidential connected portal and, for each user in turn, grants as
the authorization code flow leaves them (an access token with its refresh token, scopes
``openid profile email``). Serves them with the production server (gunicorn, the project's own
settings) and drives it with ``wrk``:

- the ceiling: ``/livez``, a minimal JSON endpoint through the same stack;
- the token endpoint: ``POST /o/token/`` with ``grant_type=refresh_token`` — client authentication
  (HTTP Basic), refresh-token rotation, a new access token and an RS256-signed ID token, the audit
  entry — each request with a refresh token never used before;
- userinfo: ``GET /o/userinfo/`` with a bearer access token, claims by scope.

The rate limits of these endpoints are raised for the run (they would otherwise answer 429 to one
client address); everything else is the production path. Prints throughput, p50/p95/p99 latency and
each figure's ratio to the ceiling. Usage: ``.venv/bin/python bench/auth.py`` (``--duration``,
``--connections``, ``--users``, ``--grants``; ``DATABASE_URL`` for PostgreSQL).
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

from harness import ROOT, lua_lines, print_table, production_server, require_wrk, wrk

CLIENT_ID = "bench-portal"
CLIENT_SECRET = "bench-portal-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - a throwaway bench client

REQUEST = """
local counter = 0
request = function()
  counter = counter + 1
  local item = lines[(counter * 2 + slice) %% #lines + 1]
  %(request)s
end
"""
REFRESH_GRANT_LUA = (
    'return wrk.format("POST", "/o/token/", {["Content-Type"] = "application/x-www-form-urlencoded", '
    '["Authorization"] = "%(basic)s"}, "grant_type=refresh_token&refresh_token=" .. item)'
)
USERINFO_REQUEST = 'return wrk.format("GET", "/o/userinfo/", {["Authorization"] = "Bearer " .. item})'
LIVEZ_REQUEST = 'return wrk.format("GET", "/livez")'


def script(workdir: Path, request: str, lines: list[str]) -> str:
    data = workdir / f"lines-{len(os.listdir(workdir))}.txt"
    data.write_text("\n".join(lines or ["-"]) + "\n")
    return lua_lines(data) + REQUEST % {"request": request}


def build(users: int, grants: int) -> tuple[list[str], list[str]]:
    """Citizens, the client and ``grants`` grants for refresh plus as many for userinfo."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, RefreshToken, set_token_value

    from opendvc.accounts.models import User
    from opendvc.sso.services import oidc_client_register

    call_command("migrate", verbosity=0)
    for start in range(0, users, 50_000):
        User.objects.bulk_create(
            [
                User(
                    username=f"079090{i:06d}",
                    personal_id=f"079090{i:06d}",
                    full_name=f"Nguyễn Văn Thử {i}",
                    email=f"citizen{i}@example.vn",
                    kind=User.Kind.CITIZEN,
                    assurance_level=2 if i % 3 else 1,
                )
                for i in range(start, min(users, start + 50_000))
            ],
            batch_size=2000,
        )
    people = list(User.objects.order_by("id").only("id")[: grants * 2])
    client, _ = oidc_client_register(
        name="Bench portal",
        redirect_uris=["https://bench.example.vn/cb"],
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    expires = timezone.now() + timedelta(hours=2)
    access_rows, refresh_rows = [], []
    for i in range(grants * 2):
        access = AccessToken(user=people[i % len(people)], application=client, expires=expires)
        access.scope = "openid profile email"
        set_token_value(access, f"at-{i:08d}-{os.urandom(12).hex()}")
        access_rows.append(access)
    raw_access = [row.token or row._raw_token for row in access_rows]
    AccessToken.objects.bulk_create(access_rows, batch_size=2000)
    for i, access in enumerate(access_rows[:grants]):
        refresh = RefreshToken(user=access.user, application=client, access_token=access)
        set_token_value(refresh, f"rt-{i:08d}-{os.urandom(12).hex()}")
        refresh_rows.append(refresh)
    refresh_tokens = [row.token or row._raw_token for row in refresh_rows]
    RefreshToken.objects.bulk_create(refresh_rows, batch_size=2000)
    access_tokens = raw_access[grants:]
    return refresh_tokens, access_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument(
        "--grants", type=int, default=50_000, help="refresh tokens (each used once) and as many access tokens"
    )
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its config)")
    args = parser.parse_args()
    require_wrk()

    workdir = Path(tempfile.mkdtemp(prefix="opendvc-bench-auth-"))
    os.environ["OPENDVC_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opendvc.config.settings")
    for scope in ("OIDC_TOKEN", "OIDC_USERINFO", "LOGIN"):
        os.environ[f"OPENDVC_RATE_{scope}"] = "1000000000"
    sys.path.insert(0, str(ROOT / "src"))
    started = time.perf_counter()
    refresh_tokens, access_tokens = build(args.users, args.grants)
    print(
        f"data: {args.users:,} citizens, {len(refresh_tokens):,} refresh and {len(access_tokens):,} access tokens "
        f"built in {time.perf_counter() - started:.1f} s ({workdir})"
    )

    basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    with production_server(workers=args.workers) as base:
        probe = urllib.request.Request(
            f"{base}/o/token/",
            data=urllib.parse.urlencode(
                {"grant_type": "refresh_token", "refresh_token": refresh_tokens.pop()}
            ).encode(),
            headers={"Authorization": basic},
        )
        with urllib.request.urlopen(probe, timeout=30) as response:
            assert response.status == 200 and b"id_token" in response.read()
        run = {"duration": args.duration, "connections": args.connections, "workdir": workdir}
        wrk(base, script(workdir, USERINFO_REQUEST, access_tokens), **{**run, "duration": 2})
        results = {
            "ceiling /livez": wrk(base, script(workdir, LIVEZ_REQUEST, []), **run),
            "token POST /o/token/ (refresh)": wrk(
                base, script(workdir, REFRESH_GRANT_LUA % {"basic": basic}, refresh_tokens), **run
            ),
            "userinfo GET /o/userinfo/": wrk(base, script(workdir, USERINFO_REQUEST, access_tokens), **run),
        }

    print_table(results, ceiling="ceiling /livez", setup=f"{args.connections} connections, {args.duration} s each")
    token = results["token POST /o/token/ (refresh)"]
    if token.requests > len(refresh_tokens):
        print(f"note: {token.requests - len(refresh_tokens)} token requests reused a refresh token; raise --grants")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
