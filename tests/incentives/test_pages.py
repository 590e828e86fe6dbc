"""Directed disclosure on the pages: a plan shows to the board's staff and its enterprise's users
and, once disclosed, to its participants — each seeing only their own grant; another enterprise's
user, an institution, a regulator and another board get 404 (or an empty list). The admin registers
a plan (a wrong source stays next to its field, the input kept), grants, and refuses a tranche not
yet due with 409. Each page within its query budget."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from boards.enterprises.models import Grant, IncentivePlan
from boards.enterprises.services import incentives
from boards.kernel.models import BoardMembership
from boards.kernel.scoping import board_scope
from tests.support.incentives import plan

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def granted(world):
    w = world
    w.plan = plan(w)
    with time_machine.travel(NOW), board_scope(w.board):
        w.plan = incentives.disclose_plan(w.plan, actor=w.staff)
        for name, number, user, shares in (
            ("李明", "650102198803150012", "liming", "300000"),
            ("张伟", "650103199002200031", "zhangwei", "200000"),
        ):
            incentives.grant(
                w.plan,
                name=name,
                id_number=number,
                position="研发",
                username=user,
                shares=Decimal(shares),
                granted_on=dt.date(2024, 6, 1),
                actor=w.staff,
            )
    return w


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_participants_see_the_plan_and_their_own_grant_only(client, granted, django_assert_max_num_queries):
    w = granted
    url = f"/{w.board.slug}/incentives/{w.plan.pk}/"
    client.force_login(w.employee)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "2024年股票期权激励计划" in text and "3.50 元/股" in text
    assert "李明" in text and "张伟" not in text and "2025-06-01：100000 股" in text
    colleague = _get(client, w.colleague, url).content.decode()  # a participant without any membership
    assert "张伟" in colleague and "李明" not in colleague
    for reader in (w.owner, w.staff):
        text = _get(client, reader, url).content.decode()
        assert "李明" in text and "张伟" in text
    for outsider in (w.outsider, w.bank_user, w.regulator, w.other_staff):
        assert _get(client, outsider, url).status_code == 404
    assert _get(client, w.other_staff, f"/{w.other.slug}/incentives/{w.plan.pk}/").status_code == 404


def test_the_list_shows_each_person_the_plans_disclosed_to_them(
    client, granted, django_assert_max_num_queries
):
    w = granted
    undisclosed = plan(w, name="2026年员工持股计划", kind="esop", exercise_price=None)
    url = f"/{w.board.slug}/incentives/"
    client.force_login(w.employee)
    with django_assert_max_num_queries(10):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "2024年股票期权激励计划" in text and "2026年员工持股计划" not in text
    assert "2026年员工持股计划" in _get(client, w.owner, url).content.decode()  # the enterprise's own
    for outsider in (w.outsider, w.bank_user, w.regulator):  # on the board: their own (empty) list
        text = _get(client, outsider, url).content.decode()
        assert "暂无向您披露的股权激励计划" in text and "2024年股票期权激励计划" not in text
    assert _get(client, w.other_staff, url).status_code == 404  # no role here and no part in a plan
    assert "2024年股票期权激励计划" in _get(client, w.colleague, url).content.decode()  # a participant only
    assert _get(client, w.employee, f"/{w.board.slug}/incentives/{undisclosed.pk}/").status_code == 404


def test_staff_register_grant_and_vest_in_the_admin(client, world, django_assert_max_num_queries):
    w = world
    client.force_login(w.staff)
    add = "/admin/boards/incentiveplan/add/"
    form = {
        "enterprise": w.enterprise.pk,
        "name": "2025年限制性股票激励计划",
        "kind": "restricted",
        "source_holder": "王大明",
        "pool_shares": "500000",
        "vesting_years": "2",
        "approved_on": "2025-04-01",
        "basis": "《非上市公众公司监管指引第 6 号》",
        "summary": "核心员工限制性股票",
    }
    bad = client.post(add, form)
    text = bad.content.decode()
    assert bad.status_code == 400 and "已确权的股东" in text and 'value="王大明"' in text
    assert client.post(add, {**form, "source_holder": "王建国"}).status_code == 302
    with board_scope(w.board):
        created = IncentivePlan.objects.get(name="2025年限制性股票激励计划")
    change = f"/admin/boards/incentiveplan/{created.pk}/change/"
    with django_assert_max_num_queries(30):
        assert client.get(change).status_code == 200
    early = client.post(f"/admin/boards/incentiveplan/{created.pk}/act/grant/", {})
    assert early.status_code == 409 and "向激励对象定向披露" in early.content.decode()
    assert client.post(f"/admin/boards/incentiveplan/{created.pk}/act/disclose/").status_code == 302
    grant = client.post(
        f"/admin/boards/incentiveplan/{created.pk}/act/grant/",
        {
            "name": "王芳",
            "id_number": "650104199105060048",
            "position": "财务经理",
            "shares": "100000",
            "granted_on": "2025-05-01",
        },
    )
    assert grant.status_code == 302
    with board_scope(w.board):
        item = Grant.objects.get(plan=created)
    with django_assert_max_num_queries(30):
        page = client.get(f"/admin/boards/grant/{item.pk}/change/")
    assert page.status_code == 200 and "股权激励授予/行权" in page.content.decode()  # its register entry
    with time_machine.travel(dt.datetime(2026, 4, 30, 10, tzinfo=dt.UTC)):
        client.force_login(w.staff)
        refused = client.post(f"/admin/boards/grant/{item.pk}/act/vest/")
        assert refused.status_code == 409 and "第 1 期定于 2026-05-01 归属" in refused.content.decode()
    with time_machine.travel(dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC)):
        client.force_login(w.staff)
        assert client.post(f"/admin/boards/grant/{item.pk}/act/vest/").status_code == 302


def test_the_admin_is_404_for_another_boards_staff(client, granted):
    w = granted
    client.force_login(w.other_staff)
    assert client.get(f"/admin/boards/incentiveplan/{w.plan.pk}/change/").status_code == 404
    assert client.get(f"/admin/boards/incentiveplan/{w.plan.pk}/act/grant/").status_code == 404
    assert "2024年股票期权激励计划" not in client.get("/admin/boards/incentiveplan/").content.decode()


def test_an_enterprise_account_without_the_enterprise_role_sees_its_own_grant_only(client, granted):
    """Seeing every grant goes with the enterprise role, as seeing the plan does: a participant who is
    still linked to the enterprise but no longer holds the role reads only their own grant."""
    w = granted
    with time_machine.travel(NOW), board_scope(w.board):
        incentives.grant(w.plan, name="王建国", id_number="650102197001010011", position="董事长",
                         username="ent", shares=Decimal("1000"), granted_on=dt.date(2024, 6, 1),
                         actor=w.staff)
    BoardMembership.objects.filter(user=w.owner, board=w.board).update(is_active=False)
    text = _get(client, w.owner, f"/{w.board.slug}/incentives/{w.plan.pk}/").content.decode()
    assert "王建国" in text and "李明" not in text and "张伟" not in text
