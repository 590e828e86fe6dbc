#!/usr/bin/env bash
# Runs the whole suite. PostgreSQL and Redis are used whenever they answer (see services.py);
# with REQUIRE_SERVICES=1 a missing one fails the run instead of skipping its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(.venv/bin/python scripts/services.py)"
# DJANGO_DEBUG=1 only selects plain static storage and dev defaults; pytest-django still runs with
# DEBUG=False, and test_security runs `check --deploy` under full production settings.
export DJANGO_DEBUG=1 DJANGO_SECRET_KEY=test-secret-key-not-for-production-0123456789abcdef
export DJANGO_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# Privileged test users log in without a TOTP code (honoured only with DJANGO_DEBUG=1); the tests of
# the second factor itself turn it off and type real codes (tests/accounts/).
export ZHUANBAN_DEMO_SKIP_2FA="${ZHUANBAN_DEMO_SKIP_2FA:-1}"
# Thousands of anonymous requests from 127.0.0.1 (isolation probes, fuzzing): the throttle tests
# set their own rates (tests/deploy/test_throttles.py).
export ANON_THROTTLE_RATE="${ANON_THROTTLE_RATE:-1000000/m}" ANON_POST_THROTTLE_RATE="${ANON_POST_THROTTLE_RATE:-1000000/m}"
export ZHUANBAN_VAR_DIR="${ZHUANBAN_VAR_DIR:-$(pwd)/var/test}"
echo "Database: ${DATABASE_URL:-sqlite}  Redis: ${REDIS_URL:-none}"
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache --no-logo
.venv/bin/mypy
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models changed without migrations: run make migrations" >&2; exit 1; }
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
