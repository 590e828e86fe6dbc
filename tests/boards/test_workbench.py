"""The workbench: login lands there; it lists the person's open tasks with the working days left
and what is overdue, their recent notifications and their pages; the top bar and the public
home lead to each board's pages. Every demo account's entry points answer 200."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from boards.kernel import workbench
from boards.kernel.deadlines import meet_deadline, open_deadline
from boards.kernel.models import BoardMembership, Role
from boards.kernel.notifications import notify
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(board):
    user = UserFactory(username="wb-expert")
    MembershipFactory(user=user, board=board, role=Role.EXPERT)
    return user


def _task(board, title, days, start, **kwargs):
    with board_scope(board):
        return open_deadline(board, board, "test.task", title, days, "working", starts_at=start, **kwargs)


def test_login_lands_on_the_workbench_of_the_board(client, board, expert):
    response = client.post(reverse("login"), {"username": "wb-expert", "password": "demo-pass-123"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == reverse("workbench", args=[board.slug])
    page = client.get(response["Location"]).content.decode()
    assert "工作台" in page and "专家" in page and "暂无待办事项" in page


def test_tasks_show_working_days_left_and_overdue_and_notifications(client, board, expert, staff_user):
    now = timezone.now()
    _task(board, "提交专家意见（甲公司）", 5, now, assignee=expert, url="/portal/")
    _task(board, "确认收到材料（乙公司）", 1, now - dt.timedelta(days=20), assignee=expert)
    _task(board, "专家角色的待办", 3, now, assignee_role=Role.EXPERT)
    _task(board, "别人的待办", 3, now, assignee=staff_user)
    with board_scope(board):
        notify(board, [expert], "test.notice", "评审会议定于周五召开", url="/portal/")
    client.force_login(expert)
    response = client.get(reverse("workbench", args=[board.slug]))
    page = response.content.decode()
    assert "提交专家意见（甲公司）" in page and "专家角色的待办" in page
    assert "别人的待办" not in page
    assert "已逾期" in page and "个工作日" in page
    assert "评审会议定于周五召开" in page and "未读" in page
    tasks = response.context["tasks"]
    assert [t.title for t in tasks][0] == "确认收到材料（乙公司）"
    assert tasks[0].overdue and tasks[0].workdays_left < 0
    assert not tasks[1].overdue and tasks[1].workdays_left >= 0


def test_staff_see_unassigned_clocks_and_the_admin(client, board, staff_user):
    _task(board, "无人认领的期限", 2, timezone.now())
    client.force_login(staff_user)
    page = client.get(reverse("workbench", args=[board.slug])).content.decode()
    assert "无人认领的期限" in page and reverse("admin:index") in page
    assert reverse("filing-list", args=[board.slug]) in page


def test_another_tenants_workbench_is_404(client, board, other_board, expert):
    _task(other_board, "另一专板的待办", 2, timezone.now(), assignee_role=Role.EXPERT)
    client.force_login(expert)
    assert client.get(reverse("workbench", args=[other_board.slug])).status_code == 404


def test_a_user_without_a_role_on_the_board_gets_404_and_anonymous_the_login(client, board):
    client.force_login(UserFactory(username="wb-nobody"))
    assert client.get(reverse("workbench", args=[board.slug])).status_code == 404
    assert client.get(reverse("workbench-landing")).status_code == 302
    client.logout()
    response = client.get(reverse("workbench", args=[board.slug]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_workbench_queries_do_not_grow_with_tasks(client, board, expert, django_assert_max_num_queries):
    for n in range(30):
        _task(board, f"待办 {n}", n % 7, timezone.now() - dt.timedelta(days=n % 11), assignee=expert)
    client.force_login(expert)
    url = reverse("workbench", args=[board.slug])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_met_deadlines_are_not_tasks(board, expert):
    task = _task(board, "已办结", 2, timezone.now(), assignee=expert)
    with board_scope(board):
        meet_deadline(task)
        assert workbench.open_tasks(expert, board, [Role.EXPERT]) == []


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_every_demo_account_reaches_each_of_its_pages_from_the_workbench(client, seeded):
    """For every demo membership: login lands on a workbench whose every link to a page answers 200."""
    checked, failed = 0, []
    memberships = BoardMembership.objects.filter(is_active=True).select_related("user", "board")
    for user in {m.user for m in memberships}:
        client.force_login(user)
        boards = workbench.memberships(user)
        for board in boards:
            response = client.get(reverse("workbench", args=[board.slug]))
            assert response.status_code == 200, (user.username, board.slug)
            for label, url in response.context["entries"]:
                answer = client.get(url)
                if answer.status_code != 200:
                    failed.append((user.username, board.slug, label, answer.status_code))
                checked += 1
        client.logout()
    assert failed == []
    assert checked > 100


def test_public_home_links_each_boards_public_pages(client, seeded):
    page = client.get(reverse("home")).content.decode()
    assert reverse("admission-publicity", args=["xj-zjtx"]) in page
    assert reverse("alliance-catalogue", args=["ordos"]) in page
    assert reverse("alliance-service-institutions", args=["jinzhong"]) in page
    # A board without the module does not link it.
    assert reverse("alliance-catalogue", args=["xj-zjtx"]) not in page


def test_the_top_bar_switches_boards_for_an_account_on_several(client, seeded):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="inst.boc"))
    page = client.get(reverse("workbench", args=["nmg-kcb"])).content.decode()
    assert "切换专板" in page and reverse("workbench", args=["xj-zjtx"]) in page
    assert reverse("alliance-institution-products", args=["nmg-kcb"]) in page
