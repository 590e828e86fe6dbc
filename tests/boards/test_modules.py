"""Modules a board has not enabled do not exist for it: every page, API and admin URL of a
module answers 404 on a board without it, for every board configuration of the demo plus a
board with none and one with all; the admin index does not list its models."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from boards.kernel.config import registered_modules
from boards.kernel.demo import BOARDS
from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.modules import admin_module, module_closed, module_of
from tests.factories import BoardFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIGS = {b["slug"]: b["config"]["modules"] for b in BOARDS} | {"none": [], "all": None}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def _board_urls():
    """(route, url name, module) of every page and API URL that names a board."""
    for route, pattern in _walk(get_resolver().url_patterns):
        if "<slug:board>" in route:
            yield route, pattern.name, module_of(resolve(_fill(route, "x"))), _kernel(pattern.callback)


def _kernel(view):
    """Board URLs of the kernel's own views exist on every board whatever its modules."""
    owner = getattr(view, "view_class", None) or getattr(view, "cls", None) or view
    return owner.__module__.startswith("boards.kernel.")


def _fill(route, slug):
    url = route.replace("<slug:board>", slug)
    url = re.sub(r"<int:\w+>", "1", url)
    return "/" + re.sub(r"<(?:slug|str|path):\w+>", "x", url)


def _board_admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if any(f.name == "board" for f in model._meta.fields)]


def _boards():
    return {name: BoardFactory(slug=f"mod-{name}", config={"modules": list(registered_modules())
                                                           if modules is None else modules})
            for name, modules in CONFIGS.items()}


def test_every_board_url_and_board_admin_belongs_to_a_module_or_the_kernel():
    modules = registered_modules()
    untagged = [name for _, name, module, kernel in _board_urls() if module is None and not kernel]
    unknown = [name for _, name, module, _ in _board_urls() if module is not None and module not in modules]
    assert untagged == [] and unknown == []
    for model, model_admin in _board_admins():
        module = admin_module(model_admin)
        kernel = model.__module__.startswith("boards.kernel.")
        assert (module in modules) if not kernel else module is None, model


def test_pages_and_api_of_a_module_answer_404_on_a_board_without_it(client):
    boards = _boards()
    client.force_login(UserFactory(username="mod-root", is_superuser=True, is_staff=True))
    urls = [(route, name, module) for route, name, module, _ in _board_urls() if module]
    assert len(urls) > 80
    walked = 0
    for board in boards.values():
        enabled = set(board.setting("modules", []))
        for route, name, module in urls:
            url = _fill(route, board.slug)
            if module not in enabled:
                assert module_closed(board, resolve(url)), (board.slug, name)
                response = client.get(url)
                assert response.status_code == 404, (board.slug, name, response.status_code)
                if url.startswith("/api/"):
                    assert response["Content-Type"].startswith("application/json")
                walked += 1
            else:
                # On a board with the module the gate lets it through (the view decides).
                assert not module_closed(board, resolve(url)), (board.slug, name)
    assert walked > 200


def test_admin_of_a_module_does_not_exist_on_a_board_without_it(client):
    boards = _boards()
    client.force_login(UserFactory(username="mod-admin", is_superuser=True, is_staff=True))
    admins = [(model, admin_module(a)) for model, a in _board_admins() if admin_module(a)]
    assert len(admins) > 40
    for board in (boards["none"], boards["all"], boards["xj-zjtx"], boards["jinzhong"]):
        session = client.session
        session[ADMIN_BOARD_SESSION_KEY] = board.pk
        session.save()
        enabled = set(board.setting("modules", []))
        index = client.get(reverse("admin:index")).content.decode()
        for model, module in admins:
            info = model._meta.app_label, model._meta.model_name
            changelist = reverse("admin:{}_{}_changelist".format(*info))
            response = client.get(changelist)
            if module in enabled:
                assert response.status_code == 200, (board.slug, changelist)
                assert f'href="{changelist}"' in index, (board.slug, changelist)
            else:
                assert response.status_code == 404, (board.slug, changelist, response.status_code)
                assert client.get(changelist + "1/change/").status_code == 404
                assert changelist not in index, (board.slug, changelist)


def test_public_pages_exist_only_where_their_module_is_enabled(client):
    boards = _boards()
    for name in ("admission-publicity", "alliance-catalogue", "alliance-service-institutions"):
        assert client.get(reverse(name, args=[boards["all"].slug])).status_code == 200
        assert client.get(reverse(name, args=[boards["none"].slug])).status_code == 404
