"""From pre-screening to the feedback to the enterprise: recommendation letters, the enhancers'
project meeting (立项会), the funders' re-review and answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.enterprises.tiers import format_yuan
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.locking import locked
from boards.kernel.models import Board, Institution, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire
from risksharing import selectors
from risksharing.actions import RiskAction
from risksharing.models import (
    CaseState,
    EnhancerView,
    FinancingCase,
    FirmInput,
    FunderRequest,
    RequestState,
)
from risksharing.services.base import (
    OUTCOME_STATES,
    REQUEST_JOINS,
    Amount,
    _clock,
    _enterprise_profile,
    _first,
    _letter,
    _notify_enterprise,
    _notify_staff,
    _positive,
    _record,
    _require_state,
    _stop,
    _text,
)

# --- Pre-screen and the 立项会 ------------------------------------------------------------------


@transaction.atomic
def open_case(board: Board, *, enterprise: Enterprise, mode: str, amount: Amount | None, purpose: str,
              actor: User | None) -> FinancingCase:
    """The organiser takes up an enterprise's financing need for pre-screening."""
    if not selectors.module_enabled(board):
        raise DomainError("本专板未启用风险分担机制（配置项 modules）。", code="module_disabled")
    if enterprise.board_id != board.pk:
        raise NotFound("未找到该企业。")
    selectors.mode_rules(board, mode)
    case = FinancingCase.objects.create(
        board=board, enterprise=enterprise, mode=mode, amount_requested=_positive(amount, "拟融资金额"),
        purpose=_text(purpose, "请填写融资用途。"), created_by=actor)
    _record(case, RiskAction.CASE_OPENED, actor, enterprise=enterprise.pk, mode=mode,
            amount=case.amount_requested,
            purpose=case.purpose)
    return case


@transaction.atomic
def add_firm_input(case: FinancingCase, *, institution: Institution, summary: str,
                   actor: User | None) -> FirmInput:
    """A professional firm's input to the pre-screen."""
    case = locked(case, "enterprise", "contract")
    _require_state(case, [CaseState.PRESCREENING], "补充专业机构意见")
    selectors.require_party(case.board, institution, "firm")
    item = FirmInput.objects.create(board=case.board, case=case, institution=institution,
                                    summary=_text(summary, "请填写专业机构意见摘要。"), added_by=actor)
    _record(case, RiskAction.PRESCREEN_INPUT_ADDED, actor, institution=institution.code, summary=item.summary)
    return item


@transaction.atomic
def recommend_to_enhancers(case: FinancingCase, *, enhancers: Iterable[Institution], opinion: str,
                           actor: User | None, meeting_at: dt.datetime | None = None,
                           meeting_place: str = "") -> FinancingCase:
    """Pre-screen passed: the 融资推荐函 goes to the enhancers, who give their views at the 立项会.
    The mode's lead enhancer kind must be among them."""
    case = locked(case, "enterprise", "contract")
    fire(case, "recommend")
    board, rules = case.board, selectors.mode_rules(case.board, case.mode)
    enhancers = list(dict.fromkeys(enhancers))
    if not enhancers:
        raise DomainError("请选择接收融资推荐函的增信机构。", code="no_enhancers")
    for institution in enhancers:
        selectors.require_party(board, institution, "enhancer")
    if not any(institution.kind == rules["lead_kind"] for institution in enhancers):
        raise DomainError(f"{rules['name']}须由{selectors.K(rules['lead_kind']).label}牵头增信，"
                          "请至少选择一家该类机构。", code="no_lead")
    case.prescreen_opinion = _text(opinion, "请填写预审意见。")
    case.meeting_at, case.meeting_place = meeting_at, meeting_place
    inputs = [{"institution": i.institution.name, "summary": i.summary}
              for i in case.firm_inputs.select_related("institution")]
    case.recommendation_letter = _letter(case, "recommendation", f"融资推荐函（{case.enterprise.name}）", {
        "to": [institution.name for institution in enhancers], "profile": _enterprise_profile(case),
        "opinion": case.prescreen_opinion,
        "firm_inputs": inputs, "meeting_place": meeting_place,
        "meeting_at": f"{timezone.localtime(meeting_at):%Y-%m-%d %H:%M}" if meeting_at else ""}, actor)
    case.save()
    url = selectors.meeting_url(case)
    for institution in enhancers:
        users = selectors.institution_users(board, institution, Role.CREDIT_ENHANCER)
        view = EnhancerView.objects.create(board=board, case=case, institution=institution)
        view.deadline = _clock(case, view, "enhancer_view", "立项会审议意见", "enhancer_view_workdays",
                               assignee=_first(users), role=Role.EXCHANGE_STAFF, url=url)
        view.save(update_fields=["deadline"])
        notify(board, users, "risksharing.recommended", f"融资推荐函：{case.enterprise}",
               f"请审阅融资推荐函并在立项会上提出意见（拟融资 {format_yuan(case.amount_requested)}）。", url)
    _record(case, RiskAction.CASE_RECOMMENDED, actor, letter=case.recommendation_letter.number,
            enhancers=[i.code for i in enhancers], opinion=case.prescreen_opinion)
    return case


