"""Every write of risk sharing: one function per use case, each in one transaction on rows
locked FOR UPDATE (the case before its children, funds in id order), with its evidence entry;
letters (numbered filings rendered to PDF after commit), notifications and clocks on the kernel.
Functions run inside the case's board scope.

Clocks, all in working days from the board's ``risksharing`` config: each enhancer's view at
the 立项会; each funder's answer; the organiser's answer to the enterprise after each outcome
(and after a 立项会 without guarantee intent); each maker-checker approval.

Maker-checker: contract terms and loss allocations are entered by one user and approved or
rejected by another. Money: a loss is split by the contract's shares to the fen
(money.split); a party with a compensation fund is paid from it, never below zero: what the
fund cannot pay is recorded as the part's ``unfunded`` shortfall, logged and reported.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from boards.enterprises.tiers import format_yuan, tier_names
from boards.kernel import evidence
from boards.kernel.deadlines import cancel_deadline, meet_deadline, open_deadline
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.filings import create_filing
from boards.kernel.models import DayBasis, DeadlineState, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire
from risksharing import money, selectors
from risksharing.models import (
    ApprovalState,
    CaseState,
    CompensationFund,
    ContractTerms,
    EnhancerView,
    EntryKind,
    FinancingCase,
    FirmInput,
    FundEntry,
    FunderRequest,
    LossAllocation,
    LossPart,
    Party,
    RequestState,
    RiskShare,
    ZeroShareAdvantage,
)

OPEN_CLOCK = (DeadlineState.OPEN, DeadlineState.PAUSED)
OUTCOME_STATES = (RequestState.AGREED, RequestState.REFUSED, RequestState.LAPSED)


# --- Helpers -----------------------------------------------------------------------------------


def _locked_case(case):
    return FinancingCase.objects.select_for_update(of=("self",)).select_related(
        "board", "enterprise", "contract").get(pk=case.pk)


def _locked_request(request):
    return FunderRequest.objects.select_for_update(of=("self",)).select_related(
        "case__board", "case__enterprise", "funder", "answer_deadline", "feedback_deadline",
    ).get(pk=request.pk)


def _require_state(case, states, action):
    if case.state not in states:
        raise Conflict(f"项目当前状态为「{case.get_state_display()}」，不能{action}。", code="wrong_state",
                       details={"state": case.state})


def _text(value, message, code="required"):
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code=code)
    return value


def _positive(value, label):
    try:
        amount = money.yuan(value)
    except (TypeError, ArithmeticError):
        amount = None
    if amount is None or amount <= 0:
        raise DomainError(f"{label}必须是大于 0 的金额（元）。", code="invalid_amount")
    return amount


def _clock(case, subject, kind, title, days_key, *, assignee=None, role="", url=""):
    board = case.board
    return open_deadline(board, subject, f"risksharing.{kind}", f"{title}：{case.enterprise}",
                         board.setting(f"risksharing.{days_key}"), DayBasis.WORKING,
                         assignee=assignee, assignee_role=role, url=url)


def _stop(deadline, *, met=True):
    if deadline is not None and deadline.state in OPEN_CLOCK:
        (meet_deadline if met else cancel_deadline)(deadline)


def _first(users):
    return users[0] if users else None


def _staff(case):
    return selectors.board_members(case.board, Role.EXCHANGE_STAFF)


def _notify_staff(case, verb, title, body=""):
    notify(case.board, _staff(case), f"risksharing.{verb}", f"{title}：{case.enterprise}", body,
           selectors.admin_url(case))


def _notify_enterprise(case, verb, title, body):
    notify(case.board, case.enterprise.users.filter(is_active=True), f"risksharing.{verb}", title, body,
           selectors.enterprise_url(case))


def _record(case, action, actor, subject=None, **payload):
    evidence.record(case.board, f"risksharing.{action}", actor=actor, subject=subject or case,
                    payload={"case": case.pk, **payload})


def _letter(case, kind, subject, context, actor):
    board = case.board
    return create_filing(
        board, kind=f"risksharing.{kind}", addressee=board.setting("risksharing.filing_addressee"),
        subject=subject, template_name=f"risksharing/filings/{kind}.html", actor=actor, subject_obj=case,
        context={"case_id": case.pk, "enterprise": case.enterprise.name, "purpose": case.purpose,
                 "amount": format_yuan(case.amount_requested), "mode": selectors.mode_name(board, case.mode),
                 **context})


def _enterprise_profile(case):
    """The enterprise data the 融资推荐函 carries (JSON-able)."""
    enterprise = case.enterprise
    latest = enterprise.financials.order_by("-year").first()
    return {
        "name": enterprise.name, "credit_code": enterprise.credit_code,
        "prefecture": enterprise.prefecture, "industry": enterprise.industry,
        "tier": tier_names(case.board).get(enterprise.tier, "未分层"),
        "main_business": enterprise.main_business,
        "qualifications": [q.get_kind_display() for q in enterprise.qualifications.order_by("kind")],
        "financials": {"year": latest.year, "revenue": format_yuan(latest.revenue),
                       "net_profit": format_yuan(latest.net_profit),
                       "rd_expense": format_yuan(latest.rd_expense)} if latest else None,
    }


# --- Pre-screen and the 立项会 ------------------------------------------------------------------


@transaction.atomic
def open_case(board, *, enterprise, mode, amount, purpose, actor):
    """The organiser takes up an enterprise's financing need for pre-screening."""
    if not selectors.module_enabled(board):
        raise DomainError("本专板未启用风险分担机制（配置项 modules）。", code="module_disabled")
    if enterprise.board_id != board.pk:
        raise NotFound("未找到该企业。")
    selectors.mode_rules(board, mode)
    case = FinancingCase.objects.create(
        board=board, enterprise=enterprise, mode=mode, amount_requested=_positive(amount, "拟融资金额"),
        purpose=_text(purpose, "请填写融资用途。"), created_by=actor)
    _record(case, "case.opened", actor, enterprise=enterprise.pk, mode=mode, amount=case.amount_requested,
            purpose=case.purpose)
    return case


