"""The tier plan of an admission campaign (分层方案): built from the eligible applications, approved by
every approving body, published (公示) with objections, and the admission of the enterprises.

Same invariants as boards.enterprises.services.admission: the caller's board scope, one
transaction, locked rows, pure transitions, evidence ``boards.<thing>.<verb>``, the next actor notified."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises import tiers
from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Application,
    ApplicationState,
    Campaign,
    Enterprise,
    EnterpriseStatus,
    Objection,
    PlanApproval,
    TierChangeKind,
    TierPlan,
)
from boards.enterprises.services import registry as services
from boards.enterprises.services.admission import (
    _meet_campaign_deadlines,
    _members,
    _notify_applicants,
    _record,
    _set_enterprise_status,
    approving_bodies,
    body_name,
)
from boards.kernel import calendar, evidence
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.filings import create_filing
from boards.kernel.locking import locked
from boards.kernel.models import Board, Role
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.workflow import fire

# --- The tier plan and its approvals -------------------------------------------------------


@transaction.atomic
def build_plan(campaign: Campaign, applications: Iterable[Application], *, actor: User) -> TierPlan:
    """Put eligible applications of ``campaign`` into its draft plan (created when missing)."""
    campaign = locked(campaign)
    plan = TierPlan.objects.select_for_update().filter(campaign=campaign, state="draft").first()
    if plan is None:
        plan = TierPlan.objects.create(board=campaign.board, campaign=campaign,
                                       title=f"{campaign.name}分层方案")
        evidence.record(campaign.board, EnterpriseAction.TIER_PLAN_CREATED, actor=actor, subject=plan,
                        payload={"campaign": campaign.pk})
    for application in applications:
        application = locked(application, "enterprise", "campaign", "plan")
        if application.campaign_id != campaign.pk:
            raise Conflict(f"{application.enterprise}的申请不属于「{campaign.name}」。")
        fire(application, "include_in_plan")
        application.plan = plan
        application.save()
        _record(application, EnterpriseAction.APPLICATION_INCLUDED_IN_PLAN, actor, plan=plan.pk)
    return plan


@transaction.atomic
def remove_from_plan(application: Application, *, actor: User) -> Application:
    application = locked(application, "enterprise", "campaign", "plan")
    if application.plan is None or application.plan.state != "draft":
        raise Conflict("只能从拟订中的分层方案移出。")
    fire(application, "exclude_from_plan")
    plan_pk, application.plan = application.plan_id, None
    application.save()
    _record(application, EnterpriseAction.APPLICATION_EXCLUDED_FROM_PLAN, actor, plan=plan_pk)
    return application


def plan_rows(plan: TierPlan) -> list[dict[str, str]]:
    names = tiers.tier_names(plan.board)
    rows = []
    for a in plan.applications.select_related("enterprise").order_by("enterprise__prefecture",
                                                                      "enterprise__name"):
        met = [r["criterion"] for r in a.check_result.get("criteria", [])
               if r["met"] and r["tier"] == a.proposed_tier]
        rows.append({"enterprise": a.enterprise.name, "credit_code": a.enterprise.credit_code,
                     "prefecture": a.enterprise.prefecture, "industry": a.enterprise.industry,
                     "tier": names.get(a.proposed_tier, a.proposed_tier), "reasons": "；".join(met)})
    return rows


@transaction.atomic
def submit_plan(plan: TierPlan, *, actor: User) -> TierPlan:
    """File the plan with every approving body. A plan sent back is resubmitted the same way;
    the earlier round's decisions are cleared (the evidence log keeps them)."""
    plan = locked(plan)
    board, bodies = plan.board, approving_bodies(plan.board)
    if not bodies:
        raise DomainError("本专板未配置分层方案审定单位（配置项 admission.approving_bodies）。",
                          code="no_approving_bodies")
    if not plan.applications.exists():
        raise Conflict("分层方案中还没有企业。", code="empty_plan")
    fire(plan, "submit")
    plan.approvals.all().delete()
    plan.submitted_at = timezone.now()
    plan.save()
    rows = plan_rows(plan)
    numbers = []
    for body in bodies:
        filing = create_filing(
            board, kind="boards.tier_plan", addressee=body["code"], subject=f"{plan.title}（报审稿）",
            template_name="boards/filings/tier_plan.html", subject_obj=plan, actor=actor,
            context={"campaign": plan.campaign.name, "title": plan.title, "rows": rows,
                     "bodies": [b["name"] for b in bodies]})
        numbers.append(filing.number)
        notify(board, _members(board, Role.REGULATOR, institution__code=body["code"]),
               "admission.plan_submitted", f"待审定：{plan.title}", f"报备编号 {filing.number}",
               reverse("admission-approve", args=[board.slug, plan.pk, body["code"]]))
    _meet_campaign_deadlines(plan.campaign)
    evidence.record(board, EnterpriseAction.TIER_PLAN_SUBMITTED, actor=actor, subject=plan,
                    payload={"filings": numbers, "applications": len(rows)})
    return plan


