"""The bench phases, run by scripts/bench.sh against its gunicorn (``--url``) and its database.

Every figure is measured in this run next to its reference (see the table header in
``table.py``); the table goes to stdout and to var/bench/latest.md.
Usage: python -m scripts.bench.run --url http://127.0.0.1:PORT
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from boards.kernel.dbroles import as_owner  # noqa: E402
from scripts.bench import generate, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).with_name("wrk_report.lua")


def log(message):
    print(message, file=sys.stderr, flush=True)


def endpoints(world, caller=None):
    """(label, app path, floor path, request headers) of the measured list endpoints on the board of
    ``caller`` (the small board's institution by default): the institution lists with its API key,
    the staff lists (filings, awards) with a staff session, the catalogue without either."""
    caller = caller or world.small
    slug = caller.board.slug
    key = {"Authorization": caller.header}
    staff = {"Cookie": f"sessionid={staff_session(world)}"}
    api, floor = f"/api/v1/{slug}/", f"/bench-floor/{slug}/"
    return [
        ("enterprises", f"{api}enterprises/", f"{floor}enterprises/", key),
        ("alliance/pushed-enterprises", f"{api}alliance/pushed-enterprises/", f"{floor}pushed-enterprises/",
         key),
        ("alliance/products", f"{api}alliance/products/", f"{floor}products/", key),
        ("alliance/catalogue", f"{api}alliance/catalogue/", f"{floor}catalogue/", {}),
        ("alliance/matchmakings", f"{api}alliance/matchmakings/", f"{floor}matchmakings/", key),
        ("alliance/financing-needs", f"{api}alliance/financing-needs/", f"{floor}financing-needs/", key),
        ("risksharing/financing-cases", f"{api}financing-cases/", f"{floor}financing-cases/", key),
        ("policies", f"{api}policies/", f"{floor}policies/", key),
        ("policies/awards", f"{api}policies/awards/", f"{floor}awards/", staff),
        ("filings", f"{api}filings/", f"{floor}filings/", staff),
        ("notifications", f"{api}notifications/", f"{floor}notifications/", key),
    ]


_SESSIONS = {}


def staff_session(world):
    """A logged-in staff session (second factor verified with a TOTP device, as staff must), kept in
    the cache both this process and gunicorn use; the session id for wrk's Cookie header."""
    if world.staff.pk not in _SESSIONS:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=world.staff, name="bench", confirmed=True)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(world.staff)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        _SESSIONS[world.staff.pk] = session.session_key
    return _SESSIONS[world.staff.pk]


def django_headers(headers):
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}


# --- wrk ------------------------------------------------------------------------------------------

def wrk(url, headers, duration, threads, connections, warmup=3):
    # --timeout 30s: a slow answer is a latency to report, not a dropped request.
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "30s", "--latency", "-s", str(LUA)]
    headers = ({"Authorization": headers} if isinstance(headers, str) else headers) or {}
    for name, value in headers.items():
        base += ["-H", f"{name}: {value}"]
    if warmup:
        subprocess.run([*base, "-d", f"{warmup}s", url], check=True, capture_output=True, text=True)
    # Sync workers still serve the requests wrk abandoned at the end of the warm-up; one request
    # queued behind them returns once they are done, so the measured run starts on an idle server.
    drain = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(drain, timeout=300) as response:
        response.read()
    out = subprocess.run([*base, "-d", f"{duration}s", url], check=True, capture_output=True,
                         text=True).stdout
    match = re.search(r"^BENCH (\S+) (\S+) (\S+) (\d+) (\d+) (\d+)$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk gave no report for {url}:\n{out}")
    rps, p50, p95 = (float(match[i]) for i in (1, 2, 3))
    requests, non2xx, errors = (int(match[i]) for i in (4, 5, 6))
    if non2xx or errors or not requests:
        raise RuntimeError(f"{url}: {non2xx} non-2xx answers and {errors} socket errors of {requests}")
    return {"rps": rps, "p50": p50, "p95": p95, "requests": requests}


def runs(point, times):
    """``times`` runs of a throughput point: the median of each figure, with the runs' min and max."""
    results = [point() for _ in range(times)]
    summary = {key: statistics.median(r[key] for r in results) for key in ("rps", "p50", "p95")}
    summary["min"], summary["max"] = min(r["rps"] for r in results), max(r["rps"] for r in results)
    summary["runs"] = [r["rps"] for r in results]
    return summary


