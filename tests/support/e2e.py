"""Helpers of the e2e tests, shared with other folders (the fixtures stay in its conftest.py)."""

from pathlib import Path

from playwright.sync_api import expect

from tests.factories import MembershipFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parents[1] / "e2e" / "artifacts"
PASSWORD = "zhuanban-demo-2026"  # the demo accounts' password style


def demo_user(username, board=None, role=None, **membership):
    """A user with the demo password and, given ``board`` and ``role``, a membership there."""
    user = UserFactory(username=username, password=PASSWORD, is_staff=role == "exchange_staff")
    if board is not None:
        MembershipFactory(user=user, board=board, role=role, **membership)
    return user


def login(page, live_server, username, next_url="/", *, admin=False):
    """Log in through the site's login form (or the admin's) and land on ``next_url``."""
    start = "/admin/login/" if admin else "/accounts/login/"
    page.goto(f"{live_server.url}{start}?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]" if admin else "form.login button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_password")).to_have_count(0)  # the form is gone: logged in
    return page


def shot(page, name):
    """A full-page screenshot ``artifacts/<name>.png``; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path
