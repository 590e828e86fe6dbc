"""Idempotency-Key on POST: a retried request gets the first answer without a second write; the
same key with another request is 422; failures keep no key; keys are per caller."""

import datetime as dt
import threading
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from alliance.models import Matchmaking, Product
from boards.kernel import tasks
from boards.kernel.models import IdempotencyKey
from boards.kernel.scoping import board_scope
from tests.support.alliance import PRODUCT_BODY, api_key, grant, member


def _post(client, url, body, key, headers):
    return client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def _count(board, model=Product):
    with board_scope(board):
        return model.objects.count()


@pytest.fixture
def url(board):
    return f"/api/v1/{board.slug}/alliance/products/"


def test_the_same_request_again_is_answered_from_the_first_without_a_write(client, board, bank, url):
    headers, key = api_key(board, bank.institution, bank.user), str(uuid.uuid4())
    first = _post(client, url, PRODUCT_BODY, key, headers)
    reordered = dict(reversed(list(PRODUCT_BODY.items())))  # same data, other key order
    again = _post(client, url, reordered, key, headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first and _count(board) == 1


def test_the_same_key_with_another_request_is_422(client, board, bank, url):
    headers, key = api_key(board, bank.institution, bank.user), "order-2026-0001"
    _post(client, url, PRODUCT_BODY, key, headers)
    response = _post(client, url, {**PRODUCT_BODY, "name": "另一款产品"}, key, headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "已用于另一个不同的请求" in error["message"]
    other_path = client.post(f"/api/v1/{board.slug}/alliance/recommendations/", {},
                             content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)
    assert other_path.status_code == 422 and _count(board) == 1


def test_a_failed_request_keeps_no_key(client, board, bank, url):
    headers, key = api_key(board, bank.institution, bank.user), str(uuid.uuid4())
    assert _post(client, url, {**PRODUCT_BODY, "amount_min": "9999999"}, key, headers).status_code == 400
    with board_scope(board):
        assert not IdempotencyKey.objects.exists()
    assert _post(client, url, PRODUCT_BODY, key, headers).status_code == 201


def test_keys_are_per_caller(client, board, bank, other_bank, url):
    key = "shared-key"
    other_key = api_key(board, bank.institution, bank.user)
    assert _post(client, url, PRODUCT_BODY, key, other_key).status_code == 201
    theirs = _post(client, url, PRODUCT_BODY, key, api_key(board, other_bank.institution, other_bank.user))
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs and _count(board) == 2


def test_a_replayed_step_does_not_become_an_illegal_one(client, board, bank, enterprise):
    grant(enterprise, bank.institution)
    with board_scope(board):
        matchmaking = Matchmaking.objects.create(board=board, institution=bank.institution,
                                                 enterprise=enterprise)
    headers = api_key(board, bank.institution, bank.user)
    step = f"/api/v1/{board.slug}/alliance/matchmakings/{matchmaking.pk}/interest/"
    first, again = (_post(client, step, {}, "step-1", headers) for _ in range(2))
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert _post(client, step, {}, "step-2", headers).status_code == 409  # a new request is a new step


@pytest.mark.parametrize("key", ["", "x" * 101])
def test_a_malformed_key_is_400(client, board, bank, url, key):
    response = _post(client, url, PRODUCT_BODY, key, api_key(board, bank.institution, bank.user))
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_idempotency_key"


@pytest.mark.postgres
def test_concurrent_requests_with_one_key_write_once(committed_db, board):
    bank = member(board, "IMB")
    url, headers = f"/api/v1/{board.slug}/alliance/products/", api_key(board, bank.institution, bank.user)
    barrier, answers = threading.Barrier(4), []

    def call():
        try:
            barrier.wait()
            answers.append(_post(Client(), url, PRODUCT_BODY, "race-1", headers))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1 and _count(board) == 1


def test_old_keys_are_forgotten_by_the_daily_task(client, board, bank, url):
    headers = api_key(board, bank.institution, bank.user)
    with time_machine.travel(timezone.now() - dt.timedelta(hours=25)):
        _post(client, url, PRODUCT_BODY, "yesterday", headers)
    _post(client, url, {**PRODUCT_BODY, "name": "今天的产品"}, "today", headers)
    assert tasks.purge_idempotency_keys() == 1
    with board_scope(board):
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["today"]
    assert _post(client, url, PRODUCT_BODY, "yesterday", headers).status_code == 201  # a new request again


def test_a_deactivated_boards_old_keys_are_forgotten_too(client, board, bank, url):
    headers = api_key(board, bank.institution, bank.user)
    with time_machine.travel(timezone.now() - dt.timedelta(hours=25)):
        _post(client, url, PRODUCT_BODY, "before-closing", headers)
    board.is_active = False
    board.save()
    assert tasks.purge_idempotency_keys() == 1
    with board_scope(board):
        assert not IdempotencyKey.objects.exists()
