"""Chinese labels of the alliance's codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {
    "alliance.exit_case": "退出程序", "alliance.matchmaking": "融资对接", "alliance.meeting": "联盟会议",
    "alliance.membership": "联盟成员", "alliance.need": "融资需求", "alliance.product": "金融产品",
    "alliance.profile": "机构画像", "alliance.recommendation": "机构推荐", "alliance.report": "联盟报告",
    "alliance.assessment": "年度考核", "alliance.progress_report": "进展报告",
    "alliance.performance_form": "履职情况表", "alliance.service_round": "服务机构遴选",
    "alliance.service_institution": "服务机构", "alliance.serviceapplication": "服务机构申请",
    "alliance": "科创服务联盟",
}

LABELS = {
    "alliance.meeting": "联盟会议召开期限", "alliance.exit_answer": "退出程序答复期限",
    "alliance.annual_summary": "年度工作总结期限", "alliance.performance_form": "履职情况表报送期限",
    "alliance.progress_report": "进展报告报送期限", "alliance.value_report": "价值报告报送期限",
    "alliance.exit_case.not_member": "退出程序：非联盟成员",
    "alliance.exit_case.dismissed": "退出程序：驳回",
    "alliance.matchmaking.case_marked": "融资对接：标记结果",
    "alliance.matchmaking.opened_at_roadshow": "融资对接：路演意向生成对接项目",
    "alliance.matchmaking.value_report_requested": "融资对接：请求价值报告",
    "alliance.matchmaking.value_report_delivered": "融资对接：送达价值报告",
    "alliance.meeting.agenda_set": "联盟会议：确定议程",
    "alliance.service_institution.appointed": "服务机构：聘任",
}
