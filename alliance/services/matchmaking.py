"""Financing needs, interest profiles, pushes to members, matchmakings and members'
recommendations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from alliance import selectors
from alliance.actions import AllianceAction
from alliance.matching import profile_match
from alliance.models import (
    ACTIVE_MATCH,
    FinancingNeed,
    InterestProfile,
    Matchmaking,
    MatchState,
    MembershipState,
    NeedState,
    ProductType,
    ReasonCategory,
    Recommendation,
)
from alliance.writing import notify_institution, required
from boards.enterprises.models import Enterprise, EnterpriseStatus, FinancingRound
from boards.enterprises.services.consent import consent_map
from boards.enterprises.services.registry import create_enterprise
from boards.enterprises.tiers import tier_names
from boards.kernel import datause, evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.files import store_upload
from boards.kernel.locking import locked
from boards.kernel.models import Board, Institution
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.signals import service_delivered
from boards.kernel.workflow import fire

# --- Financing needs and the white list ----------------------------------------------------------


@transaction.atomic
def post_need(enterprise: Enterprise, *, amount: Decimal | None, use: str, term_months: int | None,
              actor: User, product_types: Collection[str] = ()) -> FinancingNeed:
    if amount is None or amount <= 0:
        raise DomainError("融资金额必须大于 0。", code="invalid_amount")
    if not term_months or term_months <= 0:
        raise DomainError("期限必须至少 1 个月。", code="invalid_term")
    unknown = [t for t in product_types if t not in ProductType.values]
    if unknown:
        raise DomainError(f"未知融资方式 {'、'.join(unknown)}。", code="invalid_type")
    need = FinancingNeed.objects.create(board=enterprise.board, enterprise=enterprise, amount=amount,
                                        term_months=term_months,
                                        use=required(use, "请说明资金用途。", "use_required"),
                                        product_types=list(product_types), posted_by=actor)
    evidence.record(enterprise.board, AllianceAction.NEED_POSTED, actor=actor, subject=need, payload={
        "enterprise": enterprise.pk, "amount": amount, "use": need.use, "term_months": term_months,
        "product_types": need.product_types})
    notify_staff(enterprise.board, need, "alliance.need.posted", f"{enterprise} 提交了融资需求")
    return need


@transaction.atomic
def curate_need(need: FinancingNeed, *, whitelist: bool, text: str, actor: User) -> FinancingNeed:
    """Put a need on the white list with ``text`` as the summary institutions see (no business
    or technical secrets), or decline it with ``text`` as the reason."""
    need = locked(need, "enterprise")
    text = required(text, "请填写白名单摘要。" if whitelist else "请说明未列入白名单的理由。",
                    "text_required")
    fire(need, "whitelist" if whitelist else "decline")
    if whitelist:
        need.summary = text
    else:
        need.note = text
    need.curated_by, need.curated_at = actor, timezone.now()
    need.save()
    action = AllianceAction.NEED_WHITELISTED if whitelist else AllianceAction.NEED_DECLINED
    evidence.record(need.board, action, actor=actor, subject=need, payload={"text": text})
    notify(need.board, list(need.enterprise.users.filter(is_active=True)), f"alliance.need.{need.state}",
           f"融资需求（{need.amount} 元）：{need.get_state_display()}", text)
    return need


@transaction.atomic
def close_need(need: FinancingNeed, *, actor: User) -> FinancingNeed:
    need = locked(need)
    fire(need, "close")
    need.save()
    evidence.record(need.board, AllianceAction.NEED_CLOSED, actor=actor, subject=need)
    return need


# --- Interest profiles and the push ---------------------------------------------------------------


@transaction.atomic
def save_interest_profile(board: Board, *, institution: Institution, data: Mapping[str, Any],
                          actor: User) -> InterestProfile:
    """Create or replace ``institution``'s interest profile (``data``: industries, tiers, stages,
    amount_min, amount_max)."""
    values: dict[str, Any] = {
        "industries": list(data.get("industries", [])), "tiers": list(data.get("tiers", [])),
        "stages": list(data.get("stages", [])), "amount_min": data.get("amount_min"),
        "amount_max": data.get("amount_max")}
    errors: dict[str, str] = {}
    tiers = tier_names(board)
    if [t for t in values["tiers"] if t not in tiers]:
        errors["tiers"] = "本专板层级：" + "、".join(f"{code}（{name}）" for code, name in tiers.items())
    if [s for s in values["stages"] if s not in FinancingRound.values]:
        errors["stages"] = "融资阶段可选：" + "、".join(FinancingRound.values)
    low, high = values["amount_min"], values["amount_max"]
    if low is not None and high is not None and low > high:
        errors["amount_max"] = "金额上限不能低于下限。"
    if errors:
        raise DomainError("对接偏好有误，请按提示修改。", code="invalid", details=errors)
    profile, _ = InterestProfile.objects.select_for_update().update_or_create(
        board=board, institution=institution, defaults=values)
    evidence.record(board, AllianceAction.PROFILE_SAVED, actor=actor, subject=profile,
                    payload={"institution": institution.pk, **values})
    return profile


def push_matches(board: Board, *, actor: User | None = None) -> list[Matchmaking]:
    """Push to every admitted member of the push bodies with a profile the board's enterprises
    (not removed) that consent to it now and fit its profile. A member gets an enterprise
    once per white-listed need (once without one) and never while a matchmaking is active."""
    members = selectors.member_institutions(board, states=[MembershipState.ADMITTED],
                                            bodies=board.setting("alliance.push_bodies"))
    profiles = InterestProfile.objects.filter(board=board,
                                              institution__in=members).select_related("institution")
    names = tier_names(board)
    return [m for profile in profiles for m in _push_to(board, profile, names, actor)]


PUSH_ACTION = AllianceAction.MATCHMAKING_PUSHED


def uses_in_push(payload: dict) -> list[datause.Use]:
    """The data use of one push: the enterprise's consented categories went to the institution."""
    categories = tuple(payload.get("categories", ()))
    return [datause.Use(payload["enterprise"], payload.get("institution"), categories)]


