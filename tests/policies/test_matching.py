"""Policy matching on a table of enterprises: what each qualifies for, with the reasons, and what
it nearly qualifies for, with what is missing; the margin is the board's configuration."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from boards.kernel.scoping import board_scope
from policies import selectors
from policies.models import Award, Policy
from tests.factories import PolicyFactory
from tests.support.policies import enterprise, first_listing_policy

ON = dt.date(2026, 6, 30)
SPECIALISED = {"type": "qualification", "kinds": ["specialized_sme"]}
REVENUE = {"type": "financial", "metric": "revenue", "min": "50000000"}
GIANT = {"type": "qualification", "kinds": ["little_giant"]}
LISTED = {"type": "tier", "tiers": ["listing"]}
PROFIT = {"type": "financial", "metric": "net_profit", "min": "5000000"}


@pytest.fixture
def catalogue(nmg):
    first_listing_policy(nmg)
    with board_scope(nmg):
        for code, conditions in {
            "high-tech-first": [{"type": "first_qualification", "kinds": ["high_tech"], "within_years": 1}],
            "specialised-revenue": [SPECIALISED, REVENUE],
            "financials": [REVENUE, PROFIT],
            "giant-or-listed": [{"type": "any", "conditions": [GIANT, LISTED]}],
            "tech-verified": [{"type": "qualification", "kinds": ["tech_sme"]},
                              {"type": "manual", "label": "已签订科技成果转化合同"}],
        }.items():
            PolicyFactory(board=nmg, code=code, conditions=conditions)
        PolicyFactory(board=nmg, code="expired", valid_until=dt.date(2025, 12, 31))
        PolicyFactory(board=nmg, code="fast-track", benefit_kind="none", amount=None, payer="",
                      conditions=[{"type": "qualification", "kinds": ["tech_sme"]}])
    return nmg


def _table(board):
    return {
        "A": enterprise(board, "甲科技有限公司", tier="premium", kinds=["high_tech"],
                        issued_on=dt.date(2025, 9, 1),
                        financials={2025: {"revenue": "60000000", "net_profit": "6000000"}},
                        history=[("premium", dt.date(2026, 3, 2))]),
        "B": enterprise(board, "乙科技有限公司", tier="basic", kinds=["high_tech", "specialized_sme"],
                        issued_on=dt.date(2019, 5, 1),
                        financials={2024: {"revenue": "90000000"}, 2025: {"revenue": "47000000",
                                                                           "net_profit": "4800000"}},
                        history=[("basic", dt.date(2025, 1, 10))]),
        "C": enterprise(board, "丙科技有限公司", tier="listing", kinds=["little_giant", "tech_sme"],
                        financials={2025: {"revenue": "47000000", "net_profit": "3000000"}},
                        history=[("basic", dt.date(2024, 5, 1)), ("listing", dt.date(2026, 1, 15))]),
        "D": enterprise(board, "丁科技有限公司"),
    }


EXPECTED = {
    "A": ({"first-listing", "high-tech-first", "financials"}, {"specialised-revenue"}),
    "B": (set(), {"first-listing", "specialised-revenue", "financials"}),
    "C": ({"first-listing", "giant-or-listed", "fast-track"}, {"tech-verified"}),
    "D": (set(), set()),
}


def _matches(company):
    with board_scope(company.board):
        fresh = selectors.enterprise_for_matching(company.board, company.pk)
        qualified, nearly = selectors.policy_matches(fresh, ON)
    return {m.policy.code: m for m in qualified}, {m.policy.code: m for m in nearly}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_enterprise_qualifies_and_nearly_qualifies_as_expected(catalogue, key):
    qualified, nearly = _matches(_table(catalogue)[key])
    assert (set(qualified), set(nearly)) == EXPECTED[key]
    assert "expired" not in qualified | nearly


def test_reasons_and_what_is_missing(catalogue):
    table = _table(catalogue)
    qualified, nearly = _matches(table["A"])
    reasons = [check.reason for check in qualified["first-listing"].checks]
    assert reasons == ["2026-03-02 进入优选层、上市层", "持有高新技术企业（有效）"]
    assert qualified["high-tech-first"].checks[0].reason == "2025-09-01 首次认定，在近 1 年内"
    assert nearly["specialised-revenue"].missing == ["未登记有效的专精特新中小企业资质"]

    qualified, nearly = _matches(table["B"])
    assert nearly["first-listing"].missing == ["尚未进入优选层、上市层"]
    assert nearly["financials"].missing == [
        "2025年营业收入 4700 万元，低于 5000 万元，差 300 万元（在 10% 容差内）",
        "2025年净利润 480 万元，低于 500 万元，差 20 万元（在 10% 容差内）",
    ]  # the latest year counts, not the better 2024
    assert not nearly["financials"].may_apply

    qualified, nearly = _matches(table["C"])
    assert qualified["giant-or-listed"].checks[0].reason == '持有专精特新"小巨人"（有效）'
    assert nearly["tech-verified"].missing == ["需提交材料，由工作人员核验：已签订科技成果转化合同"]
    assert nearly["tech-verified"].may_apply  # what is missing is checked by staff on the award
    assert not qualified["fast-track"].may_apply  # a non-monetary policy: nothing to apply for


@pytest.mark.parametrize("margin, nearly_financials", [(6, True), (5, False)])
def test_the_margin_is_the_boards_configuration(catalogue, margin, nearly_financials):
    """Revenue is 6 % short of its threshold, net profit 4 %."""
    catalogue.config["policies"]["near_margin_pct"] = margin
    catalogue.save()
    _, nearly = _matches(_table(catalogue)["B"])
    assert ("financials" in nearly) is nearly_financials
    assert "specialised-revenue" in nearly  # one unmet condition of two, whatever the margin


def test_a_live_award_is_shown_on_its_match(catalogue):
    company = _table(catalogue)["A"]
    with board_scope(catalogue):
        award = Award.objects.create(board=catalogue, enterprise=company, period="", amount=300000,
                                     policy=Policy.objects.get(board=catalogue, code="first-listing"),
                                     applied_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
    qualified, _ = _matches(company)
    assert qualified["first-listing"].award == award and not qualified["first-listing"].may_apply


@pytest.mark.parametrize("conditions, message", [
    ([{"type": "owner"}], "第 1 个条件 的 type 必须是"),
    ([{"type": "tier", "tiers": ["incubation"]}], "可选：basic, premium, listing"),
    ([{"type": "financial", "metric": "revenue", "min": 5.5}], "min 必须是金额字符串"),
    ([{"type": "any", "conditions": [{"type": "manual", "label": "x"}]}], "第 1 个条件中第 1 个条件 的 type"),
    ([{"type": "qualification", "kinds": ["nobel_prize"]}], "kinds 必须是非空的资质类型列表"),
])
def test_malformed_conditions_are_refused_with_the_reason(nmg, conditions, message):
    with board_scope(nmg):
        policy = PolicyFactory.build(board=nmg, conditions=conditions)
        with pytest.raises(ValidationError) as error:
            policy.full_clean()
    assert message in " ".join(error.value.message_dict["conditions"])