@transaction.atomic
def add_firm_input(case, *, institution, summary, actor):
    """A professional firm's input to the pre-screen."""
    case = _locked_case(case)
    _require_state(case, [CaseState.PRESCREENING], "补充专业机构意见")
    selectors.require_party(case.board, institution, "firm")
    item = FirmInput.objects.create(board=case.board, case=case, institution=institution,
                                    summary=_text(summary, "请填写专业机构意见摘要。"), added_by=actor)
    _record(case, "prescreen.input_added", actor, institution=institution.code, summary=item.summary)
    return item


@transaction.atomic
def recommend_to_enhancers(case, *, enhancers, opinion, actor, meeting_at=None, meeting_place=""):
    """Pre-screen passed: the 融资推荐函 goes to the enhancers, who give their views at the 立项会.
    The mode's lead enhancer kind must be among them."""
    case = _locked_case(case)
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
    _record(case, "case.recommended", actor, letter=case.recommendation_letter.number,
            enhancers=[i.code for i in enhancers], opinion=case.prescreen_opinion)
    return case


@transaction.atomic
def record_enhancer_view(case, *, institution, intent, opinion, actor, guarantee_amount=None):
    """One enhancer's view at the 立项会. With preliminary guarantee intent it issues its
    担保推荐函; once every enhancer has spoken and none intends to guarantee, the organiser's
    clock to tell the enterprise what to improve starts."""
    case = _locked_case(case)
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
    _record(case, "meeting.view_recorded", actor, subject=view, institution=institution.code,
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
def advise_improvement(case, *, text, actor):
    """No enhancer intends to guarantee: the organiser tells the enterprise what to improve."""
    case = _locked_case(case)
    views = list(case.enhancer_views.all())
    if case.state == CaseState.RECOMMENDED and not all(v.intent is False for v in views):
        raise Conflict("立项会尚有增信机构未表态或已有担保意向，不能告知企业完善事项。", code="views_pending")
    fire(case, "advise_improvement", _text(text, "请填写需企业完善的事项。"))
    case.advice_letter = _letter(case, "feedback", f"融资项目反馈函（{case.enterprise.name}）", {
        "outcome": "立项会未形成担保意向", "text": case.improvement_advice}, actor)
    case.save()
    _stop(case.advice_deadline)
    _notify_enterprise(case, "improvement_advised", "融资项目反馈：请完善以下事项", case.improvement_advice)
    _record(case, "case.improvement_advised", actor, text=case.improvement_advice,
            letter=case.advice_letter.number)
    return case


# --- Funders -----------------------------------------------------------------------------------


@transaction.atomic
def send_to_funders(case, *, funders, actor):
    """Both letters go to each intended funder, who answers within the configured working days."""
    case = _locked_case(case)
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
    _record(case, "case.sent_to_funders", actor, funders=[f.code for f in funders],
            letters=[letter.number for letter in letters])
    return case


@transaction.atomic
def answer_request(request, *, intent, actor, amount=None, conditions="", reasons=""):
    """A funder's intent letter: yes (with amount and conditions) or no with its reasons. The
    organiser's clock to answer the enterprise starts."""
    request = _locked_request(request)
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
    _record(case, "funder.answered", actor, subject=request, funder=request.funder.code, intent=bool(intent),
            amount=request.amount, conditions=request.conditions, reasons=request.reasons)
    return request


@transaction.atomic
def lapse_request(request, *, actor):
    """The funder let its answer clock run out: an outcome the enterprise is answered on too."""
    request = _locked_request(request)
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
    _record(request.case, "funder.lapsed", actor, subject=request, funder=request.funder.code)
    return request


@transaction.atomic
def send_feedback(request, *, text, actor):
    """The organiser's answer to the enterprise on one funder's outcome, with its letter."""
    request = _locked_request(request)
    case = request.case
    if request.state not in OUTCOME_STATES or request.feedback_letter_id:
        raise Conflict(f"「{request.funder}」的意向{request.get_state_display()}，"
                       + ("已答复企业。" if request.feedback_letter_id else "尚无结果可答复企业。"),
                       code="no_outcome")
    request.feedback = _text(text, "请填写答复企业的内容。")
    request.feedback_letter = _letter(case, "feedback", f"融资项目反馈函（{case.enterprise.name}）", {
        "outcome": f"{request.funder.name}：{request.get_state_display()}", "text": request.feedback}, actor)
    request.save()
    _stop(request.feedback_deadline)
    _notify_enterprise(case, "feedback", f"融资项目反馈：{request.funder}", request.feedback)
    _record(case, "enterprise.answered", actor, subject=request, funder=request.funder.code,
            text=request.feedback, letter=request.feedback_letter.number)
    return request


# --- Maker-checker -----------------------------------------------------------------------------


def _open_approval(case, item, what):
    item.deadline = _clock(case, item, "approval", f"复核{what}", "approval_workdays",
                           role=Role.EXCHANGE_STAFF, url=selectors.admin_url(item))
    item.save(update_fields=["deadline"])
    notify(case.board, [u for u in _staff(case) if u.pk != item.entered_by_id], "risksharing.approval",
           f"待复核{what}：{case.enterprise}", "请由录入人以外的工作人员复核。", selectors.admin_url(item))


def _check(model, item, actor, action, *args):
    """Lock the case, then the item, and fire ``action``: the checker must not be the maker."""
    case = _locked_case(item.case)
    item = model.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=item.pk)
    fire(item, action, actor, timezone.now(), *args)
    if actor is None or actor.pk == item.entered_by_id:
        raise DomainError("录入人与复核人不能是同一人：请由另一位工作人员复核。", code="same_maker_checker")
    item.save()
    _stop(item.deadline)
    return case, item


