"""Models of the expert committee and its reviews."""

from reviews.models.cases import CaseMaterial, CaseState, QualityChallenge, ReviewCase, ReviewKind, passes
from reviews.models.experts import (
    DeclaredConflict,
    Expert,
    ExpertEmployment,
    ExpertField,
    ExpertSource,
    Unavailability,
)
from reviews.models.panels import (
    ACTIVE_SEAT_STATES,
    Opinion,
    PanelDraw,
    PanelSeat,
    SeatState,
    SupplementRequest,
    Vote,
)

__all__ = [
    "ExpertField",
    "ExpertSource",
    "Expert",
    "ExpertEmployment",
    "DeclaredConflict",
    "Unavailability",
    "ReviewKind",
    "CaseState",
    "passes",
    "ReviewCase",
    "CaseMaterial",
    "QualityChallenge",
    "PanelDraw",
    "SeatState",
    "ACTIVE_SEAT_STATES",
    "PanelSeat",
    "Vote",
    "Opinion",
    "SupplementRequest",
]
