"""Benchmark: the public statistics page of a province over rollups equivalent to 10,000,000 dossiers.

Builds, in PostgreSQL, the rollups the event listener would have written for 10,000,000 dossiers
(``--dossiers``) received from 1 January 2024 to today across the 34 provinces, each with its
People's Committee, 20 departments and 100 communes (4,114 agencies), offering the real procedures
of the demo catalogue (communes 40 each, departments 15). Dossiers are simulated in SQL, one row per
dossier in chunks of 1,000,000, and folded exactly as :mod:`opendvc.reporting.rollup` folds their
events: reception by channel (45 % online, 50 % in person, 5 % by post) with digitised components,
2 % refused, 2 % withdrawn and 1 % stopped after reception, 8 % with one supplement request (the
appointment moved by the pause), 30 % of online ones paid online, the rest resolved 1–12 days after
reception against an appointment 7 days after it (early, on time or late), returned the next day,
and the recent ones still running — overdue predictions written ahead, as the listener writes them.
Volume is skewed the way real agencies are (a few procedures and agencies take most dossiers).

The half-month rows (what the national and provincial pages read) cover the whole history; the
daily rows are built for the last two months, the days a provincial page reads them for (the
overdue count of the running half month); ``--all-days`` builds them all (about 20 M rows).

Then it serves the data with the production server and drives the page ``/thong-ke/tinh/<code>/``
of random provinces and periods (current month, past months, quarters, years, report periods) with
``wrk``, printing req/s and p50/p95/p99 beside the ``/livez`` ceiling. Goal: p95 ≤ 200 ms.

Usage (PostgreSQL only; the data is kept for the next run):
``.venv/bin/python bench/stats_report.py [--dossiers N] [--duration S] [--connections N] [--rebuild]``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from harness import ROOT, lua_lines, print_table, production_server, require_wrk, wrk

sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opendvc_bench_statistics"
FIRST_DAY = date(2024, 1, 1)
CHUNK = 1_000_000
DEPARTMENTS = 20
COMMUNES = 100

GET_REQUEST = """
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", lines[(counter * 7919) % #lines + 1])
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def database_prepare(url: str, *, rebuild: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def agencies_build(rng: random.Random) -> list[tuple[int, int, int]]:
    """The agencies and what each offers: ``(agency_id, procedure_id, province_id)`` pairs, busiest first."""
    from django.core.management import call_command

    from opendvc.agencies.models import AdministrativeUnit, Agency
    from opendvc.catalog.models import Procedure

    quiet = open(os.devnull, "w")  # noqa: SIM115
    for command in ("load_administrative_units", "load_demo_agencies", "load_demo_catalog"):
        call_command(command, stdout=quiet)
    committees = list(Agency.objects.filter(kind="provincial_committee", administrative_unit__isnull=False))
    communes: dict[int, list[AdministrativeUnit]] = {}
    for unit in AdministrativeUnit.objects.filter(province__isnull=False).order_by("code"):
        communes.setdefault(unit.province_id, []).append(unit)
    rows = []
    for committee in committees:
        province = committee.administrative_unit
        assert province is not None
        for i in range(DEPARTMENTS):
            code = f"{committee.code}.{i + 1:02d}"
            rows.append(
                Agency(
                    code=code,
                    level1=committee.code[:3],
                    depth=2,
                    name=f"Sở {i + 1} {province.name}",
                    kind=Agency.Kind.DEPARTMENT,
                    parent=committee,
                    administrative_unit=province,
                    province=province,
                    is_sample=True,
                )
            )
        for i, unit in enumerate(communes.get(province.pk, [])[:COMMUNES]):
            rows.append(
                Agency(
                    code=f"{committee.code}.{60 + i // 100:02d}.{i % 100 + 100:03d}",
                    level1=committee.code[:3],
                    depth=3,
                    name=f"Ủy ban nhân dân {unit.name}",
                    kind=Agency.Kind.COMMUNE_COMMITTEE,
                    parent=committee,
                    administrative_unit=unit,
                    province=province,
                    is_sample=True,
                )
            )
    Agency.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    procedures = list(Procedure.objects.order_by("code").values_list("pk", flat=True))
    pairs: list[tuple[int, int, int]] = []
    for agency_id, kind, province_id in Agency.objects.filter(
        is_sample=True, province__isnull=False, kind__in=["department", "commune_committee", "provincial_committee"]
    ).values_list("pk", "kind", "province_id"):
        offered = 40 if kind == "commune_committee" else 15
        for procedure_id in rng.sample(procedures, min(offered, len(procedures))):
            pairs.append((agency_id, procedure_id, province_id))
    rng.shuffle(pairs)
    return pairs


COUNTER_SQL = """
    submitted, received_online, received_in_person, received_post, received_digitised,
    resolved_early, resolved_on_time, resolved_late, returned, supplement_requests, refused,
    withdrawn, withdrawn_unreceived, stopped, paid_online, open_delta, overdue_delta
"""
COUNTERS = [name.strip() for name in COUNTER_SQL.split(",")]

# One row per simulated dossier: received day r, appointment day due, closing day c (NULL while
# running), outcome. The fold below writes what each of its events adds (rollup.event_deltas).
DOSSIERS_SQL = """
CREATE TEMP TABLE bench_d AS
SELECT p.agency_id, p.procedure_id, p.province_id, d.r, d.channel, d.digitised, d.outcome, d.supplement,
       d.paid, d.r + 7 + (CASE WHEN d.supplement THEN 3 ELSE 0 END) AS due,
       CASE WHEN d.outcome = 'refused' THEN d.r
            WHEN d.outcome = 'withdrawn' THEN d.r + 2
            WHEN d.outcome = 'stopped' THEN d.r + 5
            ELSE d.r + d.dur END AS c
FROM (
  SELECT (floor(%(pairs)s * power(random(), 2.5)))::int + 1 AS pair,
         (%(first)s::date + floor(power(random(), 0.8) * %(days)s)::int) AS r,
         CASE WHEN u1 < 0.45 THEN 2 WHEN u1 < 0.95 THEN 1 ELSE 3 END AS channel,
         random() < CASE WHEN u1 < 0.45 THEN 0.9 ELSE 0.3 END AS digitised,
         CASE WHEN u2 < 0.02 THEN 'refused' WHEN u2 < 0.04 THEN 'withdrawn' WHEN u2 < 0.05 THEN 'stopped'
              ELSE 'resolved' END AS outcome,
         random() < 0.08 AS supplement,
         u1 < 0.45 AND random() < 0.3 AS paid,
         1 + floor(power(random(), 3) * 12)::int AS dur
  FROM (SELECT random() AS u1, random() AS u2 FROM generate_series(1, %(chunk)s)) AS g
) AS d
JOIN bench_pairs p ON p.idx = d.pair
"""
RUNNING_SQL = "UPDATE bench_d SET c = NULL WHERE c > %(today)s::date"

# What each event of a simulated dossier adds, on its day (``rollup.event_deltas``): (day, counters).
RECEIVED = "d.outcome <> 'refused'"
EVENTS: list[tuple[str, dict[str, str]]] = [
    # submission, then reception (or refusal at the desk), on day r
    (
        "d.r",
        {
            "submitted": "1",
            "received_online": f"({RECEIVED} AND d.channel = 2)::int",
            "received_in_person": f"({RECEIVED} AND d.channel = 1)::int",
            "received_post": f"({RECEIVED} AND d.channel = 3)::int",
            "received_digitised": f"({RECEIVED} AND d.digitised)::int",
            "refused": "(d.outcome = 'refused')::int",
            "open_delta": f"({RECEIVED})::int",
        },
    ),
    # a supplement request the next day (the pause moves the appointment by 3 days)
    (
        f"CASE WHEN d.supplement AND {RECEIVED} AND d.r + 1 <= %(today)s::date THEN d.r + 1 END",
        {"supplement_requests": "1"},
    ),
    # online payment two days after reception
    (
        "CASE WHEN d.paid AND d.outcome = 'resolved' AND d.r + 2 <= %(today)s::date THEN d.r + 2 END",
        {"paid_online": "1"},
    ),
    # closing: the result (early / on time / late against the appointment), a withdrawal or a stop
    (
        f"CASE WHEN {RECEIVED} AND d.c IS NOT NULL THEN d.c END",
        {
            "resolved_early": "(d.outcome = 'resolved' AND d.c < d.due)::int",
            "resolved_on_time": "(d.outcome = 'resolved' AND d.c = d.due)::int",
            "resolved_late": "(d.outcome = 'resolved' AND d.c > d.due)::int",
            "withdrawn": "(d.outcome = 'withdrawn')::int",
            "stopped": "(d.outcome = 'stopped')::int",
            "open_delta": "-1",
        },
    ),
    # the result returned the next day
    (
        "CASE WHEN d.outcome = 'resolved' AND d.c IS NOT NULL AND d.c + 1 <= %(today)s::date THEN d.c + 1 END",
        {"returned": "1"},
    ),
    # overdue written ahead, on the day after the appointment, unless closed by then
    (f"CASE WHEN {RECEIVED} AND (d.c IS NULL OR d.c > d.due) THEN d.due + 1 END", {"overdue_delta": "1"}),
    # and taken back on the day a late dossier closes
    (f"CASE WHEN {RECEIVED} AND d.c IS NOT NULL AND d.c > d.due THEN d.c END", {"overdue_delta": "-1"}),
]


def _half(day: str) -> str:
    return f"(date_trunc('month', {day})::date + CASE WHEN extract(day FROM {day}) < 15 THEN 0 ELSE 14 END)"


def contributions_sql(*, by_half: bool, since: bool) -> str:
    """The counters the simulated dossiers add, per agency × procedure × day or per agency × half month.

    One aggregate per kind of event (a plain scan each, cheaper than a lateral join per dossier), then
    their sum per key.
    """
    sums = ", ".join(f"sum({name})" for name in COUNTERS)
    branches = []
    for day, counters in EVENTS:
        columns = ", ".join(f"sum({counters.get(name, '0')})::int AS {name}" for name in COUNTERS)
        if by_half:
            branches.append(
                f"SELECT agency_id, max(province_id) AS province_id, {_half(day)} AS half, {columns} "
                f"FROM bench_d AS d WHERE ({day}) IS NOT NULL GROUP BY agency_id, 3"
            )
        else:
            recent = " AND (" + day + ") >= %(recent)s::date" if since else ""
            branches.append(
                f"SELECT agency_id, procedure_id, max(province_id) AS province_id, ({day}) AS day, {columns} "
                f"FROM bench_d AS d WHERE ({day}) IS NOT NULL{recent} GROUP BY agency_id, procedure_id, 4"
            )
    union = " UNION ALL ".join(branches)
    if by_half:
        return f"SELECT agency_id, half, max(province_id), {sums} FROM ({union}) AS u GROUP BY agency_id, half"
    return f"SELECT agency_id, procedure_id, max(province_id), day, {sums} FROM ({union}) AS u GROUP BY 1, 2, 4"


def _upsert_sql(table: str, keys: str, columns: str, select: str) -> str:
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTERS)
    return f"INSERT INTO {table} ({columns}, {COUNTER_SQL}) {select} ON CONFLICT ({keys}) DO UPDATE SET {updates}"