# --- phases ---------------------------------------------------------------------------------------

PLUMBING = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SELECT set_config\()", re.I)


def same_results(client, label, path, floor, headers):
    """The floor must answer what its endpoint answers (scripts/bench/floors.py), or it is no floor."""
    app, ref = client.get(path, **headers), client.get(floor, **headers)
    if app.status_code != 200 or ref.status_code != 200:
        raise RuntimeError(f"{label}: endpoint {app.status_code}, floor {ref.status_code}")
    if app.json()["results"] != ref.json()["results"] or not ref.json()["results"]:
        raise RuntimeError(f"{label}: the floor's results differ from the endpoint's (or are empty)")


def query_counts(world, sizes=(10, 50, 200)):
    """Statements per request, in-process (Django test client, same settings and middleware), after
    one warm-up request (which also checks that the floor answers the same results). Returns
    {endpoint: {page size: (all statements, data queries)}}, where data queries leave out
    transaction control and the RLS ``set_config`` calls."""
    client = Client(HTTP_HOST="127.0.0.1")
    result = {}
    for label, path, floor, headers in endpoints(world):
        headers = django_headers(headers)
        same_results(client, label, path, floor, headers)
        counts = []
        for size in sizes:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, {"page_size": size}, **headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path}?page_size={size}: {response.status_code} "
                                   f"{response.content[:300]}")
            if len(response.json()["results"]) != size:
                raise RuntimeError(f"{path}?page_size={size}: {len(response.json()['results'])} rows")
            data = [q for q in queries.captured_queries if not PLUMBING.match(q["sql"])]
            counts.append((len(queries), len(data)))
        result[label] = dict(zip(sizes, counts, strict=True))
        log(f"  queries {label}: {result[label]}")
    return result


def throughput(world, base_url, duration, threads, connections, times=5):
    """Each endpoint and its floor: one warm-up each, then ``times`` runs alternating endpoint and
    floor (so that a change of machine load hits both), medians with min-max."""
    result = {}
    for label, path, floor, headers in endpoints(world):
        for url in (base_url + path, base_url + floor):
            wrk(url, headers, 2, threads, connections, warmup=0)
        pairs = [(wrk(base_url + path, headers, duration, threads, connections, warmup=0),
                  wrk(base_url + floor, headers, duration, threads, connections, warmup=0))
                 for _ in range(times)]
        app, ref = (runs(iter([pair[i] for pair in pairs]).__next__, times) for i in (0, 1))
        result[label] = (app, ref)
        log(f"  {label}: app {app['rps']:.0f} req/s ({app['min']:.0f}–{app['max']:.0f}), "
            f"floor {ref['rps']:.0f} req/s ({ref['min']:.0f}–{ref['max']:.0f}), "
            f"{app['rps'] / ref['rps']:.0%}; load {open('/proc/loadavg').read().split()[0]}")
    # The scale point: the large board's and the small board's list, alternating run by run (as
    # endpoint and floor above), so that a change of machine load hits both sides of the ratio.
    sides = [(base_url + endpoints(world, caller)[0][1], {"Authorization": caller.header})
             for caller in (world.small, world.large)]
    pairs = [tuple(wrk(url, headers, duration, threads, connections) for url, headers in sides)
             for _ in range(times)]
    result["enterprises-small"], result["enterprises-large"] = (
        runs(iter([pair[i] for pair in pairs]).__next__, times) for i in (0, 1))
    log(f"  enterprises at {world.rows['small']['enterprise']} and {world.rows['large']['enterprise']}: "
        f"{result['enterprises-small']} / {result['enterprises-large']}")
    return result


