"""Helpers of the roadshows tests, shared with other folders (the fixtures stay in its conftest.py)."""

import datetime as dt

from django.utils import timezone

from boards.kernel.calendar import SHANGHAI
from boards.kernel.scoping import board_scope
from roadshows.services import events


def at(day, hour=14):
    return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=SHANGHAI)


def plan(board, staff, days=20, **kwargs):
    """A roadshow ``days`` calendar days ahead, planned now through the service."""
    values = {
        "title": "稀土新材料专场路演",
        "venue": "onsite",
        "location": "内蒙古股权交易中心路演厅",
        "starts_at": at(timezone.localdate() + dt.timedelta(days=days)),
        "actor": staff,
        **kwargs,
    }
    with board_scope(board):
        return events.plan_roadshow(board, **values)
