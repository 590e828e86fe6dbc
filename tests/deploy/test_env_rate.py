"""config.env.env_rate: a rate the start accepts is one the throttles can count with (django-ratelimit
refuses a period of zero seconds on every request, a 500); anything else stops the start."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import _split_rate

from config.env import env_rate


@pytest.mark.parametrize("value, limit, seconds", [
    ("120/m", 120, 60), ("5/h", 5, 3600), ("100/10m", 100, 600), ("600/min", 600, 60),
    ("100/hour", 100, 3600), ("1000/day", 1000, 86400), ("10/sec", 10, 1), ("7/30s", 7, 30),
])
def test_an_accepted_rate_is_the_rate_the_throttle_counts(monkeypatch, value, limit, seconds):
    monkeypatch.setenv("ZB_TEST_RATE", value)
    assert _split_rate(env_rate("ZB_TEST_RATE")) == (limit, seconds)


@pytest.mark.parametrize("value", ["120/0m", "120/00h", "5/0", "0/m", "lots", "600/minutes", "120/m5"])
def test_a_rate_the_throttle_cannot_count_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("ZB_TEST_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="ZB_TEST_RATE"):
        env_rate("ZB_TEST_RATE")
