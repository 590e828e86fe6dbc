"""The enterprise's roadshow page and sign-up form, the institution's invitations page and its
answers, and the staff's admin (plan, decide, invite, close, hold, outcome): each for its role on
its board; another board's user, a user without the role and another institution get 404; wrong
input stays next to its field; each page within its query budget."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from roadshows.models import Invitation, Roadshow, Signup
from roadshows.services import participants
from tests.support.roadshows import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    w = world
    w.roadshow = plan(w.board, w.staff)
    with board_scope(w.board):
        w.signup = participants.sign_up(
            w.roadshow, enterprise=w.second, actor=w.second_user, pitch="乳业扩产"
        )
        participants.accept_signup(w.signup, actor=w.staff)
        participants.invite(w.roadshow, institutions=[w.fund], actor=w.staff)
        w.invitation = w.roadshow.invitations.get()
    return w


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_enterprise_sees_open_roadshows_and_its_signups(client, scene, django_assert_max_num_queries):
    w = scene
    url = f"/{w.board.slug}/roadshows/"
    client.force_login(w.second_user)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "稀土新材料专场路演" in text and "已接受" in text and "已报名" in text
    mine = _get(client, w.enterprise_user, url).content.decode()
    assert "我要报名" in mine and "赤峰草原乳业" not in mine  # another enterprise's sign-up is not shown
    for outsider in (w.fund_user, w.bureau, w.expert, w.xj_user):
        assert _get(client, outsider, url).status_code == 404
    assert _get(client, w.xj_user, f"/{w.other.slug}/roadshows/").status_code == 200  # its own board


def test_the_enterprise_signs_up_and_a_wrong_amount_stays_next_to_its_field(
    client, scene, django_assert_max_num_queries
):
    w = scene
    url = f"/{w.board.slug}/roadshows/{w.roadshow.pk}/signup/"
    client.force_login(w.enterprise_user)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    bad = client.post(url, {"enterprise": w.enterprise.pk, "pitch": "稀土永磁扩产项目", "amount": "-5"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "拟融资金额须大于 0 元" in text and "稀土永磁扩产项目" in text
    foreign = client.post(url, {"enterprise": w.second.pk, "pitch": "冒名报名"})
    assert foreign.status_code == 400 and "选择一个有效的选项" in foreign.content.decode()
    done = client.post(
        url, {"enterprise": w.enterprise.pk, "pitch": "稀土永磁扩产项目", "amount": "12000000"}
    )
    assert done.status_code == 302
    with board_scope(w.board):
        signup = Signup.objects.get(enterprise=w.enterprise)
        assert signup.amount == 12000000 and signup.submitted_by == w.enterprise_user
    again = client.post(url, {"enterprise": w.enterprise.pk, "pitch": "再次"})
    assert again.status_code == 409 and "已报名该路演" in again.content.decode()
    for outsider in (w.fund_user, w.other_staff, w.xj_user):
        assert _get(client, outsider, url).status_code == 404


def test_a_group_account_signs_up_each_of_its_enterprises(client, scene):
    """A 集团 account acting for two enterprises: after one signs up, the other still may; the form
    offers only the one not yet signed up, and once both are in the roadshow reads 已报名."""
    w = scene
    w.enterprise.users.add(w.second_user)  # second_user already signed up 赤峰草原乳业
    client.force_login(w.second_user)
    listing = f"/{w.board.slug}/roadshows/"
    url = f"/{w.board.slug}/roadshows/{w.roadshow.pk}/signup/"
    assert "我要报名" in client.get(listing).content.decode()
    form = client.get(url).content.decode()
    assert "包头瑞达稀土功能材料股份有限公司" in form and "赤峰草原乳业科技有限公司" not in form
    assert client.post(url, {"enterprise": w.enterprise.pk, "pitch": "稀土永磁扩产项目"}).status_code == 302
    text = client.get(listing).content.decode()
    assert "我要报名" not in text and "已报名" in text


def test_an_account_without_an_eligible_enterprise_is_told_why(client, scene):
    w = scene
    with board_scope(w.board):
        type(w.enterprise).objects.filter(pk=w.enterprise.pk).update(status="applying")
    client.force_login(w.enterprise_user)
    page = client.get(f"/{w.board.slug}/roadshows/{w.roadshow.pk}/signup/")
    assert page.status_code == 409 and "都不在可报名路演的状态" in page.content.decode()


def test_after_the_closing_day_the_form_says_so(client, scene):
    w = scene
    url = f"/{w.board.slug}/roadshows/{w.roadshow.pk}/signup/"
    client.force_login(w.enterprise_user)
    with time_machine.travel(w.roadshow.starts_at - dt.timedelta(hours=1)):
        page = client.post(url, {"enterprise": w.enterprise.pk, "pitch": "迟到的报名"})
    assert page.status_code == 409 and "报名已于" in page.content.decode()


def test_the_institution_confirms_its_invitation(client, scene, django_assert_max_num_queries):
    w = scene
    url = f"/{w.board.slug}/roadshows/invitations/"
    client.force_login(w.fund_user)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "赤峰草原乳业科技有限公司" in text and "确认出席" in text
    assert "稀土新材料专场路演" not in _get(client, w.bank_user, url).content.decode()  # not invited
    for outsider in (w.enterprise_user, w.bureau, w.xj_fund_user):
        assert _get(client, outsider, url).status_code == 404
    step = f"/{w.board.slug}/roadshows/invitations/{w.invitation.pk}/decline/"
    client.force_login(w.fund_user)
    with django_assert_max_num_queries(14):
        assert client.get(step).status_code == 200
    bad = client.post(step, {"note": ""})
    assert bad.status_code == 400 and "该字段是必填项" in bad.content.decode()
    confirm = f"/{w.board.slug}/roadshows/invitations/{w.invitation.pk}/confirm/"
    assert client.post(confirm, {"note": "投资总监王磊出席"}).status_code == 302
    with board_scope(w.board):
        assert Invitation.objects.get(pk=w.invitation.pk).state == "confirmed"
        entry = EvidenceEntry.objects.filter(action="roadshows.invitation.confirmed").get()
        assert entry.actor == w.fund_user and entry.payload["note"] == "投资总监王磊出席"
    again = client.post(step, {"note": "改期"})
    assert again.status_code == 409 and "当前没有可办理的步骤" in again.content.decode()
    for outsider in (w.bank_user, w.xj_fund_user, w.enterprise_user):
        assert _get(client, outsider, confirm).status_code == 404


def test_staff_plan_decide_invite_close_and_hold_in_the_admin(client, scene, django_assert_max_num_queries):
    w = scene
    client.force_login(w.staff)
    add = "/admin/roadshows/roadshow/add/"
    bad = client.post(
        add,
        {
            "title": "新材料路演",
            "venue": "onsite",
            "location": "路演厅",
            "starts_on": "2020-01-01",
            "starts_time": "14:30",
        },
    )
    assert bad.status_code == 400 and "已过，请填写今后的时间" in bad.content.decode()
    day = (w.roadshow.starts_at + dt.timedelta(days=7)).date()
    made = client.post(
        add,
        {
            "title": "新材料路演（第二期）",
            "venue": "platform",
            "location": "https://rs.p5w.net/",
            "starts_on": day.isoformat(),
            "starts_time": "09:30",
        },
    )
    assert made.status_code == 302
    with django_assert_max_num_queries(25):
        listing = client.get("/admin/roadshows/roadshow/")
    assert listing.status_code == 200 and "新材料路演（第二期）" in listing.content.decode()
    change = f"/admin/roadshows/roadshow/{w.roadshow.pk}/change/"
    with django_assert_max_num_queries(30):
        page = client.get(change)
    text = page.content.decode()
    assert (
        "赤峰草原乳业科技有限公司" in text
        and "内蒙古科创投资基金管理有限公司" in text
        and "确定路演名单" in text
    )
    with board_scope(w.board):
        first = participants.sign_up(
            w.roadshow, enterprise=w.enterprise, actor=w.enterprise_user, pitch="稀土"
        )
    invite = client.get(f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/invite/").content.decode()
    # The bank may still be invited; the fund already is; no accepted enterprise fits a stated interest.
    assert "内蒙古银行股份有限公司" in invite and "内蒙古科创投资基金管理有限公司" not in invite
    assert "联盟中暂无关注偏好与路演企业相符的投资机构" in invite
    blocked = client.post(f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/close/")
    assert blocked.status_code == 409 and "1 家企业报名待审核" in blocked.content.decode()
    assert client.post(f"/admin/roadshows/signup/{first.pk}/act/accept/").status_code == 302
    assert client.post(f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/close/").status_code == 302
    early = client.post(f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/hold/", {"summary": "x"})
    assert early.status_code == 409 and "开始后方可登记举办情况" in early.content.decode()
    with time_machine.travel(w.roadshow.starts_at + dt.timedelta(hours=2)):
        client.force_login(w.staff)
        held = client.post(
            f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/hold/",
            {"summary": "两家企业路演", "signups": [w.signup.pk, first.pk], "invitations": [w.invitation.pk]},
        )
        assert held.status_code == 302
        outcome = client.post(
            f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/outcome/",
            {"signup": first.pk, "invitation": w.invitation.pk, "note": "拟投 500 万元"},
        )
        assert outcome.status_code == 302
    with board_scope(w.board):
        roadshow = Roadshow.objects.get(pk=w.roadshow.pk)
        assert roadshow.state == "held" and roadshow.outcomes.get().matchmaking_id is not None


def test_the_admin_is_404_for_another_boards_staff(client, scene):
    w = scene
    client.force_login(w.other_staff)
    assert client.get(f"/admin/roadshows/roadshow/{w.roadshow.pk}/change/").status_code == 404
    assert client.get(f"/admin/roadshows/roadshow/{w.roadshow.pk}/act/invite/").status_code == 404
    assert client.get(f"/admin/roadshows/signup/{w.signup.pk}/act/accept/").status_code == 404
    assert "稀土新材料专场路演" not in client.get("/admin/roadshows/roadshow/").content.decode()


def test_staff_read_the_invitations_but_do_not_answer_for_the_institution(client, scene):
    w = scene
    client.force_login(w.staff)
    page = client.get(f"/{w.board.slug}/roadshows/invitations/")
    assert page.status_code == 200 and "稀土新材料专场路演" in page.content.decode()
    assert "/confirm/" not in page.content.decode()
    confirm = f"/{w.board.slug}/roadshows/invitations/{w.invitation.pk}/confirm/"
    assert client.get(confirm).status_code == 404
    assert client.post(confirm, {"note": "代为确认"}).status_code == 404
    with board_scope(w.board):
        assert Invitation.objects.get(pk=w.invitation.pk).state == "invited"
