"""The alliance's queues on the staff desk (boards.kernel.queues)."""

from boards.kernel.queues import register_filter_queue


def register() -> None:
    from alliance.models import Membership, MembershipState, ServiceApplication, ServiceApplicationState

    register_filter_queue("入会申请待核验", Membership, module="alliance", order=90,
                          state=MembershipState.APPLIED)
    register_filter_queue("服务机构申报待审查", ServiceApplication, module="service_institutions", order=91,
                          state=ServiceApplicationState.SUBMITTED)
