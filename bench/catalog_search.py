"""Benchmark: catalogue search and the procedure page over HTTP, against a minimal endpoint.

Builds a 10,000-procedure catalogue whose names are recombined from the real national catalogue
sample, serves it with the production server (gunicorn, the project's own settings), and drives
it with ``wrk`` (50 concurrent connections). Prints throughput and p50/p95/p99 latency for:

- the ceiling: ``/livez``, a minimal JSON endpoint through the same stack;
- search: ``/api/v1/procedures?q=…`` with realistic citizen queries (no accents, partial, shuffled,
  with typos);
- the procedure page: ``/thu-tuc/<code>/`` for random procedures;

and each figure's ratio to the ceiling. Pages are cached whole (``web.pages``) in the production
cache, Redis (``--cache locmem`` for the embedded per-process cache); before the measured runs
every page is requested once, and that first render — cache empty — is reported on its own line.
Usage: ``.venv/bin/python bench/catalog_search.py`` (``--duration``, ``--connections``,
``--procedures``, ``--cache``; ``DATABASE_URL`` for PostgreSQL).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from harness import ROOT, lua_lines, print_table, production_server, require_wrk, wrk

SAMPLE = ROOT / "src" / "opendvc" / "catalog" / "data" / "tthc-sample.json"

REQUEST = """
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", lines[(counter * 7919) % #lines + 1], {["Accept-Encoding"] = "gzip, br"})
end
"""


def script(workdir: Path, paths: list[str], *, think_ms: int = 0) -> str:
    """A wrk script requesting ``paths`` in a scattered order."""
    data = workdir / f"paths-{len(os.listdir(workdir))}.txt"
    data.write_text("\n".join(paths) + "\n")
    return lua_lines(data, think_ms=think_ms) + REQUEST


def fold(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


def realistic_names(count: int, rng: random.Random) -> list[str]:
    """Names recombined from real ones: a real action, a real object, sometimes a real qualifier."""
    real = [entry["name"] for entry in json.loads(SAMPLE.read_text())]
    actions = [
        "Cấp",
        "Cấp lại",
        "Cấp đổi",
        "Gia hạn",
        "Điều chỉnh",
        "Thu hồi",
        "Đăng ký",
        "Xác nhận",
        "Thông báo",
        "Công nhận",
        "Đăng ký lại",
        "Chấm dứt",
        "Cấp bản sao",
        "Đăng ký thay đổi",
    ]
    objects, qualifiers = [], []
    for name in real:
        name = re.sub(r"^Thủ tục\s+", "", name)
        words = name.split()
        for cut in range(1, min(4, len(words))):
            if " ".join(words[:cut]) in actions:
                objects.append(" ".join(words[cut:]))
        for marker in (" đối với ", " cho ", " tại ", " (thực hiện"):
            if marker in name:
                qualifiers.append(marker.strip() + " " + name.split(marker, 1)[1].rstrip(")"))
    objects = sorted(set(objects)) or real
    qualifiers = sorted(set(qualifiers))
    names = list(real)
    while len(names) < count:
        name = f"{rng.choice(actions)} {rng.choice(objects)}"
        if rng.random() < 0.5:
            name += " " + rng.choice(qualifiers)
        names.append(name[:1].upper() + name[1:])
    return names[:count]


def realistic_queries(names: list[str], count: int, rng: random.Random) -> list[str]:
    """What citizens type: a few words of a name, usually without accents, sometimes shuffled or mistyped."""
    queries = []
    for _ in range(count):
        words = re.findall(r"\w+", rng.choice(names))
        start = rng.randrange(max(1, len(words) - 2))
        picked = words[start : start + rng.randint(2, 5)]
        if rng.random() < 0.7:
            picked = [fold(w) for w in picked]
        if rng.random() < 0.2:
            rng.shuffle(picked)
        if rng.random() < 0.15:
            i = rng.randrange(len(picked))
            w = picked[i]
            if len(w) >= 4:
                j = rng.randrange(len(w) - 1)
                picked[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        queries.append(" ".join(picked).lower())
    return queries


def build_catalogue(count: int) -> list[str]:
    """Write the catalogue with the ORM in this process (Django set up against the bench database)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from opendvc.catalog.models import (
        CatalogRevision,
        Channel,
        Fee,
        Field,
        Procedure,
        ProcedureVersion,
        RequiredDocument,
    )

    call_command("migrate", verbosity=0)
    rng = random.Random(20261123)
    names = realistic_names(count, rng)
    sample = json.loads(SAMPLE.read_text())
    fields = {}
    for entry in sample:
        key = entry.get("field_code") or entry["field_name"]
        if key not in fields:
            fields[key] = Field.objects.get_or_create(code=entry.get("field_code"), name=entry["field_name"])[0]
    field_list = list(fields.values())
    codes = [f"{1 + i // 900000}.{100000 + i:06d}" for i in range(count)]
    with transaction.atomic():
        procedures = Procedure.objects.bulk_create([Procedure(code=code) for code in codes], batch_size=2000)
        versions = ProcedureVersion.objects.bulk_create(
            [
                ProcedureVersion(
                    procedure=procedure,
                    number=1,
                    status=ProcedureVersion.Status.PUBLISHED,
                    name=name,
                    field=rng.choice(field_list),
                    levels=[rng.choice(["bo", "tinh", "xa"])],
                    applicant_types=rng.sample(["citizen", "business", "organisation"], rng.randint(1, 3)),
                    online_level=rng.choice(["full", "partial", ""]),
                    implementing_agencies=["Ủy ban nhân dân cấp xã"],
                    is_sample=True,
                )
                for procedure, name in zip(procedures, names, strict=True)
            ],
            batch_size=2000,
        )
        for procedure, version in zip(procedures, versions, strict=True):
            procedure.current_version = version
        Procedure.objects.bulk_update(procedures, ["current_version"], batch_size=2000)
        documents = [entry.get("documents") or ["Tờ khai"] for entry in sample]
        Channel.objects.bulk_create(
            [
                Channel(version=v, kind=kind, time_amount=rng.randint(1, 20), time_unit="working_days")
                for v in versions
                for kind in ("online", "in_person")
            ],
            batch_size=5000,
        )
        Fee.objects.bulk_create(
            [Fee(version=v, amount=rng.choice([0, 50000, 100000, 135000]), description="Lệ phí") for v in versions],
            batch_size=5000,
        )
        RequiredDocument.objects.bulk_create(
            [
                RequiredDocument(version=v, position=p, name=text, originals=1, mandatory=True)
                for v in versions
                for p, text in enumerate(rng.choice(documents)[:6])
            ],
            batch_size=5000,
        )
        CatalogRevision.objects.update_or_create(pk=1, defaults={"revision": 1})
    from django.db import connections

    connections.close_all()
    return names


