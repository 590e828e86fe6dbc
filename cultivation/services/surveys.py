"""Enterprise satisfaction surveys (840号 (二十三)「服务企业满意度情况」).

Invariants:
- one survey per delivered service (uniq_survey_source), opened by the kernel's ``service_delivered``
  signal after the service committed, only on boards running the tracking evaluation; a repeated
  signal opens nothing new;
- a survey is answered once, by a user of its enterprise, with a score from 1 to 5; the answer is
  evidenced and feeds the satisfaction indicator (cultivation.evaluation).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel import evidence
from boards.kernel.config import module_enabled
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board
from boards.kernel.notifications import notify
from boards.kernel.scoping import board_scope
from cultivation.actions import CultivationAction
from cultivation.models import SatisfactionSurvey, SurveyState

OPENED = CultivationAction.SURVEY_OPENED
ANSWERED = CultivationAction.SURVEY_ANSWERED


def on_service_delivered(sender: Any, *, board_id: int, enterprise_id: int, source: str, label: str,
                         institution_id: int | None = None, occurred_on: dt.date | None = None,
                         **kwargs: Any) -> SatisfactionSurvey | None:
    """``service_delivered`` receiver: ask the enterprise to rate the service."""
    board = Board.objects.get(pk=board_id)
    if not module_enabled(board, "tracking_evaluation"):
        return None
    with board_scope(board):
        enterprise = Enterprise.objects.get(board=board, pk=enterprise_id)
        return open_survey(board, enterprise=enterprise, source=source, label=label,
                           institution_id=institution_id, delivered_on=occurred_on)


@transaction.atomic
def open_survey(board: Board, *, enterprise: Enterprise, source: str, label: str,
                delivered_on: dt.date | None,
                institution_id: int | None = None) -> SatisfactionSurvey | None:
    try:
        with transaction.atomic():
            survey = SatisfactionSurvey.objects.create(
                board=board, enterprise=enterprise, source=source, label=label[:200],
                institution_id=institution_id, delivered_on=delivered_on or timezone.localdate())
    except IntegrityError:  # the same service again: its survey is already out
        return None
    evidence.record(board, OPENED, subject=survey, payload={"enterprise": enterprise.pk, "source": source})
    users = list(enterprise.users.filter(is_active=True))
    if users:
        notify(board, users, "cultivation.survey", f"请评价：{survey.label}",
               "您的评价将计入专板服务满意度。",
               reverse("cultivation-survey", kwargs={"board": board.slug, "pk": survey.pk}))
    return survey


@transaction.atomic
def answer_survey(survey: SatisfactionSurvey, *, actor: Any, score: int, comment: str = "",
                  at: dt.datetime | None = None) -> SatisfactionSurvey:
    survey = locked(survey, "enterprise")
    if survey.state != SurveyState.OPEN:
        raise Conflict("该服务已评价，不能重复评价。", code="already_answered")
    if score not in (1, 2, 3, 4, 5):
        raise DomainError("请选择 1 至 5 分的评价。", code="invalid_score", details={"field": "score"})
    survey.state, survey.score, survey.comment = SurveyState.ANSWERED, score, (comment or "").strip()
    survey.answered_by, survey.answered_at = actor, at or timezone.now()
    survey.save()
    evidence.record(survey.board, ANSWERED, actor=actor, subject=survey, payload={
        "enterprise": survey.enterprise_id, "source": survey.source, "score": score,
        "comment": survey.comment})
    return survey
