"""Dependencies: every imported package pinned, the lockfiles agree with pyproject.toml and carry
hashes, and `pip install .` gives a working platform outside the checkout."""

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCAL = {"boards", "alliance", "reviews", "policies", "risksharing", "cultivation", "roadshows", "config",
         "scripts", "tests"}
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]+\])?==([^\s;]+)$")


def _name(requirement):
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(requirements):
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"{requirement!r} is not pinned with =="
        pins[_name(requirement)] = match.group(3)
    return pins


def _lock(name):
    text = (ROOT / "requirements" / name).read_text()
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.strip()):
        first = block.splitlines()[0]
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==(\S+)", first)
        assert match, first
        entries[match.group(1).lower().replace("_", "-")] = (match.group(2), block.count("--hash=sha256:"))
    return entries


RUNTIME = _pins(PROJECT["dependencies"])
DEV = _pins(PROJECT["optional-dependencies"]["dev"])


@pytest.mark.parametrize("lock, pins", [("lock.txt", RUNTIME), ("lock-dev.txt", {**RUNTIME, **DEV})])
def test_the_lockfiles_pin_every_package_of_pyproject_with_hashes(lock, pins):
    entries = _lock(lock)
    for name, version in pins.items():
        assert name in entries, f"{name} is in pyproject.toml but not in requirements/{lock}: run make lock"
        assert entries[name][0] == version, f"{name}: pyproject {version}, {lock} {entries[name][0]}"
    assert all(hashes >= 1 for _, hashes in entries.values()), "every locked package needs its hashes"


def _third_party_imports():
    found = {}
    for path in ROOT.rglob("*.py"):
        if {".venv", "var", "build"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in LOCAL and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.relative_to(ROOT).parts[0])
    return found


def test_every_imported_package_is_pinned_in_pyproject():
    distributions = importlib.metadata.packages_distributions()
    unpinned = {}
    for module, where in _third_party_imports().items():
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        pinned_in = RUNTIME if where - {"tests"} else {**RUNTIME, **DEV}
        if not names & set(pinned_in):
            unpinned[module] = sorted(where)
    assert not unpinned, f"imported but not pinned in pyproject.toml: {unpinned}"


def test_pip_install_dot_gives_a_platform_that_runs_outside_the_checkout(tmp_path):
    source = tmp_path / "src"
    skip = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "tests", "build", "*.egg-info")
    shutil.copytree(ROOT, source, ignore=skip)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(source)], check=True, capture_output=True, timeout=300)
    assert not (target / "tests").exists() and not (target / "scripts").exists()
    probe = ("import django; django.setup(); from django.template.loader import get_template; "
             "from django.contrib.staticfiles import finders; "
             "print(get_template('base.html').origin.name); print(finders.find('css/site.css')); "
             "from django.core.management import call_command; call_command('check')")
    env = {**os.environ, "PYTHONPATH": str(target), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DJANGO_DEBUG": "1", "ZHUANBAN_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    template, stylesheet = result.stdout.splitlines()[:2]
    assert template.startswith(str(target)) and stylesheet.startswith(str(target))
