"""The second factor is enforced in these tests (scripts/test.sh turns the demo switch on for the
rest of the suite), and codes are real TOTP codes computed with django_otp.oath.totp."""

import pytest


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.ZHUANBAN_DEMO_SKIP_2FA = False
    settings.SESSION_IDLE_TIMEOUT = 86400  # the clock jumps by minutes here; expiry: test_sessions.py
    return settings
