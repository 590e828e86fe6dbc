"""The probe world is built once per module inside one outer transaction, rolled back at the end;
each probe runs in a savepoint of its own (the ``db`` fixture) so a write that got through is
undone before the next probe."""

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from tests.isolation import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = str(tmp_path_factory.mktemp("isolation-media"))
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                 "OPTIONS": {"location": media}}}
    with override_settings(MEDIA_ROOT=media, STORAGES=storages,
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = world_module.build()
            world.sessions = _sessions(world)
            world.client = Client()
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _sessions(world):
    """A logged-in session per attacker, made once: each probe then only sends the cookie (a
    login per probe would double the suite's time). The attacker board's staff has its own board
    as the admin's current board."""
    from django.conf import settings

    from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY

    a, v = world.attacker, world.victim
    users = {f"other:{role}": getattr(a, role) for role in world_module.ATTACKER_ROLES}
    users.update({"same:noconsent": v.outsider, "same:free_expert": v.free_expert})
    sessions = {}
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        if key == "other:staff":
            session = client.session
            session[ADMIN_BOARD_SESSION_KEY] = a.board.pk
            session.save()
        sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the suite's per-test media root: the world's files live in the module's one."""
    yield


def pytest_configure(config):
    # Registered by xdist itself; this keeps -p no:xdist runs under --strict-markers working.
    config.addinivalue_line("markers", "xdist_group(name): run the group on one xdist worker")
