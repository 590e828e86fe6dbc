"""Decisions: a majority of the whole panel, the effects on the enterprise, quality challenges."""

import pytest

from boards.enterprises.models import Qualification, TierEntryPermit
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Institution
from boards.kernel.scoping import board_scope
from boards.kernel.signals import quality_challenge_raised
from reviews import services
from reviews.models import QualityChallenge, passes
from tests.support.reviews import committee, form_data, png_upload, serve


@pytest.mark.parametrize(("pass_votes", "panel", "passed"), [
    (3, 5, True), (2, 5, False), (4, 6, True), (3, 6, False), (5, 9, True), (4, 9, False),
])
def test_majority_of_the_whole_panel(pass_votes, panel, passed):
    assert passes(pass_votes, panel) is passed


def test_remote_case_is_decided_when_the_last_opinion_is_in(board, flow, enterprise, experts):
    case = flow.vote(flow.received(enterprise), ["pass", "pass", "fail", "fail"])
    assert case.state == "material_sent"
    seat = flow.seats(case)[4]
    with board_scope(board):
        services.submit_opinion(seat, data=form_data(case), signed_form=png_upload(), actor=seat.expert.user)
    case = flow.reload(case)
    assert (case.state, case.passed) == ("decided", True)
    assert case.votes == {"pass": 3, "fail": 2, "abstain": 0, "none": 0, "panel": 5}
    with board_scope(board):
        entry = EvidenceEntry.objects.get(action="reviews.case.decided")
        assert entry.actor is None and entry.payload["effects"] == ["innovation_recognition"]
        qualification = Qualification.objects.get(enterprise=enterprise)
        assert qualification.kind == "innovative_enterprise"
        assert qualification.source == f"reviews.case:{case.pk}"


def test_two_two_one_with_an_abstention_does_not_pass(board, flow, enterprise, experts):
    case = flow.vote(flow.received(enterprise), ["pass", "pass", "fail", "fail", "abstain"])
    assert (case.state, case.passed) == ("decided", False)
    assert case.votes["abstain"] == 1
    with board_scope(board):
        assert not Qualification.objects.exists()


def test_four_of_six_passes_a_premium_meeting_and_grants_the_permit(nmg_board, flow, enterprise):
    committee(nmg_board, 8)
    case = flow.met(enterprise, "premium", panel_size=6)
    case = flow.vote(case, ["pass", "pass", "pass", "pass", "fail", "fail"])
    assert case.state == "meeting_held"  # a meeting case waits for staff to announce it
    with board_scope(nmg_board):
        services.decide_case(case, actor=flow.staff)
        case = flow.reload(case)
        assert (case.passed, case.votes["pass"], case.votes["panel"]) == (True, 4, 6)
        permit = TierEntryPermit.objects.get(enterprise=enterprise)
        assert (permit.tier, permit.review_kind) == ("premium", "premium")
        assert permit.source == f"reviews.case:{case.pk}"


def test_three_of_six_does_not_pass(nmg_board, flow, enterprise):
    committee(nmg_board, 8)
    case = flow.vote(flow.met(enterprise, "premium", panel_size=6), ["pass"] * 3 + ["fail"] * 3)
    with board_scope(nmg_board):
        services.decide_case(case, actor=flow.staff)
        assert flow.reload(case).passed is False and not TierEntryPermit.objects.exists()


def test_absent_experts_count_against_passing(nmg_board, flow, enterprise):
    """3 of the 5 present vote for: a majority of those present, not of the panel of 6."""
    committee(nmg_board, 8)
    case = flow.vote(flow.met(enterprise, "premium", panel_size=6, absent=1), ["pass"] * 3 + ["fail"] * 2)
    absent = flow.seats(case)[5]
    with board_scope(nmg_board):
        assert absent.attended is False
        with pytest.raises(Conflict, match="评审意见应在评审会召开后由出席专家提交"):
            services.submit_opinion(absent, data=form_data(case), signed_form=png_upload(),
                                    actor=absent.expert.user)
        services.decide_case(case, actor=flow.staff)
    case = flow.reload(case)
    assert case.passed is False and case.votes == {"pass": 3, "fail": 2, "abstain": 0, "none": 1, "panel": 6}