def rollups_build(*, pairs: list[tuple[int, int, int]], dossiers: int, all_days: bool) -> None:
    from django.db import connection

    today = date.today()
    days = (today - FIRST_DAY).days + 1
    recent = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    half_select = contributions_sql(by_half=True, since=False)
    daily_select = contributions_sql(by_half=False, since=not all_days)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute(
            "CREATE TEMP TABLE bench_pairs (idx int PRIMARY KEY, agency_id int, procedure_id int, province_id int)"
        )
        with cursor.copy("COPY bench_pairs FROM STDIN") as copy:
            for idx, (agency_id, procedure_id, province_id) in enumerate(pairs, start=1):
                copy.write_row((idx, agency_id, procedure_id, province_id))
        cursor.execute("ANALYZE bench_pairs")
        built = 0
        while built < dossiers:
            chunk = min(CHUNK, dossiers - built)
            params = {"pairs": len(pairs), "first": FIRST_DAY, "days": days, "chunk": chunk, "today": today}
            cursor.execute(DOSSIERS_SQL, params)
            cursor.execute(RUNNING_SQL, params)
            cursor.execute(
                _upsert_sql("reporting_halfmonthstat", "agency_id, half", "agency_id, half, province_id", half_select),
                params,
            )
            cursor.execute(
                _upsert_sql(
                    "reporting_dailystat",
                    "agency_id, procedure_id, day",
                    "agency_id, procedure_id, province_id, day",
                    daily_select,
                ),
                {**params, "recent": recent},
            )
            cursor.execute("DROP TABLE bench_d")
            built += chunk
            log(f"  {built:,} dossiers folded")
        # Each chunk's upsert left a dead version of most rows; compact the tables as autovacuum and
        # HOT updates keep them in a running system, where each row changes a few times a day.
        cursor.execute("VACUUM (FULL, ANALYZE) reporting_halfmonthstat")
        cursor.execute("VACUUM (FULL, ANALYZE) reporting_dailystat")


