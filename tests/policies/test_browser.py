"""The Ordos dashboard in headless Chromium: every target's chart and the punctuality chart are
drawn (server-side SVG), nothing is fetched from another origin, and the ledger downloads."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from boards.kernel.calendar import SHANGHAI
from boards.kernel.scoping import board_scope
from policies import ordos
from policies.models import ProgrammeTarget, QuarterlyReport

ARTIFACTS = Path(__file__).resolve().parent.parent / "e2e" / "artifacts"
TARGETS = [("loan_growth", "人才和科创贷款年增速", "yearly_min", 30, "%", [34.2, 31.5, 27.8, 32.1]),
           ("listings", "科创企业上市挂牌融资", "period_total", 2, "家", [0, 1, 0, 1]),
           ("matchmaking", "线上线下融资对接活动", "yearly_min", 4, "次", [4, 6, 5])]


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server with a MEDIA_URL (the platform sets none; Django's test
    media handler needs one)."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="/test-media-unused/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def programme(committed_db, board, ledger, staff_user):
    with board_scope(board):
        for position, (code, title, kind, threshold, unit, values) in enumerate(TARGETS):
            target = ProgrammeTarget.objects.create(
                board=board, code=code, title=title, kind=kind, threshold=threshold, unit=unit,
                first_year=2022, last_year=2025, source="鄂金办发〔2022〕53号", position=position)
            for year, value in zip(range(2022, 2026), values, strict=False):
                ordos.record_target_actual(target, year=year, value=Decimal(str(value)), actor=staff_user)
        for quarter, day in ((2, 6), (3, 15)):  # Q2 in on time, Q3 late
            ordos.open_quarter_reports(board, 2026, quarter)
            report = QuarterlyReport.objects.get(unit__name="市政府金融办", quarter=quarter)
            entries = {entry.task.number: {"progress": "按计划推进", "next_steps": "继续推进"}
                       for entry in report.entries.all()}
            ordos.submit_quarterly_report(report, actor=report.unit.contact, entries=entries,
                                          at=dt.datetime(2026, quarter * 3 + 1, day, 10, tzinfo=SHANGHAI))
    return board


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_in_chromium(live_server, programme, browser):
    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/accounts/login/?next=/{programme.slug}/policies/ordos/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "demo-pass-123")
    page.click("button[type=submit]")

    charts = page.locator("svg[data-chart]")
    expect(charts).to_have_count(len(TARGETS) + 1, timeout=30_000)  # login and first render
    for code, *_ in TARGETS:
        chart = page.locator(f'svg[data-chart="{code}"]')
        expect(chart.locator("rect.bar")).to_have_count(4)  # 2022–2025, a stub where none is in yet
        expect(chart.locator("line.threshold")).to_have_count(1)
        assert chart.bounding_box()["height"] > 100
    missed = page.locator('svg[data-chart="loan_growth"] rect.bar[fill="#c62828"]')
    expect(missed).to_have_count(1)  # 2024: 27.8 % < 30 %
    expect(page.locator('svg[data-chart="listings"]')).to_contain_text("目标 2家（虚线）")
    punctuality = page.locator('svg[data-chart="punctuality"]')
    expect(punctuality).to_contain_text("2026Q2")
    expect(punctuality.locator('rect.bar[fill="#ef6c00"]')).to_have_count(1)  # the late Q3 report
    expect(page.locator("#overdue")).to_contain_text("2026年第3季度")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "policies_ordos_dashboard.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=导出 Excel")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames[0] == "重点任务台账2026Q3"
    assert all(url.startswith(live_server.url) for url in requested), requested
