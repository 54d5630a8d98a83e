"""What every benchmark shares: the production server on a spare port, wrk runs, and the table of figures.

A benchmark builds its data, then::

    with production_server(env=...) as base:
        results = {"ceiling /livez": wrk(base, lua_request(...), duration=20, connections=50, workdir=w), ...}
    print_table(results, ceiling="ceiling /livez", setup="50 connections, 20 s each")

``wrk`` scripts are the benchmark's own ``request`` function (and ``init`` or ``delay`` if it needs
them) followed by :data:`LUA_REPORT`, which counts every answer that is not 2xx — wrk itself counts
only 4xx and 5xx, so a redirect to the login page would otherwise pass for a fast success — and
prints the figures. Each wrk thread has a ``slice`` number (0, 1…) for scripts that split their
requests between threads.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LUA_REPORT = """
local threads = {}
local next_slice = 0
setup = function(thread)
  thread:set("slice", next_slice)
  next_slice = next_slice + 1
  table.insert(threads, thread)
end
bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local not_2xx = 0
  for _, thread in ipairs(threads) do not_2xx = not_2xx + thread:get("bad") end
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), not_2xx, summary.errors.connect + summary.errors.read
    + summary.errors.write, summary.errors.timeout))
end
"""


def lua_lines(path: Path, *, think_ms: int = 0) -> str:
    """Read ``path`` into ``lines``; with ``think_ms``, each client pauses 0.5–1.5 × think_ms between requests."""
    script = f'lines = {{}}\nfor line in io.lines("{path}") do lines[#lines + 1] = line end\n'
    if think_ms:
        script += f"delay = function() return math.random({max(1, think_ms // 2)}, {think_ms * 3 // 2}) end\n"
    return script


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int
    app_cpu_ms: float | None = None  # CPU the server's processes spent per request (user + system)
    db_cpu_ms: float | None = None  # the same for PostgreSQL's processes


# The process group of the running production server, whose CPU time :func:`wrk` accounts per request.
_server_group: int | None = None
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _serves_our_database(pid: str) -> bool:
    """A PostgreSQL process that is not a client backend of another database (auxiliaries count)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            title = handle.read().decode(errors="replace").replace("\0", " ").split()
    except OSError:
        return False
    ours = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    # A backend's title: "postgres: 15/main: <user> <database> <client> <state>".
    is_backend = len(title) >= 5 and title[0] == "postgres:" and "(" in title[4]
    return not is_backend or title[3] == ours


def cpu_seconds() -> tuple[float, float]:
    """(server, PostgreSQL) CPU seconds used so far by the live processes of each, from ``/proc``.

    Wall-clock figures on a shared machine move with whatever else runs; CPU per request does not,
    and the machine's cores divided by it bounds the throughput the server can reach.
    """
    server = database = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        used = int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        if _server_group is not None and int(fields[2]) == _server_group:
            server += used
        elif name.startswith("postgres") and _serves_our_database(entry.name):
            database += used
    return server / _TICK, database / _TICK


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def production_server(*, env: dict[str, str] | None = None, workers: int | None = None) -> Iterator[str]:
    """gunicorn with the project's settings on a spare port (static files collected); yields its base URL."""
    environment = {**os.environ, **(env or {})}
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=environment, check=True
    )
    port = spare_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    config = "src/opendvc/config/gunicorn.conf.py"
    server = subprocess.Popen(
        [gunicorn, "opendvc.config.wsgi", "-c", config, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("error: the server did not become healthy")
                time.sleep(0.3)
        global _server_group
        _server_group = server.pid
        yield base
    finally:
        _server_group = None
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wrk(base: str, script: str, *, duration: int, connections: int, workdir: Path) -> Result:
    """Run ``script`` (a request function, then :data:`LUA_REPORT` is appended) with 2 wrk threads."""
    path = workdir / f"script-{len(os.listdir(workdir))}.lua"
    path.write_text(script + LUA_REPORT)
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "-s", str(path)]
    before = cpu_seconds()
    output = subprocess.run([*command, base], check=True, capture_output=True, text=True).stdout
    after = cpu_seconds()
    line = next(row for row in output.splitlines() if row.startswith("RESULT"))
    requests, micros, p50, p95, p99, not_2xx, socket_errors, timeouts = map(int, line.split()[1:])
    per_request = 1000 / max(requests, 1)
    return Result(
        app_cpu_ms=(after[0] - before[0]) * per_request if _server_group is not None else None,
        db_cpu_ms=(after[1] - before[1]) * per_request,
        rps=requests / (micros / 1e6),
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        p99_ms=p99 / 1000,
        requests=requests,
        errors=not_2xx + socket_errors + timeouts,
    )


def print_table(results: dict[str, Result], *, ceiling: str, setup: str) -> None:
    """Each run's figures and its throughput as a ratio to the ceiling's."""
    top = results[ceiling].rps
    width = max(len(label) for label in results) + 2
    print(f"\n{setup}, {os.cpu_count()} CPUs, wrk -t2\n")
    print(
        f"{'endpoint':{width}} {'req/s':>9} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'app CPU ms/req':>15} {'db CPU ms/req':>14}"
    )
    for label, r in results.items():
        app = f"{r.app_cpu_ms:15.1f}" if r.app_cpu_ms is not None else f"{'':15}"
        db = f"{r.db_cpu_ms:14.1f}" if r.db_cpu_ms is not None else f"{'':14}"
        print(
            f"{label:{width}} {r.rps:9.0f} {r.rps / top:7.0%} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.p99_ms:8.1f} "
            f"{r.errors:7d} {app} {db}"
        )
    print(
        "\nCPU ms/req: CPU time the server's processes and PostgreSQL's spent per answered request during the"
        " run (other work on the machine does not count in it)."
    )


def require_wrk() -> None:
    import shutil

    if not shutil.which("wrk"):
        sys.exit("error: the benchmarks drive the server with wrk: apt-get install wrk")
