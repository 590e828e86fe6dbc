"""Install the pinned dependencies of pyproject.toml into the running interpreter.

Usage: python scripts/install.py [--dev]. Skips pip when the stamp matches pyproject.toml.
"""

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    dev = "--dev" in sys.argv
    data = (ROOT / "pyproject.toml").read_bytes()
    project = tomllib.loads(data.decode())["project"]
    requirements = list(project["dependencies"])
    if dev:
        requirements += project["optional-dependencies"]["dev"]
    stamp = Path(sys.prefix) / (".zhuanban-installed-dev" if dev else ".zhuanban-installed")
    digest = hashlib.sha256(data).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           *requirements])
    stamp.write_text(digest)


if __name__ == "__main__":
    main()