def test_listing_reserve_pass_adds_to_the_reserve_and_allows_the_listing_tier(nmg_board, flow, enterprise):
    committee(nmg_board, 6)
    committee(nmg_board, 1, field="listing")
    case = flow.vote(flow.met(enterprise, "listing_reserve"), ["pass"] * 3 + ["fail"] * 2)
    with board_scope(nmg_board):
        services.decide_case(case, actor=flow.staff)
        assert Qualification.objects.get(enterprise=enterprise).kind == "listing_reserve"
        permit = TierEntryPermit.objects.get(enterprise=enterprise)
        assert (permit.tier, permit.review_kind) == ("listing", "listing_reserve")


def test_without_a_listing_tier_the_reserve_is_the_only_effect(board, flow, enterprise):
    """A board whose tier scheme has no such tier (the default guideline scheme) gets no permit."""
    committee(board, 6)
    committee(board, 1, field="listing")
    case = flow.vote(flow.met(enterprise, "listing_reserve"), ["pass"] * 5)
    with board_scope(board):
        services.decide_case(case, actor=flow.staff)
        assert Qualification.objects.get(enterprise=enterprise).kind == "listing_reserve"
        assert not TierEntryPermit.objects.exists()
        decided = EvidenceEntry.objects.get(action="reviews.case.decided")
        assert decided.payload["effects"] == ["listing_reserve"]


def test_meeting_decision_waits_for_every_attending_opinion(nmg_board, flow, enterprise):
    committee(nmg_board, 6)
    case = flow.met(enterprise, "premium")
    case = flow.vote(case, ["pass"] * 4)
    with board_scope(nmg_board), pytest.raises(Conflict, match="尚未提交评审意见") as error:
        services.decide_case(case, actor=flow.staff)
    assert error.value.code == "opinions_pending"
    assert flow.reload(case).state == "meeting_held"


def test_a_vote_to_pass_below_the_pass_score_is_refused(board, flow, enterprise, experts):
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    with board_scope(board), pytest.raises(DomainError, match="评审表填写有误") as error:
        services.submit_opinion(seat, data=form_data(case, score=5, vote="pass"), signed_form=png_upload(),
                                actor=seat.expert.user)
    assert "总分 25 分低于通过分数线 60 分" in error.value.details["vote"][0]
    with board_scope(board), pytest.raises(DomainError, match="请上传签字后的评审表"):
        services.submit_opinion(seat, data=form_data(case), signed_form=None, actor=seat.expert.user)
    assert flow.seats(case)[0].state == "received"


def test_quality_challenge_is_recorded_and_announced_on_commit(board, flow, enterprise, experts, staff_user,
                                                               django_capture_on_commit_callbacks):
    firm = Institution.objects.create(code="CPA9", name="某会计师事务所", kind="accounting")
    serve(board, enterprise, firm, staff_user)
    committee(board, 5)  # the firm's link excludes nobody; plenty of experts
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    quality_challenge_raised.connect(receiver)
    try:
        data = form_data(case, vote="fail", score=5, challenge_institution=str(firm.pk),
                         challenge_text="审计报告收入确认依据不足，不具备专业胜任能力。")
        with board_scope(board), django_capture_on_commit_callbacks(execute=True):
            services.submit_opinion(seat, data=data, signed_form=png_upload(), actor=seat.expert.user)
            assert received == []  # not before commit
    finally:
        quality_challenge_raised.disconnect(receiver)
    with board_scope(board):
        challenge = QualityChallenge.objects.get()
    assert (challenge.institution, challenge.expert_id, challenge.case_id) == (firm, seat.expert_id, case.pk)
    assert "不具备专业胜任能力" in challenge.text
    assert received == [{"challenge_id": challenge.pk, "board_id": board.pk, "case_id": case.pk,
                         "institution_id": firm.pk, "expert_id": seat.expert_id,
                         "source": f"reviews.qualitychallenge:{challenge.pk}", "grounds": challenge.text,
                         "signal": quality_challenge_raised}]


def test_only_institutions_on_file_can_be_challenged(board, flow, enterprise, experts):
    stranger = Institution.objects.create(code="X1", name="无关律所", kind="law")
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    data = form_data(case, vote="fail", score=5, challenge_institution=str(stranger.pk),
                     challenge_text="不专业")
    with board_scope(board), pytest.raises(DomainError) as error:
        services.submit_opinion(seat, data=data, signed_form=png_upload(), actor=seat.expert.user)
    assert "challenge_institution" in error.value.details