def evidence_phase(world, base_url, duration, threads, leaves, times=5):
    """Issue 14: appends before/after, 64-connection reads with evidence vs the floor while a
    sequencer runs as beat would, and the sequencer's leaves/s (scripts/bench/evidence.py)."""
    from scripts.bench import evidence as bench_evidence

    result = bench_evidence.appends()
    log(f"  appends/s: queued {result['queued']:.0f}, locking head {result['locking']:.0f}")
    running = bench_evidence.Sequencer(world.small.board)
    running.start()
    _, path, floor, _ = endpoints(world)[0]
    urls = (base_url + path, f"{base_url}/bench-noevidence/{world.small.board.slug}/enterprises/",
            base_url + floor)
    for url in urls:
        wrk(url, world.small.header, 3, threads, 64, warmup=0)
    # Alternating runs (with, without, floor) so that a change of machine load hits all three.
    triples = [tuple(wrk(url, world.small.header, duration, threads, 64, warmup=0) for url in urls)
               for _ in range(times)]
    running.stop.set()
    running.join()
    app, bare, ref = (runs(iter([triple[i] for triple in triples]).__next__, times) for i in (0, 1, 2))
    result["reads"] = (app, bare, ref, running.leaves)
    log(f"  enterprises at 64 connections (median of {times}): {app['rps']:.0f} req/s "
        f"({app['min']:.0f}–{app['max']:.0f}), without evidence {bare['rps']:.0f} "
        f"({bare['min']:.0f}–{bare['max']:.0f}), floor {ref['rps']:.0f}; {running.leaves} leaves sequenced "
        f"meanwhile; load {open('/proc/loadavg').read().split()[0]}")
    result["sequencer"] = bench_evidence.sequencer(result["board"], leaves)
    log(f"  sequencer: {result['sequencer']}")
    return result


def purge(queue):
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def vacuum(table=None):
    """VACUUM ANALYZE after a bulk load: set hint bits and the visibility map as a live database
    has them, so the first measured requests don't pay for the load. As the owner role: only the
    owner of a table may vacuum it (boards.kernel.dbroles)."""
    with as_owner(), connection.cursor() as cursor:
        if table:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'VACUUM (ANALYZE) "{name}"')


def time_sweep(repeats=3):
    from boards.kernel.tasks import sweep_deadlines

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    times, queued = [], set()
    purge(queue)
    sweep_deadlines()  # warm-up: broker connection, plans
    for _ in range(repeats):
        purge(queue)
        started = time.perf_counter()
        queued.add(sweep_deadlines())
        times.append(time.perf_counter() - started)
    purge(queue)
    if len(queued) != 1:
        raise RuntimeError(f"the sweep queued different numbers on repeat: {queued}")
    return statistics.median(times), queued.pop()


def sweep(world, large_total, due):
    small_total = world.rows["deadlines"]
    small, queued_small = time_sweep()
    log(f"  sweep over {small_total} open: {small * 1000:.0f} ms, {queued_small} queued")
    started = time.perf_counter()
    generate.deadlines(world.deadline_board, large_total - small_total, due=0)
    vacuum("boards_deadline")
    log(f"  +{large_total - small_total} open deadlines in {time.perf_counter() - started:.0f} s")
    large, queued_large = time_sweep()
    log(f"  sweep over {large_total} open: {large * 1000:.0f} ms, {queued_large} queued")
    if queued_small != queued_large:
        raise RuntimeError(f"due counts differ: {queued_small} vs {queued_large}")
    return {"small": small, "large": large, "small_total": small_total, "large_total": large_total,
            "due": queued_small}


def rls_queries(world):
    """The hot queries of the measured endpoints and of the sweep, as querysets built by a function
    (so they can be compiled once scoped and once with django-scopes disabled)."""
    from django.db.models import Exists, OuterRef, Q, Subquery

    from alliance import selectors
    from boards.enterprises.models import DataConsent, Enterprise
    from boards.enterprises.services.consent import in_force
    from boards.kernel.models import Deadline

    large, institution = world.large.board, world.large.institution
    now = timezone.now()

    def grants():
        return DataConsent.objects.filter(in_force(now), Q(institution=institution) | Q(institution=None))

    def page():
        return (Enterprise.objects.filter(board=large)
                .filter(Exists(grants().filter(enterprise=OuterRef("pk")))).order_by("name", "id"))

    def page_ids():
        return list(page().values_list("pk", flat=True)[:50])

    return {
        "enterprise page": lambda ids: page().values_list("id", "name", "credit_code", "tier")[:50],
        # The next keyset page, as NameCursorPagination asks for it (name after the last of the page).
        "enterprise next page": lambda ids: page().filter(name__gt=Subquery(
            Enterprise.objects.filter(pk=ids[-1]).values("name"))).values_list("id", "name")[:51],
        "page consents": lambda ids: grants().filter(enterprise_id__in=ids).values_list("enterprise_id",
                                                                                         "categories"),
        "catalogue page": lambda ids: selectors.catalogue(large).order_by("name", "id").values_list(
            "id", "name", "institution__name")[:50],
        "sweep batch (1M)": lambda ids: Deadline.objects.filter(board=world.deadline_board,
                                                                next_action_at__lte=now)
        .order_by("next_action_at", "pk").values_list("next_action_at", "pk", "stage")[:500],
    }, page_ids


