"""Shared pieces of the browser journeys: pytest-django's live server, headless Chromium, a
login through the real login form, users with the demo password, and full-page screenshots
saved under tests/e2e/artifacts/ for a person to look at.

The live server runs in a thread of the test process, so the journeys use committed data
(``committed_db``) and may open board scopes and call services between clicks."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import MembershipFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "zhuanban-demo-2026"  # the demo accounts' password style


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
