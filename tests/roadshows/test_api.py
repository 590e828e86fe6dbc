"""The institutions' roadshow API: an institution lists its invitations and answers them; staff
read every invitation; 409 with the allowed steps for a second answer; 404 for another board,
another institution's invitation, an unknown step and a caller without the role; within the
query budget."""

import pytest
from rest_framework.test import APIClient

from boards.kernel.models import BoardMembership, Role
from boards.kernel.scoping import board_scope
from roadshows.services import participants
from tests.support.alliance import api_key
from tests.support.roadshows import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(world):
    w = world
    roadshow = plan(w.board, w.staff)
    with board_scope(w.board):
        signup = participants.sign_up(
            roadshow, enterprise=w.enterprise, actor=w.enterprise_user, pitch="稀土"
        )
        participants.accept_signup(signup, actor=w.staff)
        participants.invite(roadshow, institutions=[w.fund], actor=w.staff)
        return roadshow.invitations.get()


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_institution_lists_and_answers_its_invitations(world, invitation, django_assert_max_num_queries):
    base = f"/api/v1/{world.board.slug}/roadshows/invitations/"
    api = _api(world.fund_user)
    with django_assert_max_num_queries(9):
        listed = api.get(base)
    assert listed.status_code == 200 and listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert (row["institution"], row["state"], row["venue"]) == ("NMKCFUND", "invited", "onsite")
    assert row["enterprises"] == ["包头瑞达稀土功能材料股份有限公司"]
    assert "属于关注行业（稀土功能材料）" in row["reasons"][0]
    bad = api.post(f"{base}{invitation.pk}/decline/", {"note": ""}, format="json")
    assert bad.status_code == 400 and "note" in bad.json()["error"]["details"]
    with django_assert_max_num_queries(30):
        done = api.post(f"{base}{invitation.pk}/confirm/", {"note": "两人出席"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    again = api.post(f"{base}{invitation.pk}/decline/", {"note": "改期"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["details"]["allowed"] == []
    assert api.post(f"{base}{invitation.pk}/withdraw/", {}, format="json").status_code == 404
    staff = _api(world.staff).get(base)
    assert staff.status_code == 200 and staff.json()["count"] == 1


def test_other_institutions_boards_and_roles_get_404(world, invitation):
    base = f"/api/v1/{world.board.slug}/roadshows/invitations/"
    assert _api(world.bank_user).get(base).json()["count"] == 0
    for outsider in (world.bank_user, world.xj_fund_user, world.other_staff, world.enterprise_user):
        api = _api(outsider)
        assert api.get(f"{base}{invitation.pk}/").status_code == 404
        assert api.post(f"{base}{invitation.pk}/confirm/", {}, format="json").status_code == 404
    for outsider in (world.xj_fund_user, world.enterprise_user, world.bureau):
        assert _api(outsider).get(base).status_code in (403, 404)
    other = f"/api/v1/{world.other.slug}/roadshows/invitations/{invitation.pk}/"
    assert _api(world.xj_fund_user).get(other).status_code == 404


def test_staff_cannot_answer_an_invitation_for_the_institution(world, invitation):
    base = f"/api/v1/{world.board.slug}/roadshows/invitations/{invitation.pk}"
    api = _api(world.staff)
    assert api.get(f"{base}/").status_code == 200
    assert api.post(f"{base}/confirm/", {"note": "代为确认"}, format="json").status_code == 404
    assert api.post(f"{base}/decline/", {"note": "代为谢绝"}, format="json").status_code == 404
    with board_scope(world.board):
        assert type(invitation).objects.get(pk=invitation.pk).state == "invited"


def test_an_api_key_reads_and_answers_for_its_own_institution_only(world, invitation):
    """A key acts for the institution it was issued for (kernel caller_institution), not for
    whichever institution its user's membership names: the fund's user holding a key of the bank
    (where they are the credit enhancer) sees none of the fund's invitations with it."""
    w = world
    BoardMembership.objects.create(user=w.fund_user, board=w.board, role=Role.CREDIT_ENHANCER,
                                   institution=w.bank)
    with board_scope(w.board):
        bank_key = api_key(w.board, w.bank, w.fund_user)
    base = f"/api/v1/{w.board.slug}/roadshows/invitations/"
    api = APIClient()
    listed = api.get(base, **bank_key)
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert api.get(f"{base}{invitation.pk}/", **bank_key).status_code == 404
    assert api.post(f"{base}{invitation.pk}/confirm/", {}, format="json", **bank_key).status_code == 404
