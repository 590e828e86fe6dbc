"""Admission (入板申报): campaigns, applications, the tier plan, its approvals, publicity and
objections.

Invariants: every function runs in the caller's board scope and in one transaction; it locks
the rows it changes (SELECT ... FOR UPDATE), fires the model's transition (an illegal step
raises IllegalTransition, HTTP 409 with the allowed steps), writes the evidence entry
``boards.<thing>.<verb>`` with the actor and notifies whoever acts next.
Approving bodies are the board's ``admission.approving_bodies``; a regulator user acts for a
body when their REGULATOR membership's institution has the body's code.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises import tiers
from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Application,
    ApplicationMaterial,
    ApplicationState,
    Campaign,
    Enterprise,
    EnterpriseStatus,
    FiledBy,
)
from boards.enterprises.services import application_form
from boards.kernel import calendar, evidence
from boards.kernel.deadlines import meet_deadline, open_deadline
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.files import store_upload
from boards.kernel.filings import create_filing
from boards.kernel.locking import locked
from boards.kernel.models import Board, DayBasis, Deadline, DeadlineState, Filing, Institution, Role
from boards.kernel.notifications import admin_change_url, notify, notify_staff
from boards.kernel.workflow import fire

DEFAULT_ADMISSION = {
    # [{"code": "gxt", "name": "自治区工信厅"}]; every code must also be in Board.regulators.
    "approving_bodies": [],
    "publicity_workdays": 5,
    # Regulator code (Board.regulators) the 入板申请表 and the 公示名单 are filed with.
    "filing_addressee": "",
}


# Applications still on their way: an enterprise has at most one of these.
ACTIVE_STATES = [s for s in ApplicationState.values
                 if s not in (ApplicationState.INELIGIBLE, ApplicationState.ADMITTED,
                              ApplicationState.HELD_BACK)]


OPEN_FOR_MATERIAL = (ApplicationState.DRAFT, ApplicationState.RETURNED)


BUREAU_DEADLINE = "admission.bureau_submission"


CHECK_DEADLINE = "admission.exchange_check"


MATERIAL_TYPES = ("pdf", "jpg", "png", "docx", "xlsx")


def validate_admission(value: dict[str, Any]) -> list[str]:
    errors = []
    bodies = value.get("approving_bodies")
    if not isinstance(bodies, list) or not all(
            isinstance(b, dict) and b.get("code") and b.get("name") for b in bodies):
        errors.append('approving_bodies 必须是 [{"code": ..., "name": ...}] 列表')
    elif len({b["code"] for b in bodies}) != len(bodies):
        errors.append("approving_bodies 的 code 不能重复")
    days = value.get("publicity_workdays")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        errors.append(f"publicity_workdays 必须是正整数，当前为 {days!r}")
    if not isinstance(value.get("filing_addressee"), str):
        errors.append("filing_addressee 必须是报备监管机构代码")
    return errors


def approving_bodies(board: Board) -> list[dict[str, str]]:
    return board.setting("admission.approving_bodies", [])


def body_name(board: Board, code: str) -> str | None:
    return next((b["name"] for b in approving_bodies(board) if b["code"] == code), None)


# --- Recipients ------------------------------------------------------------------------------


def _members(board: Board, role: str, **membership: Any) -> list[User]:
    filters = {f"board_memberships__{key}": value for key, value in membership.items()}
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role=role,
        board_memberships__is_active=True, **filters).distinct())


def _applicants(application: Application) -> list[User]:
    """The enterprise's users and whoever filed for it."""
    users = list(application.enterprise.users.filter(is_active=True))
    if application.created_by is not None:
        users.append(application.created_by)
    return users


def _applicant_url(application: Application) -> str:
    return reverse("admission-detail", args=[application.board.slug, application.pk])


def _notify_applicants(application: Application, verb: str, title: str, body: str = "") -> None:
    notify(application.board, _applicants(application), verb, f"{application.enterprise}：{title}", body,
           _applicant_url(application))


# --- Locking helpers -----------------------------------------------------------------------


