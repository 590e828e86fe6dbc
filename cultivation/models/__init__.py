"""Models of the cultivation app: listing paths and their milestones, research visits and their
follow-up actions, operation reports."""

from cultivation.models.evaluation import SCORES, SatisfactionSurvey, SurveyState
from cultivation.models.listing import (
    PATH,
    STAGE_DATES,
    ListingMilestone,
    ListingPath,
    Stage,
    TargetMarket,
)
from cultivation.models.reports import OperationReport
from cultivation.models.visits import ActionState, FollowUpAction, NeedKind, ResearchVisit, VisitState

__all__ = ["PATH", "SCORES", "STAGE_DATES", "ActionState", "FollowUpAction", "ListingMilestone",
           "ListingPath", "NeedKind", "OperationReport", "ResearchVisit", "SatisfactionSurvey", "Stage",
           "SurveyState", "TargetMarket", "VisitState"]
