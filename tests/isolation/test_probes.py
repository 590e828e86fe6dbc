"""Generated cross-tenant probes: every URL pattern of the pages, the API and the admin, requested
for another board's objects by the attacker board's users, by anonymous callers and by same-board
outsiders (an institution without consent, an expert on no case). A refusal is 401/403/404/405 or a
redirect to a login page; a 2xx, any other answer on another tenant's object, a victim marker in a
body, or a 5xx is a leak. Beneath the ORM, raw SQL under RLS sees and changes no foreign row.

A URL pattern with neither a probe entry nor an ALLOWED_PUBLIC reason fails
test_every_url_pattern_is_probed (see registry.py).
"""

import io
import json
import sys
import zipfile
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.rls import APPEND_ONLY_TABLES, tenant_models
from boards.kernel.scoping import board_scope
from tests.isolation import registry
from tests.isolation.registry import is_api, victim_path
from tests.isolation.world import MARK, PRIVATE

pytestmark = [pytest.mark.xdist_group("probes"), pytest.mark.django_db]

REFUSED = {401, 403, 404, 405}




def _probe_params():
    """(id, key, method, body, attacker, direction) for every registry entry."""
    params = []
    for key, entry in registry.PROBES.items():
        methods = ([("get", None)] if entry.get else []) + list(entry.writes)
        roles = [r for r in ("staff", *entry.roles) if r != "apikey" or is_api(key)]
        roles = list(dict.fromkeys(roles))
        for method, body in methods:
            writing = method != "get"
            # Writes: the attacker board's staff and the URL's own role; reads: every listed role.
            attackers = roles[:2] if writing else roles
            for attacker in attackers:
                # A write to a list endpoint only matters on the victim's board.
                both = entry.target or not writing
                for direction in ("victim-board", "own-board") if both else ("victim-board",):
                    params.append((f"{method.upper()} {key} as other-board-{attacker} on {direction}",
                                   key, method, body, f"other:{attacker}", direction))
            params.append((f"{method.upper()} {key} as anonymous", key, method, body, "anonymous",
                           "victim-board"))
            for outsider in entry.same:
                if outsider.endswith("_key") and not is_api(key):
                    continue
                params.append((f"{method.upper()} {key} as same-board-{outsider}", key, method, body,
                               f"same:{outsider}", "victim-board"))
    return params


PROBES = _probe_params()


def _admin_params():
    params = []
    for model, model_admin in registry.admin_models():
        label = model._meta.label_lower
        info = model._meta.app_label, model._meta.model_name
        names = sorted(item.name for item in model_admin.get_urls() if getattr(item, "name", None))
        for name in names:
            view = name[len(f"{info[0]}_{info[1]}_"):]
            pattern = next(item for item in model_admin.get_urls() if getattr(item, "name", None) == name)
            takes_object = {"object_id", "id", "pk"} & set(pattern.pattern.converters)
            if takes_object and label in registry.ADMIN_GLOBAL_NO_OBJECT and label != "auth.user":
                continue  # no tenant row to aim at (reason in ADMIN_GLOBAL_NO_OBJECT); changelist probed
            params.append((f"GET admin:{name} as other-board-staff", label, name, view, "get"))
            if view in ("delete", "change", "step", "record"):
                params.append((f"POST admin:{name} as other-board-staff", label, name, view, "post"))
        if label not in registry.ADMIN_GLOBAL_NO_OBJECT:
            params.append((f"GET admin:{info[0]}_{info[1]}_change as anonymous", label,
                           f"{info[0]}_{info[1]}_change", "change", "anonymous"))
    return params


ADMIN_PROBES = _admin_params()


def test_every_url_pattern_is_probed():
    """Every pattern is in the probe registry, the admin's generic probes or ALLOWED_PUBLIC."""
    keys = {key for key, _route, _pattern in registry.walk()}
    covered = set(registry.PROBES) | set(registry.public_reasons()) | registry.admin_pattern_keys()
    missing = sorted(keys - covered)
    assert not missing, ("URL patterns without cross-tenant probes (add them to tests/isolation/registry.py):"
                         "\n" + "\n".join(missing))
    stale = sorted((set(registry.PROBES) | set(registry.ALLOWED_PUBLIC)) - keys)
    assert not stale, f"registry entries naming no URL pattern: {stale}"


def test_enough_probes():
    assert len(PROBES) + len(ADMIN_PROBES) >= 200, len(PROBES) + len(ADMIN_PROBES)


# --- Sending a probe --------------------------------------------------------------------------------


def _client(world, attacker, admin_board=None):
    """A client acting as ``attacker``: an API key's header, or the attacker's session made once
    per module (the attacker board's staff has its own board as the admin's current board). The
    client is the module's one with its cookies cleared: a new client would load the middleware
    again on its first request."""
    client, headers = world.client, {}
    client.cookies = SimpleCookie()
    if attacker == "anonymous":
        return client, headers
    if attacker == "other:apikey":
        return client, dict(world.attacker.api_key)
    if attacker == "same:noconsent_key":
        return client, dict(world.victim.outsider_key)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[attacker]
    assert admin_board in (None, world.attacker.board)
    return client, headers


