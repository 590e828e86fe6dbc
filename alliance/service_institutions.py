"""晋中 科技金融服务机构 [004]: selection rounds (notice → self-assessed applications →
eligibility → expert scores → decision → publicity of N working days → filing with the
provincial 科技厅 → appointment), monthly performance forms and half-yearly progress reports
with their deadlines, the no-fee attestation, and the annual assessment.

Invariants: publicity ends on the ``publicity_workdays``-th working day counting the first
day (boards.calendar); filing is possible only after that day; a confirmed 不合格 removes the
institution. Every write is evidenced; functions run in the caller's board scope.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from alliance import rules, selectors
from alliance.actions import AllianceAction
from alliance.config import METRICS
from alliance.models import (
    AnnualAssessment,
    Appointment,
    AppointmentState,
    ExpertScore,
    FeeAttestation,
    Grade,
    PerformanceForm,
    ProgressReport,
    ReviewMode,
    RoundState,
    SelectionRound,
    ServiceApplication,
    ServiceApplicationState,
)
from alliance.writing import close_clock, notify_institution, required
from boards.kernel import calendar, evidence
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.deadlines import open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.files import store_upload
from boards.kernel.filings import create_filing
from boards.kernel.locking import locked
from boards.kernel.models import DayBasis, Role
from boards.kernel.notifications import admin_change_url, notify
from boards.kernel.workflow import fire

# 第二条 遴选条件: what each application assesses itself against.
SELF_ASSESSMENT = (
    ("legal_entity", "依法成立3年以上并具有独立法人资格，具有良好的科研诚信和社会信用"),
    ("capacity", "具有一定的科技创新服务能力和条件，行业信誉良好、专业实力较强"),
    ("partners", "熟悉科技金融工作，与金融机构、律师事务所和会计师事务所等建立良好合作关系"),
    ("activities", "能够定期开展融资对接、项目路演及联合金融机构入企服务等活动"),
    ("jcg", "能够为“晋创谷·晋中”创新驱动平台的初创期科技企业提供科技金融服务"),
)


def _setting(board, name):
    return board.setting(f"service_institutions.{name}")


def _fire_and_save(obj, transition):
    fire(obj, transition)
    obj.save()


def _record(obj, action: AllianceAction, actor, **payload):
    evidence.record(obj.board, action, actor=actor, subject=obj, payload=payload)


# --- Selection round -----------------------------------------------------------------------------


@transaction.atomic
def create_round(board, *, title, notice, review_mode, opens_on, closes_on, actor):
    if review_mode not in ReviewMode.values:
        raise DomainError("请选择评审形式。", code="invalid_review_mode",
                          details={"allowed": ReviewMode.values})
    if closes_on < opens_on:
        raise DomainError(f"申报截止 {closes_on} 早于申报开始 {opens_on}。", code="invalid_dates")
    selection = SelectionRound.objects.create(
        board=board, title=required(title, "请填写遴选名称。", "title_required"),
        notice=required(notice, "请填写遴选通知。", "notice_required"), review_mode=review_mode,
        opens_on=opens_on, closes_on=closes_on)
    _record(selection, AllianceAction.SERVICE_ROUND_CREATED, actor, title=title, notice=notice,
            review_mode=review_mode,
            opens_on=opens_on, closes_on=closes_on)
    return selection


@transaction.atomic
def publish_round(selection, *, actor):
    """Publish the notice; every institution user of the board is told."""
    selection = locked(selection)
    _fire_and_save(selection, "publish")
    _record(selection, AllianceAction.SERVICE_ROUND_PUBLISHED, actor, notice=selection.notice)
    users = selectors.role_users(selection.board, *INSTITUTION_ROLES)
    notify(selection.board, users, "alliance.service_round.published", f"遴选通知：{selection.title}",
           f"申报时间 {selection.opens_on} 至 {selection.closes_on}。\n{selection.notice}")
    return selection


@transaction.atomic
def apply_to_round(selection, *, institution, self_assessment, actor):
    """An institution applies with its self-assessment against every criterion of 第二条."""
    selection = locked(selection)
    today = timezone.localdate()
    if selection.state != RoundState.OPEN or not selection.opens_on <= today <= selection.closes_on:
        raise Conflict(f"「{selection.title}」的申报时间为 {selection.opens_on} 至 {selection.closes_on}，"
                       "当前不在申报期内。", code="not_open")
    missing = [label for key, label in SELF_ASSESSMENT if not str(self_assessment.get(key, "")).strip()]
    if missing:
        raise DomainError("自我评价须逐项对照遴选条件说明，缺少：" + "；".join(missing) + "。",
                          code="self_assessment_incomplete", details={"criteria": dict(SELF_ASSESSMENT)})
    if ServiceApplication.objects.filter(round=selection, institution=institution).exists():
        raise Conflict(f"「{institution}」已申报本次遴选。", code="already_applied")
    assessment = {key: str(self_assessment[key]).strip() for key, _ in SELF_ASSESSMENT}
    application = ServiceApplication.objects.create(board=selection.board, round=selection,
                                                    institution=institution, self_assessment=assessment,
                                                    submitted_by=actor)
    _record(application, AllianceAction.SERVICE_APPLICATION_SUBMITTED, actor, institution=institution.pk,
            self_assessment=assessment)
    return application


@transaction.atomic
def close_applications(selection, *, actor):
    """After the closing day: close the round and check each application's eligibility on that day."""
    selection = locked(selection)
    if timezone.localdate() <= selection.closes_on:
        raise Conflict(f"申报截止日 {selection.closes_on} 之后才能结束申报。", code="still_open")
    _fire_and_save(selection, "close_applications")
    _record(selection, AllianceAction.SERVICE_ROUND_CLOSED, actor)
    for application in selection.applications.select_for_update(of=("self",)).select_related("institution"):
        application.eligibility = rules.eligibility_rows(application, selection.closes_on)
        passed = all(row["met"] for row in application.eligibility)
        _fire_and_save(application, "pass_check" if passed else "fail_check")
        _record(application, AllianceAction.SERVICE_APPLICATION_CHECKED, actor, rows=application.eligibility)
    return selection


