"""Portfolio figures by mode, tier, enhancer and funder; the NPL tolerance on its boundary; the
quarterly report to 金融办 read back from its PDF."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.errors import DomainError
from boards.kernel.scoping import board_scope
from risksharing import selectors, services
from risksharing.models import FunderNplReport
from tests.support.risksharing import D, local, pdf_text


@pytest.mark.parametrize("tech, overall, tolerance, flagged", [
    ("5.00", "2.00", "3", False),   # exactly 3.00 pp: within the tolerance
    ("5.00", "1.99", "3", True),    # 3.01 pp
    ("5.01", "2.00", "3", True),
    ("4.99", "2.00", "3", False),
    ("5.00", "1.99", "3.01", False),
    ("1.00", "2.00", "3", False),
    (None, "2.00", "3", False),     # no loans on the book
    ("5.00", None, "3", False),     # no reported ratio
])
def test_npl_flag_boundaries(tech, overall, tolerance, flagged):
    value = lambda text: None if text is None else D(text)  # noqa: E731
    assert selectors.npl_flag(value(tech), value(overall), D(tolerance)) is flagged


@pytest.fixture
def book(board, flow, parties, enterprise, fund):
    """IMB's book: 4,750,000 performing, 250,000 non-performing (5.00 %); a repaid loan off it."""
    performing, bad, repaid = (flow.contracted(enterprise, mode) for mode in ("1", "2", "1"))
    with board_scope(board):
        for case in (performing, bad, repaid):
            services.disburse(case, on=dt.date(2026, 4, 1), actor=flow.staff)
        services.record_repayment(performing, amount=D("250000"), on=dt.date(2026, 6, 1), actor=flow.staff)
        services.record_repayment(flow.reload(bad), amount=D("4750000"), on=dt.date(2026, 6, 1),
                                  actor=flow.staff)
        services.declare_default(flow.reload(bad), on=dt.date(2026, 8, 1), actor=flow.staff)
        services.record_repayment(repaid, amount=D("5000000"), on=dt.date(2026, 7, 1), actor=flow.staff)
    flow.allocated(flow.reload(bad), D("100000.01"))
    return performing, bad, repaid


def _report(board, parties, period, ratio):
    with board_scope(board):
        FunderNplReport.objects.create(board=board, funder=parties["IMB"], period=period,
                                       overall_npl_ratio=D(ratio))


def test_figures_by_mode_enhancer_and_funder(board, book, parties):
    with board_scope(board):
        result = selectors.portfolio(board)
    assert (result.total.loans, result.total.volume, result.total.outstanding, result.total.defaults,
            result.total.losses) == (3, D("15000000.00"), D("5000000.00"), 1, D("100000.01"))
    modes = {b.label: (b.loans, b.outstanding, b.defaults, b.losses) for b in result.by_mode}
    assert modes == {"模式一：生产力促进中心增信": (2, D("4750000.00"), 0, 0),
                     "模式二：再担保牵头联合担保": (1, D("250000.00"), 1, D("100000.01"))}
    enhancers = {b.label: (b.loans, b.losses, b.fund_balance) for b in result.by_enhancer}
    # Mode 2 split 60/30/10 of 100,000.01: 60,000.01 / 30,000.00 / 10,000.00.
    assert enhancers == {"内蒙古生产力促进中心有限公司": (2, 0, D("2000000.00")),
                         "内蒙古再担保有限公司": (1, D("60000.01"), None),
                         "内蒙古中小企业融资担保有限公司": (1, D("30000.00"), None)}
    funder, = result.by_funder
    assert (funder.label, funder.loans, funder.volume, funder.losses) == (
        "内蒙古银行股份有限公司", 3, D("15000000.00"), D("10000.00"))
    assert [b.label for b in result.by_tier] == ["未分层"]


def test_the_tolerance_flag_on_the_boundary(board, book, parties):
    _report(board, parties, "2026Q2", "2.00")
    with board_scope(board):
        row, = selectors.portfolio(board).npl
    assert (row.on_book, row.npl, row.tech_ratio) == (D("5000000.00"), D("250000.00"), D("5"))
    assert (row.period, row.gap, row.flagged) == ("2026Q2", D("3.00"), False)
    _report(board, parties, "2026Q3", "1.99")  # the latest report is the yardstick
    with board_scope(board):
        row, = selectors.portfolio(board).npl
    assert (row.period, row.gap, row.flagged) == ("2026Q3", D("3.01"), True)
    board.config["risksharing"]["npl_tolerance_pp"] = "3.01"
    board.save()
    with board_scope(board):
        assert not selectors.portfolio(board).npl[0].flagged


def test_the_quarterly_report_to_jrb(board, book, parties, staff_user):
    _report(board, parties, "2026Q3", "1.99")
    with board_scope(board), time_machine.travel(local(2026, 10, 9, 10), tick=False):
        filing = services.file_quarterly_report(board, year=2026, quarter=3, actor=staff_user)
    assert (filing.addressee, filing.kind) == ("jrb", "risksharing.quarterly_report")
    assert filing.context["activity"]["defaulted"] == 1 and filing.context["activity"]["repaid"] == 1
    text = pdf_text(board, filing).replace("\n", "")
    for expected in ("内蒙古科创板2026年第3季度风险分担情况报告", "金融办：", "模式二：再担保牵头联合担保",
                     "内蒙古再担保有限公司", "风险补偿资金池", "2000000.00", "5.00", "1.99", "3.01",
                     "超出容忍度"):
        assert expected in text, expected


def test_a_quarter_must_be_1_to_4(board, staff_user):
    with board_scope(board), pytest.raises(DomainError, match="季度必须是 1–4"):
        services.file_quarterly_report(board, year=2026, quarter=5, actor=staff_user)
