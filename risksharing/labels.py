"""Chinese labels of risk sharing's codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {
    "risksharing.case": "风险分担项目", "risksharing.enterprise": "企业", "risksharing.fund": "代偿资金池",
    "risksharing.funder": "资金方", "risksharing.loan": "贷款", "risksharing.loss": "损失分担",
    "risksharing.meeting": "立项会", "risksharing.npl": "不良贷款", "risksharing.prescreen": "预审",
    "risksharing.terms": "合同要素", "risksharing": "风险分担",
}

LABELS = {
    # deadlines
    "risksharing.approval": "风险分担审批", "risksharing.enhancer_view": "增信机构意见期限",
    "risksharing.enterprise_answer": "企业答复期限", "risksharing.funder_answer": "资金方答复期限",
    # notifications
    "risksharing.recommended": "推荐函已出具", "risksharing.sent_to_funder": "已推送资金方",
    "risksharing.defaulted": "贷款违约", "risksharing.feedback": "风险分担反馈",
    "risksharing.fund_low": "代偿资金池余额不足", "risksharing.funder_answered": "资金方已答复",
    "risksharing.guarantee_intent": "增信意向", "risksharing.improvement_advised": "改进建议",
    "risksharing.no_intent": "无增信意向", "risksharing.signed": "合同已签订",
    "risksharing.recommendation": "推荐函", "risksharing.guarantee": "担保报备",
    "risksharing.quarterly_report": "季度报告",
    # evidence actions whose last part is not a plain verb
    "risksharing.case.improvement_advised": "风险分担项目：提出改进建议",
    "risksharing.case.sent_to_funders": "风险分担项目：推送资金方",
    "risksharing.meeting.view_recorded": "立项会：记录意见",
    "risksharing.prescreen.input_added": "预审：添加专业机构意见",
    "risksharing.fund.low_balance_alert": "代偿资金池：余额预警",
    "risksharing.fund.shortfall": "代偿资金池：余额不足",
}
