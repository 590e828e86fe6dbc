"""The equity incentives' demo data: on the Xinjiang board (840号 (十二), 附件2 (四)) an option plan
and a restricted-stock plan of one enterprise, with grants vested, exercised and transferred through
the register; the demo employee sees the option plan and its own grant; repeatable."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from boards.enterprises.models import IncentiveEvent, IncentivePlan, ShareRegister
from boards.kernel import demo
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope

MODULES = (
    "boards.enterprises.demo.registry",
    "boards.enterprises.demo.admission",
    "boards.enterprises.demo.custody",
    "boards.enterprises.demo.incentives",
)


@pytest.fixture
def seeded(db, settings, monkeypatch):
    settings.DEBUG = True
    demo.board_seeders()
    monkeypatch.setattr(demo, "_SEEDERS", [(o, fn) for o, fn in demo._SEEDERS if fn.__module__ in MODULES])
    call_command("seed_demo")
    return Board.objects.get(slug="xj-zjtx")


def _events(board):
    with board_scope(board):
        return sorted(IncentiveEvent.objects.values_list("grant__plan__kind", "kind"))


def test_two_plans_on_xinjiang_worked_through_the_register_and_a_second_run_adds_nothing(seeded):
    board = seeded
    events = _events(board)
    assert events == [
        ("option", "exercise"),
        ("option", "grant"),
        ("option", "grant"),
        ("option", "vest"),
        ("option", "vest"),
        ("restricted", "grant"),
        ("restricted", "transfer"),
        ("restricted", "vest"),
    ]
    with board_scope(board):
        plan = IncentivePlan.objects.get(kind="option")
        register = ShareRegister.objects.get(pk=plan.register_id)
        assert sum(register.holdings.values_list("shares", flat=True)) == register.total_shares
        assert set(register.changes.values_list("kind", flat=True)) >= {"incentive_in", "incentive_out"}
    client = Client()
    client.force_login(get_user_model().objects.get(username="xj-zjtx.employee"))
    page = client.get(f"/xj-zjtx/incentives/{plan.pk}/").content.decode()
    assert "李明" in page and "张伟" not in page
    call_command("seed_demo")
    assert _events(board) == events
    with board_scope(Board.objects.get(slug="nmg-kcb")):
        assert not IncentivePlan.objects.exists()  # the module is Xinjiang's
