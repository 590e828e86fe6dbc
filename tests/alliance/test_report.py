"""The semi-annual alliance report: built by a Celery task with its progress on the ReportRun,
filed with each regulator as a PDF (real WeasyPrint, read back with pypdf)."""

import datetime as dt
import io
import random
import threading
import time
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from alliance import reports
from alliance.models import Matchmaking, ReportRun
from boards.enterprises.models import ServiceRecord
from boards.kernel.calendar import SHANGHAI
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.filings import render_filing_now
from boards.kernel.models import Filing
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, ProductFactory
from tests.support.alliance import member


def _text(filing):
    with filing.file.open("rb") as f:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)


@pytest.fixture
def activity(board, bank, other_bank, staff_user):
    """H1 2026: two products, a member's service, financing by two instruments and tiers, a funnel
    with a decline, a failure and a case; and a financing of H2 that must not count."""
    firm = member(board, "CPA1", kind="accounting", body="professional", name="正信会计师事务所")
    rng = random.Random(1)
    with board_scope(board):
        ProductFactory(board=board, institution=bank.institution, name="科创信用贷",
                       board_preference="利率下浮")
        ProductFactory(board=board, institution=other_bank.institution, name="知识产权质押贷",
                       product_type="ip_pledge_loan", rate_min=None, rate_max=None)
        enterprises = [
            EnterpriseFactory(board=board, tier=tier)
            for tier in ("standard", "cultivation", "standard", "incubation", "standard")
        ]
        ServiceRecord.objects.create(board=board, enterprise=enterprises[0], kind="service", staff=staff_user,
                                     occurred_on=dt.date(2026, 3, 5), summary="高企审计",
                                     institution=firm.institution)

        def match(i, state, **fields):
            return Matchmaking.objects.create(
                board=board,
                institution=bank.institution,
                enterprise=enterprises[i],
                state=state,
                pushed_at=dt.datetime(2026, 2, 1 + rng.randrange(9), tzinfo=SHANGHAI),
                **fields,
            )

        match(0, "financed", financed_amount=Decimal(5000000), financed_instrument="ip_pledge_loan",
              financed_on=dt.date(2026, 4, 2), financed_tier="standard", is_case=True,
              case_title="知识产权质押助力量产", case_summary="发明专利质押贷款五百万元")
        match(1, "financed", financed_amount=Decimal(3000000), financed_instrument="credit_loan",
              financed_on=dt.date(2026, 5, 9), financed_tier="cultivation")
        match(2, "failed", failed_from="due_diligence", reason_category="collateral",
              reason_text="无可抵押资产")
        match(3, "not_interested", reason_category="out_of_scope", reason_text="不在投向内")
        match(4, "financed", financed_amount=Decimal(9000000), financed_instrument="credit_loan",
              financed_on=dt.date(2026, 7, 9), financed_tier="standard")


def test_the_report_is_built_and_filed_with_each_regulator(board, staff_user, activity, celery_eager,
                                                           django_capture_on_commit_callbacks):
    with board_scope(board), time_machine.travel(dt.datetime(2026, 7, 3, 9, tzinfo=SHANGHAI), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        run = reports.start_report(board, period="2026H1", actor=staff_user)
    with board_scope(board):
        run = ReportRun.objects.get(pk=run.pk)
        assert (run.state, run.progress, run.step, run.finished_at is not None) == ("done", 100, "完成", True)
        filings = list(run.filings.order_by("addressee"))
        for filing in filings:
            render_filing_now(filing.pk)  # no-op when the task rendered it already
        filings = list(Filing.objects.filter(pk__in=[f.pk for f in filings]).order_by("addressee"))
    assert [f.addressee for f in filings] == ["jrb", "kjt"] and all(f.state == "rendered" for f in filings)
    flat = "".join(_text(filings[0]).split())  # table cells wrap: compare without whitespace
    assert f"{board.name_zh}科创服务联盟2026-01-01至2026-06-30（2026H1）" in flat and flat.startswith(
        f"{board.short_name or board.name_zh}科创服务联盟2026年上半年工作报告金融办：")
    for expected in (
        "科创信用贷",
        "知识产权质押贷",
        "利率下浮",
        "正信会计师事务所1",
        "本期通过联盟对接实现融资2笔，金额合计8,000,000.00元",  # financed in H1 only
        "知识产权质押贷款15,000,000.00",
        "信用贷款13,000,000.00",
        "规范层15,000,000.00",
        "培育层13,000,000.00",
        # pushed in H1, as far as each got by now (one was financed in July)
        "已推送5100.0%有意向480.0%深度对接480.0%尽职调查480.0%已融资360.0%",
        "对接失败缺少抵质押或担保1无意向不符合投资/授信范围1",
        "1.知识产权质押助力量产（内蒙古银行",
    ):
        assert expected in flat, expected
    assert "9,000,000.00" not in flat


def test_a_bad_period_or_a_second_build_is_refused(board, staff_user):
    with board_scope(board):
        with pytest.raises(DomainError, match="格式应为 2026H1"):
            reports.start_report(board, period="2026Q1", actor=staff_user)
        reports.start_report(board, period="2026H1", actor=staff_user)  # queued: its task runs after commit
        with pytest.raises(Conflict, match="正在生成"):
            reports.start_report(board, period="2026H1", actor=staff_user)


def test_a_failing_build_is_marked_failed_with_the_error(board, staff_user, monkeypatch):
    def broken(board, start, end):
        raise ValueError("数据异常")

    monkeypatch.setattr(reports, "SECTIONS", [("products", "金融产品", broken)])
    with board_scope(board):
        run = ReportRun.objects.create(board=board, period="2026H1", starts_on=dt.date(2026, 1, 1),
                                       ends_on=dt.date(2026, 6, 30))
        run = reports.build_report(run.pk)
    assert (run.state, run.error) == ("failed", "ValueError: 数据异常")


@pytest.mark.postgres
@pytest.mark.redis
def test_progress_is_visible_while_a_real_worker_builds(committed_db, board, staff_user, real_worker,
                                                         monkeypatch):
    reached, release = threading.Event(), threading.Event()
    sections = list(reports.SECTIONS)
    key, label, funnel = sections[3]

    def held_funnel(*args):
        reached.set()
        release.wait(30)
        return funnel(*args)

    monkeypatch.setattr(reports, "SECTIONS", [*sections[:3], (key, label, held_funnel), *sections[4:]])
    with board_scope(board):
        run = reports.start_report(board, period="2026H1", actor=staff_user)
    assert reached.wait(60), "the worker did not start the build"
    with board_scope(board):
        run.refresh_from_db()
        assert (run.state, run.progress, run.step) == ("running", 48, "对接漏斗")
    release.set()
    deadline = time.monotonic() + 90
    while True:
        with board_scope(board):
            run.refresh_from_db()
            states = list(run.filings.values_list("state", flat=True))
        if run.state == "done" and states and all(state == "rendered" for state in states):
            break
        assert run.state != "failed" and time.monotonic() < deadline, (run.state, run.error, states)
        time.sleep(0.3)
    with board_scope(board):
        assert "对接情况" in _text(run.filings.first())
