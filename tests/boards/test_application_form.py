"""The 《入板申请表》: the enterprise fills it on its page (prefilled, validated next to each field,
input kept, nothing written on an error), it cannot submit until the form is complete, the filed
PDF prints what it declared, the form closes once submitted (409), and nobody else reaches it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from boards.enterprises.models import Application, Enterprise, FinancialYear
from boards.enterprises.services import admission
from boards.kernel.filings import render_filing_now
from boards.kernel.models import EvidenceEntry, Filing
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.admission import at, pdf_text, world

pytestmark = pytest.mark.django_db

GOOD = {
    "industry": "工业软件", "founded_on": "2025-03-01", "registered_capital": "12000000",
    "legal_representative": "艾尔肯·吐尔逊", "contact_name": "古丽娜", "contact_phone": "0991-4567890",
    "contact_email": "", "main_business": "工业控制软件研发与销售",
    "basis": "申报规范层：已获自治区专精特新中小企业认定，拥有发明专利 3 项。",
    "revenue_2025": "3800000", "net_profit_2025": "-250000", "rd_expense_2025": "900000",
    "total_assets_2025": "9000000",
}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft():
    w = world("xj-zjtx")
    with at(2026, 9, 2, 10, 0), board_scope(w.board):
        Enterprise.objects.filter(pk=w.enterprise.pk).update(registered_capital=None, legal_representative="",
                                                             contact_name="", contact_phone="")
        w.application = admission.create_application(w.enterprise, w.campaign, actor=w.enterprise_user)
    w.url = f"/{w.board.slug}/my/applications/{w.application.pk}/"
    return w


def _form_entries(w):
    with board_scope(w.board):
        return EvidenceEntry.objects.filter(action="boards.application.form_filled").count()


def test_bad_input_is_refused_next_to_each_field_with_the_input_kept(draft):
    w = draft
    bad = {**GOOD, "contact_phone": "12345", "registered_capital": "0", "founded_on": "2030-01-01",
           "revenue_2025": "", "net_profit_2024": ""}
    with at(2026, 9, 2, 11, 0):
        response = client_for(w.enterprise_user).post(w.url + "form/", bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写 11 位手机号，或带区号的座机号" in text
    assert "成立日期不能晚于今天" in text and "0.01" in text
    assert "请填写 2025 年度的数据（没有请填 0）" in text
    assert 'value="艾尔肯·吐尔逊"' in text and "工业控制软件研发与销售" in text  # input kept
    with board_scope(w.board):
        enterprise = Enterprise.objects.get(pk=w.enterprise.pk)
        assert (enterprise.legal_representative, enterprise.registered_capital) == ("", None)
        assert not FinancialYear.objects.filter(enterprise=enterprise).exists()
    assert _form_entries(w) == 0


def test_the_service_refuses_what_the_page_would_have_refused(draft):
    from boards.enterprises.services import application_form
    from boards.kernel.errors import DomainError

    w = draft
    with at(2026, 9, 2, 11, 0), board_scope(w.board):
        for fields, financials, field in (
                ({"founded_on": dt.date(2026, 12, 1)}, {}, "founded_on"),
                ({"registered_capital": Decimal("-1")}, {}, "registered_capital"),
                ({}, {2025: {"revenue": Decimal("-5")}}, "revenue_2025")):
            with pytest.raises(DomainError) as refused:
                application_form.fill_application_form(w.application, fields=fields, basis="依据",
                                                        financials=financials, actor=w.enterprise_user)
            assert refused.value.details == {"field": field}
    assert _form_entries(w) == 0


def test_the_enterprise_cannot_submit_before_the_form_is_complete_and_the_pdf_prints_it(draft):
    w = draft
    client = client_for(w.enterprise_user)
    with at(2026, 9, 2, 11, 0):
        page = client.get(w.url).content.decode()
        gaps = ("注册资本（元）、法定代表人、联系人、联系电话、申报类别与依据、"
                "2025 年度财务数据、2024 年度财务数据")
        assert f"申请表尚缺：{gaps}" in page
        refused = client.post(w.url + "submit/", HTTP_ACCEPT="application/json")
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "form_incomplete"
        # founded in 2025: the form asks for 2025 only (2024 is before the founding year)
        assert client.post(w.url + "form/", GOOD).status_code == 302
        assert "申请表已填写完整" in client.get(w.url).content.decode()
        assert client.post(w.url + "submit/").status_code == 302
    with board_scope(w.board):
        enterprise = Enterprise.objects.get(pk=w.enterprise.pk)
        assert enterprise.registered_capital == Decimal("12000000")
        assert enterprise.contact_phone == "0991-4567890"
        year = FinancialYear.objects.get(enterprise=enterprise, year=2025)
        assert (year.revenue, year.net_profit, year.rd_expense) == (
            Decimal("3800000"), Decimal("-250000"), Decimal("900000"))
        assert Application.objects.get(pk=w.application.pk).state == "submitted"
        filing = render_filing_now(
            Filing.objects.get(kind="boards.application_form", subject_id=str(w.application.pk)).pk)
    assert _form_entries(w) == 1
    text = pdf_text(filing)
    for printed in ("1200 万元", "艾尔肯·吐尔逊", "古丽娜 0991-4567890", "已获自治区专精特新中小企业认定",
                    "380 万元", "-25 万元"):
        assert printed in text, printed


def test_the_form_closes_once_submitted(draft):
    w = draft
    client = client_for(w.enterprise_user)
    with at(2026, 9, 2, 11, 0):
        client.post(w.url + "form/", GOOD)
        client.post(w.url + "submit/")
        response = client.post(w.url + "form/", {**GOOD, "legal_representative": "别人"})
    assert response.status_code == 409 and "申请已提交，申请表不能再修改" in response.content.decode()
    with board_scope(w.board):
        assert Enterprise.objects.get(pk=w.enterprise.pk).legal_representative == "艾尔肯·吐尔逊"


def test_nobody_else_reaches_the_form(draft):
    w = draft
    nmg = world("nmg-kcb")
    for user in (nmg.enterprise_user, w.staff, w.institution_user, w.other_bureau):
        assert client_for(user).get(w.url + "form/").status_code == 404, user
    # the bureau sees the application of its prefecture, but the form is the enterprise's own
    assert client_for(w.bureau).get(w.url + "form/").status_code == 404
    assert client_for(nmg.enterprise_user).post(w.url + "form/", GOOD).status_code == 404
    assert _form_entries(w) == 0


def test_enterprises_already_on_the_board_or_applying_are_not_offered(draft):
    w = draft
    with board_scope(w.board):
        admitted = EnterpriseFactory(board=w.board, name="已入板科技有限公司", status="admitted")
        fresh = EnterpriseFactory(board=w.board, name="新来科技有限公司", status="prospect")
        admitted.users.add(w.enterprise_user)
        fresh.users.add(w.enterprise_user)
    page = client_for(w.enterprise_user).get(f"/{w.board.slug}/my/applications/").content.decode()
    options = page.split('name="enterprise"')[1].split("</select>")[0]
    assert "新来科技有限公司" in options
    assert "已入板科技有限公司" not in options and w.enterprise.name not in options  # on its way already


def test_the_form_page_costs_the_same_queries_with_more_years_of_data(draft):
    w = draft
    client = client_for(w.enterprise_user)

    def count():
        with at(2026, 9, 2, 11, 0), CaptureQueriesContext(connection) as queries:
            assert client.get(w.url + "form/").status_code == 200
        return len(queries)

    before = count()
    with board_scope(w.board):
        for year in range(2015, 2026):
            FinancialYear.objects.create(board=w.board, enterprise=w.enterprise, year=year,
                                         revenue=1, net_profit=1, total_assets=1)
    assert count() == before
