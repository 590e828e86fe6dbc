"""The three admission filings render with real WeasyPrint and read back in Chinese (pypdf):
the 入板申请表, the tier plan filed with each approving body, the publicity list."""

import datetime as dt

import pytest

from boards.enterprises.models import FinancialYear
from boards.enterprises.services import admission, plans
from boards.kernel.filings import render_filing_now
from boards.kernel.models import Filing, FilingState
from boards.kernel.scoping import board_scope
from tests.support.admission import at, fill_form, pdf_text, pdf_upload, world

pytestmark = pytest.mark.django_db


def test_application_form_tier_plan_and_publicity_list_render_in_chinese():
    w = world("xj-zjtx")
    with at(2026, 9, 14, 10, 0), board_scope(w.board):
        FinancialYear.objects.create(board=w.board, enterprise=w.enterprise, year=2025,
                                     revenue="52000000", net_profit="6100000")
        application = admission.create_application(w.enterprise, w.campaign, actor=w.enterprise_user,
                                                   requested_tier="standard")
        admission.add_material(application, pdf_upload(), title="营业执照副本", actor=w.enterprise_user)
        fill_form(application, w.enterprise_user)
        admission.submit_application(application, actor=w.enterprise_user)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
        admission.start_check(application, actor=w.staff)
        admission.mark_eligible(application, actor=w.staff)
        plan = plans.build_plan(w.campaign, [application], actor=w.staff)
        plans.submit_plan(plan, actor=w.staff)
        for code in ("gxt", "jrjg", "zjj"):
            plans.decide_plan(plan, body=code, approved=True, comment="", actor=w.regulators[code])
        plans.start_publicity(plan, actor=w.staff, starts_on=dt.date(2026, 9, 28))
        filings = {}
        for filing in Filing.objects.order_by("sequence"):
            rendered = render_filing_now(filing.pk)
            assert rendered.state == FilingState.RENDERED, rendered.error
            filings.setdefault(filing.kind, []).append(rendered)

    form, = filings["boards.application_form"]
    text = pdf_text(form)
    assert form.addressee == "gxt" and form.number == "XJ-ZJTX-2026-0001"
    for expected in ("企业入板申请表", w.enterprise.name, w.enterprise.credit_code, "乌鲁木齐市", "规范层",
                     "专精特新中小企业", "5200 万元", "营业执照副本", "自治区工信厅", "XJ-ZJTX-2026-0001"):
        assert expected in text, expected

    plan_filings = filings["boards.tier_plan"]
    assert [f.addressee for f in plan_filings] == ["gxt", "jrjg", "zjj"]
    for filing in plan_filings:
        text = pdf_text(filing)
        for expected in ("分层方案", w.enterprise.name, "规范层", "专精特新中小企业",
                         "自治区工信厅、自治区地方金融监管局、新疆证监局",
                         filing.board.regulator_name(filing.addressee)):
            assert expected in text, expected

    publicity, = filings["boards.publicity_list"]
    text = pdf_text(publicity)
    for expected in ("名单公示", w.enterprise.name, "规范层", "5 个工作日", "2026-09-28 至 2026-10-09",
                     f"/{w.board.slug}/publicity/"):
        assert expected in text, expected
    assert "暂定" not in text
