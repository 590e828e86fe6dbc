"""Chinese labels of the policies' codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {
    "policies.award": "政策兑现", "policies.guarantee_claim": "担保补贴申报",
    "policies.ledger": "目标任务台账",
    "policies.ledger_report": "台账季度报告", "policies.target": "目标任务", "policies.policy": "政策",
    "policies": "政策兑现",
}

LABELS = {
    "policies.ledger_report": "台账季度报告报送期限",
    "policies.award_proposed": "政策兑现待审核", "policies.awards": "政策兑现报备",
    "policies.target.actual_recorded": "目标任务：记录完成情况", "policies.ordos_ledger": "目标任务台账报备",
}
