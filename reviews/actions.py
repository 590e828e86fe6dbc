"""The evidence actions of expert reviews: every action this app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class ReviewAction(EvidenceAction):
    CASE_ARCHIVED = "reviews.case.archived", "评审案件：归档"
    CASE_DECIDED = "reviews.case.decided", "评审案件：作出决定"
    CASE_FILED = "reviews.case.filed", "评审案件：报送"
    CASE_OPENED = "reviews.case.opened", "评审案件：创建"
    EXPERTS_REMINDED = "reviews.experts.reminded", "评审专家：一键提醒"
    FEEDBACK_RENDERED = "reviews.feedback.rendered", "书面反馈：生成"
    FEEDBACK_SENT = "reviews.feedback.sent", "书面反馈：发出"
    MATERIAL_ADDED = "reviews.material.added", "评审材料：添加"
    MATERIAL_DOWNLOADED = "reviews.material.downloaded", "评审材料：下载"
    MATERIAL_SENT = "reviews.material.sent", "评审材料：发出"
    MEETING_HELD = "reviews.meeting.held", "评审会：召开"
    MEETING_SCHEDULED = "reviews.meeting.scheduled", "评审会：安排"
    OPINION_SAVED = "reviews.opinion.saved", "评审意见：保存"
    OPINION_SUBMITTED = "reviews.opinion.submitted", "评审意见：提交"
    PANEL_DRAWN = "reviews.panel.drawn", "评审专家组：抽取"
    PANEL_REPLACED = "reviews.panel.replaced", "评审专家组：补抽"
    PANEL_REPLACEMENT_FAILED = "reviews.panel.replacement_failed", "评审专家组：补抽未成功"
    SEAT_DECLINED = "reviews.seat.declined", "评审专家：谢绝"
    SEAT_RECEIVED = "reviews.seat.received", "评审专家：签收"
    SEAT_SILENT = "reviews.seat.silent", "评审专家：逾期未确认"
    SUPPLEMENT_PROVIDED = "reviews.supplement.provided", "补充材料：提交"
    SUPPLEMENT_REQUESTED = "reviews.supplement.requested", "补充材料：请求"