def _pending(queryset, what):
    pending = queryset.filter(state=ApprovalState.PROPOSED).first()
    if pending is not None:
        raise Conflict(f"已有待复核的{what}（编号 {pending.pk}），请先复核或退回。", code="pending_approval")


def _shares(case, rules, funder, shares):
    """Validate ``shares`` ({institution: percent}) against the mode and the 立项会; returns
    [(institution, party, share)] with the funder last."""
    if funder not in shares:
        raise DomainError(f"请填写资金方「{funder}」的分担比例（可为 0）。", code="funder_share_missing")
    intending = {v.institution_id for v in case.enhancer_views.filter(intent=True)}
    rows = []
    for institution, share in shares.items():
        if institution == funder:
            continue
        if institution.pk not in intending:
            raise DomainError(f"「{institution}」未在立项会上出具担保推荐函，不能作为担保方。",
                              code="not_guarantor")
        if share <= 0:
            raise DomainError(f"担保方「{institution}」的分担比例必须大于 0。", code="invalid_share")
        lead = institution.kind == rules["lead_kind"] and not any(p == Party.LEAD for _, p, _ in rows)
        rows.append((institution, Party.LEAD if lead else Party.CO_GUARANTOR, share))
    if not any(party == Party.LEAD for _, party, _ in rows):
        raise DomainError(f"{rules['name']}须由{selectors.K(rules['lead_kind']).label}牵头担保。",
                          code="no_lead")
    if not rules["co_guarantors"] and len(rows) > 1:
        raise DomainError(f"{rules['name']}只能有一家增信机构。", code="no_co_guarantors")
    money.check_shares({str(i): s for i, _, s in rows} | {str(funder): shares[funder]})
    low, high = Decimal(rules["funder_share_min"]), Decimal(rules["funder_share_max"])
    if not low <= shares[funder] <= high:
        raise DomainError(f"{rules['name']}中资金方的分担比例应在 {low}%–{high}% 之间，"
                          f"当前为 {shares[funder]}%。", code="funder_share_out_of_range")
    return [*rows, (funder, Party.FUNDER, shares[funder])]


