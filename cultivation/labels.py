"""Chinese labels of the cultivation app's codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {"cultivation.listing": "上市培育", "cultivation.visit": "调研走访",
            "cultivation.followup": "走访跟进事项", "cultivation.report": "专板运行情况报告",
            "cultivation.survey": "满意度调查",
            "cultivation": "上市培育与运行评价"}

LABELS = {
    "cultivation.listing": "上市培育进展",
    "cultivation.listing.enrolled": "上市培育：纳入培育",
    "cultivation.listing.advanced": "上市培育：登记培育节点",
    "cultivation.listing.firm_assigned": "上市培育：确定服务券商",
    "cultivation.listing.withdrawn": "上市培育：终止培育",
    "cultivation.visit": "调研走访安排",
    "cultivation.visit_followup": "走访跟进事项期限",
    "cultivation.visit.recorded": "调研走访：登记走访情况",
    "cultivation.followup.completed": "走访跟进事项：办结",
    "cultivation.operation_report": "专板运行情况报告",
    "cultivation.survey": "服务满意度评价邀请",
    "cultivation.report_due": "专板运行情况报送期限",
    "cultivation.survey.opened": "满意度调查：发出",
    "cultivation.survey.answered": "满意度调查：评价",
}
