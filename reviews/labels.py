"""Chinese labels of the reviews' codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {
    "reviews.case": "评审案件", "reviews.panel": "评审专家组", "reviews.seat": "评审专家",
    "reviews.material": "评审材料", "reviews.meeting": "评审会", "reviews.opinion": "评审意见",
    "reviews.feedback": "书面反馈", "reviews.supplement": "补充材料", "reviews.experts": "评审专家",
    "reviews": "专家评审",
}

LABELS = {
    "reviews.receipt": "专家签收期限", "reviews.review": "专家评审期限",
    "reviews.assigned": "评审任务分配", "reviews.decided": "评审结论", "reviews.meeting": "评审会通知",
    "reviews.opinion_due": "评审意见待提交", "reviews.reminder": "评审提醒",
    "reviews.material_added": "评审材料更新", "reviews.supplement_requested": "专家要求补充材料",
    "reviews.supplement_provided": "补充材料已提供", "reviews.replacement_failed": "补抽专家未成功",
    "reviews.panel.replacement_failed": "评审专家组：补抽未成功",
    "reviews.material.downloaded": "评审材料：下载", "reviews.seat.silent": "评审专家：逾期未确认",
    "reviews.experts.reminded": "评审专家：一键提醒",
    "reviews.result": "评审结果报备", "reviews.signed_form": "签字评审表",
}
