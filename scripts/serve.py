"""Serve the whole system: the portal, its background workers and the reference external systems.

``make run`` calls this after migrating and loading the demo data. It starts, as child processes:

- each reference service of ``reference/registry.py`` on ``127.0.0.1:(PORT + offset)`` (unless its
  address variable points at a real system already),
- the task-queue worker (``manage.py db_worker``) and the periodic-job runner
  (``manage.py run_periodic_jobs``),
- the portal itself with gunicorn on ``HOST:PORT``;

and stops them all when it is interrupted or when any of them exits (which it reports, and exits
non-zero), so a broken part is never silently missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reference.registry import SERVICES  # noqa: E402


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    python = sys.executable
    bindir = Path(python).parent
    env = dict(os.environ)
    env.setdefault("OPENDVC_PUBLIC_URL", f"http://{host}:{port}")
    env.setdefault("DJANGO_SETTINGS_MODULE", "opendvc.config.settings")

    commands: list[tuple[str, list[str]]] = []
    for service in SERVICES:
        if service.url_env in os.environ:
            print(f"{service.title}: using {os.environ[service.url_env]} ({service.url_env})", flush=True)
            continue
        service_port = port + service.port_offset
        env[service.url_env] = f"http://127.0.0.1:{service_port}"
        commands.append(
            (
                f"{service.title} http://127.0.0.1:{service_port}",
                [
                    str(bindir / "gunicorn"),
                    service.wsgi,
                    "--chdir",
                    str(ROOT),
                    "--bind",
                    f"127.0.0.1:{service_port}",
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                    "--no-control-socket",
                ],
            )
        )
    commands.append(("task worker", [python, "manage.py", "db_worker", "--no-reload", "-v", "0"]))
    commands.append(("periodic jobs", [python, "manage.py", "run_periodic_jobs"]))
    commands.append(
        (
            f"portal http://{host}:{port}",
            [
                str(bindir / "gunicorn"),
                "opendvc.config.wsgi",
                "-c",
                "src/opendvc/config/gunicorn.conf.py",
                "--bind",
                f"{host}:{port}",
            ],
        )
    )

    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for label, command in commands:
        print(f"starting {label}", flush=True)
        children.append((label, subprocess.Popen(command, cwd=ROOT, env=env)))

    status = 0
    while not stopping:
        for label, child in children:
            code = child.poll()
            if code is not None:
                print(f"error: {label} exited with status {code}; stopping everything", file=sys.stderr, flush=True)
                status = code or 1
                stopping = True
                break
        time.sleep(0.5)

    for _, child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 15
    for _, child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return status


if __name__ == "__main__":
    sys.exit(main())
