"""Models of the cultivation app: listing paths and their milestones."""

from cultivation.models.listing import (
    PATH,
    STAGE_DATES,
    ListingMilestone,
    ListingPath,
    Stage,
    TargetMarket,
)

__all__ = ["PATH", "STAGE_DATES", "ListingMilestone", "ListingPath", "Stage", "TargetMarket"]