@transaction.atomic
def propose_terms(case, *, funder, amount, annual_rate, term_months, shares, actor, advantage="",
                  advantage_note=""):
    """The maker enters the contract: amount, rate, term and each party's share (percent, summing
    to exactly 100). A funder share of 0 needs a stated advantage in funding cost or approval time."""
    case = _locked_case(case)
    _require_state(case, [CaseState.WITH_FUNDERS], "录入合同条款")
    _pending(case.terms, "合同条款")
    if not case.funder_requests.filter(funder=funder, state=RequestState.AGREED).exists():
        raise DomainError(f"「{funder}」未出具融资意向函，不能作为合同资金方。", code="funder_not_agreed")
    if annual_rate is None or not 0 < annual_rate < 100:
        raise DomainError("年利率（%）必须大于 0 且小于 100。", code="invalid_rate")
    if not term_months or term_months < 1:
        raise DomainError("期限（月）必须至少 1 个月。", code="invalid_term")
    rows = _shares(case, selectors.mode_rules(case.board, case.mode), funder, shares)
    if shares[funder] == 0:
        if advantage not in ZeroShareAdvantage.values or not (advantage_note or "").strip():
            raise DomainError("资金方分担比例为 0 时，须说明其在融资成本或审批时效上的优势"
                              "（选择优势类型并填写说明）。", code="zero_share_unjustified")
    else:
        advantage, advantage_note = "", ""
    terms = ContractTerms.objects.create(
        board=case.board, case=case, funder=funder, amount=_positive(amount, "合同金额"),
        annual_rate=annual_rate, term_months=term_months, advantage=advantage,
        advantage_note=(advantage_note or "").strip(), entered_by=actor)
    RiskShare.objects.bulk_create([RiskShare(board=case.board, terms=terms, institution=i, party=p, share=s)
                                   for i, p, s in rows])
    _open_approval(case, terms, "合同条款")
    _record(case, "terms.proposed", actor, subject=terms, funder=funder.code, amount=terms.amount,
            annual_rate=annual_rate, term_months=term_months, advantage=advantage,
            advantage_note=terms.advantage_note,
            shares=[{"institution": i.code, "party": p, "share": s} for i, p, s in rows])
    return terms


