"""Models of the roadshows app: the events and who takes part in them."""

from roadshows.models.events import Roadshow, RoadshowState, Venue
from roadshows.models.participants import (
    Invitation,
    InvitationState,
    Outcome,
    Signup,
    SignupState,
)

__all__ = [
    "Invitation",
    "InvitationState",
    "Outcome",
    "Roadshow",
    "RoadshowState",
    "Signup",
    "SignupState",
    "Venue",
]