def page_lines(rng: random.Random) -> list[str]:
    """Province pages for a mix of periods, as visitors ask for them."""
    from opendvc.agencies.models import AdministrativeUnit

    today = date.today()
    codes = list(AdministrativeUnit.objects.filter(province__isnull=True).values_list("code", flat=True))
    lines = []
    for _ in range(2000):
        code = rng.choice(codes)
        choice = rng.random()
        if choice < 0.3:
            query = ""
        elif choice < 0.55:
            query = f"?period=month&year={today.year - rng.randint(0, 1)}&number={rng.randint(1, 12)}"
        elif choice < 0.75:
            query = f"?period=quarter&year={rng.choice([2024, 2025, 2026])}&number={rng.randint(1, 4)}"
        elif choice < 0.9:
            query = f"?period=year&year={rng.choice([2024, 2025, 2026])}"
        else:
            query = f"?period=month&year={today.year}&number={rng.randint(1, today.month)}&window=report"
        lines.append(f"/thong-ke/tinh/{code}/{query}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--all-days", action="store_true", help="build the daily rows of the whole history")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the data, measure nothing")
    parser.add_argument("--rebuild", action="store_true", help="drop the benchmark database and build it again")
    args = parser.parse_args()
    require_wrk()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("error: this benchmark needs PostgreSQL (BENCH_DATABASE_URL)")
    workdir = Path(tempfile.mkdtemp(prefix="opendvc-bench-statistics-"))
    os.environ.update(
        {
            "DATABASE_URL": url,
            "OPENDVC_VAR_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "opendvc.config.settings",
            # A Redis database of its own: the run starts by emptying it (the pages' cache starts cold).
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        }
    )
    database_prepare(url, rebuild=args.rebuild)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    from opendvc.core.models import SetupStep
    from opendvc.reporting.models import DailyStat, HalfMonthStat
    from opendvc.reporting.services import rollup_revisions_bump

    rng = random.Random(20261202)
    call_command("migrate", verbosity=0)
    built = SetupStep.objects.filter(name="bench_statistics").values_list("version", flat=True).first()
    started = time.perf_counter()
    if built != str(args.dossiers):
        if built:
            sys.exit(f"error: the benchmark database holds {built} dossiers; run with --rebuild")
        pairs = agencies_build(rng)
        log(f"folding {args.dossiers:,} dossiers into rollups over {len(pairs):,} agency × procedure pairs…")
        rollups_build(pairs=pairs, dossiers=args.dossiers, all_days=args.all_days)
        rollup_revisions_bump()  # rows written in bulk, outside the listener: every settled figure changed
        SetupStep.objects.update_or_create(name="bench_statistics", defaults={"version": str(args.dossiers)})
    totals = HalfMonthStat.objects.aggregate(
        online=Sum("received_online"), in_person=Sum("received_in_person"), post=Sum("received_post")
    )
    received = sum(v or 0 for v in totals.values())
    half_rows, daily_rows = HalfMonthStat.objects.count(), DailyStat.objects.count()
    log(
        f"data: {received:,} dossiers received, {half_rows:,} half-month rows, {daily_rows:,} daily rows "
        f"({time.perf_counter() - started:.0f} s)"
    )
    lines = page_lines(rng)
    cache.clear()
    connection.close()
    data = workdir / "pages.txt"
    data.write_text("\n".join(lines) + "\n")
    livez = workdir / "livez.txt"
    livez.write_text("/livez\n")
    if args.build_only:
        return
    results = {}
    with production_server() as base:
        run = {"duration": args.duration, "connections": args.connections, "workdir": workdir}
        wrk(base, lua_lines(data) + GET_REQUEST, **{**run, "duration": 3})
        results["ceiling /livez"] = wrk(base, lua_lines(livez) + GET_REQUEST, **run)
        results["province page /thong-ke/tinh/<code>/"] = wrk(base, lua_lines(data) + GET_REQUEST, **run)
    setup = (
        f"rollups of {received:,} dossiers ({half_rows:,} half-month rows, {daily_rows:,} daily rows) in PostgreSQL; "
        f"{args.connections} connections, {args.duration} s each"
    )
    print_table(results, ceiling="ceiling /livez", setup=setup)


if __name__ == "__main__":
    main()