def _record(application: Application, action: EnterpriseAction, actor: User, **payload: Any) -> None:
    evidence.record(application.board, action, actor=actor, subject=application,
                    payload={"state": application.state, **payload})


def _set_enterprise_status(enterprise: Enterprise, old: str, new: str) -> None:
    Enterprise.objects.filter(pk=enterprise.pk, status=old).update(status=new)


# --- Campaigns -------------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, calendar.END_OF_DAY, tzinfo=calendar.SHANGHAI)


def campaign_dates_error(opens_on: dt.date, bureau_deadline: dt.date, check_deadline: dt.date) -> str | None:
    if not opens_on <= bureau_deadline <= check_deadline:
        return "日期顺序应为：开始日期 ≤ 地方主管部门报送截止 ≤ 交易中心初核截止。"
    return None


@transaction.atomic
def create_campaign(board: Board, *, name: str, opens_on: dt.date, bureau_deadline: dt.date,
                    check_deadline: dt.date, actor: User) -> Campaign:
    """Open a campaign and the two clocks of its dates (calendar days, ending 23:59:59 of each
    date): the bureaus' submission and the exchange's check."""
    error = campaign_dates_error(opens_on, bureau_deadline, check_deadline)
    if error:
        raise DomainError(error, code="invalid_dates")
    campaign = Campaign.objects.create(board=board, name=name, opens_on=opens_on,
                                       bureau_deadline=bureau_deadline, check_deadline=check_deadline)
    for kind, title, day, role, url in (
        (BUREAU_DEADLINE, f"{name}：地方主管部门报送入板申请", bureau_deadline, Role.LOCAL_BUREAU,
         reverse("admission-bureau", args=[board.slug])),
        (CHECK_DEADLINE, f"{name}：交易中心完成初核并拟订分层方案", check_deadline, Role.EXCHANGE_STAFF,
         admin_change_url(campaign)),
    ):
        open_deadline(board, campaign, kind, title, (day - opens_on).days, DayBasis.CALENDAR,
                      starts_at=_end_of(opens_on), assignee_role=role, url=url)
    evidence.record(board, EnterpriseAction.CAMPAIGN_CREATED, actor=actor, subject=campaign, payload={
        "name": name, "opens_on": opens_on, "bureau_deadline": bureau_deadline,
        "check_deadline": check_deadline})
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor: User) -> Campaign:
    """Stop accepting new applications; those under way go on."""
    campaign = locked(campaign)
    if not campaign.is_open:
        raise Conflict("该批次已停止受理。")
    campaign.is_open = False
    campaign.save(update_fields=["is_open"])
    evidence.record(campaign.board, EnterpriseAction.CAMPAIGN_CLOSED, actor=actor, subject=campaign)
    return campaign


def _meet_campaign_deadlines(campaign: Campaign) -> None:
    open_clocks = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk),
        kind__in=[BUREAU_DEADLINE, CHECK_DEADLINE], state=DeadlineState.OPEN)
    for deadline in open_clocks:
        meet_deadline(deadline)


# --- Applications: the applicant's side ------------------------------------------------------


def _check_tier(board: Board, tier: str) -> None:
    if tier and tier not in tiers.tier_names(board):
        names = "、".join(f"{code}（{name}）" for code, name in tiers.tier_names(board).items())
        raise DomainError(f"申请层级「{tier}」不存在。可选：{names}。", code="invalid_tier")


def _new_application(enterprise: Enterprise, campaign: Campaign, *, actor: User, filed_by: str,
                     requested_tier: str = "", **fields: Any) -> Application:
    enterprise = locked(enterprise)
    campaign = Campaign.objects.get(pk=campaign.pk)
    if not campaign.is_open:
        raise Conflict(f"「{campaign.name}」已停止受理。")
    if enterprise.status == EnterpriseStatus.ADMITTED:
        raise Conflict(f"{enterprise.name}已入板，无需再次申请。")
    if Application.objects.filter(enterprise=enterprise, state__in=ACTIVE_STATES).exists():
        raise Conflict(f"{enterprise.name}已有进行中的入板申请。")
    _check_tier(enterprise.board, requested_tier)
    application = Application.objects.create(
        board=enterprise.board, campaign=campaign, enterprise=enterprise, filed_by=filed_by,
        requested_tier=requested_tier, created_by=actor, **fields)
    _record(application, EnterpriseAction.APPLICATION_CREATED, actor, filed_by=filed_by, campaign=campaign.pk)
    return application


