"""Shared fixtures and the service policy.

Tests marked ``postgres``/``redis``/``browser`` run whenever that service is here. Without it
they are skipped, unless REQUIRE_SERVICES=1 (CI), where they fail instead.
"""

import os
import shutil
import uuid

import pytest
from django.conf import settings

from boards.kernel.evidence import EvidenceAction, declare_actions
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.support import CHROMIUM_ARGS, pg_server_bindir, start_thread_worker
from tests.support.faults import PrivateCluster

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


class SuiteAction(EvidenceAction):
    """The actions the kernel's own tests record (the log, its tree, its witnesses)."""

    ITEM_RECORDED = "tests.item.recorded", "测试条目：记录"
    ITEM_LATER = "tests.item.later", "测试条目：稍后记录"


declare_actions(SuiteAction)


def _redis_up():
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except redis.RedisError:
        return False


SERVICES = {
    "postgres": (lambda: settings.IS_POSTGRES, "PostgreSQL (DATABASE_URL) is not configured"),
    "redis": (_redis_up, "Redis (REDIS_URL) does not answer"),
    "browser": (lambda: shutil.which("chromium") or os.path.exists("/usr/bin/chromium"),
                "Chromium is not installed at /usr/bin/chromium"),
    "pg_server": (lambda: pg_server_bindir() is not None,
                  "no local PostgreSQL server binaries (initdb) runnable as root to start a private cluster"),
}


def pytest_collection_modifyitems(config, items):
    available = {name: bool(probe()) for name, (probe, _) in SERVICES.items()}
    for item in items:
        for name, (_, reason) in SERVICES.items():
            if item.get_closest_marker(name) and not available[name]:
                if REQUIRE_SERVICES:
                    item.add_marker(pytest.mark.usefixtures("_service_missing_" + name))
                else:
                    item.add_marker(pytest.mark.skip(reason=reason))


def _missing(name):
    @pytest.fixture
    def fixture():
        pytest.fail(f"REQUIRE_SERVICES=1 but {SERVICES[name][1]}")

    return fixture


_service_missing_postgres = _missing("postgres")
_service_missing_redis = _missing("redis")
_service_missing_browser = _missing("browser")
_service_missing_pg_server = _missing("pg_server")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Two database roles, as in production (boards.kernel.dbroles): the owner creates and migrates the
    test databases (and drops them at the end); the tests run as the runtime role."""
    from boards.kernel.dbroles import login_as_owner

    login_as_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from boards.kernel.dbroles import login_as_owner, login_as_runtime

    login_as_runtime()
    yield
    login_as_owner()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }


@pytest.fixture
def celery_eager():
    """Run tasks inline even when REDIS_URL configures a broker; restored afterwards."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def celery_queue():
    """Tasks go to Redis, to a queue of this test's own (other runs share the Redis)."""
    from config.celery import app

    conf = app.conf
    queue = f"zb-test-{uuid.uuid4().hex[:12]}"
    saved = conf.task_always_eager, conf.broker_url, conf.task_default_queue
    conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, settings.REDIS_URL, queue
    yield queue
    conf.task_always_eager, conf.broker_url, conf.task_default_queue = saved
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def real_worker(celery_queue):
    """A real Celery worker thread on the test's own Redis queue, for the whole test."""
    with start_thread_worker(celery_queue):
        yield celery_queue


@pytest.fixture(autouse=True)
def _rows_verified(settings):
    """Every list served from values rows (boards.kernel.api.rows) is checked, in every test that
    reads one, against what its serializer answers for the same objects."""
    settings.API_ROWS_VERIFY = True


@pytest.fixture(autouse=True)
def _sessions_outlive_time_travel(settings):
    """Tests move the clock by days with a logged-in client (publicity periods, deadlines): the idle
    and absolute session expiry would log them out. tests/accounts/test_sessions.py sets the real
    timeouts and checks them."""
    settings.SESSION_IDLE_TIMEOUT = settings.SESSION_ABSOLUTE_LIFETIME = 10 * 365 * 86400


@pytest.fixture(autouse=True)
def _calendar_cache():
    # A rolled-back test fires no signal: the calendar's per-year cache must not outlive it.
    from boards.kernel.calendar import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def board(db):
    return BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")


@pytest.fixture
def other_board(db):
    return BoardFactory(slug="xj-zjtx", name_zh="新疆专精特新专板", filing_prefix="XJ-ZJTX")


@pytest.fixture
def staff_user(board):
    user = UserFactory(username="staff", is_staff=True)
    MembershipFactory(user=user, board=board, role="exchange_staff")
    return user


@pytest.fixture
def other_staff_user(other_board):
    user = UserFactory(username="other-staff", is_staff=True)
    MembershipFactory(user=user, board=other_board, role="exchange_staff")
    return user


@pytest.fixture
def in_board(board):
    from boards.kernel.scoping import board_scope

    with board_scope(board):
        yield board


@pytest.fixture
def own_counters(settings):
    """Rate counters (API throttles, anonymous throttles) of this test only: the cache under a key
    prefix of its own. Redis is shared by runs and workers, and user ids repeat between test
    databases, so a counter could otherwise start at another test's count."""
    settings.CACHES = {name: {**conf, "KEY_PREFIX": f"{conf.get('KEY_PREFIX', '')}-{uuid.uuid4().hex}"}
                       for name, conf in settings.CACHES.items()}


@pytest.fixture
def committed_db(transactional_db):
    """transactional_db for tests that commit evidence entries. SQLite's flush DELETEs every
    row, which the append-only trigger refuses: drop it first (the flush's post_migrate
    signal reinstalls it). PostgreSQL flushes with TRUNCATE, which the trigger allows."""
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        from boards.kernel.rls import APPEND_ONLY_TABLES

        with connection.cursor() as cursor:
            for table in APPEND_ONLY_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server with a MEDIA_URL: the platform sets none (uploads are served
    only by views that check rights) and Django's test media handler needs one."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="/test-media-unused/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def browser(monkeypatch):
    """Headless Debian Chromium driven by Playwright (its own browser download fails here)."""
    from playwright.sync_api import sync_playwright

    # The test thread keeps using the ORM while Playwright's event loop runs in it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def wsgi_app():
    """Django's WSGI application inside the test's transaction (for schemathesis): like Django's
    test client, keep the per-request connection cleanup from closing the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def new_page(browser):
    """``new_page()``: a page in a fresh context (its own cookies), desktop size, Chinese locale."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def private_cluster():
    """A PostgreSQL cluster of the test's own; tests using it are marked ``pg_server``."""
    cluster = PrivateCluster()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.stop()