@transaction.atomic
def decide_plan(plan: TierPlan, *, body: str, approved: bool, comment: str, actor: User) -> TierPlan:
    """One approving body's decision. A rejection sends the plan back to draft; the last
    approval approves the plan and its applications."""
    plan = locked(plan)
    board = plan.board
    name = body_name(board, body)
    if name is None:
        raise NotFound()
    comment = comment.strip()
    if not approved and not comment:
        raise DomainError("不同意时请写明意见。", code="comment_required")
    if plan.state != "submitted":
        raise Conflict(f"分层方案当前为「{plan.get_state_display()}」，不在审定中。",
                       details={"state": plan.state})
    if plan.approvals.filter(body=body).exists():
        raise Conflict(f"{name}已对本方案作出审定意见。")
    PlanApproval.objects.create(board=board, plan=plan, body=body, approved=approved, comment=comment,
                                decided_by=actor)
    evidence.record(board, EnterpriseAction.TIER_PLAN_DECIDED, actor=actor, subject=plan,
                    payload={"body": body, "approved": approved, "comment": comment})
    if not approved:
        fire(plan, "reject")
        plan.save()
        notify_staff(board, plan, "admission.plan_rejected", f"{name}退回分层方案：{plan.title}", comment)
        return plan
    approved_bodies = set(plan.approvals.filter(approved=True).values_list("body", flat=True))
    if approved_bodies >= {b["code"] for b in approving_bodies(board)}:
        fire(plan, "approve")
        plan.approved_at = timezone.now()
        plan.save()
        for application in plan.applications.all():
            application = locked(application, "enterprise", "campaign", "plan")
            fire(application, "approve")
            application.save()
            _record(application, EnterpriseAction.APPLICATION_APPROVED, actor, plan=plan.pk)
        evidence.record(board, EnterpriseAction.TIER_PLAN_APPROVED, actor=actor, subject=plan)
        notify_staff(board, plan, "admission.plan_approved", f"分层方案已审定：{plan.title}",
                      "请安排公示。")
    return plan


# --- Publicity, objections, admission --------------------------------------------------------


def publicity_end(board: Board, starts_on: dt.date) -> calendar.WorkdayResult:
    """The last day of publicity: the n-th working day counting ``starts_on`` as the first
    when it is a working day. Returns calendar.WorkdayResult (with ``provisional``)."""
    return calendar.add_workdays(starts_on - calendar.ONE_DAY, board.setting("admission.publicity_workdays"))


@transaction.atomic
def start_publicity(plan: TierPlan, *, actor: User, starts_on: dt.date | None = None) -> TierPlan:
    plan = locked(plan)
    board = plan.board
    today = timezone.localdate()
    starts_on = starts_on or today
    if starts_on < today:
        raise DomainError("公示开始日期不能早于今天。", code="invalid_date")
    fire(plan, "start_publicity")
    end = publicity_end(board, starts_on)
    plan.publicity_starts_on, plan.publicity_ends_on, plan.publicity_provisional = (
        starts_on, end.date, end.provisional)
    plan.save()
    applications = [locked(a, "enterprise", "campaign", "plan") for a in plan.applications.all()]
    for application in applications:
        fire(application, "start_publicity")
        application.save()
        _record(application, EnterpriseAction.APPLICATION_PUBLICITY_STARTED, actor, starts_on=starts_on,
                ends_on=end.date)
    dates = f"{starts_on} 至 {end.date}" + ("（暂定）" if end.provisional else "")
    filing = create_filing(
        board, kind="boards.publicity_list", addressee=board.setting("admission.filing_addressee"),
        subject=f"{plan.title}入板企业名单公示", template_name="boards/filings/publicity_list.html",
        subject_obj=plan, actor=actor,
        context={"title": plan.title, "rows": plan_rows(plan), "starts_on": starts_on, "ends_on": end.date,
                 "provisional": end.provisional, "workdays": board.setting("admission.publicity_workdays"),
                 "url": reverse("admission-publicity", args=[board.slug])})
    evidence.record(board, EnterpriseAction.TIER_PLAN_PUBLICITY_STARTED, actor=actor, subject=plan, payload={
        "starts_on": starts_on, "ends_on": end.date, "provisional": end.provisional, "filing": filing.number})
    for application in applications:
        _notify_applicants(application, "admission.publicity", "入板名单公示中", f"公示期 {dates}。")
    return plan


