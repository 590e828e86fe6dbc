"""The board-scoped admin: one current board, chosen among the user's staff boards."""

import re

import pytest
from django.contrib.auth import get_user_model

from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.models import ApiKey, Board, BoardMembership, Notification
from boards.kernel.scoping import board_scope
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

tenant_admin = pytest.mark.urls("tests.boards.admin_site_urls")
NOTIFICATIONS = "/admin/boards/notification/"
MEMBERSHIPS = "/admin/boards/boardmembership/"


def _notify(board, user, title):
    with board_scope(board):
        return Notification.objects.create(board=board, user=user, verb="test", title=title)


@pytest.fixture
def rows(board, other_board, staff_user, other_staff_user):
    return _notify(board, staff_user, "A-row"), _notify(other_board, other_staff_user, "B-row")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@tenant_admin
def test_changelist_shows_only_the_current_boards_rows(staff_client, rows):
    response = staff_client.get(NOTIFICATIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A-row" in html and "B-row" not in html


@tenant_admin
@pytest.mark.parametrize("suffix", ["change/", "delete/", "history/"])
def test_another_boards_object_is_404(staff_client, rows, suffix):
    mine, theirs = rows
    assert staff_client.get(f"{NOTIFICATIONS}{mine.pk}/{suffix}").status_code == 200
    assert staff_client.get(f"{NOTIFICATIONS}{theirs.pk}/{suffix}").status_code == 404
    assert staff_client.get(f"{NOTIFICATIONS}999999/{suffix}").status_code == 404
    assert staff_client.post(f"{NOTIFICATIONS}{theirs.pk}/delete/", {"post": "yes"}).status_code == 404
    with board_scope(theirs.board):
        assert Notification.objects.filter(pk=theirs.pk).exists()


@tenant_admin
def test_bulk_delete_of_another_boards_id_touches_nothing(staff_client, rows):
    mine, theirs = rows
    staff_client.post(NOTIFICATIONS, {"action": "delete_selected", "_selected_action": [theirs.pk],
                                      "post": "yes"})
    with board_scope([mine.board, theirs.board]):
        assert Notification.objects.count() == 2


@tenant_admin
def test_user_choices_list_only_this_boards_members(staff_client, rows):
    html = staff_client.get(f"{NOTIFICATIONS}add/").content.decode()
    assert ">staff<" in html and "other-staff" not in html


@tenant_admin
def test_changelist_query_count_does_not_grow(staff_client, board, staff_user, django_assert_max_num_queries):
    for i in range(5):
        _notify(board, staff_user, f"n{i}")
    with django_assert_max_num_queries(14) as few:
        assert staff_client.get(NOTIFICATIONS).status_code == 200
    for i in range(5, 40):
        _notify(board, staff_user, f"n{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(NOTIFICATIONS).status_code == 200


@tenant_admin
def test_without_a_staff_board_nothing_is_allowed(client, rows):
    client.force_login(UserFactory(username="outsider", is_staff=True))
    assert client.get(NOTIFICATIONS).status_code == 403
    assert "您还不是任何专板的工作人员" in client.get("/admin/").content.decode()


# --- the board switcher --------------------------------------------------------------------


def test_header_shows_the_current_board_and_the_users_boards(staff_client, board, other_board):
    html = staff_client.get("/admin/").content.decode()
    assert "专板服务平台管理后台" in html
    assert '<div id="current-board">内蒙古科创板</div>' in html
    options = re.findall(r'<option value="(\d+)"', html)
    assert options == [str(board.pk)]  # not the other board, where this user is not staff


def test_switcher_refuses_a_board_where_the_user_is_not_staff(staff_client, board, other_board):
    response = staff_client.post("/admin/switch-board/", {"board": other_board.pk})
    assert response.status_code == 404
    assert staff_client.post("/admin/switch-board/", {"board": "x"}).status_code == 404
    assert ADMIN_BOARD_SESSION_KEY not in staff_client.session
    assert staff_client.get("/admin/switch-board/").status_code == 405


@tenant_admin
def test_switching_changes_the_scope(staff_client, staff_user, other_board, rows):
    MembershipFactory(user=staff_user, board=other_board, role="exchange_staff")
    response = staff_client.post("/admin/switch-board/", {"board": other_board.pk})
    assert response.status_code == 302
    assert staff_client.session[ADMIN_BOARD_SESSION_KEY] == other_board.pk
    html = staff_client.get(NOTIFICATIONS).content.decode()
    assert "B-row" in html and "A-row" not in html


def test_switcher_needs_csrf(client, staff_user, board):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(staff_user)
    assert csrf_client.post("/admin/switch-board/", {"board": board.pk}).status_code == 403


# --- memberships ---------------------------------------------------------------------------


def test_staff_see_and_edit_only_their_boards_memberships(staff_client, staff_user, other_staff_user):
    html = staff_client.get(MEMBERSHIPS).content.decode()
    assert ">staff<" in html and "other-staff" not in html
    theirs = BoardMembership.objects.get(user=other_staff_user)
    assert staff_client.get(f"{MEMBERSHIPS}{theirs.pk}/change/").status_code == 404
    assert staff_client.post(f"{MEMBERSHIPS}{theirs.pk}/delete/", {"post": "yes"}).status_code == 404
    assert BoardMembership.objects.filter(pk=theirs.pk).exists()


def test_a_new_membership_belongs_to_the_current_board(staff_client, board, other_board):
    expert = UserFactory(username="expert1")
    MembershipFactory(user=expert, board=board, role="enterprise_user")  # takes part in the board
    response = staff_client.post(f"{MEMBERSHIPS}add/", {
        "user": expert.pk, "role": "expert", "is_active": "on",
        "board": other_board.pk,  # ignored: the board field is disabled
    })
    assert response.status_code == 302
    assert BoardMembership.objects.get(user=expert, role="expert").board == board


def test_duplicate_membership_is_a_form_error_not_a_crash(staff_client, staff_user):
    response = staff_client.post(f"{MEMBERSHIPS}add/", {"user": staff_user.pk, "role": "exchange_staff",
                                                         "is_active": "on"})
    assert response.status_code == 200
    assert "专板成员 已经存在" in response.content.decode()


def test_exchange_staff_cannot_grant_or_edit_platform_admin(staff_client, board):
    html = staff_client.get(f"{MEMBERSHIPS}add/").content.decode()
    assert 'value="expert"' in html and 'value="platform_admin"' not in html
    admin_membership = MembershipFactory(user=UserFactory(username="padmin"), board=board,
                                         role="platform_admin")
    response = staff_client.post(f"{MEMBERSHIPS}{admin_membership.pk}/change/",
                                 {"user": admin_membership.user_id, "role": "platform_admin"})
    assert response.status_code == 403
    response = staff_client.post(f"{MEMBERSHIPS}add/", {"user": UserFactory().pk, "role": "platform_admin",
                                                        "is_active": "on"})
    assert response.status_code == 200 and not BoardMembership.objects.filter(
        role="platform_admin").exclude(pk=admin_membership.pk).exists()


def test_membership_changelist_query_count(staff_client, board, django_assert_max_num_queries):
    institution = InstitutionFactory()
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"member{i}") for i in range(30)])
    BoardMembership.objects.bulk_create([
        BoardMembership(user=user, board=board, role="institution_user", institution=institution)
        for user in users
    ])
    # 13: the menu asks once whether the user is a platform admin (technical models' entries).
    with django_assert_max_num_queries(13):
        response = staff_client.get(MEMBERSHIPS)
    assert response.status_code == 200 and "member29" in response.content.decode()


