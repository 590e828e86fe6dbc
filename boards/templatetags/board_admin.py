from django import template

from boards.kernel.access import staff_boards

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_boards(context):
    """The boards the admin's board switcher offers: the user's staff boards."""
    return staff_boards(context["request"].user)
