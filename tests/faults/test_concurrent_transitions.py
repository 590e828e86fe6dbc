"""50 requests fire the same workflow step on one matchmaking at once, through gunicorn (two
processes, many threads) on PostgreSQL: exactly one wins, the other 49 get 409 with the steps
allowed from the new state, and nothing is lost or half-written (one evidence entry, a valid
chain, one idempotency record for the one keyed winner)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from alliance.models import Matchmaking, MatchState
from boards.kernel import evidence_tree
from boards.kernel.evidence import verify_chain
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.alliance import api_key, grant, member

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("faults-http")]

CALLERS = 50


@pytest.fixture
def case(committed_db, board):
    bank = member(board, "IMB", name="内蒙古银行")
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="包头瑞达稀土功能材料有限公司", tier="standard")
    grant(enterprise, bank.institution)
    with board_scope(board):
        matchmaking = Matchmaking.objects.create(board=board, institution=bank.institution,
                                                 enterprise=enterprise, match_reasons=[])
    headers = {"Authorization": api_key(board, bank.institution, bank.user)["HTTP_AUTHORIZATION"]}
    return board, matchmaking, headers


def test_fifty_concurrent_steps_one_wins_the_rest_get_409(case, processes):
    board, matchmaking, headers = case
    web = processes.gunicorn(workers=2, threads=25)
    url = f"{web.url}/api/v1/{board.slug}/alliance/matchmakings/{matchmaking.pk}/interest/"
    with board_scope(board):
        last_before = EvidenceEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    barrier = threading.Barrier(CALLERS)

    def fire(_):
        with requests.Session() as session:
            session.get(f"{web.url}/healthz/", timeout=30)  # connected first: the barrier releases posts
            barrier.wait(timeout=60)
            response = session.post(url, json={}, headers=headers, timeout=60)
            return response.status_code, response.json()

    with ThreadPoolExecutor(CALLERS) as pool:
        results = list(pool.map(fire, range(CALLERS)))

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (CALLERS - 1), statuses
    winner = next(body for status, body in results if status == 200)
    assert (winner["state"], winner["allowed_steps"]) == ("interested", ["engage", "fail"])
    for status, body in results:
        if status == 409:
            error = body["error"]
            assert error["code"] == "illegal_transition"
            details = error["details"]
            assert (details["state"], details["allowed"]) == ("interested", ["engage", "fail"])
            assert "engage" in error["message"]

    with board_scope(board):
        matchmaking.refresh_from_db()
        assert matchmaking.state == MatchState.INTERESTED
        entries = list(EvidenceEntry.objects.filter(board=board, id__gt=last_before).values_list(
            "action", "subject_type", "subject_id"))
    assert entries == [("alliance.matchmaking.interested", "alliance.matchmaking", str(matchmaking.pk))]
    evidence_tree.sequence_all(board)
    ok, _, message = verify_chain(board)
    assert ok, message
    assert "Traceback" not in processes.log(web)
