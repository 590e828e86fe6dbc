"""Every write of risk sharing, one module per stage of a financing case."""

from risksharing.services.base import OPEN_CLOCK, OUTCOME_STATES
from risksharing.services.cases import (
    add_firm_input,
    advise_improvement,
    answer_request,
    funder_decision,
    lapse_request,
    open_case,
    recommend_to_enhancers,
    record_enhancer_view,
    send_feedback,
    send_to_funders,
)
from risksharing.services.losses import (
    approve_loss_allocation,
    close_case,
    declare_default,
    deposit_to_fund,
    file_quarterly_report,
    propose_loss_allocation,
    reject_loss_allocation,
    transfer_npl,
)
from risksharing.services.terms import approve_terms, disburse, propose_terms, record_repayment, reject_terms

__all__ = [
    "OPEN_CLOCK",
    "OUTCOME_STATES",
    "open_case",
    "add_firm_input",
    "recommend_to_enhancers",
    "record_enhancer_view",
    "advise_improvement",
    "send_to_funders",
    "answer_request",
    "lapse_request",
    "funder_decision",
    "send_feedback",
    "propose_terms",
    "approve_terms",
    "reject_terms",
    "disburse",
    "record_repayment",
    "declare_default",
    "propose_loss_allocation",
    "approve_loss_allocation",
    "reject_loss_allocation",
    "transfer_npl",
    "close_case",
    "deposit_to_fund",
    "file_quarterly_report",
]
