"""Writes of research visits (调研走访) and their follow-up actions.

证监办函〔2022〕840号 (十一) 1 and 附件2 (三)「企业调研。定期对专板企业进行调研，了解和收集企业在融资上市
(挂牌)等方面存在的问题、困难和需求，并提供专业意见，为企业上市培育工作积累必要的基础信息。」

Invariants:
- a visit is recorded once, on a date no later than today, with its findings; recording writes
  it into the enterprise database as a 走访 service record (boards.enterprises' own service, so
  the profile and its score read it) and opens each follow-up action as a task whose deadline is
  ``cultivation.followup_workdays`` working days after the recording (kernel deadlines: the
  reminder, due notice and escalation come from the sweep);
- completing an action meets its deadline; every write is evidenced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import Enterprise, ServiceRecordKind
from boards.enterprises.services.registry import record_service
from boards.kernel import evidence
from boards.kernel.deadlines import meet_deadline, open_deadline
from boards.kernel.errors import DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, DayBasis, DeadlineState, Institution, Role
from boards.kernel.notifications import notify
from boards.kernel.participation import institutions_on
from boards.kernel.workflow import fire
from cultivation.actions import CultivationAction
from cultivation.models import FollowUpAction, NeedKind, ResearchVisit

SCHEDULED = CultivationAction.VISIT_SCHEDULED
RECORDED = CultivationAction.VISIT_RECORDED
CANCELLED = CultivationAction.VISIT_CANCELLED
ACTION_DONE = CultivationAction.FOLLOWUP_COMPLETED
FOLLOWUP_KIND = "cultivation.visit_followup"
DEFAULT_WORKDAYS = 10


def followup_workdays(board: Board) -> int:
    return board.setting("cultivation.followup_workdays", DEFAULT_WORKDAYS)


@transaction.atomic
def schedule_visit(board: Board, *, enterprise: Enterprise, scheduled_on: dt.date, purpose: str, actor: User,
                   lead: User | None = None, institution: Institution | None = None) -> ResearchVisit:
    """Plan a visit to ``enterprise`` on ``scheduled_on``, led by ``lead`` (the actor by default)."""
    if enterprise.board_id != board.pk:
        raise DomainError("该企业不在本专板。", code="foreign_enterprise")
    if institution is not None and not institutions_on(board).filter(pk=institution.pk).exists():
        raise DomainError(f"{institution.name}未参与本专板。", code="foreign_institution",
                          details={"field": "institution"})
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("请填写走访目的。", code="purpose_required", details={"field": "purpose"})
    visit = ResearchVisit.objects.create(board=board, enterprise=enterprise, scheduled_on=scheduled_on,
                                         purpose=purpose, lead=lead or actor, institution=institution,
                                         created_by=actor)
    evidence.record(board, SCHEDULED, actor=actor, subject=visit, payload={
        "enterprise": enterprise.pk, "scheduled_on": scheduled_on, "purpose": purpose,
        "lead": visit.lead_id, "institution": institution.code if institution else None})
    if visit.lead_id != actor.pk:
        notify(board, [visit.lead], "cultivation.visit", f"调研走访安排：{enterprise.name}",
               f"计划于 {scheduled_on:%Y-%m-%d} 走访，目的：{purpose}",
               reverse("admin:cultivation_researchvisit_change", args=[visit.pk]))
    return visit


def _summary(visit: ResearchVisit) -> str:
    parts = [f"【调研走访】{visit.findings.rstrip('。；;')}"]
    if visit.problems:
        parts.append(f"问题和困难：{visit.problems.rstrip('。；;')}")
    if visit.needs:
        detail = f"（{visit.needs_detail}）" if visit.needs_detail else ""
        parts.append(f"需求：{'、'.join(visit.need_labels())}{detail}")
    if visit.advice:
        parts.append(f"专业意见：{visit.advice.rstrip('。；;')}")
    return "；".join(parts) + "。"


@transaction.atomic
def record_visit(visit: ResearchVisit, *, actor: User, visited_on: dt.date, findings: str, problems: str = "",
                 needs: Collection[str] = (), needs_detail: str = "", advice: str = "",
                 actions: Iterable[str] = (), at: dt.datetime | None = None) -> ResearchVisit:
    """Record what the visit found; write it into the enterprise database; open the follow-ups,
    their working days counted from ``at`` (the recording, now by default)."""
    visit = locked(visit, "enterprise", "lead")
    if visited_on > timezone.localdate():
        raise DomainError(f"走访日期 {visited_on:%Y-%m-%d} 晚于今天，只能登记已完成的走访。",
                          code="invalid_date", details={"field": "visited_on"})
    findings = (findings or "").strip()
    if not findings:
        raise DomainError("请填写企业发展情况。", code="findings_required", details={"field": "findings"})
    unknown = [need for need in needs if need not in NeedKind.values]
    if unknown:
        raise DomainError(f"未知的需求类别：{'、'.join(unknown)}。", code="invalid_needs",
                          details={"field": "needs"})
    fire(visit, "record", visited_on, findings, (problems or "").strip(), list(needs),
         (needs_detail or "").strip(), (advice or "").strip())
    # Into the enterprise database (840号 (八)): the profile and its score read service records.
    visit.service_record = record_service(visit.enterprise, kind=ServiceRecordKind.VISIT,
                                          occurred_on=visited_on, summary=_summary(visit), actor=actor,
                                          institution=visit.institution)
    visit.save()
    opened = [_open_action(visit, title, at or timezone.now()) for title in actions if title.strip()]
    evidence.record(visit.board, RECORDED, actor=actor, subject=visit, payload={
        "enterprise": visit.enterprise_id, "visited_on": visited_on, "findings": visit.findings,
        "problems": visit.problems, "needs": visit.needs, "advice": visit.advice,
        "service_record": visit.service_record_id,
        "actions": [{"id": a.pk, "title": a.title, "due_at": a.deadline.due_at if a.deadline else None}
                    for a in opened]})
    return visit


def _open_action(visit: ResearchVisit, title: str, at: dt.datetime) -> FollowUpAction:
    action = FollowUpAction.objects.create(board=visit.board, visit=visit, title=title.strip(),
                                           assignee=visit.lead)
    action.deadline = open_deadline(
        visit.board, action, FOLLOWUP_KIND, f"走访跟进：{action.title}（{visit.enterprise.name}）",
        followup_workdays(visit.board), DayBasis.WORKING, starts_at=at, assignee=visit.lead,
        assignee_role=Role.EXCHANGE_STAFF,
        url=reverse("admin:cultivation_followupaction_change", args=[action.pk]))
    action.save(update_fields=["deadline"])
    return action


@transaction.atomic
def cancel_visit(visit: ResearchVisit, *, actor: User, reason: str) -> ResearchVisit:
    visit = locked(visit, "enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明取消原因。", code="reason_required", details={"field": "reason"})
    fire(visit, "cancel", reason)
    visit.save()
    evidence.record(visit.board, CANCELLED, actor=actor, subject=visit,
                    payload={"enterprise": visit.enterprise_id, "reason": reason})
    return visit


@transaction.atomic
def complete_action(action: FollowUpAction, *, actor: User, result: str) -> FollowUpAction:
    """The follow-up is done: its result, and its deadline met."""
    action = locked(action, "visit__enterprise", "deadline")
    result = (result or "").strip()
    if not result:
        raise DomainError("请填写办理结果。", code="result_required", details={"field": "result"})
    fire(action, "complete", result, timezone.now())
    action.save()
    if action.deadline is not None and action.deadline.state in (DeadlineState.OPEN,
                                                                 DeadlineState.PAUSED):
        meet_deadline(action.deadline, action.done_at)
    late = (action.deadline is not None and action.done_at is not None
            and action.done_at > action.deadline.due_at)
    evidence.record(action.board, ACTION_DONE, actor=actor, subject=action, payload={
        "visit": action.visit_id, "title": action.title, "result": result, "late": late})
    return action
