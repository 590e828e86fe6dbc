#!/usr/bin/env bash
# Installs the system packages the platform needs when they are missing:
#   WeasyPrint's libraries (pango, harfbuzz-subset: without it rendering is ~20x slower),
#   a CJK font (Noto Sans CJK SC), and with --test also Chromium, poppler-utils and PgBouncer.
set -euo pipefail
want=()
fc-list 2>/dev/null | grep "Noto Sans CJK SC" >/dev/null || want+=(fonts-noto-cjk fontconfig)
ldconfig -p | grep libpango-1.0.so >/dev/null || want+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p | grep libharfbuzz-subset.so >/dev/null || want+=(libharfbuzz-subset0)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || want+=(chromium)
  # tests/boards/test_pgbouncer.py: isolation behind a transaction-pooling PgBouncer
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || want+=(pgbouncer)
fi
[ ${#want[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${want[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if command -v apt-get >/dev/null; then
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "${want[@]}"
else
  echo "No apt-get here: install ${want[*]} (or your system's equivalents) by hand." >&2
  exit 1
fi
