"""The database restarts under load: every answer is a success or a clean 503 (JSON for the API
and /healthz/, a plain page for HTML), never a 500 or a dropped connection, and the same gunicorn
workers serve again once PostgreSQL is back, with persistent connections (CONN_MAX_AGE) on.

The restart happens on a private cluster of this test: the shared one on :5432 serves other
tests. Its database is a pg_dump of this test's database (schema plus the committed rows):
``manage.py migrate`` takes over two minutes here, the dump about a second.
"""

import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from boards.kernel.scoping import RLS_SETTING
from tests.support.alliance import api_key, member
from tests.support.faults import HEALTHZ_TOKEN, database_url, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.pg_server, pytest.mark.xdist_group("faults-db-restart")]

DOWN_SECONDS = 3
RECOVERY_SECONDS = 15


@pytest.fixture
def app_on_private_cluster(committed_db, board, private_cluster, processes):
    bank = member(board, "IMB", name="内蒙古银行")
    headers = {"Authorization": api_key(board, bank.institution, bank.user)["HTTP_AUTHORIZATION"],
               "X-Healthz-Token": HEALTHZ_TOKEN}
    # Tables force row-level security: dump the board's rows with its setting.
    dump = subprocess.run([str(private_cluster.bin / "pg_dump"), "--no-owner", "--no-privileges",
                           "--enable-row-security", "-d", database_url()],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PGOPTIONS": f"-c {RLS_SETTING}={board.pk}"})
    assert dump.returncode == 0, dump.stderr
    private_cluster.psql("CREATE ROLE zb LOGIN SUPERUSER")
    private_cluster.psql("CREATE DATABASE zb OWNER zb")
    private_cluster.psql(None, db="zb", stdin=dump.stdout)
    web = processes.gunicorn(workers=2, threads=4, DATABASE_URL=private_cluster.url("zb"), DB_CONN_MAX_AGE=60)
    return web, board, headers


def _classify(path, response):
    """'ok', 'unavailable' (a clean 503) or a description of what is wrong."""
    if response.status_code == 200:
        return "ok"
    if response.status_code != 503:
        return f"{path}: HTTP {response.status_code}"
    if path == "/":
        clean = "text/html" in response.headers["Content-Type"] and "数据库暂时不可用" in response.text
    elif path == "/healthz/":
        body = response.json()
        clean = body["status"] == "failing" and body["checks"]["database"]["ok"] is False
    else:
        clean = response.json()["error"]["code"] == "database_unavailable"
    return "unavailable" if clean and response.headers.get("Retry-After", "5") else f"{path}: unclean 503"


def test_requests_fail_cleanly_during_a_restart_and_recover(app_on_private_cluster, private_cluster,
                                                            processes):
    web, board, headers = app_on_private_cluster
    paths = ["/", "/healthz/", f"/api/v1/{board.slug}/me/"]
    for path in paths:
        assert requests.get(web.url + path, headers=headers, timeout=10).status_code == 200, path
    log = []  # (time, path, outcome)
    stop = threading.Event()

    def load(worker):
        with requests.Session() as session:
            n = worker
            while not stop.is_set():
                path = paths[n % len(paths)]
                n += 1
                try:
                    outcome = _classify(path, session.get(web.url + path, headers=headers, timeout=20))
                except requests.RequestException as exc:
                    outcome = f"{path}: {type(exc).__name__}: {exc}"
                log.append((time.monotonic(), path, outcome))
                time.sleep(0.02)

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(load, i) for i in range(6)]
        try:
            time.sleep(1.5)
            private_cluster.pg_ctl("stop", "-m", "fast")
            time.sleep(DOWN_SECONDS)
            private_cluster.start()
            back = time.monotonic()

            def recovered():
                recent = [outcome for at, _, outcome in log if at > time.monotonic() - 1]
                return time.monotonic() - back > 1 and recent and set(recent) == {"ok"}

            wait_for(recovered, RECOVERY_SECONDS, "every request to succeed again", 0.2)
        finally:
            stop.set()
            for future in futures:
                future.result()

    outcomes = [outcome for _, _, outcome in log]
    problems = sorted({o for o in outcomes if o not in ("ok", "unavailable")})
    assert not problems, problems
    unavailable = {path for _, path, outcome in log if outcome == "unavailable"}
    assert unavailable == set(paths), f"the outage was not seen on every path: {unavailable}"
    first_ok = min(at for at, _, outcome in log if at > back and outcome == "ok")
    assert first_ok - back < RECOVERY_SECONDS
    # The app was not restarted: the two workers booted at the start are the ones still serving.
    assert processes.log(web).count("Booting worker") == 2
    print(f"{len(outcomes)} requests, {outcomes.count('unavailable')} clean 503s, "
          f"first success {first_ok - back:.2f}s after PostgreSQL was back")