@transaction.atomic
def approve_terms(terms, *, actor):
    """The checker approves the contract: the case is signed on these terms."""
    case, terms = _check(ContractTerms, terms, actor, "approve")
    fire(case, "sign", terms)
    case.save()
    withdrawn = _withdraw_open_requests(case)
    notify(case.board, selectors.institution_users(case.board, terms.funder, Role.INSTITUTION_USER),
           "risksharing.signed", f"合同条款已确认：{case.enterprise}",
           f"合同金额 {format_yuan(terms.amount)}。", selectors.api_case_url(case))
    _record(case, "terms.approved", actor, subject=terms, maker=terms.entered_by_id, withdrawn=withdrawn)
    return terms


@transaction.atomic
def reject_terms(terms, *, reason, actor):
    case, terms = _check(ContractTerms, terms, actor, "reject", _text(reason, "请填写退回理由。"))
    _record(case, "terms.rejected", actor, subject=terms, reason=terms.rejection_reason)
    return terms


def _withdraw_open_requests(case):
    """Withdraw the requests still unanswered; returns their funders' codes."""
    requests = case.funder_requests.select_for_update(of=("self",)).select_related(
        "answer_deadline", "funder")
    withdrawn = []
    for request in requests.filter(state=RequestState.SENT):
        fire(request, "withdraw")
        request.save()
        _stop(request.answer_deadline, met=False)
        withdrawn.append(request.funder.code)
    return withdrawn


# --- The loan ----------------------------------------------------------------------------------


@transaction.atomic
def disburse(case, *, on, actor):
    case = _locked_case(case)
    fire(case, "disburse", on)
    case.save()
    _record(case, "loan.disbursed", actor, on=on, amount=case.outstanding)
    return case


@transaction.atomic
def record_repayment(case, *, amount, on, actor):
    """Principal repaid; the loan is repaid when nothing is outstanding."""
    case = _locked_case(case)
    _require_state(case, [CaseState.DISBURSED], "登记还款")
    amount = _positive(amount, "还款金额")
    if amount > case.outstanding:
        raise DomainError(f"还款金额 {amount} 元超过未偿本金 {case.outstanding} 元。", code="overpaid")
    case.outstanding -= amount
    if not case.outstanding:
        fire(case, "repay", on)
    case.save()
    _record(case, "loan.repaid", actor, on=on, amount=amount, outstanding=case.outstanding)
    return case


@transaction.atomic
def declare_default(case, *, on, actor):
    case = _locked_case(case)
    fire(case, "declare_default", on)
    case.save()
    _notify_staff(case, "defaulted", "贷款违约",
                  f"未偿本金 {format_yuan(case.outstanding)}，请录入损失分担。")
    _record(case, "loan.defaulted", actor, on=on, outstanding=case.outstanding)
    return case


