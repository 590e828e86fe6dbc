"""The board-scoped API base: roles as permissions, /me/, notifications, schema, health."""

import re
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from boards.kernel.api import urls as api_urls
from boards.kernel.api.permissions import board_role_permission
from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.models import ApiKey, Notification, Role
from boards.kernel.scoping import board_scope
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory


def _notify(board, user, title, **kwargs):
    with board_scope(board):
        return Notification.objects.create(board=board, user=user, verb="test", title=title, **kwargs)


# --- board_role_permission -----------------------------------------------------------------


class RegulatorOnly(generics.GenericAPIView):
    permission_classes = [board_role_permission(Role.REGULATOR)]

    def get(self, request):
        return Response({"ok": True})


def _call(view_class, board, user, token=None):
    request = APIRequestFactory().get("/")
    request.board = board
    force_authenticate(request, user=user, token=token)
    return view_class.as_view()(request)


def test_role_permission_admits_the_role_and_hides_from_others(board, other_board, staff_user):
    regulator = UserFactory(username="regulator")
    MembershipFactory(user=regulator, board=board, role="regulator")
    assert _call(RegulatorOnly, board, regulator).status_code == 200
    assert _call(RegulatorOnly, board, staff_user).status_code == 404  # member without the role
    assert _call(RegulatorOnly, other_board, regulator).status_code == 404  # another tenant
    assert _call(RegulatorOnly, None, regulator).status_code == 404  # no board at all
    assert _call(RegulatorOnly, board, None).status_code == 401  # not signed in


def test_api_key_caller_holds_only_institution_roles(board):
    user = UserFactory(username="dual")
    institution = InstitutionFactory()
    MembershipFactory(user=user, board=board, role="regulator")
    MembershipFactory(user=user, board=board, role="institution_user", institution=institution)
    key = ApiKey(board=board, institution=institution, user=user, prefix="0000aaaa", key_hash="x")
    assert _call(RegulatorOnly, board, user).status_code == 200
    assert _call(RegulatorOnly, board, user, token=key).status_code == 404


# --- /me/ ------------------------------------------------------------------------------------


def test_me_shows_roles_and_institution(client, board, django_assert_max_num_queries):
    user = UserFactory(username="guarantor")
    institution = InstitutionFactory(code="GUAR01", name="测试担保公司", kind="guarantee")
    MembershipFactory(user=user, board=board, role="credit_enhancer", institution=institution)
    MembershipFactory(user=user, board=board, role="expert")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/{board.slug}/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["roles"] == ["credit_enhancer", "expert"]
    assert body["institution"] == {"code": "GUAR01", "name": "测试担保公司", "kind": "guarantee"}
    assert body["via_api_key"] is False and body["username"] == "guarantor"


def test_me_is_404_for_another_tenant_and_non_members(client, board, other_staff_user):
    client.force_login(other_staff_user)
    assert client.get(f"/api/v1/{board.slug}/me/").status_code == 404
    client.force_login(UserFactory(username="nobody"))
    response = client.get(f"/api/v1/{board.slug}/me/")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "未找到该对象。", "details": {}}


def test_me_needs_authentication(client, board):
    response = client.get(f"/api/v1/{board.slug}/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_board_is_404(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/api/v1/no-such-board/me/").status_code == 404


# --- notifications -------------------------------------------------------------------------


def test_notifications_list_only_the_callers_own_on_this_board(client, board, other_board, staff_user):
    MembershipFactory(user=staff_user, board=other_board, role="exchange_staff")
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, board=board, role="exchange_staff")
    _notify(board, staff_user, "mine-unread")
    _notify(board, staff_user, "mine-read", read_at=timezone.now())
    _notify(board, colleague, "colleague's")
    _notify(other_board, staff_user, "mine-on-other-board")
    client.force_login(staff_user)
    response = client.get(f"/api/v1/{board.slug}/notifications/")
    assert response.status_code == 200
    assert sorted(n["title"] for n in response.json()["results"]) == ["mine-read", "mine-unread"]
    unread = client.get(f"/api/v1/{board.slug}/notifications/?read_at__isnull=true").json()
    assert [n["title"] for n in unread["results"]] == ["mine-unread"]


