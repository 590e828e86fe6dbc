"""The evidence actions of policies (awards, guarantee claims, the Ordos ledger): every action this
app records, declared once.

The values are stored in evidence entries and covered by their hashes: never change one.
"""

from boards.kernel.evidence import EvidenceAction


class PolicyAction(EvidenceAction):
    AWARD_APPLIED = "policies.award.applied", "政策兑现：申请"
    AWARD_APPROVED = "policies.award.approved", "政策兑现：批准"
    AWARD_DISBURSED = "policies.award.disbursed", "政策兑现：放款"
    AWARD_FILED = "policies.award.filed", "政策兑现：报送"
    AWARD_PROPOSED = "policies.award.proposed", "政策兑现：提出"
    AWARD_REJECTED = "policies.award.rejected", "政策兑现：退回"
    AWARD_VERIFIED = "policies.award.verified", "政策兑现：核验"
    GUARANTEE_CLAIM_APPROVED = "policies.guarantee_claim.approved", "担保补贴申报：批准"
    GUARANTEE_CLAIM_DECLARED = "policies.guarantee_claim.declared", "担保补贴申报：申报"
    GUARANTEE_CLAIM_DISBURSED = "policies.guarantee_claim.disbursed", "担保补贴申报：放款"
    GUARANTEE_CLAIM_REJECTED = "policies.guarantee_claim.rejected", "担保补贴申报：退回"
    LEDGER_LOADED = "policies.ledger.loaded", "目标任务台账：载入"
    LEDGER_REPORT_OPENED = "policies.ledger_report.opened", "台账季度报告：创建"
    LEDGER_REPORT_SUBMITTED = "policies.ledger_report.submitted", "台账季度报告：提交"
    POLICY_SAVED = "policies.policy.saved", "政策：保存"
    TARGET_ACTUAL_RECORDED = "policies.target.actual_recorded", "目标任务：记录完成情况"