def rls_overhead(world, repeats=101):
    """Median time of each hot query as the app role with its board set for RLS, running the SQL
    django-scopes compiles inside board_scope, against the same query compiled with scopes
    disabled and run as the superuser ``postgres`` (RLS bypassed). Both go through the same kind
    of plain psycopg connection, warm, fetching every row, alternating run by run."""
    from boards.kernel.scoping import RLS_SETTING, board_scope, scopes_disabled

    queries, page_ids = rls_queries(world)
    db = settings.DATABASES["default"]

    def connect(user):
        return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=user,
                               dbname=db["NAME"], autocommit=True)

    app, superuser = connect(db["USER"]), connect("postgres")
    with board_scope(world.large.board):
        ids = page_ids()
    result = {}
    for name, build in queries.items():
        # Each query with its own board set, for RLS and for the scope, as its request or task has it.
        board = world.deadline_board if name.startswith("sweep") else world.large.board
        app.execute("SELECT set_config(%s, %s, false)", [RLS_SETTING, str(board.pk)])
        with board_scope(board):
            scoped_sql, scoped_params = build(ids).query.sql_with_params()
        with scopes_disabled():
            plain_sql, plain_params = build(ids).query.sql_with_params()
        scoped, plain = [], []
        for _ in range(repeats + 2):
            started = time.perf_counter()
            rows_scoped = len(app.execute(scoped_sql, scoped_params).fetchall())
            scoped.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows_plain = len(superuser.execute(plain_sql, plain_params).fetchall())
            plain.append(time.perf_counter() - started)
        if rows_scoped != rows_plain:
            raise RuntimeError(f"{name}: {rows_scoped} rows scoped, {rows_plain} unscoped")
        # The first two runs of each side only warm the plan and the buffers.
        result[name] = (statistics.median(scoped[2:]), statistics.median(plain[2:]), rows_scoped)
        log(f"  {name}: scoped {result[name][0] * 1000:.2f} ms, unscoped {result[name][1] * 1000:.2f} ms, "
            f"{rows_scoped} rows")
    app.close()
    superuser.close()
    return result


def filings(world, repeats=3):
    """Median time of ``render_filing_now`` per filing kind, on contexts captured from the demo."""
    from boards.kernel.filings import render_filing_now
    from boards.kernel.models import Filing, FilingState
    from boards.kernel.scoping import board_scope

    board = world.small.board
    samples = json.loads(Path(__file__).with_name("filing_contexts.json").read_text())
    result = {}
    sequence = 0
    with board_scope(board):
        for sample in [samples[0], *samples]:  # the first render loads fonts: a warm-up, not counted
            times = []
            for _ in range(repeats):
                sequence += 1
                filing = Filing.objects.create(
                    board=board, year=2099, sequence=sequence, number=f"BENCH-2099-{sequence:04d}",
                    kind=sample["kind"], addressee="jrb", subject=sample["subject"],
                    template_name=sample["template_name"], context=sample["context"])
                started = time.perf_counter()
                filing = render_filing_now(filing.pk)
                times.append(time.perf_counter() - started)
                if filing.state != FilingState.RENDERED:
                    raise RuntimeError(f"{sample['kind']}: {filing.error}")
            result[sample["kind"]] = statistics.median(times)
        log("  " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.items()))
    return result


def conditions():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {"cores": os.cpu_count(), "load": os.getloadavg(), "postgres": pg,
            "python": platform.python_version()}


