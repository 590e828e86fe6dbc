"""The API throttles per key (the kernel's ApiKeyThrottle): a key over its rate gets 429 with the
wait, another key of the same institution is not affected."""

import pytest

from tests.support.alliance import api_key


@pytest.fixture
def low_rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": "3/min"}}


@pytest.mark.parametrize("path", ["matchmakings/", "products/", "financing-needs/", "service/rounds/"])
def test_a_key_over_its_rate_gets_429(client, board, bank, low_rate, path):
    url = f"/api/v1/{board.slug}/alliance/{path}"
    headers = api_key(board, bank.institution, bank.user)  # a new key: its counter starts at zero
    assert [client.get(url, **headers).status_code for _ in range(3)] == [200] * 3
    throttled = client.get(url, **headers)
    assert throttled.status_code == 429
    assert throttled.json()["error"]["details"]["retry_after_seconds"] > 0 and throttled["Retry-After"]
    assert client.get(url, **api_key(board, bank.institution, bank.user)).status_code == 200


def test_posts_count_too(client, board, bank, low_rate):
    url = f"/api/v1/{board.slug}/alliance/recommendations/"
    headers = api_key(board, bank.institution, bank.user)
    statuses = [
        client.post(url, {}, content_type="application/json", **headers).status_code for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
