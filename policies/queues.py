"""The policies' queues on the staff desk (boards.kernel.queues)."""

from boards.kernel.queues import register_filter_queue


def register() -> None:
    from policies.models import Award, AwardState, ClaimState, GuaranteeClaim

    register_filter_queue("奖补待核验", Award, module="policies", order=80, state=AwardState.APPLIED)
    register_filter_queue("奖补待拨付", Award, module="policies", order=81, state=AwardState.APPROVED)
    register_filter_queue("担保补助待核定", GuaranteeClaim, module="policies", order=82,
                          state=ClaimState.DECLARED)
