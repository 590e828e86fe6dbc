"""The staff profile page: everything on one screen, staff of the board only, bounded queries."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from boards.enterprises.models import (
    DataConsent,
    Disclosure,
    FinancialYear,
    FinancingEvent,
    Qualification,
    ServiceRecord,
    Shareholding,
    ShareRegister,
    TierChange,
)
from boards.enterprises.tiers import TIER_SCHEMES
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory


@pytest.fixture
def xj_board(other_board):
    other_board.config["tiers"] = copy.deepcopy(TIER_SCHEMES["xj-zjtx"])
    other_board.save()
    return other_board


@pytest.fixture
def xj_staff(other_staff_user):
    return other_staff_user


def _fill(board, enterprise, staff, size):
    """``size`` rows of every kind of record the page shows."""
    bank = InstitutionFactory(name="新疆银行")
    for n in range(size):
        Qualification.objects.create(board=board, enterprise=enterprise, kind="specialized_sme",
                                     issuer="自治区工信厅", issued_on=datetime.date(2020 + n % 5, 1, 1))
        FinancialYear.objects.create(board=board, enterprise=enterprise, year=2010 + n,
                                     revenue=Decimal("86000000") + n, net_profit=Decimal("9100000"))
        FinancingEvent.objects.create(board=board, enterprise=enterprise, kind="equity", financing_round="A",
                                      amount=Decimal("5000000"), investor_name="天山创投", investor=bank,
                                      occurred_on=datetime.date(2024, 1, 1))
        ServiceRecord.objects.create(board=board, enterprise=enterprise, kind="visit", staff=staff,
                                     institution=bank, occurred_on=datetime.date(2025, 1, 1),
                                     summary=f"走访 {n}")
        TierChange.objects.create(board=board, enterprise=enterprise, kind="admission", to_tier="standard",
                                  reason="入板", actor=staff)
        Disclosure.objects.create(board=board, enterprise=enterprise, title=f"年报 {n}", audience="investors")
        DataConsent.objects.create(board=board, enterprise=enterprise, institution=bank, granted_by=staff,
                                   categories=["basic", "financials"],
                                   expires_at=timezone.now() + datetime.timedelta(days=30))
    register = ShareRegister.objects.create(board=board, enterprise=enterprise, total_shares=Decimal("1000"),
                                            opened_on=datetime.date(2025, 1, 1),
                                            custody_responsible_party="张三")
    for n in range(size):
        Shareholding.objects.create(board=board, register=register, holder_name=f"股东{n}",
                                    shares=Decimal("1000") / size, confirmed=n % 2 == 0)


@pytest.fixture
def enterprise(xj_board, xj_staff):
    with board_scope(xj_board):
        enterprise = EnterpriseFactory(board=xj_board, name="新疆天池软件有限公司", tier="standard",
                                       listing_plan=True)
        _fill(xj_board, enterprise, xj_staff, 2)
    return enterprise


def _url(board, enterprise):
    return f"/{board.slug}/enterprises/{enterprise.pk}/"


def test_staff_sees_everything_on_one_screen(client, xj_board, xj_staff, enterprise):
    client.force_login(xj_staff)
    response = client.get(_url(xj_board, enterprise))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("新疆天池软件有限公司", enterprise.credit_code, "规范层", "专精特新中小企业", "86000000.00",
                 "天山创投", "走访 1", "入板", "年报 1", "新疆银行", "基本信息、财务数据", "张三", "50.00%"):
        assert text in page, text
    suggestion = response.context["suggestion"]
    assert (suggestion.tier, suggestion.name) == ("cultivation", "培育层")  # 86 M revenue ≥ 50 % of NEEQ
    assert page.count("<tr><td>") >= len(suggestion.criteria)
    for row in suggestion.criteria:
        assert escape(row["reason"]) in page
    score = response.context["score"]
    assert score.total == sum(c.points for c in score.components)
    for component in score.components:
        assert f"<td>{component.name}</td><td>{escape(component.value)}</td>" in page
        assert f"<td>{component.weight}</td><td>{component.points}</td>" in page


def test_other_boards_staff_gets_404(client, board, staff_user, xj_board, enterprise):
    client.force_login(staff_user)  # staff of the Inner Mongolia board only
    assert client.get(_url(xj_board, enterprise)).status_code == 404
    assert client.get(_url(board, enterprise)).status_code == 404  # the pk under their own board


def test_enterprise_user_and_other_roles_get_404(client, xj_board, enterprise):
    for role in ("enterprise_user", "institution_user", "local_bureau"):
        user = UserFactory(username=f"profile-{role}")
        MembershipFactory(user=user, board=xj_board, role=role)
        with board_scope(xj_board):
            enterprise.users.add(user)
        client.force_login(user)
        assert client.get(_url(xj_board, enterprise)).status_code == 404, role


def test_anonymous_is_sent_to_login(client, xj_board, enterprise):
    response = client.get(_url(xj_board, enterprise))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_missing_enterprise_is_404(client, xj_board, xj_staff, enterprise):
    client.force_login(xj_staff)
    assert client.get(f"/{xj_board.slug}/enterprises/{enterprise.pk + 999}/").status_code == 404


def test_query_count_does_not_grow_with_data(client, xj_board, xj_staff, enterprise,
                                             django_assert_max_num_queries):
    with board_scope(xj_board):
        _fill(xj_board, EnterpriseFactory(board=xj_board), xj_staff, 1)  # another enterprise's rows
        big = EnterpriseFactory(board=xj_board, name="大数据企业")
        _fill(xj_board, big, xj_staff, 25)
    client.force_login(xj_staff)
    client.get(_url(xj_board, enterprise))  # warm the session and user caches
    # session user, board, roles, RLS settings, the enterprise and its nine relations, the
    # board's listing standards (once, whatever the data)
    with django_assert_max_num_queries(17):
        assert client.get(_url(xj_board, big)).status_code == 200


def test_the_verdict_names_the_entry_requirement_instead_of_contradicting_the_table(
        client, board, staff_user):
    """Seed 002: 科技型、创新型中小企业 enter the board. An enterprise without any of those
    recognitions meets 基础层's row but not the entry requirement: the page says so instead of
    "不符合任何层级" beside a table that marks 基础层 as met."""
    board.config["tiers"] = copy.deepcopy(TIER_SCHEMES["nmg-kcb"])
    board.save()
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="内蒙古某无资质企业", tier="basic")
    client.force_login(staff_user)
    response = client.get(_url(board, enterprise))
    page = response.content.decode()
    suggestion = response.context["suggestion"]
    assert suggestion.tier == ""
    assert "不符合任何层级" not in page
    assert ("不满足本专板入板条件：无科技型中小企业、高新技术企业、科技标杆企业、"
            "创新型企业（专家评审认定）记录（按分层条件可归入基础层），建议清退或不予入板") in page
    rows = {(row["tier_name"], row["met"]) for row in suggestion.criteria}
    assert ("入板条件", False) in rows and ("基础层", True) in rows
