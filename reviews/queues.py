"""The reviews' queues on the staff desk (boards.kernel.queues)."""

from boards.kernel.queues import register_filter_queue


def register() -> None:
    from reviews.models import CaseState, ReviewCase

    register_filter_queue("评审进行中", ReviewCase, module="reviews", order=60, state__in=[
        CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED])
    register_filter_queue("待作出评审结论", ReviewCase, module="reviews", order=61,
                          state=CaseState.MEETING_HELD)