@transaction.atomic
def record_enhancer_view(case: FinancingCase, *, institution: Institution, intent: bool | None, opinion: str,
                         actor: User | None, guarantee_amount: Amount | None = None) -> EnhancerView:
    """One enhancer's view at the 立项会. With preliminary guarantee intent it issues its
    担保推荐函; once every enhancer has spoken and none intends to guarantee, the organiser's
    clock to tell the enterprise what to improve starts."""
    case = locked(case, "enterprise", "contract")
    _require_state(case, [CaseState.RECOMMENDED], "记录立项会意见")
    view = EnhancerView.objects.select_for_update(of=("self",)).select_related("deadline").filter(
        case=case, institution=institution).first()
    if view is None:
        raise NotFound("该机构不在本项目的立项会中。")
    if view.intent is not None:
        recorded = f"{timezone.localtime(view.recorded_at):%Y-%m-%d %H:%M}"
        raise Conflict(f"「{institution}」的立项会意见已于 {recorded} 记录，不能重复提交。",
                       code="view_recorded")
    if intent is None:
        raise DomainError("请选择是否有初步担保意向。", code="required")
    view.intent, view.opinion = bool(intent), _text(opinion, "请填写审议意见。")
    view.guarantee_amount = _positive(guarantee_amount, "拟担保金额") if intent and guarantee_amount else None
    view.recorded_by, view.recorded_at = actor, timezone.now()
    if intent:
        subject = f"担保推荐函（{institution.name} · {case.enterprise.name}）"
        view.letter = _letter(case, "guarantee", subject, {
            "issuer": institution.name, "opinion": view.opinion,
            "guarantee_amount": format_yuan(view.guarantee_amount) if view.guarantee_amount else ""}, actor)
    view.save()
    _stop(view.deadline)
    _record(case, RiskAction.MEETING_VIEW_RECORDED, actor, subject=view, institution=institution.code,
            intent=view.intent, opinion=view.opinion, guarantee_amount=view.guarantee_amount,
            letter=view.letter.number if view.letter else None)
    views = list(case.enhancer_views.all())
    if intent:
        _notify_staff(case, "guarantee_intent", "增信机构出具担保推荐函",
                      f"{institution}有初步担保意向，可发送资金方。")
    elif all(v.intent is False for v in views):
        case.advice_deadline = _clock(case, case, "enterprise_answer", "告知企业完善事项",
                                      "enterprise_answer_workdays", role=Role.EXCHANGE_STAFF,
                                      url=selectors.admin_url(case))
        case.save()
        _notify_staff(case, "no_intent", "立项会无担保意向", "请告知企业需完善的事项。")
    return view


