"""The evidence actions of cultivation (surveys, visits, listing paths, reports): every action this
app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class CultivationAction(EvidenceAction):
    FOLLOWUP_COMPLETED = "cultivation.followup.completed", "走访跟进事项：办结"
    LISTING_ADVANCED = "cultivation.listing.advanced", "上市培育：登记培育节点"
    LISTING_ENROLLED = "cultivation.listing.enrolled", "上市培育：纳入培育"
    LISTING_FIRM_ASSIGNED = "cultivation.listing.firm_assigned", "上市培育：确定服务券商"
    LISTING_WITHDRAWN = "cultivation.listing.withdrawn", "上市培育：终止培育"
    REPORT_FILED = "cultivation.report.filed", "专板运行情况报告：报送"
    SURVEY_ANSWERED = "cultivation.survey.answered", "满意度调查：评价"
    SURVEY_OPENED = "cultivation.survey.opened", "满意度调查：发出"
    VISIT_CANCELLED = "cultivation.visit.cancelled", "调研走访：取消"
    VISIT_RECORDED = "cultivation.visit.recorded", "调研走访：登记走访情况"
    VISIT_SCHEDULED = "cultivation.visit.scheduled", "调研走访：安排"
