"""The evidence actions of the alliance (membership, matchmaking, meetings, service institutions):
every action this app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class AllianceAction(EvidenceAction):
    ASSESSMENT_CONFIRMED = "alliance.assessment.confirmed", "年度考核：确认"
    ASSESSMENT_PROPOSED = "alliance.assessment.proposed", "年度考核：提出"
    BLACKLISTRECORD_SAVED = "alliance.blacklistrecord.saved", "科创服务联盟：保存"
    EXIT_CASE_ANSWERED = "alliance.exit_case.answered", "退出程序：答复"
    EXIT_CASE_DISMISSED = "alliance.exit_case.dismissed", "退出程序：驳回"
    EXIT_CASE_NOT_MEMBER = "alliance.exit_case.not_member", "退出程序：非联盟成员"
    EXIT_CASE_NOTIFIED = "alliance.exit_case.notified", "退出程序：通知"
    EXIT_CASE_OPENED = "alliance.exit_case.opened", "退出程序：创建"
    EXIT_CASE_REVOKED = "alliance.exit_case.revoked", "退出程序：撤回"
    INSTITUTIONQUALIFICATION_SAVED = "alliance.institutionqualification.saved", "科创服务联盟：保存"
    MATCHMAKING_CASE_MARKED = "alliance.matchmaking.case_marked", "融资对接：标记结果"
    MATCHMAKING_DEEP_ENGAGEMENT = "alliance.matchmaking.deep_engagement", "融资对接：深度对接"
    MATCHMAKING_DUE_DILIGENCE = "alliance.matchmaking.due_diligence", "融资对接：尽职调查"
    MATCHMAKING_FAILED = "alliance.matchmaking.failed", "融资对接：失败"
    MATCHMAKING_FINANCED = "alliance.matchmaking.financed", "融资对接：已融资"
    MATCHMAKING_INTERESTED = "alliance.matchmaking.interested", "融资对接：有意向"
    MATCHMAKING_NOT_INTERESTED = "alliance.matchmaking.not_interested", "融资对接：无意向"
    MATCHMAKING_OPENED_AT_ROADSHOW = (
        "alliance.matchmaking.opened_at_roadshow", "融资对接：路演意向生成对接项目")
    MATCHMAKING_PUSHED = "alliance.matchmaking.pushed", "融资对接：推送"
    MATCHMAKING_VALUE_REPORT_DELIVERED = (
        "alliance.matchmaking.value_report_delivered", "融资对接：送达价值报告")
    MATCHMAKING_VALUE_REPORT_REQUESTED = (
        "alliance.matchmaking.value_report_requested", "融资对接：请求价值报告")
    MEETING_AGENDA_SET = "alliance.meeting.agenda_set", "联盟会议：确定议程"
    MEETING_CANCELLED = "alliance.meeting.cancelled", "联盟会议：取消"
    MEETING_HELD = "alliance.meeting.held", "联盟会议：召开"
    MEETING_PLANNED = "alliance.meeting.planned", "联盟会议：安排"
    MEMBERSHIP_ADMITTED = "alliance.membership.admitted", "联盟成员：准入"
    MEMBERSHIP_APPLIED = "alliance.membership.applied", "联盟成员：申请"
    MEMBERSHIP_CHECKED = "alliance.membership.checked", "联盟成员：初核"
    MEMBERSHIP_REFUSED = "alliance.membership.refused", "联盟成员：不予接纳"
    MEMBERSHIP_REINSTATED = "alliance.membership.reinstated", "联盟成员：恢复"
    MEMBERSHIP_REVOKED = "alliance.membership.revoked", "联盟成员：撤回"
    MEMBERSHIP_SUSPENDED = "alliance.membership.suspended", "联盟成员：暂停"
    MEMBERSHIP_WITHDRAWN = "alliance.membership.withdrawn", "联盟成员：撤回"
    NEED_CLOSED = "alliance.need.closed", "融资需求：关闭"
    NEED_DECLINED = "alliance.need.declined", "融资需求：谢绝"
    NEED_POSTED = "alliance.need.posted", "融资需求：发布"
    NEED_WHITELISTED = "alliance.need.whitelisted", "融资需求：列入白名单"
    PERFORMANCE_FORM_SUBMITTED = "alliance.performance_form.submitted", "履职情况表：提交"
    PRODUCT_CREATED = "alliance.product.created", "金融产品：创建"
    PRODUCT_DELETED = "alliance.product.deleted", "金融产品：删除"
    PRODUCT_UPDATED = "alliance.product.updated", "金融产品：修改"
    PROFILE_SAVED = "alliance.profile.saved", "机构画像：保存"
    PROGRESS_REPORT_SUBMITTED = "alliance.progress_report.submitted", "进展报告：提交"
    RECOMMENDATION_CREATED = "alliance.recommendation.created", "机构推荐：创建"
    REPORT_BUILT = "alliance.report.built", "联盟报告：生成"
    REPORT_FAILED = "alliance.report.failed", "联盟报告：失败"
    REPORT_REQUESTED = "alliance.report.requested", "联盟报告：请求"
    SERVICE_APPLICATION_CHECKED = "alliance.service_application.checked", "科创服务联盟：初核"
    SERVICE_APPLICATION_SCORED = "alliance.service_application.scored", "科创服务联盟：专家评分"
    SERVICE_APPLICATION_SITE_VISITED = "alliance.service_application.site_visited", "科创服务联盟：实地考察"
    SERVICE_APPLICATION_SUBMITTED = "alliance.service_application.submitted", "科创服务联盟：提交"
    SERVICE_INSTITUTION_APPOINTED = "alliance.service_institution.appointed", "服务机构：聘任"
    SERVICE_INSTITUTION_FEE_ATTESTED = "alliance.service_institution.fee_attested", "服务机构：出具服务费证明"
    SERVICE_INSTITUTION_REMOVED = "alliance.service_institution.removed", "服务机构：除名"
    SERVICE_ROUND_CLOSED = "alliance.service_round.closed", "服务机构遴选：关闭"
    SERVICE_ROUND_CREATED = "alliance.service_round.created", "服务机构遴选：创建"
    SERVICE_ROUND_DECIDED = "alliance.service_round.decided", "服务机构遴选：作出决定"
    SERVICE_ROUND_FILED = "alliance.service_round.filed", "服务机构遴选：报送"
    SERVICE_ROUND_PUBLICITY_STARTED = "alliance.service_round.publicity_started", "服务机构遴选：开始公示"
    SERVICE_ROUND_PUBLISHED = "alliance.service_round.published", "服务机构遴选：发布"
