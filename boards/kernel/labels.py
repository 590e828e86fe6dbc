"""Chinese labels of the dotted codes the apps store: deadline kinds (``Deadline.kind``),
notification types (``Notification.verb``) and evidence actions (``EvidenceEntry.action``).

Each app registers its own codes in its ``AppConfig.ready`` (the kernel names none of them);
pages and the admin show ``code_label(code)``, never the code. An evidence action without a
label of its own is named from its registered subject prefix and its last part
(``reviews.case.decided`` → 评审案件：作出结论).
"""

_LABELS: dict[str, str] = {}
# The kernel's own subjects (filings, invitations, memberships); apps register theirs.
_SUBJECTS: dict[str, str] = {"boards.filing": "报送文件", "boards.invitation": "角色邀请",
                             "boards.membership": "角色", "boards.api_key": "API 密钥"}

# The last part of an evidence action, for actions named from their subject.
_VERBS = {
    "opened": "创建", "created": "创建", "saved": "保存", "updated": "修改", "deleted": "删除",
    "closed": "关闭", "submitted": "提交", "approved": "批准", "rejected": "退回", "decided": "作出决定",
    "confirmed": "确认", "proposed": "提出", "answered": "答复", "notified": "通知", "filed": "报送",
    "archived": "归档", "published": "发布", "granted": "授予", "revoked": "撤回", "read": "查阅",
    "sent": "发出", "accepted": "接受", "declined": "谢绝", "checked": "初核", "applied": "申请",
    "admitted": "准入", "raised": "提出", "cancelled": "取消", "planned": "安排", "posted": "发布",
    "recorded": "记录", "rendered": "生成", "failed": "失败", "requested": "请求", "delivered": "送达",
    "built": "生成", "loaded": "载入", "declared": "申报", "recommended": "推荐", "disbursed": "放款",
    "repaid": "还款", "defaulted": "违约", "transferred": "转让", "allocated": "分配", "lapsed": "逾期",
    "committed": "导入", "drawn": "抽取", "received": "签收", "withdrawn": "撤回", "reopened": "重新开放",
    "verified": "核验", "deposited": "存入", "paid": "支付", "held": "召开", "scheduled": "安排",
    "replaced": "补抽", "added": "添加", "pushed": "推送", "run_started": "启动",
}


def register_labels(labels: dict[str, str]) -> None:
    """Register the Chinese label of each exact code."""
    _LABELS.update(labels)


def register_subjects(subjects: dict[str, str]) -> None:
    """Register what a code prefix names (``"reviews.case": "评审案件"``)."""
    _SUBJECTS.update(subjects)


def code_label(code: str) -> str:
    """The Chinese label of ``code``: its own, or its subject's with its verb, else the code."""
    if not code:
        return ""
    if code in _LABELS:
        return _LABELS[code]
    base, colon, detail = code.partition(":")  # "boards.disclosure.periodic:2026H1"
    if colon and base in _LABELS:
        return f"{_LABELS[base]}（{detail}）"
    prefix, _, verb = code.rpartition(".")
    while prefix:
        if prefix in _SUBJECTS:
            return f"{_SUBJECTS[prefix]}：{_VERBS.get(verb, _LABELS.get(verb, verb))}"
        prefix = prefix.rpartition(".")[0]
    return code


def is_labelled(code: str) -> bool:
    """Whether ``code`` reads in Chinese (no Latin letters left in its label)."""
    label = code_label(code.partition(":")[0])
    return label != code.partition(":")[0] and not any("a" <= ch.lower() <= "z" for ch in label)
