from django import template

from boards.kernel.access import staff_boards
from boards.kernel.queues import queues_for

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_boards(context):
    """The boards the admin's board switcher offers: the user's staff boards."""
    return staff_boards(context["request"].user)


@register.simple_tag(takes_context=True)
def admin_queues(context):
    """The current board's queues with their counts (boards.kernel.queues), for the index."""
    board = getattr(context["request"], "board", None)
    return queues_for(board) if board is not None else []
