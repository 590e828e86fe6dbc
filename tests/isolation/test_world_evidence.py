"""Every action the probe world records (one of each object type of every app) is a declared one."""

import pytest

from boards.kernel.evidence import declared_actions
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope

pytestmark = [pytest.mark.xdist_group("probes"), pytest.mark.django_db]


def test_every_action_the_probe_world_records_is_declared(world):
    recorded = set()
    for board in (world.victim.board, world.attacker.board):
        with board_scope(board):
            recorded |= set(EvidenceEntry.objects.values_list("action", flat=True).distinct())
    assert len(recorded) > 15  # much of the world is made by its services
    assert recorded - set(declared_actions()) == set()
