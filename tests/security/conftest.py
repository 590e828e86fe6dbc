"""The probe world of tests/isolation, built once per module, for the generated attacks here."""

import pytest

from tests.isolation import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with world_module.probe_world(django_db_blocker, tmp_path_factory) as world:
        yield world


@pytest.fixture(autouse=True)
def _media_root():
    """The world's files live in the module's own media root (see tests/isolation/conftest.py)."""
    yield
