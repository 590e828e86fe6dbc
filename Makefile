# The two commands: `make run` (demo platform on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test install install-dev lint bench migrations lock clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	bash scripts/system-deps.sh
	$(PY) scripts/install.py

install-dev: $(PY)
	bash scripts/system-deps.sh --test
	$(PY) scripts/install.py --dev

run: install
	bash scripts/run.sh

test: install-dev
	bash scripts/test.sh

lint: install-dev
	$(VENV)/bin/ruff check .

bench: install-dev
	bash scripts/bench.sh

migrations: install-dev
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations

# Regenerates requirements/lock.txt and lock-dev.txt (every package pinned, with its PyPI hashes)
# from pyproject.toml; run it after changing a dependency there.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-header \
	--annotation-style line --quiet
lock: install-dev
	$(LOCK) -o requirements/lock.txt
	$(LOCK) --extra dev -o requirements/lock-dev.txt

clean:
	rm -rf var/db.sqlite3 var/media var/static var/mail
