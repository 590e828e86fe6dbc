"""Chinese labels of the roadshows app's codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {
    "roadshows.roadshow": "路演活动",
    "roadshows.signup": "路演报名",
    "roadshows.invitation": "路演邀请",
    "roadshows.outcome": "路演成果",
    "roadshows": "路演",
}

LABELS = {
    "roadshows.roadshow.created": "路演：发起",
    "roadshows.roadshow.closed": "路演：确定名单",
    "roadshows.roadshow.held": "路演：登记举办情况",
    "roadshows.roadshow.cancelled": "路演：取消",
    "roadshows.roadshow.reminded": "路演：发送提醒",
    "roadshows.signup.submitted": "路演：企业报名",
    "roadshows.signup.accepted": "路演：接受报名",
    "roadshows.signup.declined": "路演：不予接受",
    "roadshows.invitation.sent": "路演：邀请投资机构",
    "roadshows.invitation.confirmed": "路演：机构确认出席",
    "roadshows.invitation.declined": "路演：机构谢绝",
    "roadshows.outcome.recorded": "路演：登记对接意向",
    "roadshows.signup": "路演报名通知",
    "roadshows.invitation": "路演邀请通知",
    "roadshows.reminder": "路演提醒",
    "roadshows.cancelled": "路演取消通知",
}
