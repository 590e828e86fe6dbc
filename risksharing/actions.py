"""The evidence actions of risk sharing: every action this app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class RiskAction(EvidenceAction):
    CASE_CLOSED = "risksharing.case.closed", "风险分担项目：关闭"
    CASE_IMPROVEMENT_ADVISED = "risksharing.case.improvement_advised", "风险分担项目：提出改进建议"
    CASE_OPENED = "risksharing.case.opened", "风险分担项目：创建"
    CASE_RECOMMENDED = "risksharing.case.recommended", "风险分担项目：推荐"
    CASE_SENT_TO_FUNDERS = "risksharing.case.sent_to_funders", "风险分担项目：推送资金方"
    ENTERPRISE_ANSWERED = "risksharing.enterprise.answered", "企业：答复"
    FUND_DEPOSITED = "risksharing.fund.deposited", "代偿资金池：存入"
    FUND_PAID = "risksharing.fund.paid", "代偿资金池：支付"
    FUND_SHORTFALL = "risksharing.fund.shortfall", "代偿资金池：余额不足"
    FUNDER_ANSWERED = "risksharing.funder.answered", "资金方：答复"
    FUNDER_LAPSED = "risksharing.funder.lapsed", "资金方：逾期"
    LOAN_DEFAULTED = "risksharing.loan.defaulted", "贷款：违约"
    LOAN_DISBURSED = "risksharing.loan.disbursed", "贷款：放款"
    LOAN_REPAID = "risksharing.loan.repaid", "贷款：还款"
    LOSS_ALLOCATED = "risksharing.loss.allocated", "损失分担：分配"
    LOSS_PROPOSED = "risksharing.loss.proposed", "损失分担：提出"
    LOSS_REJECTED = "risksharing.loss.rejected", "损失分担：退回"
    MEETING_VIEW_RECORDED = "risksharing.meeting.view_recorded", "立项会：记录意见"
    NPL_TRANSFERRED = "risksharing.npl.transferred", "不良贷款：转让"
    PRESCREEN_INPUT_ADDED = "risksharing.prescreen.input_added", "预审：添加专业机构意见"
    TERMS_APPROVED = "risksharing.terms.approved", "合同要素：批准"
    TERMS_PROPOSED = "risksharing.terms.proposed", "合同要素：提出"
    TERMS_REJECTED = "risksharing.terms.rejected", "合同要素：退回"
