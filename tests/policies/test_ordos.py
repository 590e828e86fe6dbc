"""The Ordos programme: the 14-task ledger of seed [003], quarterly reports due 5 working days
after each quarter (National Day and 调休 included), reminders, the overdue list, the targets
with their yearly actuals, and the consolidated ledger as XLSX and as a PDF filing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from boards.kernel.calendar import SHANGHAI, add_workdays, is_workday
from boards.kernel.deadlines import advance_deadline
from boards.kernel.errors import DomainError, IllegalTransition
from boards.kernel.models import DeadlineState, EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from policies import exports, ordos, selectors, tasks
from policies.models import LedgerTask, LedgerUnit, ProgrammeTarget, QuarterlyReport, ReportState
from tests.support.policies import pdf_text

PBOC, FINANCE_OFFICE = "人民银行鄂尔多斯市中心支行", "市政府金融办"


def _end_of(day):
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def _entries(report, text="推进顺利"):
    return {entry.task.number: {"progress": f"{text}：{entry.task.title}", "problems": "",
                                "next_steps": "继续推进"}
            for entry in report.entries.select_related("task")}


def test_the_ledger_holds_the_14_tasks_of_the_seed(board, ledger):
    with board_scope(board):
        tasks_ = list(LedgerTask.objects.prefetch_related("lead_units"))
        assert [t.number for t in tasks_] == list(range(1, 15))
        first, fifth, eighth = tasks_[0], tasks_[4], tasks_[7]
        assert first.title == "扩大人才和科创信贷规模"
        assert [u.name for u in first.lead_units.all()] == [PBOC, FINANCE_OFFICE]
        assert first.cooperating_units == ["市工信委", "市科技局", "市发展改革委", "各金融机构"]
        assert first.deadline == dt.date(2023, 6, 30)
        assert first.deadline_text == "2023年6月底前开发“人才贷”等金融服务项目,长期坚持。"
        assert fifth.deadline == dt.date(2023, 12, 31) and "台账牵头单位栏扫描缺损" in fifth.source_note
        assert (eighth.deadline, eighth.deadline_text) == (None, "长期坚持。")
        assert eighth.area == "全面推动人才和科创企业直接融资"
        assert LedgerUnit.objects.count() == 9
        ordos.load_ledger(board)  # idempotent
        assert (LedgerTask.objects.count(), LedgerUnit.objects.count()) == (14, 9)
        assert EvidenceEntry.objects.filter(action="policies.ledger.loaded").count() == 1


@pytest.mark.parametrize("quarter, due, provisional", [
    (1, dt.date(2026, 4, 8), False),  # 清明 4–6 April
    (2, dt.date(2026, 7, 7), False),
    (3, dt.date(2026, 10, 13), False),  # 国庆 1–7 October off, Saturday 10 October a 调休 workday
    (4, dt.date(2027, 1, 7), True),  # 2027 holidays not yet known: weekends only, provisional
])
def test_each_quarter_is_due_five_working_days_after_it_ends(board, ledger, quarter, due, provisional):
    end = selectors.quarter_end(2026, quarter)
    assert add_workdays(end, 5) == (due, provisional)
    if quarter == 3:
        assert [is_workday(dt.date(2026, 10, d)) for d in range(1, 11)] == [False] * 7 + [True, True, True]
    with board_scope(board):
        opened = ordos.open_quarter_reports(board, 2026, quarter)
        assert len(opened) == 9 and ordos.open_quarter_reports(board, 2026, quarter) == []
        for report in QuarterlyReport.objects.select_related("deadline", "unit"):
            assert (report.deadline.due_at, report.deadline.provisional) == (_end_of(due), provisional)
            assert report.deadline.assignee == report.unit.contact
            assert report.deadline.url == f"/{board.slug}/policies/ordos/reports/{report.pk}/"
            assert {e.task_id for e in report.entries.all()} == {t.pk for t in report.unit.tasks.all()}
        finance = QuarterlyReport.objects.get(unit__name=FINANCE_OFFICE)
        assert finance.entries.count() == 12  # it leads or co-leads all but tasks 3 and 7


def test_no_report_is_opened_after_the_programme_s_last_year(board, ledger):
    """鄂金办发〔2022〕53号 runs 2022–2025: with ``ledger_last_year`` 2025 the daily task opens nothing
    for 2026; a board without an end keeps opening (the other tests)."""
    policies = {**board.config.get("policies", {}), "ledger_last_year": 2025}
    board.config = {**board.config, "policies": policies}
    board.save()
    with board_scope(board):
        assert ordos.open_quarter_reports(board, 2026, 1) == []
        assert len(ordos.open_quarter_reports(board, 2025, 4)) == 9
        assert not QuarterlyReport.objects.filter(year=2026).exists()
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, 0, tzinfo=SHANGHAI)):
        assert tasks.open_quarter_reports_everywhere() == 0


def test_the_last_year_must_be_a_year():
    from policies.config import DEFAULT, validate

    assert validate({**DEFAULT, "ledger_last_year": 2025}) == []
    assert validate({**DEFAULT, "ledger_last_year": "2025"}) == [
        "ledger_last_year 必须是年份（2000 到 2100 之间的整数）或 null，当前为 '2025'"]


def test_the_unit_contact_is_reminded_and_staff_see_the_overdue(board, ledger, staff_user):
    with board_scope(board):
        ordos.open_quarter_reports(board, 2026, 3)
        report = QuarterlyReport.objects.select_related("deadline", "unit__contact").get(unit__name=PBOC)
        deadline = report.deadline
        # reminded at the start of the due day (1 working day before, the kernel's default)
        assert deadline.next_action_at == dt.datetime(2026, 10, 13, tzinfo=SHANGHAI)
        assert advance_deadline(deadline.pk, deadline.stage, deadline.next_action_at) == 1
        notice = Notification.objects.get(deadline=deadline)
        assert (notice.user, notice.verb) == (report.unit.contact, "deadline.reminder")

        before, after = _end_of(dt.date(2026, 10, 13)), _end_of(dt.date(2026, 10, 14))
        assert selectors.overdue_reports(board, before) == []
        ordos.submit_quarterly_report(report, actor=report.unit.contact, entries=_entries(report),
                                      at=dt.datetime(2026, 10, 12, 17, tzinfo=SHANGHAI))
        overdue = selectors.overdue_reports(board, after)
        assert len(overdue) == 8 and report not in overdue


def test_a_report_needs_every_tasks_progress_and_plan_and_late_ones_are_marked(board, ledger):
    with board_scope(board):
        ordos.open_quarter_reports(board, 2026, 3)
        finance = QuarterlyReport.objects.get(unit__name=FINANCE_OFFICE)
        entries = _entries(finance)
        entries[8]["next_steps"] = " "
        del entries[14]
        with pytest.raises(DomainError, match="请填写第 8、14 项任务的进展情况和下一步工作计划"):
            ordos.submit_quarterly_report(finance, actor=finance.unit.contact, entries=entries)
        late_at = dt.datetime(2026, 10, 14, 9, tzinfo=SHANGHAI)
        finance = ordos.submit_quarterly_report(finance, actor=finance.unit.contact,
                                                entries=_entries(finance), at=late_at)
        assert (finance.state, finance.late, finance.submitted_at) == (ReportState.SUBMITTED, True, late_at)
        finance.deadline.refresh_from_db()
        assert (finance.deadline.state, finance.deadline.met_at) == (DeadlineState.MET, late_at)
        assert finance.entries.get(task__number=14).progress == "推进顺利：提升人才、科创与金融交流合作水平"
        with pytest.raises(IllegalTransition):
            ordos.submit_quarterly_report(finance, actor=finance.unit.contact, entries=_entries(finance))
        rows = selectors.punctuality(board, late_at)
        assert [(y, q, dict(c)) for y, q, c in rows] == [(2026, 3, {"late": 1, "overdue": 8})]


def _targets(board):
    with board_scope(board):
        growth = ProgrammeTarget.objects.create(board=board, code="loan_growth", title="人才和科创贷款年增速",
                                                kind="yearly_min", threshold=30, unit="%", first_year=2022,
                                                last_year=2025, source="附件1 一、工作目标")
        listings = ProgrammeTarget.objects.create(board=board, code="listings", title="科创企业上市挂牌融资",
                                                  kind="period_total", threshold=2, unit="家",
                                                  first_year=2022, last_year=2025, position=1,
                                                  source="附件1 一、工作目标")
    return growth, listings


def test_targets_compare_each_year_or_the_running_total(board, staff_user):
    growth, listings = _targets(board)
    with board_scope(board):
        for year, value in ((2022, "34.2"), (2023, "27.8")):
            ordos.record_target_actual(growth, year=year, value=Decimal(value), actor=staff_user)
        for year, value in ((2022, 0), (2023, 1), (2024, 1)):
            ordos.record_target_actual(listings, year=year, value=Decimal(value), actor=staff_user)
        with pytest.raises(DomainError, match="考核年度为 2022—2025 年"):
            ordos.record_target_actual(growth, year=2026, value=Decimal(31), actor=staff_user)
        with pytest.raises(DomainError, match="不能为负数"):
            ordos.record_target_actual(growth, year=2024, value=Decimal(-1), actor=staff_user)
        table = selectors.target_table(board)
    assert [(c["year"], c["compared"], c["met"]) for c in table[0]["cells"]] == [
        (2022, Decimal("34.20"), True), (2023, Decimal("27.80"), False), (2024, None, None),
        (2025, None, None)]
    assert table[0]["met"] is False
    assert [(c["compared"], c["met"]) for c in table[1]["cells"]][:3] == [
        (Decimal("0.00"), False), (Decimal("1.00"), False), (Decimal("2.00"), True)]
    assert table[1]["met"] is True


def _reported_quarter(board, ledger):
    """2026 Q3 with the PBOC's report in on time and the finance office's late; the rest open."""
    with board_scope(board):
        ordos.open_quarter_reports(board, 2026, 3)
        for name, day in ((PBOC, 12), (FINANCE_OFFICE, 15)):
            report = QuarterlyReport.objects.get(unit__name=name)
            ordos.submit_quarterly_report(report, actor=report.unit.contact, entries=_entries(report, name),
                                          at=dt.datetime(2026, 10, day, 9, tzinfo=SHANGHAI))


def test_the_consolidated_ledger_reads_back_from_xlsx(board, ledger, staff_user):
    _reported_quarter(board, ledger)
    growth, _ = _targets(board)
    with board_scope(board):
        ordos.record_target_actual(growth, year=2022, value=Decimal("34.2"), actor=staff_user)
        with time_machine.travel(dt.datetime(2026, 11, 2, tzinfo=SHANGHAI)):
            content = exports.ledger_workbook(board, 2026, 3)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["重点任务台账2026Q3", "目标完成情况", "报送情况"]
    rows = list(book["重点任务台账2026Q3"].values)
    assert rows[0] == ("序号", "重点任务", "工作措施", "牵头单位", "配合单位", "完成时限", "进展情况",
                       "存在问题", "下一步工作计划")
    assert [row[0] for row in rows[1:]] == list(range(1, 15))
    first = rows[1]
    assert first[3] == f"{PBOC}、{FINANCE_OFFICE}"
    assert first[4] == "市工信委、市科技局、市发展改革委、各金融机构"
    assert first[6] == "\n".join(f"{unit}：{unit}：扩大人才和科创信贷规模" for unit in (PBOC, FINANCE_OFFICE))
    assert first[7] == f"{PBOC}：无\n{FINANCE_OFFICE}：无"
    assert rows[3][6] == "市市场监管局：未报送\n鄂尔多斯银保监局：未报送"  # task 3
    targets = list(book["目标完成情况"].values)
    assert targets[0] == ("目标", "考核方式", "目标值", "单位", "2022年", "2023年", "2024年", "2025年",
                          "是否达到")
    assert targets[1][:5] == ("人才和科创贷款年增速", "每年不低于", 30, "%", 34.2)
    assert targets[1][-1] == "已达到"
    statuses = {row[2]: row[5] for row in list(book["报送情况"].values)[1:]}
    assert [statuses[u] for u in (PBOC, FINANCE_OFFICE, "市财政局")] == ["按时报送", "逾期报送", "逾期未报"]


def test_the_consolidated_ledger_is_filed_as_a_pdf(board, ledger, staff_user, celery_eager,
                                                    django_capture_on_commit_callbacks):
    _reported_quarter(board, ledger)
    with board_scope(board):
        with pytest.raises(DomainError, match="尚未开启台账报送"):
            ordos.file_ledger(board, year=2026, quarter=2, actor=staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            filing = ordos.file_ledger(board, year=2026, quarter=3, actor=staff_user)
        text = pdf_text(filing)
    assert (filing.kind, filing.addressee) == ("policies.ordos_ledger", "jrb")
    assert "重点任务台账（2026年第3季度）" in text and "金融办：" in text
    assert "按时报送" in text and "逾期报送" in text and "逾期未报" in text
    assert "扩大人才和科创信贷规模" in text and "提升人才、科创与金融交流合作水平" in text


def test_the_daily_task_opens_the_quarter_that_ended_on_boards_running_the_ledger(board, other_board, ledger):
    other_board.config = {**other_board.config, "modules": ["boards", "policies"]}
    other_board.save()
    with board_scope(other_board):
        ordos.load_ledger(other_board)
    with time_machine.travel(dt.datetime(2026, 10, 2, 8, tzinfo=SHANGHAI)):
        assert tasks.open_quarter_reports_everywhere() == 9
        assert tasks.open_quarter_reports_everywhere() == 0
    with board_scope([board, other_board]):
        assert set(QuarterlyReport.objects.values_list("board", "year", "quarter")) == {(board.pk, 2026, 3)}