def _send(client, method, path, body, headers, api):
    if method == "get":
        return client.get(path, **headers)
    if api:
        data = json.dumps(body) if body is not None else ""
        return client.generic(method.upper(), path, data, content_type="application/json", **headers)
    return getattr(client, method)(path, body or {}, **headers)


def _text(response):
    """The body as text, xlsx/docx opened up (their XML is zipped)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "replace")


def _login_redirect(response):
    location = urlsplit(response.get("Location", "")).path
    logins = (resolve_url(settings.LOGIN_URL), "/admin/login/")
    return response.status_code in (301, 302) and location in logins


def _judge(response, what, *, must_refuse, marker=MARK):
    status = response.status_code
    assert status < 500, f"{what}: server error {status}"
    body = _text(response)
    assert marker not in body, f"{what}: answered {status} with the victim's data"
    if must_refuse:
        assert status in REFUSED or _login_redirect(response), \
            f"{what}: answered {status} {response.get('Location', '')} instead of a refusal"


@pytest.mark.parametrize("key,method,body,attacker,direction",
                         [p[1:] for p in PROBES], ids=[p[0] for p in PROBES])
def test_probe(world, key, method, body, attacker, direction):
    entry, v, a = registry.PROBES[key], world.victim, world.attacker
    board = v.board if direction == "victim-board" else a.board
    kwargs = {"board": board.slug, **{name: make(v) for name, make in entry.extra.items()}}
    if entry.target:
        kwargs["pk"] = getattr(v, entry.target).pk
    path = reverse(key, kwargs=kwargs)
    client, headers = _client(world, attacker)
    response = _send(client, method, path, body, headers, is_api(key))
    what = f"{method.upper()} {path} as {attacker}"
    if entry.public and direction == "victim-board" and method == "get":
        _judge(response, what, must_refuse=False, marker=PRIVATE)
        return
    foreign = attacker.startswith("other:") or attacker == "anonymous"
    must_refuse = bool(entry.target) or (foreign and direction == "victim-board")
    if attacker.startswith("same:") and entry.same_reads and method == "get":
        must_refuse = False
    _judge(response, what, must_refuse=must_refuse)




@pytest.mark.parametrize("key,user", registry.CONTROLS,
                         ids=[f"{key} as victim {user}" for key, user in registry.CONTROLS])
def test_control_the_victims_own_user_sees_the_object(world, key, user):
    client = Client()
    client.force_login(getattr(world.victim, user))
    response = client.get(victim_path(world, key))
    assert response.status_code == 200
    assert MARK in _text(response)


def test_control_the_victims_own_staff_sees_admin_rows(world):
    v = world.victim
    client, _ = Client(), None
    client.force_login(v.staff)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = v.board.pk
    session.save()
    response = client.get(reverse("admin:boards_enterprise_change", args=[v.listed.pk]))
    assert response.status_code == 200 and MARK in _text(response)
    assert MARK in _text(client.get(reverse("admin:boards_enterprise_changelist")))


# --- Public by design: the attacker's own board and board-less pages show no victim data -----------


def _public_paths():
    """The board-less public pages (ALLOWED_PUBLIC less the admin's, probed below)."""
    skip = ("logout", "password_reset_confirm", "admin-switch-board", "invitation-answer")
    return [reverse(key) for key in registry.ALLOWED_PUBLIC
            if not key.startswith("admin:") and key not in skip]


@pytest.mark.parametrize("attacker", ["anonymous", "other:staff", "other:institution_user", "other:expert",
                                      "same:noconsent", "same:free_expert"])
def test_public_pages_show_no_foreign_data(world, attacker):
    client, headers = _client(world, attacker)
    for path in _public_paths():
        _judge(client.get(path, **headers), f"GET {path} as {attacker}", must_refuse=False)


@pytest.mark.parametrize("path", ["/admin/", "/admin/boards/", "/admin/alliance/", "/admin/autocomplete/"
                                  "?app_label=boards&model_name=enterprise&field_name=enterprise",
                                  "/admin/no-such-thing/"])
def test_admin_public_pages_show_no_foreign_data(world, path):
    client, _ = _client(world, "other:staff", admin_board=world.attacker.board)
    _judge(client.get(path), f"GET {path}", must_refuse=False)


def test_admin_switch_to_foreign_board(world):
    """The switcher refuses a board the caller is not staff of; the admin then still shows own rows."""
    client, _ = _client(world, "other:staff", admin_board=world.attacker.board)
    response = client.post(reverse("admin-switch-board"), {"board": world.victim.board.pk})
    assert response.status_code == 404
    _judge(client.get(reverse("admin:boards_enterprise_changelist")), "changelist after switch",
           must_refuse=False)


def test_admin_session_naming_a_foreign_board_falls_back_to_own(world):
    """A session whose admin board is one the user is not staff of (a stale or tampered session)
    does not open that board: the admin shows the user's own board."""
    v = world.victim
    client = Client()
    client.force_login(world.attacker.staff)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = v.board.pk
    session.save()
    _judge(client.get(reverse("admin:boards_enterprise_changelist")), "changelist", must_refuse=False)
    _judge(client.get(reverse("admin:boards_enterprise_change", args=[v.listed.pk])), "change",
           must_refuse=True)


@pytest.mark.parametrize("attacker", ["other:staff", "anonymous"])
def test_admin_view_on_site_of_foreign_object(world, attacker):
    """The admin's "view on site" shortcut must not resolve another board's object."""
    from django.contrib.contenttypes.models import ContentType

    enterprise = world.victim.listed
    content_type = ContentType.objects.get_for_model(enterprise)
    path = reverse("admin:view_on_site", args=[content_type.pk, enterprise.pk])
    own = world.attacker.board if attacker != "anonymous" else None
    client, _ = _client(world, attacker, admin_board=own)
    _judge(client.get(path), f"GET {path} as {attacker}", must_refuse=True)


# --- The admin: every ModelAdmin -------------------------------------------------------------------


def _victim_row(world, model, label):
    v = world.victim
    if label in registry.ADMIN_GLOBAL_TARGETS:
        return getattr(v, registry.ADMIN_GLOBAL_TARGETS[label])
    if registry.admin_is_tenant(model):
        with board_scope(v.board):
            row = model.objects.filter(board=v.board).order_by("pk").first()
        assert row is not None, f"the probe world has no {label} row: add one in tests/isolation/world.py"
        return row
    return None


@pytest.mark.parametrize("label,name,view,method", [p[1:] for p in ADMIN_PROBES],
                         ids=[p[0] for p in ADMIN_PROBES])
def test_admin_probe(world, label, name, view, method):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = registry.admin.site._registry[model]
    pattern = next(item for item in model_admin.get_urls() if getattr(item, "name", None) == name)
    params = set(pattern.pattern.converters)
    takes_object = {"object_id", "id", "pk"} & params
    row = _victim_row(world, model, label) if takes_object else None
    if takes_object and row is None:
        assert label == "auth.user", f"no victim row for admin {label}"
        row = world.victim.staff  # another board's account: the other board's staff may not edit it
    kwargs = {}
    if "object_id" in params:
        kwargs["object_id"] = row.pk
    for name_ in ("id", "pk"):
        if name_ in params:
            kwargs[name_] = row.pk
    if "step" in params:
        steps = getattr(model_admin, "steps", None) or sys.modules[type(model_admin).__module__].STEPS
        kwargs["step"] = next(iter(steps))
    if "file_pk" in params:
        kwargs["file_pk"] = world.victim.material.file_id
    path = reverse(f"admin:{name}", kwargs=kwargs)
    attacker = "anonymous" if method == "anonymous" else "other:staff"
    own = world.attacker.board if attacker != "anonymous" else None
    client, _ = _client(world, attacker, admin_board=own)
    response = client.post(path, {"post": "yes"}) if method == "post" else client.get(path)
    _judge(response, f"{method} {path} as {attacker}", must_refuse=row is not None or attacker == "anonymous")


# --- Raw SQL under RLS ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_raw_sql_under_a_foreign_board_sees_and_changes_no_victim_row(world):
    """For every tenant table: with the attacker's board set, SELECT/UPDATE/DELETE of the victim's
    rows reach nothing; with the victim's board set the same SELECT does see them (the world has
    rows in every table, so the zero is RLS, not emptiness)."""
    v, a = world.victim, world.attacker
    empty, reached = [], []
    for model in tenant_models():
        table = connection.ops.quote_name(model._meta.db_table)
        with board_scope(v.board), connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE board_id = %s", [v.board.pk])
            if not cursor.fetchone()[0]:
                empty.append(model._meta.label)
        with board_scope(a.board), connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE board_id = %s", [v.board.pk])
            counts = [cursor.fetchone()[0]]
            for sql in (f"UPDATE {table} SET board_id = board_id WHERE board_id = %s",
                        f"DELETE FROM {table} WHERE board_id = %s"):
                try:
                    with transaction.atomic():
                        cursor.execute(sql, [v.board.pk])
                        counts.append(cursor.rowcount)
                except DatabaseError as refused:  # the append-only tables: no UPDATE/DELETE grant
                    assert model._meta.db_table in APPEND_ONLY_TABLES, refused
                    counts.append(0)
        if any(counts):
            reached.append((model._meta.db_table, counts))
    assert not reached, f"raw SQL under a foreign board reached victim rows (select/update/delete): {reached}"
    assert not empty, f"no victim rows in {empty}: add one to tests/isolation/world.py"