@transaction.atomic
def create_application(enterprise: Enterprise, campaign: Campaign, *, actor: User,
                       requested_tier: str = "") -> Application:
    """The enterprise's own draft."""
    return _new_application(enterprise, campaign, actor=actor, filed_by=FiledBy.ENTERPRISE,
                            requested_tier=requested_tier)


@transaction.atomic
def update_application(application: Application, *, requested_tier: str, actor: User) -> Application:
    application = locked(application, "enterprise", "campaign", "plan")
    if application.state != ApplicationState.DRAFT:
        raise Conflict("只有草稿可以修改。")
    _check_tier(application.board, requested_tier)
    application.requested_tier = requested_tier
    application.save(update_fields=["requested_tier"])
    _record(application, EnterpriseAction.APPLICATION_UPDATED, actor, requested_tier=requested_tier)
    return application


@transaction.atomic
def add_material(application: Application, uploaded_file: UploadedFile, *, title: str,
                 actor: User) -> ApplicationMaterial:
    """Attach a document to a draft, or to a returned application as that round's supplement."""
    application = locked(application, "enterprise", "campaign", "plan")
    if application.state not in OPEN_FOR_MATERIAL:
        raise Conflict("只有草稿或退回补充的申请可以上传材料。")
    if not title.strip():
        raise DomainError("请填写材料名称。", code="title_required")
    stored = store_upload(application.board, uploaded_file, purpose="admission.material", user=actor,
                          allowed=MATERIAL_TYPES)
    material = ApplicationMaterial.objects.create(board=application.board, application=application,
                                                  title=title.strip(), file=stored,
                                                  round=application.supplement_rounds)
    _record(application, EnterpriseAction.APPLICATION_MATERIAL_ADDED, actor, material=material.pk,
            title=material.title,
            round=material.round, sha256=stored.sha256)
    return material


def _file_application_form(application: Application, actor: User) -> Filing:
    """The 入板申请表 as a numbered filing."""
    board, enterprise = application.board, application.enterprise
    names = tiers.tier_names(board)
    qualifications = [f"{q.get_kind_display()}（{q.issuer or '—'}，{q.issued_on or '—'}）"
                      for q in enterprise.qualifications.all()]
    years = application_form.form_years()
    financials = [{"year": f.year, "revenue": tiers.format_yuan(f.revenue),
                   "net_profit": tiers.format_yuan(f.net_profit),
                   "rd_expense": tiers.format_yuan(f.rd_expense),
                   "total_assets": tiers.format_yuan(f.total_assets)}
                  for f in enterprise.financials.filter(year__in=years).order_by("-year")]
    return create_filing(
        board, kind="boards.application_form", addressee=board.setting("admission.filing_addressee"),
        subject=f"{board.short_name or board.name_zh}企业入板申请表（{enterprise.name}）",
        template_name="boards/filings/application_form.html", subject_obj=application, actor=actor,
        context={
            "campaign": application.campaign.name,
            "filed_by": application.get_filed_by_display(),
            "filing_institution": str(application.filing_institution or ""),
            "enterprise": {
                "name": enterprise.name, "credit_code": enterprise.credit_code,
                "prefecture": enterprise.prefecture, "industry": enterprise.industry,
                "founded_on": enterprise.founded_on,
                "registered_capital": tiers.format_yuan(enterprise.registered_capital)
                if enterprise.registered_capital is not None else "",
                "legal_representative": enterprise.legal_representative,
                "contact": " ".join(filter(None, [enterprise.contact_name, enterprise.contact_phone,
                                                  enterprise.contact_email])),
                "main_business": enterprise.main_business,
            },
            "basis": application.basis,
            "years": years,
            "requested_tier": names.get(application.requested_tier, ""),
            "qualifications": qualifications,
            "financials": financials,
            "materials": [m.title for m in application.materials.all()],
        })


