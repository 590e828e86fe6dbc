"""What the public (no account) sees and may do: throttles on every anonymous endpoint counted per
address, /healthz/ without details, a Chinese-only interface."""

import datetime as dt

import pytest
from django.test import Client

from boards.enterprises.models import Objection
from boards.enterprises.services import plans
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory, UserFactory
from tests.support import address
from tests.support.admission import admission_boards, at

pytestmark = [pytest.mark.django_db, pytest.mark.redis]




@pytest.fixture
def boards():
    return admission_boards()


def test_anonymous_objections_are_throttled_per_address(boards, settings):
    settings.ANON_POST_THROTTLE_RATE = "5/d"
    xj, _ = boards
    with at(2026, 9, 16, 10, 0), board_scope(xj.board):
        for code in ("gxt", "jrjg", "zjj"):
            plans.decide_plan(xj.plan, body=code, approved=True, comment="", actor=xj.regulators[code])
        plans.start_publicity(xj.plan, actor=xj.staff, starts_on=dt.date(2026, 9, 17))
        pk = xj.plan.applications.get().pk
    url = f"/{xj.board.slug}/publicity/"
    form = {"application": pk, "raised_by": "某公民", "text": "该企业申报材料与事实不符。"}
    attacker, neighbour = address(), address()
    with at(2026, 9, 17, 10, 0):
        statuses = [Client(REMOTE_ADDR=attacker).post(url, form).status_code for _ in range(12)]
        refused = Client(REMOTE_ADDR=attacker).post(url, form)
        # The page itself stays readable, and another address may still object.
        page = Client(REMOTE_ADDR=attacker).get(url)
        other = Client(REMOTE_ADDR=neighbour).post(url, form)
    assert statuses == [302] * 5 + [429] * 7
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.content.decode()
    assert page.status_code == 200 and other.status_code == 302
    with board_scope(xj.board):
        assert Objection.objects.count() == 6


def test_the_password_reset_form_is_throttled(db, settings):
    settings.ANON_POST_THROTTLE_RATE = "3/d"
    client = Client(REMOTE_ADDR=address())
    statuses = [client.post("/accounts/password_reset/", {"email": "x@example.cn"}).status_code
                for _ in range(5)]
    assert statuses == [302] * 3 + [429] * 2


def test_failed_logins_are_left_to_the_lockout_not_the_post_throttle(db, settings):
    settings.ANON_POST_THROTTLE_RATE = "2/d"
    UserFactory(username="office-1", password="the-right-password-9")
    client = Client(REMOTE_ADDR=address())
    wrong = {"username": "office-1", "password": "wrong"}
    for _ in range(3):
        assert client.post("/accounts/login/", wrong).status_code == 200
    response = client.post("/accounts/login/", {"username": "office-1", "password": "the-right-password-9"})
    assert response.status_code == 302


@pytest.mark.parametrize("path", [
    "/", "/healthz/", "/accounts/login/", "/admin/login/", "/accounts/password_reset/",
    "/{slug}/publicity/", "/{slug}/catalogue/", "/api/schema/",
])
def test_every_public_page_is_throttled(board, settings, path):
    settings.ANON_THROTTLE_RATE = "4/d"
    client = Client(REMOTE_ADDR=address())
    statuses = [client.get(path.format(slug=board.slug)).status_code for _ in range(6)]
    assert statuses[4:] == [429, 429] and 429 not in statuses[:4], statuses


@pytest.mark.parametrize("path", ["/api/v1/boards/", "/api/v1/{slug}/alliance/catalogue/"])
def test_the_public_api_is_throttled_with_the_api_error(board, settings, path):
    settings.ANON_THROTTLE_RATE = "4/d"
    client = Client(REMOTE_ADDR=address())
    responses = [client.get(path.format(slug=board.slug)) for _ in range(6)]
    assert [r.status_code for r in responses] == [200] * 4 + [429] * 2
    error = responses[-1].json()["error"]
    assert error["code"] == "throttled" and error["details"]["retry_after_seconds"] > 0


def test_pages_and_the_api_share_one_counter_per_address(board, settings):
    settings.ANON_THROTTLE_RATE = "4/d"
    client = Client(REMOTE_ADDR=address())
    for _ in range(2):
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/boards/").status_code == 200
    assert client.get("/").status_code == 429
    assert client.get("/api/v1/boards/").status_code == 429


def test_logged_in_users_are_not_held_by_the_anonymous_rate(board, settings):
    settings.ANON_THROTTLE_RATE = "2/d"
    user = UserFactory(username="busy")
    MembershipFactory(user=user, board=board, role="enterprise_user")
    client = Client(REMOTE_ADDR=address())
    client.force_login(user)
    assert {client.get(f"/{board.slug}/catalogue/").status_code for _ in range(6)} == {200}
    assert {client.get("/api/v1/boards/").status_code for _ in range(6)} == {200}


def test_a_forged_forwarded_for_does_not_escape_the_count(db, settings):
    settings.ANON_THROTTLE_RATE = "3/d"
    peer = address()
    statuses = [Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=address()).get("/").status_code
                for _ in range(5)]
    assert statuses == [200] * 3 + [429] * 2  # no proxy trusted: the header is ignored


def test_behind_the_proxy_the_client_is_the_address_the_proxy_wrote(db, settings):
    settings.ANON_THROTTLE_RATE = "3/d"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy, client_address = "172.18.0.5", address()
    # The client forges a left-most address; nginx appends (or writes) the real one last.
    statuses = [Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{address()}, {client_address}").get("/")
                .status_code for _ in range(5)]
    assert statuses == [200] * 3 + [429] * 2
    # Another client behind the same proxy is not held.
    assert Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=address()).get("/").status_code == 200


# --- /healthz/ --------------------------------------------------------------------------------


def test_healthz_says_only_ok_to_the_public(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_healthz_failing_tells_the_public_nothing_more(client, settings, db):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/")
    assert response.status_code == 503 and response.json() == {"status": "failing"}
    assert b"Error" not in response.content and b"127.0.0.1" not in response.content


def test_healthz_details_for_staff_and_for_the_token(client, settings, db):
    settings.HEALTHZ_TOKEN = "a-monitoring-token-0123456789"
    assert "checks" not in client.get("/healthz/", headers={"X-Healthz-Token": "wrong"}).json()
    assert "checks" not in client.get("/healthz/", headers={"X-Healthz-Token": ""}).json()
    checks = client.get("/healthz/", headers={"X-Healthz-Token": "a-monitoring-token-0123456789"}).json()
    assert checks["checks"]["database"]["ok"] is True
    member = UserFactory(username="not-staff")
    client.force_login(member)
    assert "checks" not in client.get("/healthz/").json()
    client.force_login(UserFactory(username="ops", is_staff=True))
    assert client.get("/healthz/").json()["checks"]["cache"]["ok"] is True


def test_without_a_token_configured_no_header_opens_the_details(client, settings, db):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz/", headers={"X-Healthz-Token": ""}).json() == {"status": "ok"}


# --- Chinese only ------------------------------------------------------------------------------


def test_an_english_browser_gets_a_chinese_admin(client, staff_user, board):
    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    login = client.get("/admin/login/", **english).content.decode()
    assert "用户名" in login and "Username" not in login and 'lang="zh-hans"' in login
    client.force_login(staff_user)
    changelist = client.get("/admin/boards/enterprise/", **english).content.decode()
    assert "Select" not in changelist and "选择" in changelist
    assert client.get("/", **english)["Content-Language"] == "zh-hans"
