"""Every write of the reviews, one module per stage of a review case."""

from reviews.services.base import MATERIAL_TYPES, OPEN_CLOCK, SIGNED_FORM_TYPES
from reviews.services.cases import (
    add_material,
    confirm_receipt,
    open_case,
    provide_supplement,
    record_download,
    request_supplement,
    send_material,
)
from reviews.services.decisions import (
    archive_case,
    decide_case,
    file_case,
    filing_context,
    hold_meeting,
    render_feedback_letter,
    schedule_meeting,
    send_feedback,
    tally,
)
from reviews.services.opinions import save_opinion, submit_opinion
from reviews.services.panels import (
    decline_seat,
    draw_panel,
    fill_vacancies,
    remind_late_experts,
    replace_silent_seats,
)

__all__ = [
    "MATERIAL_TYPES",
    "SIGNED_FORM_TYPES",
    "OPEN_CLOCK",
    "open_case",
    "add_material",
    "send_material",
    "record_download",
    "confirm_receipt",
    "request_supplement",
    "provide_supplement",
    "draw_panel",
    "fill_vacancies",
    "decline_seat",
    "replace_silent_seats",
    "remind_late_experts",
    "save_opinion",
    "submit_opinion",
    "schedule_meeting",
    "hold_meeting",
    "decide_case",
    "send_feedback",
    "filing_context",
    "render_feedback_letter",
    "file_case",
    "archive_case",
    "tally",
]
