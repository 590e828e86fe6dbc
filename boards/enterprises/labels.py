"""Chinese labels of the enterprise domain's codes (deadline kinds, notification types,
evidence actions, filing kinds), registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {
    "boards.enterprise": "企业", "boards.application": "入板申请", "boards.campaign": "入板征集",
    "boards.tier_plan": "分层方案", "boards.objection": "公示异议", "boards.retier": "年度分层复核",
    "boards.custody": "登记托管", "boards.disclosure": "信息披露", "boards.consent": "数据授权",
    "boards.import": "批量导入", "admission": "入板申报", "boards.incentive": "股权激励",
}

LABELS = {
    # equity incentives
    "boards.incentive.disclosed": "股权激励计划定向披露", "boards.incentive.grant_notice": "股权激励授予通知",
    # deadlines
    "admission.bureau_submission": "地方主管部门报送期限",
    "admission.exchange_check": "交易中心初核期限",
    "boards.custody.confirmation": "股权确权达标期限",
    "boards.disclosure.periodic": "定期信息披露期限",
    # notifications
    "admission.submitted": "入板申请待报送", "admission.forwarded": "入板申请已报送",
    "admission.resubmitted": "补充材料已提交", "admission.returned": "退回补充材料",
    "admission.eligible": "初核：符合条件", "admission.ineligible": "初核：不符合条件",
    "admission.plan_submitted": "分层方案待审定", "admission.plan_approved": "分层方案已审定",
    "admission.plan_rejected": "分层方案被退回", "admission.publicity": "入板名单公示",
    "admission.objection": "公示异议", "admission.held_back": "暂缓入板", "admission.admitted": "已入板",
    # evidence actions whose last part is not a plain verb
    "boards.application.check_started": "入板申请：开始初核",
    "boards.application.eligible": "入板申请：认定符合条件",
    "boards.application.ineligible": "入板申请：认定不符合条件",
    "boards.application.forwarded": "入板申请：报送交易中心",
    "boards.application.held_back": "入板申请：暂缓入板",
    "boards.application.included_in_plan": "入板申请：纳入分层方案",
    "boards.application.material_added": "入板申请：补充材料",
    "boards.application.publicity_started": "入板申请：开始公示",
    "boards.application.supplement_requested": "入板申请：退回补充材料",
    "boards.tier_plan.publicity_started": "分层方案：开始公示",
    "boards.custody.register_opened": "登记托管：建立股东名册",
    "boards.custody.shares_confirmed": "登记托管：确权登记",
    "boards.custody.shares_transferred": "登记托管：股权转让",
    "boards.enterprise.listing_reserve_added": "企业：纳入上市后备",
    "boards.enterprise.recognised_innovative": "企业：认定创新型企业",
    "boards.enterprise.tier_admission": "企业：入板定层",
    "boards.enterprise.tier_promotion": "企业：升层", "boards.enterprise.tier_demotion": "企业：降层",
    "boards.enterprise.tier_removal": "企业：清退", "boards.enterprise.tier_confirmed": "企业：年度复核维持",
    "boards.enterprise.tier_permit_granted": "企业：取得层级准入许可",
    "boards.enterprise.financials_recorded": "企业：记录财务数据",
    "boards.enterprise.financing_recorded": "企业：记录融资事件",
    "boards.enterprise.qualification_added": "企业：添加资质",
    "boards.enterprise.service_recorded": "企业：记录走访服务",
    "boards.enterprise.read_by_institution": "企业：机构查阅",
    "boards.retier.proposal_decided": "年度分层复核：确认建议",
    "boards.retier.run_confirmed": "年度分层复核：确认结果",
    # filings
    "boards.application_form": "入板申请表", "boards.tier_plan": "分层方案报备",
    "boards.publicity_list": "入板名单公示",
}