@transaction.atomic
def _push_to(board: Board, profile: InterestProfile, names: dict[str, str],
             actor: User | None) -> list[Matchmaking]:
    profile = (
        InterestProfile.objects.select_for_update(of=("self",))
        .select_related("institution")
        .get(pk=profile.pk)
    )
    institution = profile.institution
    consents = consent_map(institution)
    mine = Matchmaking.objects.filter(board=board, institution=institution)
    seen = set(mine.values_list("enterprise_id", "need_id"))
    enterprises = (Enterprise.objects.filter(board=board, pk__in=list(consents))
                   .exclude(status=EnterpriseStatus.REMOVED)
                   .exclude(pk__in=mine.filter(state__in=ACTIVE_MATCH).values("enterprise_id"))
                   .prefetch_related("financings", "qualifications", Prefetch(
                       "financing_needs", FinancingNeed.objects.filter(state=NeedState.WHITELISTED)
                       .order_by("-posted_at", "-id"), to_attr="listed_needs")))
    pushed: list[Matchmaking] = []
    for enterprise in enterprises:
        matched, reasons, need = profile_match(profile, enterprise, needs=enterprise.listed_needs,
                                               categories=consents[enterprise.pk], tier_names=names)
        if not matched or (enterprise.pk, getattr(need, "pk", None)) in seen:
            continue
        matchmaking = Matchmaking.objects.create(board=board, institution=institution, enterprise=enterprise,
                                                 need=need, match_reasons=reasons)
        evidence.record(board, PUSH_ACTION, actor=actor, subject=matchmaking, payload={
            "institution": institution.pk, "enterprise": enterprise.pk, "need": getattr(need, "pk", None),
            "reasons": reasons, "categories": sorted(consents[enterprise.pk])})
        pushed.append(matchmaking)
    if pushed:
        notify_institution(board, institution, "alliance.matchmaking.pushed",
                           f"交易中心向贵机构推送了 {len(pushed)} 家匹配企业",
                           "请在对接项目中查看并反馈意向。")
    return pushed


