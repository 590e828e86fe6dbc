"""Password spraying: one wrong password over many usernames from one address is locked out by the
address's own count (boards.kernel.lockout), while a person mistyping is still locked per username."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.support import address

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    return settings


def test_one_password_over_many_usernames_locks_the_address(limits):
    for n in range(12):
        UserFactory(username=f"victim-{n}", password=f"the-right-password-{n}")
    sprayer = Client(REMOTE_ADDR=address())
    statuses = [sprayer.post("/accounts/login/", {"username": f"victim-{n}", "password": "Spring2026!"})
                .status_code for n in range(10)]
    # No username failed more than once: only the address count can stop this.
    assert statuses == [200] * 7 + [429] * 3
    # Locked: the right password of an account never tried is refused from that address too.
    right = {"username": "victim-11", "password": "the-right-password-11"}
    locked = sprayer.post("/accounts/login/", right)
    assert locked.status_code == 429 and "账号已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in sprayer.session
    # Elsewhere the same account logs in: the address is locked, not the accounts.
    elsewhere = Client(REMOTE_ADDR=address())
    response = elsewhere.post("/accounts/login/", right)
    assert response.status_code == 302


def test_the_admin_login_counts_the_same_failures(limits):
    for n in range(9):
        UserFactory(username=f"staff-{n}", password=f"the-right-password-{n}", is_staff=True)
    sprayer = Client(REMOTE_ADDR=address())
    for n in range(4):
        sprayer.post("/accounts/login/", {"username": f"staff-{n}", "password": "Spring2026!"})
    statuses = [sprayer.post("/admin/login/", {"username": f"staff-{n}", "password": "Spring2026!"})
                .status_code for n in range(4, 9)]
    assert statuses == [200] * 3 + [429] * 2


def test_below_the_address_limit_an_office_keeps_logging_in(limits):
    office = address()
    for n in range(7):
        UserFactory(username=f"clerk-{n}", password=f"the-right-password-{n}")
        Client(REMOTE_ADDR=office).post("/accounts/login/", {"username": f"clerk-{n}", "password": "typo"})
    colleague = Client(REMOTE_ADDR=office)
    response = colleague.post("/accounts/login/", {"username": "clerk-3", "password": "the-right-password-3"})
    assert response.status_code == 302


def test_one_username_is_still_locked_at_its_own_limit(limits):
    UserFactory(username="target", password="the-right-password-9")
    client = Client(REMOTE_ADDR=address())
    statuses = [client.post("/accounts/login/", {"username": "target", "password": "wrong"}).status_code
                for _ in range(5)]
    assert statuses == [200] * 4 + [429]