def fetch_all(base: str, paths: list[str], *, connections: int) -> float:
    """Request each path once from ``connections`` threads; pages per second."""

    def fetch(path: str) -> None:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(fetch, paths))
    return len(paths) / (time.perf_counter() - started)


def paced_think(base: str, workdir: Path, paths: list[str], *, connections: int, rate: int, run: dict) -> int:
    """Clients' mean pause (ms) that makes ``connections`` clients offer about ``rate`` requests/s.

    Each client's cycle is its pause plus the latency, and ``connections / cycle`` is the rate;
    latency depends on the load, so one short run with a first guess measures it.
    """
    cycle_ms = connections * 1000 / rate
    guess = max(1, round(cycle_ms / 2))
    seen = wrk(base, script(workdir, paths, think_ms=guess), **run)
    latency_ms = max(0.0, connections * 1000 / seen.rps - guess) if seen.rps else 0.0
    return max(1, round(cycle_ms - latency_ms))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its config)")
    parser.add_argument("--cache", choices=["redis", "locmem"], default="redis")
    parser.add_argument("--rate", type=int, default=800, help="offered rate of the paced runs (req/s)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    require_wrk()

    workdir = Path(tempfile.mkdtemp(prefix="opendvc-bench-"))
    os.environ["OPENDVC_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opendvc.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    started = time.perf_counter()
    names = build_catalogue(args.procedures)
    print(f"catalogue: {len(names):,} procedures built in {time.perf_counter() - started:.1f} s ({workdir})")

    rng = random.Random(7)
    queries = realistic_queries(names, 1000, rng)
    search_paths = [f"/api/v1/procedures?q={urllib.parse.quote(q)}" for q in queries]
    codes = [f"{1 + i // 900000}.{100000 + i:06d}" for i in range(len(names))]
    page_paths = [f"/thu-tuc/{code}/" for code in rng.sample(codes, min(2000, len(codes)))]

    env: dict[str, str] = {}
    if args.cache == "redis":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url
    with production_server(env=env, workers=args.workers) as base:
        for path in (search_paths[0], page_paths[0]):
            with urllib.request.urlopen(base + path, timeout=30) as response:
                assert response.status == 200, path
        first_render = fetch_all(base, page_paths, connections=args.connections)
        warm = {"duration": 3, "connections": args.connections, "workdir": workdir}
        wrk(base, script(workdir, page_paths), **warm)
        wrk(base, script(workdir, search_paths), **warm)
        run = {"duration": args.duration, "connections": args.connections, "workdir": workdir}
        results = {
            "ceiling /livez": wrk(base, script(workdir, ["/livez"]), **run),
            "search /api/v1/procedures": wrk(base, script(workdir, search_paths), **run),
            "procedure page /thu-tuc/<code>/": wrk(base, script(workdir, page_paths), **run),
        }
        # Little's law: 50 clients that never pause have a mean latency of 50 / throughput, so a
        # latency goal is read at a given rate: clients with think time offering --rate req/s. The
        # think time is calibrated per endpoint (a short run, then corrected by the latency seen).
        calibrate = {**run, "duration": 5}
        for label, paths in (("search", search_paths), ("procedure page", page_paths)):
            think = paced_think(base, workdir, paths, connections=args.connections, rate=args.rate, run=calibrate)
            results[f"{label} at ~{args.rate}/s offered ({think} ms pauses)"] = wrk(
                base, script(workdir, paths, think_ms=think), **run
            )

    print_table(
        results,
        ceiling="ceiling /livez",
        setup=f"{args.connections} connections, {args.duration} s each, cache {args.cache}",
    )
    ceiling = results["ceiling /livez"].rps
    print(
        f"\nfirst render of {len(page_paths):,} procedure pages (cache empty): {first_render:.0f} pages/s "
        f"({first_render / ceiling:.0%} of the ceiling)"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
