"""Demo data: a case of every review type in every state it reaches, made through the services."""

import io

import pytest

from boards.enterprises.tiers import TIER_SCHEMES
from boards.kernel import demo
from boards.kernel.models import Filing, Role
from boards.kernel.scoping import board_scope
from reviews import draw
from reviews.demo import MEETING_STATES, REMOTE_STATES, seed_reviews
from reviews.models import PanelDraw, QualityChallenge, ReviewCase
from tests.factories import BoardFactory, InstitutionFactory, MembershipFactory, UserFactory


@pytest.fixture
def demo_board(db):
    data = next(b for b in demo.BOARDS if b["slug"] == "nmg-kcb")
    board = BoardFactory(slug="nmg-kcb", name_zh=data["name_zh"], filing_prefix="NMG-KCB",
                         regulators=data["regulators"],
                         config={"modules": data["config"]["modules"], "tiers": TIER_SCHEMES["nmg-kcb"]})
    staff = UserFactory(username="nmg-kcb.staff", is_staff=True)
    MembershipFactory(user=staff, board=board, role=Role.EXCHANGE_STAFF)
    MembershipFactory(user=UserFactory(username="nmg-kcb.expert"), board=board, role=Role.EXPERT)
    for code, name, kind, _division, _slugs in demo.INSTITUTIONS:
        InstitutionFactory(code=code, name=name, kind=kind)
    return board


def test_every_type_in_every_state_idempotently(demo_board, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    with board_scope(demo_board):
        seed_reviews(demo_board, out)
        states = {(kind, state) for kind, state in ReviewCase.objects.values_list("kind", "state")}
        assert states == {("innovation", s) for s in REMOTE_STATES} | {
            (kind, s) for kind in ("premium", "listing_reserve") for s in MEETING_STATES}
        assert "新建评审案件 24 件" in out.getvalue()
        # The demo login sits on every drawn panel, and every draw replays to its panel.
        expert = demo_board.memberships.get(role=Role.EXPERT, user__username="nmg-kcb.expert").user
        drawn = ReviewCase.objects.exclude(state="created")
        assert all(case.seats.filter(expert__user=expert).exists() for case in drawn)
        assert all(draw.replay(record) == record.chosen for record in PanelDraw.objects.all())
        assert ReviewCase.objects.filter(opened_by_institution__code="NMKCFUND").count() == 2
        assert QualityChallenge.objects.exists()
        assert set(Filing.objects.values_list("addressee", flat=True)) == {"jrb", "kjt"}
        seed_reviews(demo_board, io.StringIO())
        assert ReviewCase.objects.count() == 24


def test_a_board_without_the_reviews_module_gets_nothing(db):
    board = BoardFactory(slug="ordos", config={"modules": ["boards", "policies"]})
    with board_scope(board):
        seed_reviews(board, io.StringIO())
        assert not ReviewCase.objects.exists()
