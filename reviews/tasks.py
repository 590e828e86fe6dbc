"""Review tasks: the feedback letter's PDF, and the periodic replacement of silent experts
(settings.PERIODIC_TASKS)."""

from celery import shared_task
from django.utils import timezone

from boards.kernel.models import Board
from boards.kernel.taskbase import BoardTask
from reviews import services
from reviews.models import CaseState, ReviewCase, SeatState


@shared_task(base=BoardTask)
def render_feedback_letter(board_id, case_id):
    services.render_feedback_letter(ReviewCase.objects.get(pk=case_id))


@shared_task(base=BoardTask)
def replace_silent_experts(board_id):
    """Replace the board's experts whose receipt clock ran out. Returns how many."""
    cases = ReviewCase.objects.filter(
        board_id=board_id, state__in=[CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED],
        seats__state=SeatState.SENT, seats__receipt_deadline__due_at__lt=timezone.now()).distinct()
    return sum(len(services.replace_silent_seats(case)) for case in cases)


@shared_task
def replace_silent_experts_everywhere():
    for board_id in Board.objects.filter(is_active=True).values_list("pk", flat=True):
        replace_silent_experts.delay(board_id)
