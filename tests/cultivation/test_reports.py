"""Operation reports (附件2 (六) 信息收集报告): a period's figures from the platform's own data, filed
with each approving body as a PDF (kernel filings, WeasyPrint, read back here). Xinjiang files with
工信厅, 地方金融监管局 and 新疆证监局 (configuration: the board's regulators)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from boards.enterprises.models import FinancingEvent, ServiceRecord
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Filing
from boards.kernel.scoping import board_scope
from cultivation.models import OperationReport
from cultivation.services import listing, reports
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
D = dt.date
XJ_REGULATORS = [{"code": "gxt", "name": "自治区工信厅"}, {"code": "jrjg", "name": "自治区地方金融监管局"},
                 {"code": "zjj", "name": "新疆证监局"}]


@pytest.fixture
def xinjiang(world):
    """Four enterprises (孵化层 2, 规范层 1, 培育层 1), one admitted in 2026Q3; in Q3: two visits and one
    service, equity 5,000,000 and loans 3,000,000 + 2,000,000 yuan, one tutoring filing."""
    w = world
    board = w.other
    board.regulators = XJ_REGULATORS
    board.config = {**board.config, "cultivation": {**board.config["cultivation"], "securities_body": ""}}
    board.save()
    with board_scope(board):
        a, b = (EnterpriseFactory(board=board, tier="incubation", admitted_on=D(2025, 3, 1))
                for _ in range(2))
        c = EnterpriseFactory(board=board, tier="standard", admitted_on=D(2026, 8, 3))
        w.xj_enterprise.tier, w.xj_enterprise.admitted_on = "cultivation", D(2024, 5, 1)
        w.xj_enterprise.save()
        for enterprise, kind, on in ((a, "visit", D(2026, 7, 9)), (c, "visit", D(2026, 9, 18)),
                                     (c, "service", D(2026, 9, 30)), (a, "service", D(2026, 10, 8))):
            ServiceRecord.objects.create(board=board, enterprise=enterprise, kind=kind, occurred_on=on,
                                         staff=w.other_staff, summary="走访了解融资需求")
        for enterprise, kind, amount, on in ((c, "equity", "5000000", D(2026, 7, 20)),
                                             (a, "debt", "3000000", D(2026, 8, 12)),
                                             (b, "debt", "2000000", D(2026, 9, 29)),
                                             (b, "debt", "9000000", D(2026, 6, 30))):
            FinancingEvent.objects.create(board=board, enterprise=enterprise, kind=kind,
                                          amount=Decimal(amount), investor_name="新疆银行", occurred_on=on)
        path = listing.enrol(board, enterprise=w.xj_enterprise, target_market="bse",
                             enrolled_on=D(2025, 2, 1), actor=w.other_staff, securities_firm=w.other_firm_xj)
        path = listing.advance(path, actor=w.other_staff, action="convert", occurred_on=D(2025, 11, 20))
        listing.advance(path, actor=w.other_staff, action="file_tutoring", occurred_on=D(2026, 8, 15))
    return w


def _text(filing):
    filing.refresh_from_db()
    assert filing.state == "rendered", filing.error
    with filing.file.open("rb") as pdf:
        pages = PdfReader(io.BytesIO(pdf.read())).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def test_worked_2026q3_report_filed_with_the_three_approving_bodies(xinjiang, celery_eager,
                                                                    django_capture_on_commit_callbacks):
    w = xinjiang
    board = w.other
    with board_scope(board):
        with django_capture_on_commit_callbacks(execute=True):  # the PDFs render after commit
            report = reports.file_operation_report(board, period="2026Q3", actor=w.other_staff)
        figures = report.figures
        assert (figures["start"], figures["end"]) == ("2026-07-01", "2026-09-30")
        assert [(r["name"], r["count"]) for r in figures["tiers"]["rows"]] == [("孵化层", 2), ("规范层", 1),
                                                                               ("培育层", 1)]
        assert figures["admitted_in_period"] == 1
        assert figures["services"] == {"visits": 2, "services": 1, "enterprises": 2}
        # The June loan and the October service fall outside the quarter.
        assert figures["financing"]["total"] == "10000000.00"
        assert (figures["financing"]["equity"]["count"], figures["financing"]["debt"]["count"]) == (1, 2)
        assert figures["listings"]["tutoring_in_period"] == 1
        filings = list(report.filings.order_by("addressee"))
        assert [f.addressee for f in filings] == ["gxt", "jrjg", "zjj"]
        text = _text(Filing.objects.get(pk=filings[2].pk))
        assert "新疆证监局" in text and "2026年第3季度运行情况报告" in text
        assert "在板企业共 4 家，本期新入板 1 家" in text and "10,000,000.00" in text
        assert "本期新增辅导备案 1 家" in text
        entry = EvidenceEntry.objects.get(action="cultivation.report.filed")
        assert entry.payload["filings"] == [f.number for f in report.filings.order_by("pk")]


def test_a_period_is_filed_once_after_it_ended(xinjiang):
    w = xinjiang
    with board_scope(w.other):
        with pytest.raises(DomainError, match="尚未结束"):
            next_year = f"{dt.date.today().year + 1}Q1"
            reports.file_operation_report(w.other, period=next_year, actor=w.other_staff)
        with pytest.raises(DomainError, match="无效"):
            reports.file_operation_report(w.other, period="2026Q5", actor=w.other_staff)
        reports.file_operation_report(w.other, period="2026H1", actor=w.other_staff)
        with pytest.raises(Conflict):
            reports.file_operation_report(w.other, period="2026H1", actor=w.other_staff)
        assert OperationReport.objects.get().ends_on == D(2026, 6, 30)
        assert Filing.objects.filter(kind="cultivation.operation_report").count() == 3


def test_the_addressees_are_configuration(xinjiang):
    w = xinjiang
    w.other.config = {**w.other.config, "cultivation": {**w.other.config["cultivation"],
                                                        "report_addressees": ["gxt"]}}
    w.other.save()
    with board_scope(w.other):
        report = reports.file_operation_report(w.other, period="2026Q2", actor=w.other_staff)
        assert [f.addressee for f in report.filings.all()] == ["gxt"]


def test_admin_files_a_report_and_refuses_a_bad_period_next_to_the_field(client, xinjiang):
    w = xinjiang
    client.force_login(w.other_staff)
    bad = client.post("/admin/cultivation/operationreport/add/", {"period": "2026Q5"})
    assert bad.status_code == 400 and "报告期「2026Q5」无效" in bad.content.decode()
    assert 'value="2026Q5"' in bad.content.decode()
    done = client.post("/admin/cultivation/operationreport/add/", {"period": "2026q3"})
    assert done.status_code == 302
    with board_scope(w.other):
        report = OperationReport.objects.get()
    page = client.get(f"/admin/cultivation/operationreport/{report.pk}/change/").content.decode()
    assert "孵化层：2 家" in page and "新疆证监局" in page
    client.force_login(w.staff)
    assert client.get(f"/admin/cultivation/operationreport/{report.pk}/change/").status_code == 404


def test_after_the_quarter_a_deadline_to_file_it_and_filing_meets_it(xinjiang):
    """2026Q3 ends 2026-09-30: 10 working days (国庆 off, Saturday 10-10 调休 on) → due 2026-10-20."""
    from boards.kernel.calendar import SHANGHAI
    from cultivation.tasks import open_report_deadlines

    w = xinjiang
    with board_scope(w.other):
        deadline = reports.open_report_deadline(w.other, D(2026, 10, 9))
        due = deadline.due_at.astimezone(SHANGHAI)
        assert (deadline.kind, due.date(), deadline.assignee_role) == ("cultivation.report_due:2026Q3",
                                                                       D(2026, 10, 20), "exchange_staff")
        assert deadline.title == "报送2026年第3季度专板运行情况"
        assert reports.open_report_deadline(w.other, D(2026, 10, 10)) is None  # once
        reports.file_operation_report(w.other, period="2026Q3", actor=w.other_staff)
        deadline.refresh_from_db()
        assert deadline.state == "met"
    section = {**w.other.config["cultivation"], "report_period": "half"}
    w.other.config = {**w.other.config, "cultivation": section}
    w.other.save()
    assert open_report_deadlines() >= 1  # the daily task: 2026H1 on the Xinjiang board
    with board_scope(w.other):
        assert reports.last_ended_period(w.other, D(2026, 12, 6)) == "2026H1"