def test_notifications_are_404_for_another_tenant_and_non_members(client, board, other_staff_user):
    _notify(board, other_staff_user, "should not matter")
    client.force_login(other_staff_user)
    assert client.get(f"/api/v1/{board.slug}/notifications/").status_code == 404
    client.force_login(UserFactory(username="nobody"))
    assert client.get(f"/api/v1/{board.slug}/notifications/").status_code == 404


def test_notifications_list_query_count(client, board, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    for i in range(30):
        _notify(board, staff_user, f"n{i}")
    with django_assert_max_num_queries(9):
        response = client.get(f"/api/v1/{board.slug}/notifications/")
    assert response.json()["count"] == 30


def test_mark_read_is_idempotent(client, board, staff_user, django_assert_max_num_queries):
    notification = _notify(board, staff_user, "to read")
    client.force_login(staff_user)
    url = f"/api/v1/{board.slug}/notifications/{notification.pk}/read/"
    with django_assert_max_num_queries(10):
        first = client.post(url)
    assert first.status_code == 200
    assert first.json()["read_at"] is not None
    second = client.post(url)
    assert second.json()["read_at"] == first.json()["read_at"]


def test_mark_read_refuses_others_and_other_boards(client, board, other_board, staff_user):
    MembershipFactory(user=staff_user, board=other_board, role="exchange_staff")
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, board=board, role="exchange_staff")
    colleagues = _notify(board, colleague, "colleague's")
    elsewhere = _notify(other_board, staff_user, "mine on the other board")
    client.force_login(staff_user)
    for board_slug, notification in [(board.slug, colleagues), (board.slug, elsewhere)]:
        response = client.post(f"/api/v1/{board_slug}/notifications/{notification.pk}/read/")
        assert response.status_code == 404
    client.force_login(UserFactory(username="nobody"))
    assert client.post(f"/api/v1/{board.slug}/notifications/{colleagues.pk}/read/").status_code == 404
    with board_scope([board, other_board]):
        assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_notifications_with_an_api_key(client, board):
    institution = InstitutionFactory(code="BANK02")
    MembershipFactory(board=board, role="institution_user", institution=institution)
    out = StringIO()
    call_command("issue_api_key", institution="BANK02", board=board.slug, stdout=out)
    key = ApiKey.objects.get()
    full_key = re.search(rf"^{key.prefix}\.\S+$", out.getvalue(), re.M).group(0)
    _notify(board, key.user, "for the service account")
    response = client.get(f"/api/v1/{board.slug}/notifications/", HTTP_AUTHORIZATION=f"Api-Key {full_key}")
    assert [n["title"] for n in response.json()["results"]] == ["for the service account"]


# --- schema and docs -----------------------------------------------------------------------

MINE = {"api-board-list", "api-me", "api-notification-list", "api-notification-read"}


def test_schema_of_these_endpoints_has_no_warning_and_declares_the_api_key():
    patterns = [path("api/v1/", include([p for p in api_urls.urlpatterns if p.name in MINE]))]
    GENERATOR_STATS.reset()
    schema = BoardlessSchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiKeyAuth"]["description"],
    }
    assert set(schema["paths"]) == {
        "/api/v1/boards/", "/api/v1/{board}/me/", "/api/v1/{board}/notifications/",
        "/api/v1/{board}/notifications/{id}/read/",
    }
    me = schema["paths"]["/api/v1/{board}/me/"]["get"]
    assert {"ApiKeyAuth": []} in me["security"]
    assert schema["paths"]["/api/v1/boards/"]["get"].get("security") in (None, [{}], [])


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "ApiKeyAuth" in schema.json()["components"]["securitySchemes"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


# --- /healthz/ -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
def test_healthz_on_postgres_and_redis(client, db, settings):
    settings.HEALTHZ_TOKEN = "monitoring-token-1"
    response = client.get("/healthz/", headers={"X-Healthz-Token": "monitoring-token-1"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"]["ok"] and checks["database"]["vendor"] == "postgresql"
    assert checks["cache"]["ok"] and checks["cache"]["backend"] == "RedisCache"
    assert checks["broker"]["ok"] and checks["broker"]["mode"] == "redis"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings, db):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.HEALTHZ_TOKEN = "monitoring-token-1"
    response = client.get("/healthz/", headers={"X-Healthz-Token": "monitoring-token-1"})
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["broker"]["ok"] is False
    assert "Error" in body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
