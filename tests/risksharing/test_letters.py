"""The letters, rendered by WeasyPrint and read back from their PDFs with pypdf."""

import datetime as dt

import pytest
import time_machine

from boards.enterprises.models import FinancialYear, Qualification
from boards.kernel.errors import DomainError
from boards.kernel.scoping import board_scope
from risksharing import services
from tests.support.risksharing import START, case_filings, pdf_text


def test_the_financing_recommendation_letter(board, flow, enterprise):
    with board_scope(board):
        FinancialYear.objects.create(board=board, enterprise=enterprise, year=2025, revenue="56000000",
                                     net_profit="4200000", rd_expense="3100000")
        Qualification.objects.create(board=board, enterprise=enterprise, kind="high_tech")
    case = flow.recommended(enterprise, "2")
    text = pdf_text(board, case.recommendation_letter)
    for expected in ("融资推荐函（包头稀土新材料科技有限公司）",
                     "内蒙古再担保有限公司、内蒙古中小企业融资担保有限公司：", "拟融资500 万元",
                     "模式二：再担保牵头联合担保", enterprise.credit_code, "高新技术企业",
                     "营业收入 5600 万元",
                     "内蒙古正信会计师事务所有限责任公司", "研发费用归集规范", "经营稳健，建议提交立项会",
                     "抄送：金融办", case.recommendation_letter.number):
        assert expected in text.replace(" \n", "").replace("\n", ""), expected


def test_the_guarantee_recommendation_letter_is_signed_by_the_enhancer(board, flow, parties, enterprise):
    case = flow.recommended(enterprise, "1")
    with board_scope(board), time_machine.travel(START, tick=False):
        view = services.record_enhancer_view(case, institution=parties["NMPC"], intent=True, actor=flow.staff,
                                             opinion="企业订单充足，同意提供担保。", guarantee_amount=4000000)
    text = pdf_text(board, view.letter).replace("\n", "")
    for expected in ("担保推荐函（内蒙古生产力促进中心有限公司 · 包头稀土新材料科技有限公司）",
                     "意向资金方：",
                     "具有初步担保意向", "拟担保金额：400 万元", "企业订单充足，同意提供担保",
                     "内蒙古生产力促进中心有限公司2026年3月2日"):
        assert expected in text, expected
    assert "测试股权交易中心" not in text  # signed by the enhancer, not the exchange


def test_the_feedback_letter_to_the_enterprise(board, flow, parties, enterprise):
    case = flow.sent(enterprise, "1")
    request = flow.request(case)
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=1), tick=False):
        services.answer_request(request, intent=False, reasons="抵押物不足。", actor=parties.users["IMB"])
        services.send_feedback(request, text="内蒙古银行暂不予融资，理由为抵押物不足；建议补充知识产权质押。",
                               actor=flow.staff)
    letter, = case_filings(board, case, "feedback")
    text = pdf_text(board, letter).replace("\n", "")
    for expected in ("融资项目反馈函", "包头稀土新材料科技有限公司：", "内蒙古银行股份有限公司：不予融资",
                     "资金方意见：内蒙古银行股份有限公司不予融资。理由：抵押物不足。",
                     "补充说明：内蒙古银行暂不予融资", "建议补充知识产权质押", "测试股权交易中心"):
        assert expected in text, expected


def test_a_refusal_goes_out_with_its_reasons_even_if_staff_write_otherwise(board, flow, parties, enterprise):
    """The letter states the funder's own decision; staff's words are only an addition."""
    case = flow.sent(enterprise, "1")
    request = flow.request(case)
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=1), tick=False):
        services.answer_request(request, intent=False, reasons="该行业授信集中度已达上限。",
                                actor=parties.users["IMB"])
        request = services.send_feedback(request, text="已出具意向函，请按约定准备材料。", actor=flow.staff)
    assert request.feedback.startswith("内蒙古银行股份有限公司不予融资。理由：该行业授信集中度已达上限。")
    letter, = case_filings(board, case, "feedback")
    text = pdf_text(board, letter).replace("\n", "")
    assert "资金方意见：内蒙古银行股份有限公司不予融资。理由：该行业授信集中度已达上限。" in text


def test_an_agreement_is_stated_with_amount_and_conditions_and_needs_no_staff_text(
        board, flow, parties, enterprise):
    case = flow.sent(enterprise, "1")
    request = flow.request(case)
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=1), tick=False):
        services.answer_request(request, intent=True, amount="3000000", conditions="年利率不高于 3.65%",
                                actor=parties.users["IMB"])
        request = services.send_feedback(request, actor=flow.staff)
    assert request.feedback == ("内蒙古银行股份有限公司同意融资，意向金额 300 万元；"
                                "融资条件：年利率不高于 3.65%。")


def test_a_refusal_without_reasons_on_file_cannot_be_answered(board, flow, parties, enterprise):
    case = flow.sent(enterprise, "1")
    request = flow.request(case)
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=1), tick=False):
        services.answer_request(request, intent=False, reasons="抵押物不足。", actor=parties.users["IMB"])
        type(request).objects.filter(pk=request.pk).update(reasons="")  # a row from before the rule
        with pytest.raises(DomainError, match="不予融资但没有说明理由，不能答复企业"):
            services.send_feedback(request, text="暂不予融资。", actor=flow.staff)
        request.refresh_from_db()
    assert request.feedback_letter_id is None
