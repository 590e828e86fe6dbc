"""The probe world is built once per module inside one outer transaction, rolled back at the end;
each probe runs in a savepoint of its own (the ``db`` fixture) so a write that got through is
undone before the next probe."""

import pytest

from tests.isolation import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with world_module.probe_world(django_db_blocker, tmp_path_factory) as world:
        yield world


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the suite's per-test media root: the world's files live in the module's one."""
    yield


def pytest_configure(config):
    # Registered by xdist itself; this keeps -p no:xdist runs under --strict-markers working.
    config.addinivalue_line("markers", "xdist_group(name): run the group on one xdist worker")
