"""Idempotency-Key is part of the kernel's API base: every board-scoped POST of every app honours
it (the apps' own tests show one POST each), the schema documents it on each, and a view without
a POST does not get one."""

import pytest

from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.models import IdempotencyKey, Notification
from boards.kernel.scoping import board_scope


def test_every_post_of_the_api_documents_the_key_and_its_422(db):
    schema = BoardlessSchemaGenerator().get_schema(request=None, public=True)
    posts = {path: item["post"] for path, item in schema["paths"].items() if "post" in item}
    assert len(posts) > 20
    apps = {path.split("/")[4] for path in posts if path.startswith("/api/v1/{board}/")}
    assert {"alliance", "policies", "reviews", "financing-cases", "cultivation", "notifications"} <= apps
    for path, operation in posts.items():
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [p["name"] for p in headers].count("Idempotency-Key") == 1, path
        assert "422" in operation["responses"], path


def test_the_kernels_own_post_replays_its_first_answer(client, board, staff_user):
    with board_scope(board):
        notification = Notification.objects.create(board=board, user=staff_user, verb="test", title="待读")
    client.force_login(staff_user)
    url = f"/api/v1/{board.slug}/notifications/{notification.pk}/read/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="read-1")
    again = client.post(url, HTTP_IDEMPOTENCY_KEY="read-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    with board_scope(board):
        assert IdempotencyKey.objects.get().caller == f"user:{staff_user.pk}"


@pytest.mark.parametrize("tail", ["me/", "notifications/", "filings/"])
def test_a_view_without_post_still_refuses_one(client, board, staff_user, tail):
    client.force_login(staff_user)
    response = client.post(f"/api/v1/{board.slug}/{tail}", HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 405
    with board_scope(board):
        assert not IdempotencyKey.objects.exists()