@transaction.atomic
def submit_application(application: Application, *, actor: User) -> Application:
    """Draft → submitted to the prefecture bureau, or, filed by a serving institution, straight
    to the exchange. Files the 入板申请表."""
    application = locked(application, "enterprise", "campaign", "plan")
    by_institution = application.filed_by == FiledBy.INSTITUTION
    if application.filed_by == FiledBy.ENTERPRISE:  # a bureau's or institution's filing carries its own
        application_form.require_complete(application)
    fire(application, "file_with_exchange" if by_institution else "submit")
    now = timezone.now()
    application.submitted_at = now
    if by_institution:
        application.forwarded_at = now
    application.save()
    _set_enterprise_status(application.enterprise, EnterpriseStatus.PROSPECT, EnterpriseStatus.APPLYING)
    filing = _file_application_form(application, actor)
    _record(application, EnterpriseAction.APPLICATION_FORWARDED if by_institution
            else EnterpriseAction.APPLICATION_SUBMITTED, actor, filing=filing.number)
    board, enterprise = application.board, application.enterprise
    if by_institution:
        notify_staff(board, application, "admission.forwarded",
                      f"新入板申请：{enterprise}（{application.filing_institution}申报）")
    else:
        notify(board, _members(board, Role.LOCAL_BUREAU, prefecture=enterprise.prefecture),
               "admission.submitted", f"待报送的入板申请：{enterprise}",
               f"请在 {application.campaign.bureau_deadline} 前报送交易中心。",
               reverse("admission-bureau", args=[board.slug]))
    return application


@transaction.atomic
def file_by_bureau(enterprise: Enterprise, campaign: Campaign, *, actor: User,
                   requested_tier: str = "") -> Application:
    """The prefecture bureau files for an enterprise of its prefecture: submitted at once."""
    application = _new_application(enterprise, campaign, actor=actor, filed_by=FiledBy.BUREAU,
                                   requested_tier=requested_tier)
    return submit_application(application, actor=actor)


@transaction.atomic
def file_by_institution(enterprise: Enterprise, campaign: Campaign, due_diligence: UploadedFile, *,
                        institution: Institution, actor: User, requested_tier: str = "") -> Application:
    """A serving institution (PE manager, bank, securities, accounting or law firm) files with
    its due-diligence material; the application goes straight to the exchange."""
    application = _new_application(enterprise, campaign, actor=actor, filed_by=FiledBy.INSTITUTION,
                                   requested_tier=requested_tier, filing_institution=institution)
    application.due_diligence = store_upload(enterprise.board, due_diligence, user=actor,
                                             purpose="admission.due_diligence", allowed=MATERIAL_TYPES)
    application.save(update_fields=["due_diligence"])
    return submit_application(application, actor=actor)


@transaction.atomic
def forward_batch(applications: Iterable[Application], *, prefecture: str, actor: User) -> list[Application]:
    """The bureau forwards its prefecture's submitted applications to the exchange, all or none."""
    pks = sorted({a.pk for a in applications})
    if not pks:
        raise DomainError("请至少选择一项申请。", code="empty_batch")
    applications = list(Application.objects.select_for_update(of=("self",))
                  .select_related("board", "enterprise", "campaign").filter(pk__in=pks).order_by("pk"))
    if len(applications) != len(pks) or any(a.enterprise.prefecture != prefecture for a in applications):
        raise NotFound()
    now = timezone.now()
    for application in applications:
        fire(application, "forward")
        application.forwarded_at = now
        application.save()
        _record(application, EnterpriseAction.APPLICATION_FORWARDED, actor, batch=pks)
    board = applications[0].board
    notify_staff(board, None, "admission.forwarded", f"{prefecture}报送入板申请 {len(applications)} 项",
                 "、".join(a.enterprise.name for a in applications),
                 url=reverse("admin:boards_application_changelist"))
    return applications