def _plan(application: Application) -> TierPlan:
    """The plan of an application included in one (from ``include_in_plan`` on)."""
    assert application.plan is not None, "an application past inclusion belongs to a plan"
    return application.plan


def _close_plan_when_done(plan: TierPlan) -> None:
    plan = locked(plan)
    if plan.state == "in_publicity" and not plan.applications.filter(
            state=ApplicationState.IN_PUBLICITY).exists():
        fire(plan, "close")
        plan.save()
        evidence.record(plan.board, EnterpriseAction.TIER_PLAN_CLOSED, subject=plan)


@transaction.atomic
def raise_objection(application: Application, *, raised_by: str, text: str) -> Objection:
    """Anyone may object during publicity (public page, no account)."""
    application = locked(application, "enterprise", "campaign", "plan")
    raised_by, text = raised_by.strip(), text.strip()
    if not raised_by or not text:
        raise DomainError("请填写异议人和异议内容。", code="objection_incomplete")
    plan = application.plan
    today = timezone.localdate()
    if (application.state != ApplicationState.IN_PUBLICITY or plan is None
            or plan.publicity_starts_on is None or plan.publicity_ends_on is None
            or not plan.publicity_starts_on <= today <= plan.publicity_ends_on):
        raise Conflict("该企业不在公示期内，不能提出异议。", code="not_in_publicity")
    objection = Objection.objects.create(board=application.board, application=application,
                                         raised_by=raised_by, text=text)
    evidence.record(application.board, EnterpriseAction.OBJECTION_RAISED, subject=objection,
                    payload={"application": application.pk, "raised_by": raised_by, "text": text})
    notify_staff(application.board, objection, "admission.objection",
                  f"公示异议：{application.enterprise}", text)
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, upheld: bool, reason: str, actor: User) -> Objection:
    """Staff decide with a reason; an upheld objection holds the application back."""
    objection = locked(objection)
    if objection.upheld is not None:
        raise Conflict("该异议已处理。")
    if not reason.strip():
        raise DomainError("请写明处理意见。", code="reason_required")
    application = locked(objection.application, "enterprise", "campaign", "plan")
    if upheld:
        fire(application, "hold_back")
        application.save()
    objection.upheld, objection.decision_reason, objection.decided_by = upheld, reason.strip(), actor
    objection.save()
    evidence.record(objection.board, EnterpriseAction.OBJECTION_DECIDED, actor=actor, subject=objection,
                    payload={"application": application.pk, "upheld": upheld,
                             "reason": objection.decision_reason})
    if upheld:
        _set_enterprise_status(application.enterprise, EnterpriseStatus.APPLYING, EnterpriseStatus.PROSPECT)
        _record(application, EnterpriseAction.APPLICATION_HELD_BACK, actor, objection=objection.pk)
        _notify_applicants(application, "admission.held_back", "公示异议成立，暂缓入板",
                           objection.decision_reason)
        _close_plan_when_done(_plan(application))
    return objection


@transaction.atomic
def admit(application: Application, *, actor: User) -> Application:
    """After publicity ends with no open objection: the enterprise enters its proposed tier."""
    application = locked(application, "enterprise", "campaign", "plan")
    fire(application, "admit")
    ends_on = _plan(application).publicity_ends_on
    assert ends_on is not None, "a plan in publicity has its dates"
    if timezone.localdate() <= ends_on:
        raise Conflict(f"公示期至 {ends_on} 结束，结束后方可入板。", code="publicity_running")
    if application.objections.filter(upheld=None).exists():
        raise Conflict("该企业有未处理的公示异议，请先处理。", code="objection_pending")
    application.save()
    services.move_tier(application.enterprise, to_tier=application.proposed_tier,
                       kind=TierChangeKind.ADMISSION, reason=f"{application.campaign.name}：公示期满入板",
                       actor=actor)
    today = timezone.localdate()
    Enterprise.objects.filter(pk=application.enterprise_id).update(admitted_on=today)
    _record(application, EnterpriseAction.APPLICATION_ADMITTED, actor, tier=application.proposed_tier,
            admitted_on=today)
    tier_name = tiers.tier_names(application.board).get(application.proposed_tier)
    _notify_applicants(application, "admission.admitted", "已入板", f"入板日期 {today}，层级：{tier_name}。")
    _close_plan_when_done(_plan(application))
    return application
