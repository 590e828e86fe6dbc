"""Demo data of the policies app: the numbered policies of seeds [001]–[003], awards in every
state, a guarantee claim cut to the cap, and a year of Ordos reports with some late; a second
run changes nothing."""

from collections import Counter

import pytest
from django.core.management import call_command

from boards.kernel import demo
from boards.kernel.models import Board, EvidenceEntry, Filing
from boards.kernel.scoping import board_scope
from policies.models import (
    Award,
    GuaranteeClaim,
    LedgerTask,
    Policy,
    ProgrammeTarget,
    QuarterlyReport,
    TargetActual,
)


def _snapshot(boards):
    with board_scope(boards):
        models = (Policy, Award, GuaranteeClaim, ProgrammeTarget, TargetActual, LedgerTask, QuarterlyReport,
                  EvidenceEntry, Filing)
        return [model.objects.count() for model in models]


@pytest.fixture
def seeded(db, settings, monkeypatch):
    """seed_demo with the kernel's seeders and the policies' only (other apps test their own)."""
    settings.DEBUG = True
    demo.board_seeders()
    monkeypatch.setattr(demo, "_SEEDERS", [(order, fn) for order, fn in demo._SEEDERS
                                          if fn.__module__ in (
                                              "boards.enterprises.demo.registry", "policies.demo")])
    call_command("seed_demo")
    return {board.slug: board for board in Board.objects.all()}


def test_the_demo_data_and_a_second_run_that_changes_nothing(seeded):
    _catalogue(seeded)
    _awards_and_claims(seeded["nmg-kcb"])
    _ordos(seeded["ordos"])
    before = _snapshot(list(seeded.values()))
    call_command("seed_demo")
    assert _snapshot(list(seeded.values())) == before


def _catalogue(seeded):
    with board_scope(list(seeded.values())):
        codes = {slug: set(Policy.objects.filter(board=board).values_list("code", flat=True))
                 for slug, board in seeded.items()}
        award = Policy.objects.get(board=seeded["nmg-kcb"], code="nmg-first-listing-award")
        guarantee = Policy.objects.get(board=seeded["nmg-kcb"], code="nmg-guarantee-subsidy")
        npl = Policy.objects.get(board=seeded["nmg-kcb"], code="nmg-npl-tolerance")
    assert {"nmg-first-listing-award", "nmg-guarantee-subsidy", "nmg-npl-tolerance"} <= codes["nmg-kcb"]
    assert codes["xj-zjtx"] == {"xj-tier-support", "xj-tutoring-subsidy", "xj-ipo-filing-subsidy",
                                "xj-neeq-fast-track"}
    assert codes["ordos"] == {"ordos-relending", "ordos-innovation-fund"} and not codes["jinzhong"]
    assert (award.amount, award.auto_propose) == (300000, True)
    assert award.document_number == "内党金办发〔2025〕15号"
    assert guarantee.cap == 5000000 and npl.parameters == {"npl_tolerance_above_overall_pp_max": 3}


def _awards_and_claims(board):
    with board_scope(board):
        assert set(Award.objects.values_list("state", flat=True)) == {
            "applied", "verified", "approved", "disbursed", "rejected"}
        claims = list(GuaranteeClaim.objects.order_by("declared_at"))
        assert [c.cut for c in claims] == [0, 0, 500000]
        assert sum(c.capped_granted for c in claims) == 5000000
        assert Filing.objects.filter(kind="policies.awards").exists()


def _ordos(board):
    with board_scope(board):
        assert ProgrammeTarget.objects.count() == 8 and TargetActual.objects.count() == 32
        assert LedgerTask.objects.count() == 14
        reports = list(QuarterlyReport.objects.all())
        quarters = Counter((r.year, r.quarter) for r in reports)
        # the programme ran 2022–2025: its last four quarters, all reported (some late), none after
        assert sorted(quarters) == [(2025, q) for q in (1, 2, 3, 4)] and set(quarters.values()) == {9}
        assert sum(r.late for r in reports) >= 4
        assert sum(r.state == "open" for r in reports) == 0
