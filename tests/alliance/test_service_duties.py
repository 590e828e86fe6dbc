"""Duties of an appointed Jinzhong service institution: monthly performance forms with reminders
and overdue flags, the half-yearly progress report with evidence, the no-fee attestation, and the
annual assessment proposed from the year's figures (boundaries) and confirmed or overridden."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from alliance import rules
from alliance import service_institutions as si
from alliance.config import DEFAULT_SERVICE_INSTITUTIONS
from alliance.models import (
    Appointment,
    AppointmentState,
    PerformanceForm,
    ProgressReport,
)
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import advance_deadline
from boards.kernel.errors import DomainError
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from tests.support.alliance import api_key, appoint_firm
from tests.support.reviews import pdf_upload

GRADES = DEFAULT_SERVICE_INSTITUTIONS["grades"]
QUALIFIED = {k: Decimal(str(v)) for k, v in GRADES["qualified"].items()}
EXCELLENT = {k: Decimal(str(v)) for k, v in GRADES["excellent"].items()}


def at(*moment):
    return time_machine.travel(dt.datetime(*moment, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def appointed(board):
    return appoint_firm(board)


def _forms(board):
    with board_scope(board):
        return list(PerformanceForm.objects.select_related("deadline").order_by("month"))


def test_forms_and_reports_open_monthly_and_half_yearly_with_deadlines(board, appointed):
    with board_scope(board):
        with at(2026, 5, 20, 9):
            assert si.open_obligations(board) == []  # April predates the appointment
        with at(2026, 6, 1, 9):
            [form] = si.open_obligations(board)
            assert si.open_obligations(board) == []
        with at(2026, 7, 1, 9):
            june, report = si.open_obligations(board)
    assert (form.month, form.deadline.due_at.isoformat()) == (dt.date(2026, 5, 1),
            "2026-06-10T23:59:59+08:00")
    assert form.deadline.assignee == appointed.user
    assert (report.period, report.deadline.due_at.isoformat()) == ("2026H1", "2026-07-15T23:59:59+08:00")
    assert june.month == dt.date(2026, 6, 1)


def test_a_late_form_is_flagged_overdue_the_institution_reminded_and_submitting_clears_it(
        client, board, appointed, django_assert_max_num_queries):
    with board_scope(board), at(2026, 6, 1, 9):
        [form] = si.open_obligations(board)
    with board_scope(board), at(2026, 6, 11, 0, 30):
        assert advance_deadline(form.deadline.pk, form.deadline.stage) is not None  # the sweep's step
        assert Notification.objects.filter(user=appointed.user, deadline=form.deadline).exists()
    headers = api_key(board, appointed.institution, appointed.user)
    url = f"/api/v1/{board.slug}/alliance/service/performance-forms/"
    with at(2026, 6, 11, 9), django_assert_max_num_queries(12):
        listed = client.get(url, **headers).json()["results"]
    assert [(f["month"], f["overdue"]) for f in listed] == [("2026-05-01", True)]
    figures = {"enterprises_served": 6, "matchmaking_sessions": 1, "policy_sessions": 1, "partner_banks": 4,
               "financing_amount": "3500000.00", "jcg_startups_served": 2, "notes": "晋创谷专场路演"}
    with at(2026, 6, 11, 10):
        bad = client.post(f"{url}{form.pk}/submit/", {**figures, "partner_banks": -1},
                          content_type="application/json", **headers)
        assert bad.status_code == 400 and "partner_banks" in bad.json()["error"]["details"]
        done = client.post(f"{url}{form.pk}/submit/", figures, content_type="application/json", **headers)
        again = client.post(f"{url}{form.pk}/submit/", figures, content_type="application/json", **headers)
    assert (
        done.status_code == 200
        and done.json()["overdue"] is False
        and done.json()["financing_amount"] == "3500000.00"
    )
    assert again.status_code == 409
    with board_scope(board):
        form.deadline.refresh_from_db()
        assert form.deadline.state == "met"
        assert (
            EvidenceEntry.objects.get(action="alliance.performance_form.submitted").payload["partner_banks"]
            == 4
        )


def test_progress_report_needs_its_evidence(client, board, appointed):
    with board_scope(board), at(2026, 7, 1, 9):
        si.open_obligations(board)
        report = ProgressReport.objects.get()
    headers = api_key(board, appointed.institution, appointed.user)
    url = f"/api/v1/{board.slug}/alliance/service/progress-reports/{report.pk}/submit/"
    missing = client.post(url, {"summary": "上半年服务企业 38 家"}, **headers)
    assert missing.status_code == 400 and "evidence" in missing.json()["error"]["details"]
    done = client.post(url, {"summary": "上半年服务企业 38 家", "evidence": pdf_upload("印证资料.pdf")},
                       **headers)
    assert done.status_code == 200 and len(done.json()["evidence_sha256"]) == 64
    with board_scope(board):
        entry = EvidenceEntry.objects.get(action="alliance.progress_report.submitted")
    assert entry.payload["evidence_sha256"] == done.json()["evidence_sha256"]


def test_no_fee_attestation_once_a_year(client, board, appointed):
    headers = api_key(board, appointed.institution, appointed.user)
    url = f"/api/v1/{board.slug}/alliance/service/fee-attestations/"
    first = client.post(url, {"year": 2026}, content_type="application/json", **headers)
    assert (
        first.status_code == 201
        and "不就所开展的科技金融服务事项向服务对象收取任何费用" in first.json()["statement"]
    )
    assert client.post(url, {"year": 2026}, content_type="application/json", **headers).status_code == 409
    assert client.get(url, **headers).json()["count"] == 1


def _minus_one(figures, key):
    step = Decimal("0.01") if key == "financing_amount" else 1
    return {**figures, key: figures[key] - step}


SUBMITTED = dt.date(2026, 12, 28)


def test_december_opens_the_year_end_summary_due_by_the_last_working_day(board, appointed):
    """Seed 004 第六条3: 每年12月底前报送全年工作总结及印证资料."""
    with board_scope(board):
        with at(2026, 12, 1, 9):
            november, summary = si.open_obligations(board)
            assert si.open_obligations(board) == []
        with at(2028, 12, 1, 9):  # 31 December 2028 is a Sunday
            _, summary_2028 = si.open_obligations(board)
    assert november.month == dt.date(2026, 11, 1)
    assert (summary.period, summary.deadline.due_at.isoformat()) == ("2026FY", "2026-12-31T23:59:59+08:00")
    assert summary.deadline.kind == "alliance.annual_summary" and summary.deadline.assignee == appointed.user
    assert (summary_2028.period, summary_2028.deadline.due_at.date()) == ("2028FY", dt.date(2028, 12, 29))


@pytest.mark.parametrize(("figures", "attested", "grade"), [
    (EXCELLENT, True, "excellent"),
    (QUALIFIED, True, "qualified"),  # every figure exactly at the 合格 threshold
    (_minus_one(EXCELLENT, "jcg_startups_served"), True, "qualified"),  # one short of 优秀
    (_minus_one(QUALIFIED, "financing_amount"), True, "unqualified"),  # one fen short of 合格
    (_minus_one(QUALIFIED, "partner_banks"), True, "unqualified"),
    (EXCELLENT, False, "unqualified"),  # no no-fee attestation
])
def test_grade_proposal_on_boundary_figures(figures, attested, grade):
    proposed, rows = rules.propose_grade(figures, GRADES, attested=attested, attestation_required=True,
                                         summary_submitted_on=SUBMITTED)
    assert proposed == grade and len(rows) == 8
    assert all(row["met"] for row in rows) == (grade != "unqualified")


def test_without_the_year_end_summary_even_excellent_figures_are_unqualified():
    proposed, rows = rules.propose_grade(EXCELLENT, GRADES, attested=True, attestation_required=True)
    assert proposed == "unqualified"
    assert rows[-1] == {"rule": "annual_summary", "met": False, "level": "unqualified",
                        "reason": "未报送年度工作总结及印证资料"}


def _submit_summary(board, appointment, user):
    with board_scope(board), at(2026, 12, 28, 10):
        summary = ProgressReport.objects.create(board=board, appointment=appointment, period="2026FY")
        si.submit_progress_report(summary, summary="全年服务企业 52 家，组织对接会 14 场",
                                  upload=pdf_upload(), actor=user)


def _year_of_forms(board, appointment, monthly):
    with board_scope(board):
        for month in range(1, 13):
            PerformanceForm.objects.create(board=board, appointment=appointment,
                                           month=dt.date(2026, month, 1),
                                           submitted_at=dt.datetime(2026, month, 5, tzinfo=SHANGHAI),
                                           **monthly)


def test_assessment_sums_the_year_and_staff_confirm_or_override(board, appointed, staff_user):
    # 12 months of 1 enterprise etc. = exactly the 合格 thresholds; banks are a standing count (max, not sum).
    _year_of_forms(board, appointed.appointment, {
        "enterprises_served": 1, "matchmaking_sessions": 1, "policy_sessions": 1, "partner_banks": 2,
        "financing_amount": Decimal(1000000), "jcg_startups_served": 1})
    with board_scope(board):
        si.attest_no_fees(appointed.appointment, year=2026, actor=appointed.user)
        assert si.propose_assessment(appointed.appointment, year=2026).proposed_grade == "unqualified"
    _submit_summary(board, appointed.appointment, appointed.user)
    with board_scope(board):
        assessment = si.propose_assessment(appointed.appointment, year=2026, actor=staff_user)
        assert assessment.criteria[-1]["reason"] == "已于 2026-12-28 报送年度工作总结及印证资料"
        assert assessment.figures == {"enterprises_served": 12, "matchmaking_sessions": 12,
                                      "policy_sessions": 12, "partner_banks": 2,
                                      "financing_amount": "12000000.00", "jcg_startups_served": 12}
        assert assessment.proposed_grade == "qualified"
        with pytest.raises(DomainError, match="确定等次与建议等次（合格）不同，请说明调整理由"):
            si.confirm_assessment(assessment, grade="excellent", actor=staff_user)
        confirmed = si.confirm_assessment(assessment, grade="excellent", reason="晋创谷专项成效突出",
                                          actor=staff_user)
        assert (confirmed.final_grade, confirmed.override_reason) == ("excellent", "晋创谷专项成效突出")
        assert Appointment.objects.get().state == AppointmentState.ACTIVE


def test_an_unqualified_grade_removes_the_institution(client, board, appointed, staff_user):
    _year_of_forms(board, appointed.appointment, {"enterprises_served": 0})
    with board_scope(board):
        assessment = si.propose_assessment(appointed.appointment, year=2026, actor=staff_user)
        assert assessment.proposed_grade == "unqualified"
        si.confirm_assessment(assessment, actor=staff_user)
        appointment = Appointment.objects.get()
        assert (
            appointment.state == AppointmentState.REMOVED
            and "2026 年度考核不合格" in appointment.removal_reason
        )
        assert EvidenceEntry.objects.filter(action="alliance.service_institution.removed").exists()
    headers = api_key(board, appointed.institution, appointed.user)
    assert client.get(f"/api/v1/{board.slug}/alliance/service/performance-forms/",
                      **headers).status_code == 404
