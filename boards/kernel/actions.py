"""The evidence actions of the kernel's own (filings, invitations, API keys, second factor): every
action this app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class KernelAction(EvidenceAction):
    SECOND_FACTOR_RESET = "accounts.second_factor.reset", "动态口令：重置"
    API_KEY_CREATED = "boards.api_key.created", "API 密钥：创建"
    API_KEY_REVOKED = "boards.api_key.revoked", "API 密钥：撤回"
    FILING_CREATED = "boards.filing.created", "报送文件：创建"
    FILING_FAILED = "boards.filing.failed", "报送文件：失败"
    FILING_RENDERED = "boards.filing.rendered", "报送文件：生成"
    INVITATION_ACCEPTED = "boards.invitation.accepted", "角色邀请：接受"
    INVITATION_DECLINED = "boards.invitation.declined", "角色邀请：谢绝"
    INVITATION_SENT = "boards.invitation.sent", "角色邀请：发出"
    # Written by the evidence bench (scripts/bench/evidence.py, `make bench`) on a board of its own.
    BENCH_APPENDED = "bench.evidence.appended", "基准测试：写入"
