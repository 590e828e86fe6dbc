"""In headless Chromium: the API docs and the admin work under the CSP with local assets only."""

import pytest
from django.test.utils import override_settings

from boards.kernel.models import Role
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "demo-pass-123"


@pytest.fixture(scope="module")
def server():
    from pytest_django.live_server_helper import LiveServer

    # Django's live server wraps a media handler that needs a MEDIA_URL; the platform has none.
    with override_settings(MEDIA_URL="/test-media-unused/"):
        live = LiveServer("localhost")
    yield live
    live.stop()


@pytest.fixture
def page(monkeypatch, server):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="zh-CN")
        page.problems = []
        # The browser's own /favicon.ico probe is not a page asset.
        page.on("console", lambda m: m.type == "error" and not m.location["url"].endswith("/favicon.ico")
                and page.problems.append(f"{m.text} {m.location['url']}"))
        page.on("request", lambda r: r.url.startswith(("http://", "https://"))
                and not r.url.startswith(server.url) and page.problems.append(f"off-site: {r.url}"))
        yield page
        browser.close()


def test_swagger_ui_renders_from_local_assets(transactional_db, server, page):
    page.goto(f"{server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Zhuanban API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/{board}/me/")
    assert page.problems == []


def test_staff_switch_board_in_the_admin(transactional_db, server, page):
    first = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板")
    second = BoardFactory(slug="xj-zjtx", name_zh="新疆专精特新专板")
    BoardFactory(slug="ordos", name_zh="鄂尔多斯")  # not this user's
    staff = UserFactory(username="staff", is_staff=True, password=PASSWORD)
    for board in (first, second):
        MembershipFactory(user=staff, board=board, role=Role.EXCHANGE_STAFF)
    page.goto(f"{server.url}/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert "欢迎" in page.inner_text("#user-tools")  # the admin's own chrome in Chinese too
    assert page.inner_text("#site-name") == "专板服务平台管理后台"
    assert page.inner_text("#current-board") == "内蒙古科创板"
    assert page.locator("#board-select option").all_inner_texts() == ["内蒙古科创板", "新疆专精特新专板"]
    page.select_option("#board-select", label="新疆专精特新专板")
    page.click("#board-switcher button")
    assert page.inner_text("#current-board") == "新疆专精特新专板"
    assert "当前专板已切换为「新疆专精特新专板」" in page.inner_text(".messagelist")
    assert page.problems == []