@transaction.atomic
def resubmit(application: Application, *, actor: User) -> Application:
    """The applicant answers a supplement request; needs material uploaded in this round."""
    application = locked(application, "enterprise", "campaign", "plan")
    fire(application, "resubmit")
    if not application.materials.filter(round=application.supplement_rounds).exists():
        raise Conflict("请先上传本轮补充材料，再重新提交。", code="supplement_missing")
    application.save()
    _record(application, EnterpriseAction.APPLICATION_RESUBMITTED, actor, round=application.supplement_rounds)
    notify_staff(application.board, application, "admission.resubmitted",
                  f"补充材料已提交：{application.enterprise}（第 {application.supplement_rounds} 轮）")
    return application


# --- Applications: the exchange's check ----------------------------------------------------------


@transaction.atomic
def start_check(application: Application, *, actor: User) -> Application:
    application = locked(application, "enterprise", "campaign", "plan")
    fire(application, "start_check")
    application.save()
    _record(application, EnterpriseAction.APPLICATION_CHECK_STARTED, actor)
    return application


@transaction.atomic
def request_supplement(application: Application, *, text: str, actor: User) -> Application:
    application = locked(application, "enterprise", "campaign", "plan")
    if not text.strip():
        raise DomainError("请写明需要补充的材料。", code="text_required")
    fire(application, "request_supplement")
    application.supplement_request = text.strip()
    application.supplement_rounds += 1
    application.save()
    _record(application, EnterpriseAction.APPLICATION_SUPPLEMENT_REQUESTED, actor,
            round=application.supplement_rounds,
            text=application.supplement_request)
    _notify_applicants(application, "admission.returned", "入板申请需补充材料",
                       application.supplement_request)
    return application


@transaction.atomic
def mark_eligible(application: Application, *, actor: User) -> Application:
    """Eligible with the tier the tier engine suggests and every criterion's reason. A board
    whose tiers config has ``entry_requires_any`` refuses until one of those is on file."""
    application = locked(application, "enterprise", "campaign", "plan")
    fire(application, "mark_eligible")
    enterprise = Enterprise.objects.prefetch_related(
        "qualifications", "financings", "financials", "tier_permits").get(pk=application.enterprise_id)
    suggestion = tiers.suggest_tier(enterprise)
    if not suggestion.tier:
        unmet = [row for row in suggestion.criteria if row["tier"] == "" and not row["met"]]
        reason = (f"不符合入板条件：{unmet[0]['criterion']}（当前：{unmet[0]['reason']}）。"
                  "请在取得相应认定后再认定符合条件，或认定为不符合条件。" if unmet
                  else "未达到任何层级的条件，请认定为不符合条件。")
        raise Conflict(reason, code="entry_not_met", details={"criteria": suggestion.criteria})
    application.proposed_tier = suggestion.tier
    application.check_result = {"tier": suggestion.tier, "tier_name": suggestion.name,
                                "checked_on": timezone.localdate().isoformat(),
                                "criteria": suggestion.criteria}
    application.decided_at = timezone.now()
    application.save()
    _record(application, EnterpriseAction.APPLICATION_ELIGIBLE, actor, tier=suggestion.tier)
    _notify_applicants(application, "admission.eligible", "初核结论：符合入板条件",
                       f"拟纳入{suggestion.name}。")
    return application


@transaction.atomic
def mark_ineligible(application: Application, *, reasons: str, actor: User) -> Application:
    application = locked(application, "enterprise", "campaign", "plan")
    if not reasons.strip():
        raise DomainError("请写明不符合条件的理由。", code="reasons_required")
    fire(application, "mark_ineligible")
    application.check_result = {"reasons": reasons.strip(), "checked_on": timezone.localdate().isoformat()}
    application.decided_at = timezone.now()
    application.save()
    _set_enterprise_status(application.enterprise, EnterpriseStatus.APPLYING, EnterpriseStatus.PROSPECT)
    _record(application, EnterpriseAction.APPLICATION_INELIGIBLE, actor, reasons=reasons.strip())
    _notify_applicants(application, "admission.ineligible", "初核结论：不符合入板条件", reasons.strip())
    return application