@transaction.atomic
def propose_loss_allocation(case, *, loss, actor):
    """The maker enters the loss; it is split by the contract's shares to the fen."""
    case = _locked_case(case)
    _require_state(case, [CaseState.DEFAULTED], "录入损失分担")
    _pending(case.allocations, "损失分担")
    loss = _positive(loss, "损失金额")
    if loss > case.outstanding:
        raise DomainError(f"损失金额 {loss} 元超过违约时未偿本金 {case.outstanding} 元。",
                          code="loss_too_large")
    shares = list(case.contract.shares.select_related("institution"))
    funds = {f.institution_id: f for f in CompensationFund.objects.filter(
        board=case.board, institution__in=[s.institution_id for s in shares])}
    allocation = LossAllocation.objects.create(board=case.board, case=case, loss=loss, entered_by=actor)
    amounts = money.split(loss, [s.share for s in shares])
    parts = LossPart.objects.bulk_create([
        LossPart(board=case.board, allocation=allocation, institution=s.institution, party=s.party,
                 share=s.share, amount=amount, fund=funds.get(s.institution_id))
        for s, amount in zip(shares, amounts, strict=True)])
    _open_approval(case, allocation, "损失分担")
    _record(case, "loss.proposed", actor, subject=allocation, loss=loss, parts=[
        {"institution": p.institution.code, "party": p.party, "share": p.share, "amount": p.amount}
        for p in parts])
    return allocation


def _pay_from_fund(case, part, actor):
    """Debit the part from its fund under the fund's lock, never below zero; what the fund
    cannot pay is the part's recorded and reported shortfall."""
    fund = CompensationFund.objects.select_for_update().get(pk=part.fund_id)
    part.fund_paid = min(fund.balance, part.amount)
    part.unfunded = part.amount - part.fund_paid
    part.save(update_fields=["fund_paid", "unfunded"])
    if part.fund_paid:
        fund.balance -= part.fund_paid
        fund.save(update_fields=["balance"])
        FundEntry.objects.create(board=case.board, fund=fund, kind=EntryKind.PAYOUT, amount=part.fund_paid,
                                 balance_after=fund.balance, loss_part=part, actor=actor,
                                 note=f"代偿：{case.enterprise.name}（项目 {case.pk}）")
        evidence.record(case.board, "risksharing.fund.paid", actor=actor, subject=fund, payload={
            "case": case.pk, "part": part.pk, "amount": part.fund_paid, "balance": fund.balance})
    if part.unfunded:
        evidence.record(case.board, "risksharing.fund.shortfall", actor=actor, subject=fund, payload={
            "case": case.pk, "part": part.pk, "due": part.amount, "paid": part.fund_paid,
            "unfunded": part.unfunded})
        _notify_staff(case, "fund_shortfall", f"风险补偿资金池余额不足（{fund}）",
                      f"应付 {part.amount} 元，已付 {part.fund_paid} 元，缺口 {part.unfunded} 元。")
    elif fund.balance < Decimal(case.board.setting("risksharing.fund.low_balance_alert")):
        _notify_staff(case, "fund_low", f"风险补偿资金池余额偏低（{fund}）", f"当前余额 {fund.balance} 元。")


@transaction.atomic
def approve_loss_allocation(allocation, *, actor):
    """The checker approves the split: fund-backed parts are paid from their funds (locked in id
    order), shortfalls recorded; the case's loss is allocated."""
    case, allocation = _check(LossAllocation, allocation, actor, "approve")
    parts = list(allocation.parts.select_related("institution").order_by("pk"))
    for part in sorted((p for p in parts if p.fund_id), key=lambda p: (p.fund_id, p.pk)):
        _pay_from_fund(case, part, actor)
    fire(case, "allocate_loss", allocation)
    case.save()
    _record(case, "loss.allocated", actor, subject=allocation, maker=allocation.entered_by_id,
            loss=allocation.loss, parts=[
                {"institution": p.institution.code, "party": p.party, "amount": p.amount,
                 "fund_paid": p.fund_paid, "unfunded": p.unfunded} for p in parts])
    return allocation


@transaction.atomic
def reject_loss_allocation(allocation, *, reason, actor):
    case, allocation = _check(LossAllocation, allocation, actor, "reject", _text(reason, "请填写退回理由。"))
    _record(case, "loss.rejected", actor, subject=allocation, reason=allocation.rejection_reason)
    return allocation