@transaction.atomic
def advise_improvement(case: FinancingCase, *, text: str, actor: User | None) -> FinancingCase:
    """No enhancer intends to guarantee: the organiser tells the enterprise what to improve."""
    case = locked(case, "enterprise", "contract")
    views = list(case.enhancer_views.all())
    if case.state == CaseState.RECOMMENDED and not all(v.intent is False for v in views):
        raise Conflict("立项会尚有增信机构未表态或已有担保意向，不能告知企业完善事项。", code="views_pending")
    fire(case, "advise_improvement", _text(text, "请填写需企业完善的事项。"))
    case.advice_letter = _letter(case, "feedback", f"融资项目反馈函（{case.enterprise.name}）", {
        "outcome": "立项会未形成担保意向", "text": case.improvement_advice}, actor)
    case.save()
    _stop(case.advice_deadline)
    _notify_enterprise(case, "improvement_advised", "融资项目反馈：请完善以下事项", case.improvement_advice)
    _record(case, RiskAction.CASE_IMPROVEMENT_ADVISED, actor, text=case.improvement_advice,
            letter=case.advice_letter.number)
    return case


# --- Funders -----------------------------------------------------------------------------------


@transaction.atomic
def send_to_funders(case: FinancingCase, *, funders: Iterable[Institution],
                    actor: User | None) -> FinancingCase:
    """Both letters go to each intended funder, who answers within the configured working days."""
    case = locked(case, "enterprise", "contract")
    board = case.board
    fire(case, "send_to_funders")
    letters = [case.recommendation_letter, *(v.letter for v in case.enhancer_views.filter(intent=True)
                                             .select_related("letter"))]
    if len(letters) < 2:
        raise Conflict("尚无增信机构出具担保推荐函，不能发送资金方。", code="no_guarantee_letter")
    funders = list(dict.fromkeys(funders))
    if not funders:
        raise DomainError("请选择意向资金方。", code="no_funders")
    asked = set(case.funder_requests.values_list("funder_id", flat=True))
    for funder in funders:
        selectors.require_party(board, funder, "funder")
        if funder.pk in asked:
            raise Conflict(f"已向「{funder}」发送过本项目。", code="already_sent")
    case.save()
    url = selectors.api_case_url(case)
    for funder in funders:
        users = selectors.institution_users(board, funder, Role.INSTITUTION_USER)
        request = FunderRequest.objects.create(board=board, case=case, funder=funder)
        request.answer_deadline = _clock(case, request, "funder_answer", "资金方意向答复",
                                         "funder_answer_workdays", assignee=_first(users),
                                         role=Role.EXCHANGE_STAFF, url=url)
        request.save(update_fields=["answer_deadline"])
        notify(board, users, "risksharing.sent_to_funder", f"融资推荐：{case.enterprise}",
               f"随附融资推荐函和担保推荐函，请在 {board.setting('risksharing.funder_answer_workdays')} "
               "个工作日内出具意向函（不予融资须说明理由）。", url)
    _record(case, RiskAction.CASE_SENT_TO_FUNDERS, actor, funders=[f.code for f in funders],
            letters=[letter.number for letter in letters if letter is not None])
    return case


@transaction.atomic
def answer_request(request: FunderRequest, *, intent: bool, actor: User | None, amount: Amount | None = None,
                   conditions: str = "", reasons: str = "") -> FunderRequest:
    """A funder's intent letter: yes (with amount and conditions) or no with its reasons. The
    organiser's clock to answer the enterprise starts."""
    request = locked(request, *REQUEST_JOINS)
    case = request.case
    if intent:
        fire(request, "agree", amount, (conditions or "").strip())
        if amount is not None:
            request.amount = _positive(amount, "意向金额")
    else:
        fire(request, "refuse", (reasons or "").strip())
        _text(request.reasons, "不予融资须说明理由。", code="reasons_required")
    request.answered_by, request.answered_at = actor, timezone.now()
    _stop(request.answer_deadline)
    request.feedback_deadline = _clock(case, request, "enterprise_answer", "答复企业（资金方意向）",
                                       "enterprise_answer_workdays", role=Role.EXCHANGE_STAFF,
                                       url=selectors.admin_url(case))
    request.save()
    _notify_staff(case, "funder_answered", f"资金方已答复（{request.get_state_display()}）",
                  f"{request.funder}：{request.conditions or request.reasons}")
    _record(case, RiskAction.FUNDER_ANSWERED, actor, subject=request, funder=request.funder.code,
            intent=bool(intent),
            amount=request.amount, conditions=request.conditions, reasons=request.reasons)
    return request


