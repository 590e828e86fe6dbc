"""The evidence actions of roadshows: every action this app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class RoadshowAction(EvidenceAction):
    INVITATION_CONFIRMED = "roadshows.invitation.confirmed", "路演：机构确认出席"
    INVITATION_DECLINED = "roadshows.invitation.declined", "路演：机构谢绝"
    INVITATION_SENT = "roadshows.invitation.sent", "路演：邀请投资机构"
    OUTCOME_RECORDED = "roadshows.outcome.recorded", "路演：登记对接意向"
    ROADSHOW_CANCELLED = "roadshows.roadshow.cancelled", "路演：取消"
    ROADSHOW_CLOSED = "roadshows.roadshow.closed", "路演：确定名单"
    ROADSHOW_CREATED = "roadshows.roadshow.created", "路演：发起"
    ROADSHOW_HELD = "roadshows.roadshow.held", "路演：登记举办情况"
    ROADSHOW_REMINDED = "roadshows.roadshow.reminded", "路演：发送提醒"
    SIGNUP_ACCEPTED = "roadshows.signup.accepted", "路演：接受报名"
    SIGNUP_DECLINED = "roadshows.signup.declined", "路演：不予接受"
    SIGNUP_SUBMITTED = "roadshows.signup.submitted", "路演：企业报名"
