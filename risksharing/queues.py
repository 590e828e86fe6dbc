"""Risk sharing's queues on the staff desk (boards.kernel.queues)."""

from boards.kernel.queues import register_filter_queue


def register() -> None:
    from risksharing.models import ApprovalState, CaseState, ContractTerms, FinancingCase, LossAllocation

    register_filter_queue("融资项目预审中", FinancingCase, module="risksharing", order=70,
                          state=CaseState.PRESCREENING)
    register_filter_queue("合同条款待复核", ContractTerms, module="risksharing", order=71,
                          state=ApprovalState.PROPOSED)
    register_filter_queue("损失分担待复核", LossAllocation, module="risksharing", order=72,
                          state=ApprovalState.PROPOSED)
