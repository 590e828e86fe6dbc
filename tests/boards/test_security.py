"""Security baseline: Argon2, login throttling, CSP, `check --deploy`, no CDN asset."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories import InstitutionFactory, UserFactory


def test_passwords_are_hashed_with_argon2(db):
    user = UserFactory(username="hashed", password="a-long-passphrase-42")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a-long-passphrase-42")


def test_login_page_is_chinese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "<h1>登录</h1>" in html and 'name="username"' in html and "csrfmiddlewaretoken" in html


def test_repeated_bad_logins_lock_the_account_out(client, db):
    UserFactory(username="target", password="the-right-password-9")
    statuses = [client.post("/accounts/login/", {"username": "target", "password": "wrong"}).status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    # The failure that reaches the limit is answered with the lockout already.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # Locked: even the right password is refused now.
    response = client.post("/accounts/login/", {"username": "target", "password": "the-right-password-9"})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_good_login_works_before_the_limit(client, db):
    UserFactory(username="target", password="the-right-password-9")
    client.post("/accounts/login/", {"username": "target", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "target", "password": "the-right-password-9"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_content_security_policy_header(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]  # django-csp 4: enforced, not report-only
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "Content-Security-Policy-Report-Only" not in response


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "zhuanban.example.cn",
        "DJANGO_SSL_REDIRECT": "1",
        "DJANGO_SECURE_COOKIES": "1",
        "DJANGO_HSTS_SECONDS": "31536000",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# --- no asset from a CDN ---------------------------------------------------------------------

ASSET = re.compile(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)


def _assets(html):
    return ASSET.findall(html)


@pytest.fixture
def staff_client(client, staff_user):
    InstitutionFactory()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("url", [
    "/", "/accounts/login/", "/admin/login/", "/admin/", "/admin/boards/boardmembership/add/",
    "/admin/boards/board/", "/api/docs/",
])
def test_pages_load_every_asset_from_this_server(staff_client, url):
    if url.endswith("login/"):
        staff_client.logout()
    response = staff_client.get(url)
    assert response.status_code == 200
    assets = _assets(response.content.decode())
    assert any(a.endswith(".js") or a.endswith(".css") for a in assets), assets
    for asset in assets:
        assert not re.match(r"^(https?:)?//", asset), f"{url} loads {asset} from off-site"
        if asset.startswith(settings.STATIC_URL):
            path = asset[len(settings.STATIC_URL):].split("?")[0]
            assert finders.find(path), f"{url} references {asset}, which is not a local static file"
