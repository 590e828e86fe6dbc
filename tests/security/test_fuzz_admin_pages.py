"""Hostile input on the admin and the pages (issue 17, item 5): zero 5xx.

Over the probe world (tests/isolation/world.py), each board's own users send:
- to every admin change list: every filter parameter, the search, the ordering and the page
  number, each with a NUL, an over-long, a wrong-type and an out-of-range value;
- to every form of every admin page of every registered model (add, change, the workflow steps,
  imports), as the board's staff and, for the platform's shared objects, as a superuser: every
  field at once with each kind of hostile value;
- to every form on every page (the URL patterns of tests/isolation/registry.py, as each of the
  board's users that may open the page): the same.
Every answer must be below 500. The number of requests is printed (run with -s).
"""

from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse

from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.models import TenantModel
from boards.kernel.scoping import board_scope
from tests.factories import UserFactory
from tests.isolation import registry

pytestmark = [pytest.mark.xdist_group("probes"), pytest.mark.django_db, pytest.mark.postgres]

HOSTILE = {
    "nul": "a\x00b",
    "overlong": "长" * 5000,
    "wrong_type": "不是数字abc",
    "out_of_range": "-99999999999999999999999",
}
FILTER_VALUES = [*HOSTILE.values(), "2026-13-45"]  # with a NUL, the middleware answers before the view
PAGE_USERS = ("staff", "enterprise_user", "bureau", "bank_user", "expert_user", "enhancer_user")
SKIPPED_VIEWS = ("delete", "history")  # a delete confirmation takes no input; history is read-only


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {name: type})."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = (attrs.get("action") or "", (attrs.get("method") or "get").lower(), {})
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current and attrs.get("name"):
            self._current[2][attrs["name"]] = attrs.get("type", tag)


def _post_forms(response, url):
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(response.content.decode("utf-8", "replace"))
    return [(urljoin(url, action) if action else url, fields)
            for action, method, fields in parser.forms if method == "post"]


class Fuzzer:
    def __init__(self):
        self.requests, self.filters, self.errors = 0, 0, []

    def send(self, client, method, url, data=None):
        self.requests += 1
        response = client.get(url) if method == "get" else client.post(url, data or {})
        if response.status_code >= 500:
            shown = {k: (v[:20] if isinstance(v, str) else v) for k, v in (data or {}).items()}
            self.errors.append(f"{method.upper()} {url[:200]} {shown} -> {response.status_code}")
        return response

    def forms(self, client, url):
        """Every POST form of the page at ``url``, each with every kind of hostile value."""
        if urlsplit(url).path.endswith("/logout/"):
            return
        for action, fields in _post_forms(self.send(client, "get", url), url):
            if "/logout/" in action or "/switch-board/" in action:
                continue
            for value in HOSTILE.values():
                data = {}
                for name, kind in fields.items():
                    if name == "csrfmiddlewaretoken":
                        continue
                    if kind == "file":
                        data[name] = SimpleUploadedFile(f"恶意{value[:10]}.pdf", b"%PDF-not really")
                    else:
                        data[name] = value
                self.send(client, "post", action, data)


def _staff(board, user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = board.pk
    session.save()
    return client


def _admin_object(world, model):
    board = world.victim.board
    if issubclass(model, TenantModel):
        with board_scope(board):
            return model._base_manager.filter(board=board).order_by("pk").first()
    target = registry.ADMIN_GLOBAL_TARGETS.get(model._meta.label_lower)
    if target:
        return getattr(world.victim, target)
    return model._base_manager.order_by("pk").first()


def _changelist(fuzzer, client, url):
    """Every filter parameter, the search, the ordering and the page number at once, once per kind
    of hostile value (one bad parameter is enough to fail the request)."""
    response = fuzzer.send(client, "get", url)
    context = response.context if response.status_code == 200 and response.context else {}
    changelist = context.get("cl")
    if changelist is None:
        return
    params = {"q", "o", "p"}
    for spec in changelist.filter_specs:
        params.update(spec.expected_parameters())
    if changelist.date_hierarchy:
        field = changelist.date_hierarchy
        params.update({f"{field}__year", f"{field}__month", f"{field}__day"})
    for value in FILTER_VALUES:
        fuzzer.send(client, "get", f"{url}?{urlencode({param: value for param in sorted(params)})}")
        fuzzer.filters += len(params)
    for param in sorted(params):  # each alone too: the first bad one short-circuits the rest
        fuzzer.send(client, "get", f"{url}?{urlencode({param: '9' * 30})}")  # past any integer column


def test_admin_answers_hostile_input_without_a_server_error(world, capsys):
    fuzzer = Fuzzer()
    staff = _staff(world.victim.board, world.victim.staff)
    root = _staff(world.victim.board, UserFactory(username="fuzz-root", is_staff=True, is_superuser=True))
    for model, model_admin in registry.admin_models():
        client = staff if issubclass(model, TenantModel) else root
        obj = _admin_object(world, model)
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            view = pattern.name.rsplit("_", 1)[-1]
            if view in SKIPPED_VIEWS:
                continue
            converters = set(pattern.pattern.converters)
            if converters - {"object_id", "pk", "id"}:
                continue
            if converters and obj is None:
                continue
            url = reverse(f"admin:{pattern.name}", args=[obj.pk] if converters else [])
            if view == "changelist":
                _changelist(fuzzer, client, url)
            fuzzer.forms(client, url)
    with capsys.disabled():
        print(f"\nadmin: {fuzzer.requests} hostile requests, {len(fuzzer.errors)} server errors")
    assert not fuzzer.errors, "\n".join(fuzzer.errors[:40])
    assert fuzzer.requests > 900


def test_pages_answer_hostile_input_without_a_server_error(world, capsys):
    fuzzer = Fuzzer()
    clients = {}
    for name in PAGE_USERS:
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(getattr(world.victim, name))
    for key, entry in registry.PROBES.items():
        if registry.is_api(key) or key.startswith("admin") or not entry.get:
            continue
        url = registry.victim_path(world, key)
        for client in clients.values():
            fuzzer.forms(client, url)
            for value in HOSTILE.values():  # query strings too (filters, page numbers, search)
                fuzzer.send(client, "get", f"{url}?{urlencode({'q': value, 'page': value, 'status': value})}")
    with capsys.disabled():
        print(f"\npages: {fuzzer.requests} hostile requests, {len(fuzzer.errors)} server errors")
    assert not fuzzer.errors, "\n".join(fuzzer.errors[:40])
    assert fuzzer.requests > 500