# --- Matchmaking -----------------------------------------------------------------------------------

REASON_STEPS = ("decline", "fail")
# The state a step leads to -> its evidence action.
MATCH_ACTIONS: dict[str, AllianceAction] = {
    MatchState.INTERESTED: AllianceAction.MATCHMAKING_INTERESTED,
    MatchState.NOT_INTERESTED: AllianceAction.MATCHMAKING_NOT_INTERESTED,
    MatchState.DEEP_ENGAGEMENT: AllianceAction.MATCHMAKING_DEEP_ENGAGEMENT,
    MatchState.DUE_DILIGENCE: AllianceAction.MATCHMAKING_DUE_DILIGENCE,
    MatchState.FINANCED: AllianceAction.MATCHMAKING_FINANCED,
    MatchState.FAILED: AllianceAction.MATCHMAKING_FAILED,
}


def _reason(category: str, text: str) -> tuple[str, str]:
    if category not in ReasonCategory.values:
        raise DomainError("请选择原因类别。", code="reason_category_required",
                          details={"allowed": ReasonCategory.values})
    return category, required(text, "请填写原因说明。", "reason_text_required")


@transaction.atomic
def move_matchmaking(matchmaking: Matchmaking, step: str, *, actor: User, reason_category: str = "",
                     reason_text: str = "", amount: Decimal | None = None, instrument: str = "",
                     financed_on: dt.date | None = None) -> Matchmaking:
    """One step of the funnel: interest, decline (reason), engage, due_diligence,
    finance (amount, instrument, date) or fail (reason)."""
    matchmaking = locked(matchmaking, "enterprise")
    args: tuple[object, ...] = ()
    if step in REASON_STEPS:
        args = _reason(reason_category, reason_text)
    elif step == "finance":
        if amount is None or amount <= Decimal(0):
            raise DomainError("融资金额必须大于 0。", code="invalid_amount")
        if instrument not in ProductType.values:
            raise DomainError("请选择融资工具。", code="invalid_instrument",
                              details={"allowed": ProductType.values})
        if financed_on is None or financed_on > timezone.localdate():
            raise DomainError("请填写实际融资日期（不能晚于今天）。", code="invalid_date")
        args = (amount, instrument, financed_on, matchmaking.enterprise.tier)
    fire(matchmaking, step, *args)
    matchmaking.save()
    payload: dict[str, Any] = (
        {"reason_category": reason_category, "reason_text": reason_text} if step in REASON_STEPS else {})
    if step == "finance":
        payload = {"amount": amount, "instrument": instrument, "financed_on": financed_on,
                   "tier": matchmaking.financed_tier}
    evidence.record(matchmaking.board, MATCH_ACTIONS[matchmaking.state], actor=actor,
                    subject=matchmaking, payload={"step": step, **payload})
    if step in ("finance", "fail", "decline"):
        notify_staff(matchmaking.board, matchmaking, f"alliance.matchmaking.{matchmaking.state}",
                     f"{matchmaking}：{matchmaking.get_state_display()}", reason_text)
    if step in ("finance", "fail"):  # a concluded matchmaking: the enterprise may be asked to rate it
        transaction.on_commit(lambda: service_delivered.send(
            sender=type(matchmaking), board_id=matchmaking.board_id, enterprise_id=matchmaking.enterprise_id,
            source=f"alliance.matchmaking:{matchmaking.pk}",
            label=f"融资对接（{matchmaking.institution.name}）：{matchmaking.get_state_display()}",
            institution_id=matchmaking.institution_id, occurred_on=timezone.localdate()))
    return matchmaking