def _reviewable(application):
    application = locked(application, "round")
    if (
        application.round.state != RoundState.REVIEWING
        or application.state != ServiceApplicationState.ELIGIBLE
    ):
        raise Conflict("只有评审中、资格审查通过的申报可以录入评审结果。", code="not_reviewable",
                       details={"round_state": application.round.state, "state": application.state})
    return application


@transaction.atomic
def record_score(application, *, expert_name, score, actor, comment=""):
    application = _reviewable(application)
    expert_name = required(expert_name, "请填写专家姓名。", "expert_required")
    if score is None or not Decimal(0) <= score <= Decimal(100):
        raise DomainError("评分须在 0—100 之间。", code="invalid_score")
    if application.scores.filter(expert_name=expert_name).exists():
        raise Conflict(f"专家「{expert_name}」已对该申报评分。", code="already_scored")
    row = ExpertScore.objects.create(board=application.board, application=application,
                                     expert_name=expert_name, score=score, comment=comment, recorded_by=actor)
    _record(application, AllianceAction.SERVICE_APPLICATION_SCORED, actor, expert=expert_name, score=score,
            comment=comment)
    return row


@transaction.atomic
def record_site_visit(application, *, visited_on, notes, actor):
    application = _reviewable(application)
    if application.round.review_mode != ReviewMode.MEETING_SITE_VISIT:
        raise Conflict("本次遴选为会议评审，不安排现场考察。", code="no_site_visit")
    application.site_visit_on = visited_on
    application.site_visit_notes = required(notes, "请填写现场考察情况。", "notes_required")
    application.save()
    _record(application, AllianceAction.SERVICE_APPLICATION_SITE_VISITED, actor, visited_on=visited_on,
            notes=notes)
    return application


