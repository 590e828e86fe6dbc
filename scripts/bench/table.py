"""The one bench table (markdown): each figure, its reference measured in the same run, the ratio,
the target and PASS/FAIL, then the machine conditions."""

import datetime as dt


def _ratio(a, b):
    return a / b if b else float("inf")


def _verdict(ok):
    return "PASS" if ok else "FAIL"


def evidence_rows(ev):
    """The evidence log's rows (issue 14): appends before/after, reads with evidence at 64 connections
    against the floor, the sequencer's throughput."""
    rows = []
    ratio = _ratio(ev["queued"], ev["locking"])
    rows.append(f"| Evidence appends, {ev['writers']} writers × {ev['per_writer']} on one board "
                "(median of 3) | "
                f"{ev['queued']:.0f} /s queued insert | {ev['locking']:.0f} /s locking the head (before) | "
                f"{ratio:.1f}× | ≥ 1× | {_verdict(ratio >= 1)} |")
    app, bare, ref, leaves = ev["reads"]
    ratio = _ratio(app["rps"], bare["rps"])
    rows.append(f"| Enterprise list with evidence, 64 connections, sequencer every 5 s ({leaves} leaves), "
                f"median of {len(app['runs'])} | {app['rps']:.0f} req/s ({app['min']:.0f}–{app['max']:.0f}; "
                f"p50 {app['p50']:.0f} ms, p95 {app['p95']:.0f} ms) | the same reads without evidence "
                f"{bare['rps']:.0f} req/s ({bare['min']:.0f}–{bare['max']:.0f}; p95 {bare['p95']:.0f} ms) | "
                f"{ratio:.0%} | ≥ 80 % | {_verdict(ratio >= 0.80)} |")
    ratio = _ratio(app["rps"], ref["rps"])
    rows.append(f"| Enterprise list with evidence, 64 connections, against the raw floor | "
                f"{app['rps']:.0f} req/s | floor {ref['rps']:.0f} req/s "
                f"({ref['min']:.0f}–{ref['max']:.0f}) | {ratio:.0%} | (detail) | |")
    seq = ev["sequencer"]
    rows.append(f"| Sequencer, {seq['leaves']:,} queued leaves onto a tree of {seq['tree_before']:,} | "
                f"{seq['rate']:.0f} leaves/s | {seq['seconds']:.0f} s in all | — | (no target) | |")
    return rows


def rls_rows(rls):
    """Row-level security and scopes against the unscoped superuser: the sum, then each query."""
    scoped = sum(s for s, _, _ in rls.values())
    plain = sum(p for _, p, _ in rls.values())
    ratio = _ratio(scoped, plain)
    rows = [f"| Scoped + RLS vs unscoped superuser ({len(rls)} hot queries, sum of medians) | "
            f"{scoped * 1000:.2f} ms | {plain * 1000:.2f} ms | {ratio - 1:+.1%} | ≤ +10 % | "
            f"{_verdict(ratio <= 1.10)} |"]
    for name, (s, p, n) in rls.items():
        rows.append(f"|   · {name} ({n} rows) | {s * 1000:.2f} ms | {p * 1000:.2f} ms | "
                    f"{_ratio(s, p) - 1:+.1%} | (detail) |  |")
    return rows


def render_rls(rls, before, after):
    head = [f"## `make bench` (RLS) — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", "",
            "| Measure | Figure | Reference | Ratio | Target | Result |", "|---|---|---|---|---|---|"]
    return "\n".join([*head, *rls_rows(rls), "",
                      f"Load average {', '.join(f'{x:.2f}' for x in before['load'])} before, "
                      f"{', '.join(f'{x:.2f}' for x in after['load'])} after."]) + "\n"


def render_evidence(ev):
    head = ["| Measure | Figure | Reference | Ratio | Target | Result |", "|---|---|---|---|---|---|"]
    return "\n".join([*head, *evidence_rows(ev)]) + "\n"


