"""Both modes from pre-screening to the end of the loan, through every service, with the clocks,
letters, evidence and money they leave behind."""

import datetime as dt

import time_machine

from boards.kernel import evidence
from boards.kernel.models import Deadline, EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CaseState, FundEntry, LossPart, RequestState
from tests.support.risksharing import START, D, case_filings


def _actions(board, case):
    with board_scope(board):
        return list(EvidenceEntry.objects.filter(payload__case=case.pk).order_by("id")
                    .values_list("action", flat=True))


def test_mode_1_productivity_centre_to_loss_paid_by_the_fund(board, flow, parties, enterprise,
                                                            enterprise_user, fund):
    case = flow.agreed(enterprise, "1")
    assert case.recommendation_letter is not None
    with board_scope(board):
        view = case.enhancer_views.select_related("deadline").get()
        assert view.institution == parties["NMPC"] and view.intent and view.letter is not None
        # The enhancer's user was reminded, 5 working days from the letter; it answered in time.
        assert (view.deadline.assignee, view.deadline.state) == (parties.users["NMPC"], "met")
        assert view.deadline.due_at.date() == dt.date(2026, 3, 9)
    request = flow.request(case)
    assert request.state == RequestState.AGREED and request.feedback_deadline.state == "open"
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=2), tick=False):
        services.send_feedback(request, text="内蒙古银行已出具融资意向函。", actor=flow.staff)
        assert Notification.objects.filter(user=enterprise_user, verb="risksharing.feedback").exists()
    assert flow.reload(request).feedback_deadline.state == "met"
    with board_scope(board):
        services.approve_terms(flow.propose(case), actor=flow.checker)
    case = flow.reload(case)
    assert case.state == CaseState.CONTRACTED and case.contract.checked_by == flow.checker
    with board_scope(board):
        shares = {s.institution.code: (s.party, s.share) for s in case.contract.shares.all()}
        assert shares == {"NMPC": ("lead", D("70.00")), "IMB": ("funder", D("30.00"))}
        services.disburse(case, on=dt.date(2026, 4, 1), actor=flow.staff)
        services.record_repayment(case, amount=D("1000000"), on=dt.date(2026, 7, 1), actor=flow.staff)
        case = flow.reload(case)
        assert (case.state, case.outstanding) == (CaseState.DISBURSED, D("4000000.00"))
        services.declare_default(case, on=dt.date(2026, 9, 1), actor=flow.staff)
    allocation = flow.allocated(flow.reload(case), D("1000000.01"))
    case = flow.reload(case)
    assert case.state == CaseState.LOSS_ALLOCATED and case.allocation == allocation
    with board_scope(board):
        parts = {p.institution.code: (p.amount, p.fund_paid, p.unfunded) for p in LossPart.objects.all()}
        assert parts == {"NMPC": (D("700000.01"), D("700000.01"), D("0.00")),
                         "IMB": (D("300000.00"), D("0.00"), D("0.00"))}
        assert flow.reload(fund).balance == D("1299999.99")
        assert list(FundEntry.objects.values_list("kind", "amount", "balance_after")) == [
            ("deposit", D("2000000.00"), D("2000000.00")), ("payout", D("700000.01"), D("1299999.99"))]
        services.transfer_npl(case, transferee=parties["NMAMC"], on=dt.date(2026, 10, 20), price=D("500000"),
                              actor=flow.staff)
        assert flow.reload(case).state == CaseState.NPL_TRANSFERRED
        assert evidence.verify_chain(board)[0]
        # Every clock the case opened is finished.
        assert not Deadline.objects.filter(kind__startswith="risksharing.", state="open").exists()
    assert _actions(board, case) == [
        "risksharing.case.opened", "risksharing.prescreen.input_added", "risksharing.case.recommended",
        "risksharing.meeting.view_recorded", "risksharing.case.sent_to_funders",
        "risksharing.funder.answered",
        "risksharing.enterprise.answered", "risksharing.terms.proposed", "risksharing.terms.approved",
        "risksharing.loan.disbursed", "risksharing.loan.repaid", "risksharing.loan.defaulted",
        "risksharing.loss.proposed", "risksharing.fund.paid", "risksharing.loss.allocated",
        "risksharing.npl.transferred"]
    kinds = [f.kind for kind in ("recommendation", "guarantee", "feedback")
             for f in case_filings(board, case, kind)]
    assert kinds == ["risksharing.recommendation", "risksharing.guarantee", "risksharing.feedback"]


def test_mode_2_joint_guarantee_led_by_the_reguarantee_company_to_repayment(board, flow, parties, enterprise):
    case = flow.sent(enterprise, "2", funders=("IMB", "BOC"))
    assert case.state == CaseState.WITH_FUNDERS
    assert len(case_filings(board, case, "guarantee")) == 2
    with board_scope(board):
        services.answer_request(flow.request(case, "BOC"), intent=False, reasons="授信集中度已达上限。",
                                actor=parties.users["BOC"])
        services.answer_request(flow.request(case, "IMB"), intent=True, actor=parties.users["IMB"])
    terms = flow.propose(case, {"NMZDB": D("60"), "NMGUAR": D("40"), "IMB": D("0")},
                         advantage="approval_time",
                         advantage_note="再担保牵头，银行审批时限压缩至 5 个工作日。")
    with board_scope(board):
        services.approve_terms(terms, actor=flow.checker)
        case = flow.reload(case)
        parties_by_role = {s.institution.code: s.party for s in case.contract.shares.all()}
        assert parties_by_role == {"NMZDB": "lead", "NMGUAR": "co_guarantor", "IMB": "funder"}
        services.disburse(case, on=dt.date(2026, 4, 1), actor=flow.staff)
        services.record_repayment(case, amount=D("5000000"), on=dt.date(2027, 3, 31), actor=flow.staff)
        case = flow.reload(case)
    assert (case.state, case.outstanding) == (CaseState.REPAID, D("0.00"))
    assert case.repaid_on == dt.date(2027, 3, 31)
    assert flow.reload(flow.request(case, "BOC")).reasons == "授信集中度已达上限。"
