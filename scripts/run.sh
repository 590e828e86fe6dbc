#!/usr/bin/env bash
# `make run` (after `make install`): migrate, seed the demo, serve on http://127.0.0.1:${PORT:-8000}.
# Without REDIS_URL Celery runs tasks eagerly and `manage.py runperiodic` runs the periodic jobs;
# with REDIS_URL a real Celery worker and beat (DatabaseScheduler) run beside the server.
# Everything started here stops when the server stops (or on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo always runs with DEBUG: seed_demo refuses otherwise and WhiteNoise then serves static
# files from the apps directly, so no collectstatic is needed. Production is docker-compose.yml.
export DJANGO_DEBUG=1
PY=.venv/bin/python
ADDRESS="127.0.0.1:${PORT:-8000}"
mkdir -p var

echo "Database: ${DATABASE_URL:-SQLite var/db.sqlite3}  Redis: ${REDIS_URL:-none (Celery eager)}"
$PY manage.py migrate --noinput
$PY manage.py seed_demo

stop() {
  trap - EXIT INT TERM
  local pids
  pids=$(jobs -p)
  [ -z "$pids" ] || kill $pids 2>/dev/null || true
  wait
}
trap stop EXIT
trap 'exit 130' INT TERM

if [ -n "${REDIS_URL:-}" ]; then
  $PY manage.py setup_periodic_tasks
  .venv/bin/celery -A config worker --loglevel INFO &
  .venv/bin/celery -A config beat --loglevel INFO &
else
  $PY manage.py runperiodic &
fi
echo "Serving on http://$ADDRESS/  — log in as nmg-kcb.enterprise, nmg-kcb.staff, xj-zjtx.gxt … (password zhuanban-demo-2026; every account: README.md \"Who does what\"). Ctrl-C stops everything."
$PY manage.py runserver --noreload "$ADDRESS" &
# Whichever process ends first (normally the server) ends the run; the EXIT trap stops the rest.
wait -n