def list_rows(world, counts, load):
    """Each list endpoint's throughput against its floor (median of the runs, min–max) and its
    statements per request at page sizes 10, 50 and 200."""
    rows = []
    small = world.rows["small"]["enterprise"]
    scale = ("enterprises-small", "enterprises-large")  # the scale point, not an endpoint with its floor
    for label, (app, ref) in ((k, v) for k, v in load.items() if k not in scale):
        ratio = _ratio(app["rps"], ref["rps"])
        rows.append(f"| Throughput {label} ({small} ent., page 50, median of {len(app['runs'])}) | "
                    f"{app['rps']:.0f} req/s ({app['min']:.0f}–{app['max']:.0f}) | "
                    f"floor {ref['rps']:.0f} req/s ({ref['min']:.0f}–{ref['max']:.0f}) | {ratio:.0%} | "
                    f"≥ 70 % | {_verdict(ratio >= 0.70)} |")
    for label, by_size in counts.items():
        totals = [total for total, _ in by_size.values()]
        data = [d for _, d in by_size.values()]
        ok = len(set(totals)) == 1 and max(totals) <= 10
        constant = "constant" if len(set(totals)) == 1 else "varies"
        rows.append(f"| Statements/request {label} (page {'/'.join(map(str, by_size))}) | "
                    f"{' / '.join(map(str, totals))} | data queries {' / '.join(map(str, data))} | "
                    f"{constant} | constant, ≤ 10 | {_verdict(ok)} |")
    return rows


def _machine(before, after, args):
    return (f"Machine: {before['cores']} cores; load average {', '.join(f'{x:.2f}' for x in before['load'])} "
            f"before, {', '.join(f'{x:.2f}' for x in after['load'])} after; PostgreSQL {before['postgres']}; "
            f"Python {before['python']}. Load: gunicorn {args.workers} sync workers; wrk {args.threads} "
            f"threads, {args.connections} connections, {args.duration} s per run.")


def render_lists(world, counts, load, before, after, args):
    head = [f"## `make bench` (lists) — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", "",
            "| Measure | Figure | Reference | Ratio | Target | Result |", "|---|---|---|---|---|---|"]
    rows = list_rows(world, counts, load)
    failed = sum(1 for line in rows if line.endswith("| FAIL |"))
    return "\n".join([*head, *rows, "", _machine(before, after, args), f"{failed} target(s) missed."]) + "\n"


def render(*, world, counts, load, rls, sweeps, pdfs, before, after, args, generated, elapsed, evidence=None):
    rows = []

    def row(measure, figure, reference, ratio, target, verdict):
        rows.append(f"| {measure} | {figure} | {reference} | {ratio} | {target} | {verdict} |")

    small = world.rows["small"]["enterprise"]
    large = world.rows["large"]["enterprise"]
    rows += list_rows(world, counts, load)
    small_load, large_load = load["enterprises-small"], load["enterprises-large"]
    table_total = small + large + world.rows.get("neighbours", {}).get("enterprise", 0)
    for key, name in (("p50", "Median"), ("p95", "p95")):
        ratio = _ratio(large_load[key], small_load[key])
        row(f"{name} latency enterprises, a board of {large:,} ent. among {table_total:,} in the table "
            f"vs a board of {small:,}", f"{large_load[key]:.1f} ms",
            f"{small_load[key]:.1f} ms", f"{ratio:.2f}", "≤ 1.3", _verdict(ratio <= 1.3))
    ratio = _ratio(sweeps["large"], sweeps["small"])
    row(f"Deadline sweep, {sweeps['large_total']:,} vs {sweeps['small_total']:,} open ({sweeps['due']} due)",
        f"{sweeps['large'] * 1000:.0f} ms", f"{sweeps['small'] * 1000:.0f} ms", f"{ratio:.2f}", "≤ 1.5",
        _verdict(ratio <= 1.5))
    rows += rls_rows(rls)
    for kind, seconds in pdfs.items():
        row(f"Filing PDF {kind} (median of 3)", f"{seconds * 1000:.0f} ms", "—", "—", "(no target)", "")

    if evidence is not None:
        rows += evidence_rows(evidence)
    failed = sum(1 for line in rows if line.endswith("| FAIL |"))
    header = [
        f"## `make bench` — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        "| Measure | Figure | Reference | Ratio | Target | Result |",
        "|---|---|---|---|---|---|",
    ]
    footer = [
        "",
        f"Machine: {before['cores']} cores; load average {', '.join(f'{x:.2f}' for x in before['load'])} "
        f"before, {', '.join(f'{x:.2f}' for x in after['load'])} after; PostgreSQL {before['postgres']}; "
        f"Python {before['python']}.",
        f"Load: gunicorn {args.workers} sync workers; wrk {args.threads} threads, {args.connections} "
        f"connections, {args.duration} s per point after a 3 s warm-up; API key auth (a staff session "
        "with its second factor for awards and filings); page size 50.",
        f"Data: {small:,} and {large:,} enterprises per board (bulk COPY, {generated:.0f} s), "
        f"{sweeps['small_total']:,} → {sweeps['large_total']:,} open deadlines. "
        f"Total bench time {elapsed / 60:.1f} min (without setup/migrate). {failed} target(s) missed.",
    ]
    return "\n".join(header + rows + footer) + "\n"
