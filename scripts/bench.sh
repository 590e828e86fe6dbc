#!/usr/bin/env bash
# `make bench`: load and scale figures on PostgreSQL + Redis + gunicorn, loaded by wrk.
# Creates the database zhuanban_bench (as role zhuanban, dropped again on exit), migrates it,
# serves it with gunicorn on a free port and runs scripts/bench/run.py, which generates the data
# and prints ONE table (also written to var/bench/latest.md). Not part of `make test`.
# Knobs: BENCH_DURATION (s per wrk point, 10), BENCH_THREADS (2), BENCH_CONNECTIONS (16),
# BENCH_WORKERS (2), BENCH_SMALL/BENCH_LARGE (1000/100000 enterprises), BENCH_NEIGHBOURS (9 more boards
# of BENCH_LARGE), BENCH_ONLY (lists, rls or evidence), BENCH_EVIDENCE_LEAVES (1000000),
# BENCH_DEADLINES_SMALL/LARGE (10000/1000000), BENCH_DUE (1000), BENCH_KEEP_DB=1 keeps the database,
# BENCH_QUIET_LOAD=1.0 waits after generating until the 1-minute load is at most 1.0 (BENCH_QUIET_WAIT s).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if ! command -v wrk >/dev/null; then
  echo "Installing system package: wrk"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends wrk
fi

# PostgreSQL and Redis are required here; services.py also makes sure the role zhuanban exists.
unset DATABASE_URL
eval "$(REQUIRE_SERVICES=1 $PY scripts/services.py)"
DB_NAME="${BENCH_DB_NAME:-zhuanban_bench}"
export DATABASE_URL
DATABASE_URL="$($PY scripts/bench/db.py create "$DB_NAME")"

export ZHUANBAN_BENCH=1 DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-secret-key-not-for-production-0123456789abcdef
export DJANGO_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0 DB_CONN_MAX_AGE=60
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend LOG_LEVEL=WARNING
export EVIDENCE_SIGNING_KEY_GENERATE=1  # a throwaway checkpoint key under ZHUANBAN_VAR_DIR
# The throttle still runs (its Redis round trip is part of the cost), but never refuses.
export API_THROTTLE_RATE=100000000/m ANON_THROTTLE_RATE=100000000/m
export CELERY_QUEUE="zhuanban-bench-$$" CACHE_KEY_PREFIX="zhuanban-bench-$$"
export ZHUANBAN_VAR_DIR="$(pwd)/var/bench/run"
mkdir -p "$ZHUANBAN_VAR_DIR/static"  # WhiteNoise warns about a missing STATIC_ROOT otherwise

GUNICORN_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$GUNICORN_PID" ]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP_DB:-0}" != "1" ]; then
    $PY scripts/bench/db.py drop "$DB_NAME" >/dev/null || true
  fi
  rm -rf "$ZHUANBAN_VAR_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
echo "[bench] migrating $DB_NAME" >&2
$PY manage.py migrate --noinput >/dev/null
PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WORKERS="${BENCH_WORKERS:-2}"
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 60 \
  --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz/" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz/" >/dev/null || { echo "gunicorn did not come up" >&2; exit 1; }
echo "[bench] gunicorn ($WORKERS workers) on port $PORT after $(( $(date +%s) - started )) s of setup" >&2
BENCH_WORKERS="$WORKERS" $PY -m scripts.bench.run --url "http://127.0.0.1:$PORT"
echo "[bench] total $(( $(date +%s) - started )) s including migrate" >&2
