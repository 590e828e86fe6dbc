"""The roadshows' demo data: on the boards whose seeds call for roadshows (Xinjiang: 现场路演 and 深交所全国
路演平台, 附件2 (二); Ordos: 项目路演, 鄂金办发〔2022〕53号 第13条), one roadshow held with its outcome and
one taking sign-ups; the matchmaking opens only where the board runs the alliance (Ordos); repeatable."""

import pytest
from django.core.management import call_command

from alliance.models import Matchmaking
from boards.kernel import demo
from boards.kernel.models import Board, BoardMembership
from boards.kernel.scoping import board_scope
from roadshows.models import Invitation, Outcome, Roadshow, Signup

MODULES = ("boards.enterprises.demo.registry", "alliance.demo", "roadshows.demo")


@pytest.fixture
def seeded(db, settings, monkeypatch):
    settings.DEBUG = True
    demo.board_seeders()
    monkeypatch.setattr(demo, "_SEEDERS", [(o, fn) for o, fn in demo._SEEDERS if fn.__module__ in MODULES])
    call_command("seed_demo")
    return {board.slug: board for board in Board.objects.all()}


def _rows(boards):
    with board_scope(list(boards.values())):
        return sorted(Roadshow.objects.values_list("board__slug", "state", "venue"))


def test_roadshows_where_the_seeds_call_for_them_and_a_second_run_adds_nothing(seeded):
    rows = _rows(seeded)
    assert rows == [
        ("ordos", "held", "onsite"),
        ("ordos", "open", "platform"),
        ("xj-zjtx", "held", "onsite"),
        ("xj-zjtx", "open", "platform"),
    ]
    with board_scope(seeded["ordos"]):
        outcome = Outcome.objects.get()
        matchmaking = Matchmaking.objects.get(pk=outcome.matchmaking_id)  # opened, or the one already active
        assert (matchmaking.institution_id, matchmaking.enterprise_id) == (
            outcome.invitation.institution_id,
            outcome.signup.enterprise_id,
        )
        upcoming = Roadshow.objects.get(state="open")
        assert upcoming.invitations.get().institution.code == "ORDOSBANK"
        assert sorted(upcoming.signups.values_list("state", flat=True)) == ["accepted", "applied"]
    with board_scope(seeded["xj-zjtx"]):
        outcome = Outcome.objects.get()
        assert outcome.matchmaking_id is None and "未启用科创服务联盟" in outcome.matchmaking_text
    call_command("seed_demo")
    assert _rows(seeded) == rows


def test_enterprises_sign_up_and_institutions_answer_for_themselves(seeded):
    """The story's sign-ups come from the enterprise's own account and each answer from the
    invited institution's user (staff never answer for an institution), wherever one exists."""
    checked = 0
    for board in (seeded["ordos"], seeded["xj-zjtx"]):
        with board_scope(board):
            for signup in Signup.objects.filter(board=board).select_related("enterprise", "submitted_by"):
                if signup.enterprise.users.exists():
                    assert signup.enterprise.users.filter(pk=signup.submitted_by_id).exists(), signup
                    checked += 1
            for invitation in Invitation.objects.filter(board=board).exclude(answered_by=None):
                speakers = BoardMembership.objects.filter(board=board, institution=invitation.institution,
                                                          is_active=True)
                if speakers.exists():
                    assert speakers.filter(user=invitation.answered_by_id).exists(), invitation
                    checked += 1
    assert checked