def average_score(application):
    scores = [s.score for s in application.scores.all()]
    return (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None


@transaction.atomic
def decide_round(selection, *, selected, note, actor):
    """The decision (研究议定): ``selected`` ids among the eligible applications; each eligible
    one needs the configured number of scores (and a site visit when the round asks for one)."""
    selection = locked(selection)
    note = required(note, "请填写议定意见。", "note_required")
    eligible = list(selection.applications.select_for_update(of=("self",)).filter(
        state=ServiceApplicationState.ELIGIBLE).select_related("institution").prefetch_related("scores")
        .order_by("submitted_at", "pk"))
    selected = {int(pk) for pk in selected}
    if selected - {a.pk for a in eligible}:
        raise DomainError("只能从资格审查通过的申报中确定入选机构。", code="not_eligible")
    needed, problems = _setting(selection.board, "min_expert_scores"), []
    for application in eligible:
        if len(application.scores.all()) < needed:
            problems.append(
                f"{application.institution} 仅有 {len(application.scores.all())} 位专家评分"
                f"（至少 {needed} 位）"
            )
        if selection.review_mode == ReviewMode.MEETING_SITE_VISIT and application.site_visit_on is None:
            problems.append(f"{application.institution} 尚未现场考察")
    if problems:
        raise Conflict("评审尚未完成：" + "；".join(problems) + "。", code="review_incomplete")
    _fire_and_save(selection, "decide")
    selection.decided_on, selection.decision_note = timezone.localdate(), note
    selection.save()
    for application in eligible:
        _fire_and_save(application, "select" if application.pk in selected else "reject")
    _record(selection, AllianceAction.SERVICE_ROUND_DECIDED, actor, note=note, selected=sorted(selected),
            scores={str(a.pk): average_score(a) for a in eligible})
    return selection


def publicity_end(board, starts_on):
    """The last day of publicity: the ``publicity_workdays``-th working day counting ``starts_on``."""
    return calendar.add_workdays(starts_on - calendar.ONE_DAY, _setting(board, "publicity_workdays"))


@transaction.atomic
def start_publicity(selection, *, starts_on, actor):
    selection = locked(selection)
    if starts_on < selection.decided_on:
        raise DomainError(f"公示开始日期不能早于议定日期 {selection.decided_on}。", code="invalid_date")
    _fire_and_save(selection, "start_publicity")
    end = publicity_end(selection.board, starts_on)
    selection.publicity_starts_on, selection.publicity_ends_on = starts_on, end.date
    selection.publicity_provisional = end.provisional
    selection.save()
    _record(selection, AllianceAction.SERVICE_ROUND_PUBLICITY_STARTED, actor, starts_on=starts_on,
            ends_on=end.date,
            provisional=end.provisional)
    return selection


def _filing_context(selection):
    rows = []
    for application in selection.applications.filter(state=ServiceApplicationState.SELECTED).select_related(
            "institution").prefetch_related("scores").order_by("institution__name"):
        rows.append(
            {
                "institution": application.institution.name,
                "credit_code": application.institution.credit_code,
                "established_on": application.institution.established_on,
                "score": average_score(application),
                "site_visit_on": application.site_visit_on,
            }
        )
    return {"round": {"title": selection.title, "review_mode": selection.get_review_mode_display(),
                      "opens_on": selection.opens_on, "closes_on": selection.closes_on,
                      "decided_on": selection.decided_on, "decision_note": selection.decision_note,
                      "publicity_starts_on": selection.publicity_starts_on,
                      "publicity_ends_on": selection.publicity_ends_on},
            "applications": selection.applications.count(), "selected": rows}


@transaction.atomic
def file_round(selection, *, actor):
    """After publicity, file the result with the provincial 科技厅 (a numbered PDF)."""
    selection = locked(selection)
    if selection.state == RoundState.PUBLICITY and timezone.localdate() <= selection.publicity_ends_on:
        raise Conflict(f"公示期至 {selection.publicity_ends_on} 结束，期满后才能备案。",
                       code="publicity_running",
                       details={"publicity_ends_on": selection.publicity_ends_on.isoformat()})
    _fire_and_save(selection, "file")
    selection.filing = create_filing(selection.board, kind="alliance.service_round",
                                     addressee=_setting(selection.board, "filing_addressee"),
                                     subject=f"关于{selection.title}结果的备案报告",
                                     template_name="alliance/filings/service_round.html",
                                     context=_filing_context(selection), actor=actor, subject_obj=selection)
    selection.save()
    _record(selection, AllianceAction.SERVICE_ROUND_FILED, actor, filing=selection.filing.number)
    return selection


@transaction.atomic
def appoint_round(selection, *, actor):
    """The filed result takes effect: each selected institution is appointed."""
    selection = locked(selection)
    _fire_and_save(selection, "appoint")
    selection.appointed_on = timezone.localdate()
    selection.save()
    for application in selection.applications.select_for_update(of=("self",)).filter(
            state=ServiceApplicationState.SELECTED).select_related("institution"):
        if selectors.active_appointment(selection.board, application.institution):
            raise Conflict(f"「{application.institution}」已是在册服务机构。", code="already_appointed")
        _fire_and_save(application, "appoint")
        appointment = Appointment.objects.create(board=selection.board, institution=application.institution,
                                                 application=application, appointed_on=selection.appointed_on)
        _record(appointment, AllianceAction.SERVICE_INSTITUTION_APPOINTED, actor, round=selection.pk)
        notify_institution(
            selection.board,
            application.institution,
            "alliance.service_institution.appointed",
            f"贵机构已确定为{selection.board.short_name or selection.board.name_zh}科技金融服务机构",
        )
    return selection


# --- Duties: monthly forms, half-yearly reports, no-fee attestation -------------------------------


def _clock(board, subject, kind, title, due_on, institution):
    """A calendar clock ending at 23:59:59 of ``due_on`` (today at the latest), on the institution."""
    now = timezone.now()
    end = dt.datetime.combine(due_on, calendar.END_OF_DAY, tzinfo=calendar.SHANGHAI)
    days = max((end - now).days, 0)
    users = selectors.institution_users(board, institution)
    return open_deadline(board, subject, kind, title, days, DayBasis.CALENDAR,
                         starts_at=end - dt.timedelta(days=days), assignee=users[0] if users else None,
                         assignee_role="" if users else Role.EXCHANGE_STAFF, url=admin_change_url(subject))


def summary_period(year):
    """The period code of a year-end work summary (a ProgressReport beside the half years)."""
    return f"{year}FY"


def _summary_due(year):
    """"每年12月底前" (seed 004 第六条3): 31 December, or the last working day before it."""
    day = dt.date(year, 12, 31)
    while not calendar.is_workday(day):
        day -= calendar.ONE_DAY
    return day


def _month_start(day):
    return day.replace(day=1)


def _previous_month(day):
    return _month_start(_month_start(day) - calendar.ONE_DAY)


@transaction.atomic
def open_obligations(board, *, today=None):
    """Idempotent daily job: for each active institution, the previous month's performance form
    (due on ``form_due_day``); in January and July, the previous half-year's progress report (due
    ``progress_due_days`` after the half ends); in December, the year-end work summary with its
    evidence (seed 004 第六条3: 每年12月底前报送全年工作总结及印证资料, due on the last working day
    of December). Returns the rows created."""
    today = today or timezone.localdate()
    month = _previous_month(today)
    half_end = _month_start(today) - calendar.ONE_DAY
    period = f"{half_end.year}H{1 if half_end.month == 6 else 2}" if today.month in (1, 7) else None
    created = []
    for appointment in Appointment.objects.filter(board=board, state=AppointmentState.ACTIVE).select_related(
            "institution"):
        if _month_start(appointment.appointed_on) <= month:
            form, new = PerformanceForm.objects.get_or_create(board=board, appointment=appointment,
                                                              month=month)
            if new:
                form.deadline = _clock(board, form, "alliance.performance_form",
                                       f"报送 {month:%Y年%m月} 绩效评价考核表：{appointment.institution}",
                                       today.replace(day=_setting(board, "form_due_day")),
                                       appointment.institution)
                form.save(update_fields=["deadline"])
                created.append(form)
        if period and appointment.appointed_on <= half_end:
            report, new = ProgressReport.objects.get_or_create(board=board, appointment=appointment,
                                                               period=period)
            if new:
                report.deadline = _clock(board, report, "alliance.progress_report",
                                         f"报送 {period} 工作进展及印证资料：{appointment.institution}",
                                         half_end + dt.timedelta(days=_setting(board, "progress_due_days")),
                                         appointment.institution)
                report.save(update_fields=["deadline"])
                created.append(report)
        if today.month == 12:
            summary, new = ProgressReport.objects.get_or_create(board=board, appointment=appointment,
                                                                period=summary_period(today.year))
            if new:
                title = f"报送 {today.year} 年度工作总结及印证资料：{appointment.institution}"
                summary.deadline = _clock(board, summary, "alliance.annual_summary", title,
                                          _summary_due(today.year), appointment.institution)
                summary.save(update_fields=["deadline"])
                created.append(summary)
    return created


def _figures(data):
    figures, errors = {}, {}
    for key, label in METRICS:
        try:
            value = Decimal(str(data.get(key, 0)))
        except InvalidOperation:
            value = Decimal(-1)
        if value < 0 or (key != "financing_amount" and value != value.to_integral_value()):
            errors[key] = f"{label}须为非负{'金额' if key == 'financing_amount' else '整数'}。"
        else:
            figures[key] = value if key == "financing_amount" else int(value)
    if errors:
        raise DomainError("考核表数据有误，请按提示修改。", code="invalid", details=errors)
    return figures


@transaction.atomic
def submit_performance_form(form, *, figures, actor, notes=""):
    form = locked(form, "appointment__institution", "deadline")
    if form.submitted_at is not None:
        raise Conflict(
            f"{form.month:%Y年%m月}的考核表已于 {timezone.localtime(form.submitted_at):%Y-%m-%d} 报送，"
            "如需更正请联系科技局。",
            code="already_submitted",
        )
    values = _figures(figures)
    for key, value in values.items():
        setattr(form, key, value)
    form.notes, form.submitted_at, form.submitted_by = notes, timezone.now(), actor
    form.save()
    close_clock(form.deadline, met=True)
    _record(form, AllianceAction.PERFORMANCE_FORM_SUBMITTED, actor, month=form.month, notes=notes, **values)
    return form


@transaction.atomic
def submit_progress_report(report, *, summary, upload, actor):
    report = locked(report, "deadline")
    if report.submitted_at is not None:
        raise Conflict(f"{report.period} 工作进展已报送。", code="already_submitted")
    summary = required(summary, "请填写工作进展。", "summary_required")
    if upload is None:
        raise DomainError("请上传印证资料（PDF、Word、Excel 或图片）。", code="evidence_required")
    report.evidence = store_upload(report.board, upload, purpose="alliance.progress_evidence", user=actor)
    report.summary, report.submitted_at, report.submitted_by = summary, timezone.now(), actor
    report.save()
    close_clock(report.deadline, met=True)
    _record(report, AllianceAction.PROGRESS_REPORT_SUBMITTED, actor, period=report.period, summary=summary,
            evidence_sha256=report.evidence.sha256)
    return report


@transaction.atomic
def attest_no_fees(appointment, *, year, actor):
    """The institution states it charges the enterprises it serves nothing, for ``year``."""
    appointment = locked(appointment)
    if FeeAttestation.objects.filter(appointment=appointment, year=year).exists():
        raise Conflict(f"{year} 年度的不收费承诺已提交。", code="already_attested")
    statement = _setting(appointment.board, "fee_statement")
    attestation = FeeAttestation.objects.create(board=appointment.board, appointment=appointment, year=year,
                                                statement=statement, attested_by=actor)
    _record(appointment, AllianceAction.SERVICE_INSTITUTION_FEE_ATTESTED, actor, year=year,
            statement=statement)
    return attestation


# --- Annual assessment -------------------------------------------------------------------------


def year_figures(appointment, year):
    """The year's submitted forms: sums, except partner banks (a standing count: the highest month)."""
    totals = PerformanceForm.objects.filter(appointment=appointment, month__year=year,
                                            submitted_at__isnull=False).aggregate(
        **{key: Max(key) if key == "partner_banks" else Sum(key) for key, _ in METRICS})
    figures = {key: value or 0 for key, value in totals.items()}
    # Money to the fen on every database (SQLite sums decimals without their scale).
    figures["financing_amount"] = Decimal(figures["financing_amount"]).quantize(Decimal("0.01"))
    return figures


@transaction.atomic
def propose_assessment(appointment, *, year, actor=None):
    """Propose the grade from the year's figures; a proposal already confirmed is left alone (409)."""
    appointment = locked(appointment)
    assessment = AnnualAssessment.objects.select_for_update().filter(appointment=appointment,
                                                            year=year).first()
    if assessment is not None and assessment.final_grade:
        raise Conflict(f"{year} 年度考核已确定为{assessment.get_final_grade_display()}。",
                       code="already_decided")
    figures = year_figures(appointment, year)
    attested = FeeAttestation.objects.filter(appointment=appointment, year=year).exists()
    summary = ProgressReport.objects.filter(appointment=appointment, period=summary_period(year),
                                            submitted_at__isnull=False).first()
    grade, criteria = rules.propose_grade(
        figures,
        _setting(appointment.board, "grades"),
        attested=attested,
        attestation_required=_setting(appointment.board, "fee_attestation_required"),
        summary_submitted_on=timezone.localdate(summary.submitted_at) if summary else None,
    )
    values = {"figures": evidence.jsonable(figures), "criteria": criteria, "proposed_grade": grade}
    assessment, _ = AnnualAssessment.objects.update_or_create(board=appointment.board,
                                                              appointment=appointment, year=year,
                                                              defaults=values)
    _record(assessment, AllianceAction.ASSESSMENT_PROPOSED, actor, year=year, **values)
    return assessment


@transaction.atomic
def confirm_assessment(assessment, *, actor, grade=None, reason=""):
    """Staff confirm the proposal, or override it with a reason. 不合格 removes the institution."""
    assessment = locked(assessment, "appointment__institution")
    if assessment.final_grade:
        raise Conflict(f"该年度考核已确定为{assessment.get_final_grade_display()}。", code="already_decided")
    grade = grade or assessment.proposed_grade
    if grade not in Grade.values:
        raise DomainError("请选择考核等次。", code="invalid_grade", details={"allowed": Grade.values})
    if grade != assessment.proposed_grade:
        reason = required(
            reason,
            f"确定等次与建议等次（{assessment.get_proposed_grade_display()}）不同，请说明调整理由。",
            "reason_required",
        )
    assessment.final_grade, assessment.override_reason = grade, reason
    assessment.decided_by, assessment.decided_at = actor, timezone.now()
    assessment.save()
    _record(assessment, AllianceAction.ASSESSMENT_CONFIRMED, actor, proposed=assessment.proposed_grade,
            final=grade,
            reason=reason)
    institution = assessment.appointment.institution
    notify_institution(assessment.board, institution, "alliance.assessment.confirmed",
                       f"{assessment.year} 年度考核结果：{assessment.get_final_grade_display()}", reason)
    if grade == Grade.UNQUALIFIED:
        appointment = locked(assessment.appointment)
        _fire_and_save(appointment, "remove")
        appointment.removed_on = timezone.localdate()
        appointment.removal_reason = f"{assessment.year} 年度考核不合格" + (f"：{reason}" if reason else "")
        appointment.save()
        _record(appointment, AllianceAction.SERVICE_INSTITUTION_REMOVED, actor,
                reason=appointment.removal_reason)
    return assessment
