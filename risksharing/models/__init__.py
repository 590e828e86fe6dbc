"""Models of risk sharing (风险分担机制)."""

from risksharing.models.base import MONEY, PERCENT
from risksharing.models.cases import (
    NPL_STATES,
    ON_BOOK_STATES,
    CaseState,
    EnhancerView,
    FinancingCase,
    FirmInput,
    FunderRequest,
    RequestState,
)
from risksharing.models.losses import (
    CompensationFund,
    EntryKind,
    FundEntry,
    FunderNplReport,
    LossAllocation,
    LossPart,
)
from risksharing.models.terms import (
    ApprovalState,
    ContractTerms,
    MakerChecked,
    Party,
    RiskShare,
    ZeroShareAdvantage,
)

__all__ = [
    "MONEY",
    "PERCENT",
    "CaseState",
    "ON_BOOK_STATES",
    "NPL_STATES",
    "FinancingCase",
    "FirmInput",
    "EnhancerView",
    "RequestState",
    "FunderRequest",
    "ApprovalState",
    "MakerChecked",
    "ZeroShareAdvantage",
    "ContractTerms",
    "Party",
    "RiskShare",
    "LossAllocation",
    "LossPart",
    "CompensationFund",
    "EntryKind",
    "FundEntry",
    "FunderNplReport",
]