@transaction.atomic
def request_value_report(matchmaking: Matchmaking, *, actor: User) -> Matchmaking:
    """During deep engagement the member may ask the exchange for a preliminary value report."""
    matchmaking = locked(matchmaking)
    if matchmaking.state != MatchState.DEEP_ENGAGEMENT:
        raise Conflict(
            f"对接处于「{matchmaking.get_state_display()}」，只有深度对接阶段可以申请初步价值报告。",
            code="illegal_state",
            details={"state": matchmaking.state},
        )
    if matchmaking.value_report_requested_at is not None:
        return matchmaking
    matchmaking.value_report_requested_at = timezone.now()
    matchmaking.save()
    evidence.record(matchmaking.board, AllianceAction.MATCHMAKING_VALUE_REPORT_REQUESTED, actor=actor,
                    subject=matchmaking)
    notify_staff(matchmaking.board, matchmaking, "alliance.matchmaking.value_report_requested",
                 f"{matchmaking} 申请初步价值报告")
    return matchmaking


@transaction.atomic
def deliver_value_report(matchmaking: Matchmaking, *, upload: UploadedFile, actor: User) -> Matchmaking:
    matchmaking = locked(matchmaking, "institution")
    if matchmaking.value_report_requested_at is None:
        raise Conflict("该对接未申请初步价值报告。", code="not_requested")
    stored = store_upload(matchmaking.board, upload, purpose="alliance.value_report", user=actor,
                          allowed=("pdf", "docx"))
    matchmaking.value_report = stored
    matchmaking.save()
    evidence.record(matchmaking.board, AllianceAction.MATCHMAKING_VALUE_REPORT_DELIVERED, actor=actor,
                    subject=matchmaking, payload={"sha256": stored.sha256})
    notify_institution(matchmaking.board, matchmaking.institution,
                       "alliance.matchmaking.value_report_delivered",
                       f"初步价值报告已出具：{matchmaking.enterprise_id} 号企业")
    return matchmaking


@transaction.atomic
def mark_case(matchmaking: Matchmaking, *, title: str, summary: str, actor: User) -> Matchmaking:
    """A financed matchmaking joins the case collection."""
    matchmaking = locked(matchmaking)
    if matchmaking.state != MatchState.FINANCED:
        raise Conflict("只有已融资的对接可以列为案例。", code="not_financed",
                       details={"state": matchmaking.state})
    matchmaking.is_case = True
    matchmaking.case_title = required(title, "请填写案例标题。", "title_required")
    matchmaking.case_summary = required(summary, "请填写案例简介。", "summary_required")
    matchmaking.save()
    evidence.record(matchmaking.board, AllianceAction.MATCHMAKING_CASE_MARKED, actor=actor,
                    subject=matchmaking,
                    payload={"title": matchmaking.case_title, "summary": matchmaking.case_summary})
    return matchmaking


# --- Recommendations --------------------------------------------------------------------------------

LEAD_FIELDS = ("name", "credit_code", "prefecture", "industry")


@transaction.atomic
def recommend_enterprise(board: Board, *, institution: Institution, data: Mapping[str, Any], reason: str,
                         actor: User, invested: bool = False) -> Recommendation:
    """A member recommends an enterprise: the board's enterprise with that credit code, or a
    new one as an admission lead (status prospect)."""
    reason = required(reason, "请填写推荐理由。", "reason_required")
    lead = {name: str(data.get(name, "")).strip() for name in LEAD_FIELDS}
    enterprise = Enterprise.objects.filter(board=board, credit_code=lead["credit_code"].upper()).first()
    if enterprise is None:
        try:
            with transaction.atomic():
                enterprise = create_enterprise(board, data=lead, actor=actor)
        except IntegrityError:  # registered concurrently
            enterprise = Enterprise.objects.get(board=board, credit_code=lead["credit_code"].upper())
    recommendation = Recommendation.objects.create(board=board, institution=institution,
                                                   enterprise=enterprise, reason=reason, invested=invested,
                                                   created_by=actor)
    evidence.record(board, AllianceAction.RECOMMENDATION_CREATED, actor=actor, subject=recommendation,
                    payload={
        "institution": institution.pk, "enterprise": enterprise.pk, "reason": reason, "invested": invested})
    notify_staff(board, recommendation, "alliance.recommendation.created",
                 f"{institution} 推荐企业 {enterprise}", reason)
    return recommendation
