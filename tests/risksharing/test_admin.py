"""Staff run financing cases in the admin step by step; the checker approves; funds, reported
NPL ratios and the quarterly report. Another board's staff and other roles get nothing."""

import pytest

from boards.kernel.models import Filing
from boards.kernel.scoping import board_scope
from risksharing.models import CaseState, CompensationFund, FinancingCase, FunderNplReport
from tests.support.risksharing import D

ADMIN = "/admin/risksharing/"
CASES = f"{ADMIN}financingcase/"


def _step(case, step, model="financingcase"):
    return f"{ADMIN}{model}/{case.pk}/act/{step}/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_open_and_recommend_a_case(staff_client, board, parties, enterprise,
                                         django_assert_max_num_queries):
    response = staff_client.post(f"{CASES}add/", {"enterprise": enterprise.pk, "mode": "2",
                                                  "amount": "6000000", "purpose": "氢能电解槽样机研制"})
    with board_scope(board):
        case = FinancingCase.objects.get()
    assert response.status_code == 302 and response.url == f"{CASES}{case.pk}/change/"
    page = staff_client.get(response.url).content.decode()
    assert "补充专业机构意见" in page and "出具融资推荐函" in page and "录入合同条款" not in page
    response = staff_client.post(_step(case, "add_firm_input"), {"institution": parties["NMCPA"].pk,
                                                                 "summary": "审计无保留意见。"})
    assert response.status_code == 302
    form = staff_client.get(_step(case, "recommend")).content.decode()
    assert "内蒙古再担保有限公司" in form and "内蒙古银行" not in form  # enhancers only
    response = staff_client.post(_step(case, "recommend"), {"enhancers": [parties["NMGUAR"].pk],
                                                            "opinion": "建议立项。"}, follow=True)
    assert "须由再担保公司牵头增信" in response.content.decode()
    staff_client.post(_step(case, "recommend"), {"enhancers": [parties["NMZDB"].pk, parties["NMGUAR"].pk],
                                                 "opinion": "建议立项。", "meeting_place": "三楼会议室"})
    with board_scope(board):
        case = FinancingCase.objects.get()
        assert case.state == CaseState.RECOMMENDED and case.meeting_place == "三楼会议室"
    with django_assert_max_num_queries(40):
        page = staff_client.get(f"{CASES}{case.pk}/change/").content.decode()
    assert "记录立项会意见" in page and "内蒙古中小企业融资担保有限公司" in page
    # Steps of another state are not offered, and answer 409 with the steps available now.
    refused = staff_client.get(_step(case, "disburse"))
    assert refused.status_code == 409 and "记录立项会意见" in refused.content.decode()
    with django_assert_max_num_queries(15):
        assert "氢能电解槽样机研制" in staff_client.get(CASES).content.decode()


def test_the_checker_approves_what_the_maker_entered(client, board, flow, parties, enterprise, staff_user,
                                                    checker):
    case = flow.agreed(enterprise, "2")
    client.force_login(staff_user)
    form = client.get(_step(case, "propose_terms")).content.decode()
    assert "内蒙古再担保有限公司 分担比例（%）" in form
    data = {"funder": parties["IMB"].pk, "amount": "6000000", "annual_rate": "3.65", "term_months": "12",
            f"share_{parties['NMZDB'].pk}": "60", f"share_{parties['NMGUAR'].pk}": "40", "funder_share": "0"}
    response = client.post(_step(case, "propose_terms"), data, follow=True)
    assert "须说明其在融资成本或审批时效上的优势" in response.content.decode()
    response = client.post(_step(case, "propose_terms"), {**data, "advantage": "approval_time",
                                                          "advantage_note": "审批 5 个工作日内完成。"})
    assert response.status_code == 302
    with board_scope(board):
        terms = case.terms.get()
    response = client.post(_step(terms, "approve", "contractterms"), follow=True)
    assert "录入人与复核人不能是同一人" in response.content.decode()
    assert flow.reload(case).state == CaseState.WITH_FUNDERS
    client.force_login(checker)
    page = client.get(f"{ADMIN}contractterms/{terms.pk}/change/").content.decode()
    assert "复核通过" in page and "审批 5 个工作日内完成。" in page
    response = client.post(_step(terms, "approve", "contractterms"), follow=True)
    assert "合同条款已复核通过" in response.content.decode()
    assert flow.reload(case).state == CaseState.CONTRACTED
    # An approved record offers no step any more.
    assert client.get(_step(terms, "approve", "contractterms")).status_code == 409


def test_funds_reports_and_the_quarterly_report(staff_client, board, parties):
    response = staff_client.post(f"{ADMIN}compensationfund/add/", {"institution": parties["NMPC"].pk,
                                                                   "name": "风险补偿资金池"})
    assert response.status_code == 302
    with board_scope(board):
        fund = CompensationFund.objects.get()
    staff_client.post(_step(fund, "deposit", "compensationfund"), {"amount": "3000000", "note": "财政注资"})
    response = staff_client.post(_step(fund, "deposit", "compensationfund"), {"amount": "-1"})
    assert response.status_code == 400  # refused on the form, nothing booked
    page = staff_client.get(f"{ADMIN}compensationfund/{fund.pk}/change/").content.decode()
    assert page.count("3000000") >= 2  # the balance and the ledger line
    with board_scope(board):
        assert CompensationFund.objects.get().balance == D("3000000.00")
    row = {"funder": parties["IMB"].pk, "period": "2026Q3", "overall_npl_ratio": "1.85",
           "reported_on": "2026-10-15"}
    assert staff_client.post(f"{ADMIN}fundernplreport/add/", row).status_code == 302
    duplicate = staff_client.post(f"{ADMIN}fundernplreport/add/", row)
    assert duplicate.status_code == 200
    with board_scope(board):
        assert FunderNplReport.objects.count() == 1
    bad = staff_client.post(f"{ADMIN}fundernplreport/add/", {**row, "period": "2026-3"})
    assert "报告期格式为" in bad.content.decode()
    response = staff_client.post(f"{CASES}report/", {"year": "2026", "quarter": "3"}, follow=True)
    with board_scope(board):
        filing = Filing.objects.get(kind="risksharing.quarterly_report")
    assert filing.number in response.content.decode() and filing.addressee == "jrb"


def test_other_boards_staff_and_other_roles_get_nothing(client, board, flow, enterprise, parties,
                                                        other_staff_user):
    case = flow.recommended(enterprise, "1")
    client.force_login(other_staff_user)  # staff of another board: the admin opens on that board
    for url in (f"{CASES}{case.pk}/change/", _step(case, "record_view"), _step(case, "close")):
        assert client.get(url).status_code == 404
    assert client.post(_step(case, "close"), {"text": "x"}).status_code == 404
    assert flow.reload(case).state == CaseState.RECOMMENDED
    enhancer = parties.users["NMPC"]
    client.force_login(enhancer)  # not staff: the admin's login
    assert client.get(_step(case, "close")).status_code == 302
    enhancer.is_staff = True  # with the admin flag but no staff board: nothing either
    enhancer.save()
    for url in (f"{CASES}{case.pk}/change/", _step(case, "close")):
        assert client.get(url).status_code == 404
    assert client.post(_step(case, "close"), {"text": "x"}).status_code == 404
    assert flow.reload(case).state == CaseState.RECOMMENDED
