"""The admission demo: both boards' campaigns with applications in every state, approving-body
accounts, and a second run that adds nothing."""

import datetime as dt
import io

import pytest
from django.db import transaction

from boards.enterprises.demo import admission as demo_admission
from boards.enterprises.demo import registry as demo_registry
from boards.enterprises.models import Application, ApplicationState, Campaign, TierPlan
from boards.kernel import demo
from boards.kernel.models import Board, BoardMembership, Role
from boards.kernel.scoping import board_scope


def _seed(monkeypatch):
    # The kernel seed with only the registry's and admission's seeders (other apps test theirs).
    monkeypatch.setattr(demo, "board_seeders", lambda: [demo_registry.seed_enterprise_registry,
                                                        demo_admission.seed_admission])
    with transaction.atomic():
        demo.seed_demo(io.StringIO())


@pytest.mark.django_db
def test_both_boards_have_campaigns_and_every_state(monkeypatch):
    _seed(monkeypatch)
    for slug in ("xj-zjtx", "nmg-kcb"):
        board = Board.objects.get(slug=slug)
        with board_scope(board):
            states = set(Application.objects.values_list("state", flat=True))
            assert states == set(ApplicationState.values), (slug, set(ApplicationState.values) - states)
            assert set(TierPlan.objects.values_list("state", flat=True)) == {
                "draft", "approved", "in_publicity", "closed"}
        for body in board.config["admission"]["approving_bodies"]:
            assert BoardMembership.objects.filter(
                board=board, role=Role.REGULATOR, user__username=f"{slug}.{body['code']}",
                institution__code=body["code"]).exists()
    xj = Board.objects.get(slug="xj-zjtx")
    with board_scope(xj):
        first = Campaign.objects.get(is_open=False)
        assert (first.opens_on, first.bureau_deadline, first.check_deadline) == (
            dt.date(2023, 12, 25), dt.date(2024, 1, 15), dt.date(2024, 1, 26))
        counts = Application.objects.count(), Campaign.objects.count()
        demo_admission.seed_admission(xj, io.StringIO())
        assert (Application.objects.count(), Campaign.objects.count()) == counts
