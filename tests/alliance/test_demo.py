"""The alliance's demo data: on the boards that run it, repeatable."""

import pytest
from django.core.management import call_command

from alliance.models import (
    AnnualAssessment,
    Appointment,
    ExitCase,
    Matchmaking,
    MatchState,
    Meeting,
    Membership,
    Product,
    SelectionRound,
)
from boards.kernel import demo
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope


@pytest.fixture
def seeded(db, settings, monkeypatch):
    """seed_demo with the kernel's seeders and the alliance's only (other apps test their own)."""
    settings.DEBUG = True
    demo.board_seeders()
    monkeypatch.setattr(demo, "_SEEDERS", [(order, fn) for order, fn in demo._SEEDERS
                                          if fn.__module__ in (
                                              "boards.enterprises.demo.registry", "alliance.demo")])
    call_command("seed_demo")
    return {board.slug: board for board in Board.objects.all()}


def _counts(boards):
    with board_scope(list(boards.values())):
        models = (Membership, Product, Matchmaking, Meeting, ExitCase, SelectionRound, Appointment,
                  AnnualAssessment)
        return {model.__name__: sorted(model.objects.values_list("board__slug", flat=True))
                for model in models}


def test_demo_data_sits_on_the_boards_that_run_each_part_and_a_second_run_adds_nothing(seeded):
    before = _counts(seeded)
    assert "xj-zjtx" not in before["Membership"]  # Xinjiang runs no alliance
    assert {"nmg-kcb", "ordos", "jinzhong"} <= set(before["Product"])
    assert set(before["SelectionRound"]) == {"jinzhong"} and set(before["Appointment"]) == {"jinzhong"}
    call_command("seed_demo")
    assert _counts(seeded) == before
    with board_scope(seeded["nmg-kcb"]):
        states = set(Matchmaking.objects.values_list("state", flat=True))
        assert {MatchState.FINANCED, MatchState.FAILED, MatchState.NOT_INTERESTED} <= states
        assert Matchmaking.objects.filter(is_case=True).exists()
        assert ExitCase.objects.filter(membership__institution__code="NMLAW").exists()
    with board_scope(seeded["jinzhong"]):
        grades = dict(AnnualAssessment.objects.values_list("appointment__institution__code",
                                                           "proposed_grade"))
        assert grades["SXZQ"] == "unqualified"  # no no-fee attestation on file