@transaction.atomic
def transfer_npl(case, *, transferee, on, actor, price=None):
    """The non-performing asset goes to a risk-disposal federation member."""
    case = _locked_case(case)
    fire(case, "transfer_npl", transferee, on, None if price is None else money.yuan(price))
    selectors.require_party(case.board, transferee, "disposal")
    if case.npl_price is not None and case.npl_price < 0:
        raise DomainError("转让价款不能为负数。", code="invalid_amount")
    case.save()
    _record(case, "npl.transferred", actor, transferee=transferee.code, on=on, price=case.npl_price)
    return case


@transaction.atomic
def close_case(case, *, reason, actor):
    """End a case before a contract: open requests are withdrawn, open clocks cancelled."""
    case = _locked_case(case)
    fire(case, "close", _text(reason, "请填写终止原因。"))
    case.save()
    withdrawn = _withdraw_open_requests(case)
    for view in case.enhancer_views.select_related("deadline"):
        _stop(view.deadline, met=False)
    _stop(case.advice_deadline, met=False)
    _notify_enterprise(case, "closed", "融资项目已终止", case.closed_reason)
    _record(case, "case.closed", actor, reason=case.closed_reason, withdrawn=withdrawn)
    return case


# --- Compensation fund and reports -------------------------------------------------------------


@transaction.atomic
def deposit_to_fund(fund, *, amount, actor, note=""):
    fund = CompensationFund.objects.select_for_update(of=("self",)).select_related("board").get(pk=fund.pk)
    amount = _positive(amount, "注资金额")
    fund.balance += amount
    fund.save(update_fields=["balance"])
    FundEntry.objects.create(board=fund.board, fund=fund, kind=EntryKind.DEPOSIT, amount=amount,
                             balance_after=fund.balance, actor=actor, note=note)
    evidence.record(fund.board, "risksharing.fund.deposited", actor=actor, subject=fund,
                    payload={"amount": amount, "balance": fund.balance, "note": note})
    return fund


def _bucket_rows(buckets):
    return [{"label": b.label, "loans": b.loans, "volume": b.volume, "outstanding": b.outstanding,
             "defaults": b.defaults, "losses": b.losses, "unfunded": b.unfunded,
             "fund_balance": b.fund_balance} for b in buckets]


def file_quarterly_report(board, *, year, quarter, actor):
    """The quarterly risk-sharing report to the configured regulator (金融办): the quarter's
    activity and the portfolio, shortfalls and NPL tolerance flags as they stand when filed."""
    if quarter not in (1, 2, 3, 4):
        raise DomainError("季度必须是 1–4。", code="invalid_quarter")
    book = selectors.portfolio(board)
    context = {
        "year": year, "quarter": quarter, "activity": selectors.quarter_activity(board, year, quarter),
        "total": _bucket_rows([book.total])[0],
        "by_mode": _bucket_rows(book.by_mode), "by_enhancer": _bucket_rows(book.by_enhancer),
        "by_funder": _bucket_rows(book.by_funder), "by_tier": _bucket_rows(book.by_tier),
        "funds": [{"name": f.name, "balance": f.balance} for f in book.funds],
        "tolerance": book.tolerance,
        "npl": [{"funder": r.funder.name, "tech_ratio": money.percent(r.tech_ratio),
                 "overall_ratio": r.overall_ratio, "period": r.period, "gap": money.percent(r.gap),
                 "flagged": r.flagged} for r in book.npl],
    }
    return create_filing(
        board, kind="risksharing.quarterly_report", addressee=board.setting("risksharing.filing_addressee"),
        subject=f"{board.short_name or board.name_zh}{year}年第{quarter}季度风险分担情况报告",
        template_name="risksharing/filings/quarterly_report.html", context=context, actor=actor)
