"""With persistent connections (CONN_MAX_AGE > 0) a board setting never leaks from one
request to the next on the same database connection."""

import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from boards.kernel.scoping import set_rls_boards

pytestmark = [pytest.mark.postgres, pytest.mark.urls("tests.boards.scope_probe_urls")]


@pytest.fixture
def persistent_connection(transactional_db):
    """No test transaction around the requests, and a connection kept for ten minutes."""
    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600
    yield
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = previous


def serve(path):
    """One request through Django's WSGI handler in this thread, as a gunicorn worker serves
    it: request_started/request_finished (close_old_connections) fire, which the test client
    suppresses."""
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(response)
    finally:
        response.close()  # sends request_finished
    assert statuses == ["200 OK"], body
    return json.loads(body)


def test_board_setting_does_not_leak_into_the_next_request(persistent_connection, board):
    inside = serve(f"/{board.slug}/probe/")
    assert inside["setting"] == str(board.pk)
    after = serve("/probe/")
    assert after["pid"] == inside["pid"]  # the same connection served both requests
    assert after["setting"] == ""
    assert connection.connection is not None  # and it is still open for the next one


def test_a_setting_left_on_the_connection_is_cleared_when_a_request_starts(persistent_connection, board):
    pid = serve("/probe/")["pid"]
    set_rls_boards([board.pk])  # e.g. left behind by code that ran between requests
    after = serve("/probe/")
    assert (after["pid"], after["setting"]) == (pid, "")
