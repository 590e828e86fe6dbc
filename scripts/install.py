"""Install the locked dependencies into the running interpreter (the checkout's .venv).

Usage: python scripts/install.py [--dev]. Installs requirements/lock.txt (with --dev:
requirements/lock-dev.txt, which adds the test tools) with ``--require-hashes``: every package of
the tree is pinned to a version and to the hashes of its files on PyPI, so nothing floats and a
changed file is refused. Skips pip when the stamp matches the lockfile. The locks are made from
pyproject.toml by ``make lock``; tests/test_packaging.py checks they agree with it.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lockfile(dev: bool) -> Path:
    return ROOT / "requirements" / ("lock-dev.txt" if dev else "lock.txt")


def main() -> None:
    dev = "--dev" in sys.argv
    lock = lockfile(dev)
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = Path(sys.prefix) / (".zhuanban-installed-dev" if dev else ".zhuanban-installed")
    if stamp.exists() and stamp.read_text() == digest:
        return
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--require-hashes", "--no-deps", "-r", str(lock)])
    stamp.write_text(digest)


if __name__ == "__main__":
    main()