# --- boards and api keys -----------------------------------------------------------------------


def test_staff_view_their_board_but_do_not_edit_it(staff_client, board, other_board):
    url = f"/admin/boards/board/{board.pk}/change/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {}).status_code == 403
    assert staff_client.get(f"/admin/boards/board/{other_board.pk}/change/").status_code == 404
    html = staff_client.get("/admin/boards/board/").content.decode()
    assert "nmg-kcb" in html and "xj-zjtx" not in html


def _board_form(board, config):
    return {"slug": board.slug, "name_zh": board.name_zh, "name_en": board.name_en, "short_name": "",
            "kind": board.kind, "operator": board.operator, "region": board.region,
            "filing_prefix": board.filing_prefix, "regulators": '[{"code": "kjt", "name": "科技厅"}]',
            "config": config, "is_active": "on"}


def test_platform_admin_edits_config_and_a_wrong_config_shows_why(client, board):
    admin_user = UserFactory(username="padmin", is_staff=True)
    MembershipFactory(user=admin_user, board=board, role="platform_admin")
    client.force_login(admin_user)
    url = f"/admin/boards/board/{board.pk}/change/"
    response = client.post(url, _board_form(board, '{"modules": ["reviews", "teleport"]}'))
    assert response.status_code == 200
    assert "未知模块: teleport" in response.content.decode()
    response = client.post(url, _board_form(board, '{"deadlines": {"reminder_before_workdays": -1}}'))
    assert "config.deadlines: reminder_before_workdays 必须是不小于 0 的整数" in response.content.decode()
    response = client.post(url, _board_form(board, "{not json"))
    assert response.status_code == 200 and "JSON" in response.content.decode()
    response = client.post(url, _board_form(board, '{"modules": ["reviews"]}'))
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.config["modules"] == ["reviews"]
    assert board.config["deadlines"]["reminder_before_workdays"] == 1  # defaults filled in


def test_api_keys_are_read_only_and_show_the_prefix_only(staff_client, board, staff_user):
    institution = InstitutionFactory()
    key = ApiKey.objects.create(board=board, institution=institution, user=staff_user, prefix="ab12cd34",
                                key_hash="f" * 64)
    changelist = staff_client.get("/admin/boards/apikey/").content.decode()
    assert "ab12cd34" in changelist
    page = staff_client.get(f"/admin/boards/apikey/{key.pk}/change/").content.decode()
    assert "ab12cd34" in page and "f" * 64 not in page
    assert staff_client.post(f"/admin/boards/apikey/{key.pk}/change/", {"label": "x"}).status_code == 403
    assert staff_client.get("/admin/boards/apikey/add/").status_code == 403


def test_superuser_sees_every_board(client, board, other_board):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    html = client.get("/admin/boards/board/").content.decode()
    assert "nmg-kcb" in html and "xj-zjtx" in html
    assert Board.objects.count() == 2
