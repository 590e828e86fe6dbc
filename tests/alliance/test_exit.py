"""Exit on poor quality: an expert's quality challenge in a review opens the exit procedure
against the firm's membership; notice, the firm's answer (API), the decision, revocation; each
step in the evidence log."""

import datetime as dt

import pytest
import time_machine

from alliance import services
from alliance.models import ExitCase, ExitState, MembershipState
from boards.enterprises.models import ServiceRecord
from boards.kernel.errors import Conflict
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from boards.kernel.signals import quality_challenge_raised
from reviews import services as review_services
from reviews.models import QualityChallenge
from tests.support.alliance import member
from tests.support.reviews import START, Flow, committee, form_data, png_upload

GROUNDS = "审计报告收入确认依据不足，不具备专业胜任能力。"


@pytest.fixture
def firm(board):
    return member(board, "CPA9", kind="accounting", body="professional", name="某会计师事务所")


@pytest.fixture
def challenged(board, staff_user, enterprise, firm, django_capture_on_commit_callbacks):
    """An expert of a review challenges the firm's audit report; the signal fires on commit."""
    with board_scope(board):
        ServiceRecord.objects.create(board=board, enterprise=enterprise, kind="service",
                                     occurred_on="2025-10-01", staff=staff_user, summary="年度审计",
                                     institution=firm.institution)
    committee(board, 5)
    flow = Flow(board, staff_user)
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    data = form_data(case, vote="fail", score=5, challenge_institution=str(firm.institution.pk),
                     challenge_text=GROUNDS)
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        review_services.submit_opinion(seat, data=data, signed_form=png_upload(), actor=seat.expert.user)
    with board_scope(board):
        return QualityChallenge.objects.get(), ExitCase.objects.get()


def _actions(board, case):
    with board_scope(board):
        return list(EvidenceEntry.objects.filter(subject_type="alliance.exitcase", subject_id=str(case.pk))
                    .order_by("id").values_list("action", flat=True))


def test_a_quality_challenge_opens_the_exit_case_and_revocation_follows_notice_and_answer(
        client, board, staff_user, firm, challenged):
    challenge, case = challenged
    assert (case.state, case.grounds, case.source) == (ExitState.OPENED, GROUNDS,
                                                       f"reviews.qualitychallenge:{challenge.pk}")
    assert case.membership_id == firm.membership.pk
    with board_scope(board):
        assert Notification.objects.filter(user=staff_user, verb="alliance.exit_case.opened").exists()
        with time_machine.travel(START + dt.timedelta(days=2), tick=False):
            case = services.notify_exit_case(case, notice="请于 10 个工作日内书面说明。", actor=staff_user)
        # 10 working days from Wednesday 4 March 2026: Wednesday 18 March, end of day.
        assert case.answer_deadline.due_at.isoformat() == "2026-03-18T23:59:59+08:00"
        assert Notification.objects.filter(user=firm.user, verb="alliance.exit_case.notified").exists()
    client.force_login(firm.user)
    url = f"/api/v1/{board.slug}/alliance/exit-cases/{case.pk}/answer/"
    with time_machine.travel(START + dt.timedelta(days=5), tick=False):
        assert client.post(url, {"answer": ""}, content_type="application/json").status_code == 400
        response = client.post(url, {"answer": "收入确认符合准则，附审计底稿说明。"},
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "answered"
    listed = client.get(f"/api/v1/{board.slug}/alliance/exit-cases/").json()["results"]
    assert [c["grounds"] for c in listed] == [GROUNDS]
    with board_scope(board):
        case = ExitCase.objects.get(pk=case.pk)
        assert case.answer_deadline.state == "met"
        services.decide_exit_case(case, revoke=True, reason="答复未能消除质疑，不具备专业胜任能力。",
                                  actor=staff_user)
        firm.membership.refresh_from_db()
        revoked_entry = EvidenceEntry.objects.get(action="alliance.membership.revoked")
    assert firm.membership.state == MembershipState.REVOKED
    assert "退出程序决定" in firm.membership.reason and "退出程序决定" in revoked_entry.payload["reason"]
    assert _actions(board, case) == ["alliance.exit_case.opened", "alliance.exit_case.notified",
                                     "alliance.exit_case.answered", "alliance.exit_case.revoked"]
    # The firm is no longer a member: the API is closed to it.
    assert client.get(f"/api/v1/{board.slug}/alliance/exit-cases/").status_code == 404


def test_without_an_answer_revocation_waits_for_the_answer_period(board, staff_user, firm, challenged):
    _, case = challenged
    with board_scope(board):
        with time_machine.travel(START + dt.timedelta(days=2), tick=False):
            case = services.notify_exit_case(case, notice="请书面说明。", actor=staff_user)
        with time_machine.travel(dt.datetime(2026, 3, 18, 18, 0, tzinfo=dt.UTC) - dt.timedelta(hours=8),
                                 tick=False):
            with pytest.raises(Conflict, match="答复期限 2026-03-18 23:59 届满前不能作出除名决定"):
                services.decide_exit_case(case, revoke=True, reason="逾期未答复", actor=staff_user)
        with time_machine.travel(dt.datetime(2026, 3, 19, 9, 0, tzinfo=dt.UTC), tick=False):
            case = services.decide_exit_case(case, revoke=True, reason="逾期未答复", actor=staff_user)
        case.answer_deadline.refresh_from_db()
        assert case.state == ExitState.REVOKED and case.answer_deadline.state == "cancelled"


def test_a_dismissed_case_keeps_the_membership(board, staff_user, firm, challenged):
    _, case = challenged
    with board_scope(board):
        services.decide_exit_case(case, revoke=False, reason="质疑事项属于会计估计差异，不构成不胜任。",
                                  actor=staff_user)
        firm.membership.refresh_from_db()
    assert firm.membership.state == MembershipState.ADMITTED
    assert _actions(board, case)[-1] == "alliance.exit_case.dismissed"


def test_a_repeated_signal_opens_nothing_new_and_a_non_member_gets_no_case(board, firm, challenged):
    challenge, _ = challenged
    ids = {"challenge_id": challenge.pk, "board_id": board.pk, "case_id": challenge.case_id,
           "institution_id": firm.institution.pk, "expert_id": challenge.expert_id,
           "source": f"reviews.qualitychallenge:{challenge.pk}", "grounds": challenge.text}
    quality_challenge_raised.send(sender=QualityChallenge, **ids)
    stranger = member(board, "LAWX", kind="law", state=None)
    with board_scope(board):
        assert ExitCase.objects.count() == 1
        services.open_exit_cases(board, institution=stranger.institution,
                                 source="reviews.qualitychallenge:999", grounds="…")
        assert ExitCase.objects.count() == 1
        assert EvidenceEntry.objects.filter(action="alliance.exit_case.not_member",
                                            payload__institution=stranger.institution.pk).exists()
