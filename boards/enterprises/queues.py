"""The enterprise domain's queues on the staff desk (boards.kernel.queues)."""

from boards.kernel.queues import register_filter_queue, register_queue


def register() -> None:
    from boards.enterprises.models import Application, ApplicationState, Objection, TierPlan, TierPlanState
    from boards.enterprises.services import custody

    register_filter_queue("待初核", Application, module="admission", order=10,
                          state__in=[ApplicationState.FORWARDED, ApplicationState.UNDER_CHECK])
    register_filter_queue("分层方案待审定", TierPlan, module="admission", order=20,
                          state=TierPlanState.SUBMITTED)
    register_filter_queue("公示中", TierPlan, module="admission", order=30, state=TierPlanState.IN_PUBLICITY)
    register_filter_queue("公示异议待处理", Objection, module="admission", order=40, upheld__isnull=True)
    register_queue("确权逾期未达标", "boards.ShareRegister",
                   lambda board: custody.overdue_registers().filter(board=board),
                   "overdue=yes", module="custody", order=50)