@transaction.atomic
def lapse_request(request: FunderRequest, *, actor: User | None) -> FunderRequest:
    """The funder let its answer clock run out: an outcome the enterprise is answered on too."""
    request = locked(request, *REQUEST_JOINS)
    deadline = request.answer_deadline
    if request.state == RequestState.SENT and deadline is not None and deadline.due_at > timezone.now():
        raise Conflict(f"资金方答复期限 {timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M} 未到。",
                       code="not_due")
    fire(request, "lapse")
    _stop(deadline, met=False)
    request.feedback_deadline = _clock(request.case, request, "enterprise_answer", "答复企业（资金方逾期）",
                                       "enterprise_answer_workdays", role=Role.EXCHANGE_STAFF,
                                       url=selectors.admin_url(request.case))
    request.save()
    _record(request.case, RiskAction.FUNDER_LAPSED, actor, subject=request, funder=request.funder.code)
    return request


def funder_decision(request: FunderRequest) -> str:
    """The funder's decision in the words of its own answer: agreed with amount and conditions,
    refused with its reasons, or lapsed. 风险分担流程: 资金方出具意向函（不予融资须说明理由）,
    交易中心据此答复企业."""
    funder = request.funder.name
    if request.state == RequestState.AGREED:
        amount = f"，意向金额 {format_yuan(request.amount)}" if request.amount is not None else ""
        conditions = f"；融资条件：{request.conditions}" if request.conditions else ""
        return f"{funder}同意融资{amount}{conditions}。"
    if request.state == RequestState.REFUSED:
        return f"{funder}不予融资。理由：{request.reasons}"
    return f"{funder}未在答复期限内出具意向函。"


@transaction.atomic
def send_feedback(request: FunderRequest, *, text: str = "", actor: User | None) -> FunderRequest:
    """The organiser's answer to the enterprise on one funder's outcome, with its letter. The
    letter states the funder's decision (and a refusal's reasons) from the funder's own answer;
    staff may add to it, never replace it."""
    request = locked(request, *REQUEST_JOINS)
    case = request.case
    if request.state not in OUTCOME_STATES or request.feedback_letter_id:
        raise Conflict(f"「{request.funder}」的意向{request.get_state_display()}，"
                       + ("已答复企业。" if request.feedback_letter_id else "尚无结果可答复企业。"),
                       code="no_outcome")
    if request.state == RequestState.REFUSED and not (request.reasons or "").strip():
        raise DomainError(f"「{request.funder}」不予融资但没有说明理由，不能答复企业；请资金方补充理由。",
                          code="reasons_required")
    decision = funder_decision(request)
    request.feedback = "\n".join(part for part in (decision, (text or "").strip()) if part)
    request.feedback_letter = _letter(case, "feedback", f"融资项目反馈函（{case.enterprise.name}）", {
        "outcome": f"{request.funder.name}：{request.get_state_display()}", "decision": decision,
        "text": (text or "").strip()}, actor)
    request.save()
    _stop(request.feedback_deadline)
    _notify_enterprise(case, "feedback", f"融资项目反馈：{request.funder}", request.feedback)
    _record(case, RiskAction.ENTERPRISE_ANSWERED, actor, subject=request, funder=request.funder.code,
            text=request.feedback, letter=request.feedback_letter.number)
    return request
