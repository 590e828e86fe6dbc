"""Models of policies: awards, guarantee claims and the programme's targets and ledgers."""

from policies.models.awards import (
    LIVE_AWARD_STATES,
    Award,
    AwardState,
    Beneficiary,
    BenefitKind,
    Policy,
    Recurrence,
)
from policies.models.base import MONEY, RATE
from policies.models.guarantees import ClaimState, GuaranteeClaim, GuaranteeYear
from policies.models.programme import (
    LedgerTask,
    LedgerUnit,
    ProgrammeTarget,
    QuarterlyReport,
    ReportEntry,
    ReportState,
    TargetActual,
    TargetKind,
)

__all__ = [
    "MONEY",
    "RATE",
    "Beneficiary",
    "BenefitKind",
    "Recurrence",
    "Policy",
    "AwardState",
    "LIVE_AWARD_STATES",
    "Award",
    "ClaimState",
    "GuaranteeYear",
    "GuaranteeClaim",
    "TargetKind",
    "ProgrammeTarget",
    "TargetActual",
    "LedgerUnit",
    "LedgerTask",
    "ReportState",
    "QuarterlyReport",
    "ReportEntry",
]