def wait_for_quiet(load, longest):
    """Generating the data needs no quiet machine, measuring does: wait (at most ``longest`` s) until
    the 1-minute load average is at most ``load``. The table reports the load measuring began at."""
    if load <= 0:
        return
    started = time.monotonic()
    while os.getloadavg()[0] > load and time.monotonic() - started < longest:
        time.sleep(10)
    log(f"[bench] waited {time.monotonic() - started:.0f} s for load ≤ {load}; "
        f"load {open('/proc/loadavg').read().strip()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--small", type=int, default=int(os.environ.get("BENCH_SMALL", 1000)))
    parser.add_argument("--large", type=int, default=int(os.environ.get("BENCH_LARGE", 100_000)))
    parser.add_argument("--neighbours", type=int, default=int(os.environ.get("BENCH_NEIGHBOURS", 9)),
                        help="more boards of --large enterprises each, sharing the tables")
    parser.add_argument("--deadlines-small", type=int,
                        default=int(os.environ.get("BENCH_DEADLINES_SMALL", 10_000)))
    parser.add_argument("--deadlines-large", type=int,
                        default=int(os.environ.get("BENCH_DEADLINES_LARGE", 1_000_000)))
    parser.add_argument("--due", type=int, default=int(os.environ.get("BENCH_DUE", 1000)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 2)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--evidence-leaves", type=int,
                        default=int(os.environ.get("BENCH_EVIDENCE_LEAVES", 1_000_000)))
    parser.add_argument("--quiet-load", type=float, default=float(os.environ.get("BENCH_QUIET_LOAD", 0)),
                        help="after generating, wait until the 1-minute load average is at most this "
                             "(0: don't wait)")
    parser.add_argument("--quiet-wait", type=int, default=int(os.environ.get("BENCH_QUIET_WAIT", 3600)),
                        help="the longest wait for --quiet-load, in seconds; then measure anyway")
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""),
                        help="lists, rls or evidence: that phase only")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "latest.md"))
    args = parser.parse_args()
    started = time.perf_counter()
    before = conditions()
    log(f"[bench] generating data ({args.small} + {args.large} enterprises, "
        f"{args.deadlines_small} deadlines)")
    t = time.perf_counter()
    world = generate.build(small_size=args.small, large_size=args.large, deadline_count=args.deadlines_small,
                           deadline_due=args.due, neighbours=args.neighbours, log=log)
    generated = time.perf_counter() - t
    vacuum()
    wait_for_quiet(args.quiet_load, args.quiet_wait)
    before = conditions()  # the machine as the measuring starts, not as the data was generated
    if args.only == "lists":
        log(f"[bench] lists only; load {open('/proc/loadavg').read().strip()}")
        counts = query_counts(world)
        load = throughput(world, args.url.rstrip("/"), args.duration, args.threads, args.connections)
        log(f"[bench] load after {open('/proc/loadavg').read().strip()}")
        print(table.render_lists(world, counts, load, before, conditions(), args))
        return
    if args.only == "rls":
        log("[bench] RLS and scopes overhead only")
        print(table.render_rls(rls_overhead(world), before, conditions()))
        return
    if args.only == "evidence":
        log("[bench] evidence log only")
        ev = evidence_phase(world, args.url.rstrip("/"), args.duration, args.threads, args.evidence_leaves)
        print(table.render_evidence(ev))
        return
    log(f"[bench] generated in {generated:.0f} s; queries per request")
    counts = query_counts(world)
    log(f"[bench] wrk {args.duration} s per point, {args.threads} threads, {args.connections} connections")
    load = throughput(world, args.url.rstrip("/"), args.duration, args.threads, args.connections)
    log("[bench] RLS and scopes overhead")
    rls = rls_overhead(world)
    log("[bench] deadline sweep")
    sweeps = sweep(world, args.deadlines_large, args.due)
    log("[bench] filing PDFs")
    pdfs = filings(world)
    log("[bench] evidence log")
    ev = evidence_phase(world, args.url.rstrip("/"), args.duration, args.threads, args.evidence_leaves)
    after = conditions()
    markdown = table.render(
        world=world, counts=counts, load=load, rls=rls, sweeps=sweeps, pdfs=pdfs, before=before, after=after,
        args=args, generated=generated, elapsed=time.perf_counter() - started, evidence=ev)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(markdown, encoding="utf-8")
    print(markdown)
    log(f"[bench] table written to {args.out}")


if __name__ == "__main__":
    main()
