"""Guarantee subsidies: risk compensation and premium subsidy by the board's rates, capped per
firm and year across all the year's claims, to the fen; an over-cap claim is cut to the
remainder and the cut explained; concurrent claims never pass the cap together."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from boards.kernel.errors import DomainError
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from policies import services
from policies.models import ClaimState, GuaranteeYear
from tests.factories import InstitutionFactory
from tests.support.policies import guarantee_policy

YEAR = timezone.localdate().year


def _rates(board, risk, premium, scope="risk_compensation"):
    board.config["policies"].update(risk_compensation_rate=risk, premium_subsidy_rate=premium,
                                    guarantee_cap_scope=scope)
    board.save()


def _declare(board, firm, amount, user, period="第一季度"):
    with board_scope(board):
        return services.declare_guarantee_business(
            board, institution=firm, year=YEAR, period_label=f"{YEAR}年{period}",
            guarantee_amount=Decimal(amount), enterprise_count=12, actor=user)


def _granted(claim):
    return claim.risk_compensation, claim.premium_subsidy, claim.cut, claim.granted_risk_compensation, \
        claim.granted_premium_subsidy


def test_the_cap_holds_across_the_years_claims_to_the_fen(nmg, guarantor, staff_user):
    guarantee_policy(nmg)
    _rates(nmg, "0.0123", "0.0045")
    firm, user = guarantor.firm, guarantor.user
    D = Decimal
    first = _declare(nmg, firm, "123456789.01", user)
    assert _granted(first) == (D("1518518.50"), D("555555.55"), 0, D("1518518.50"), D("555555.55"))
    assert first.explanation.endswith("未超出剩余额度，全额核定。核定风险补偿 1,518,518.50 元，"
                                      "保费补助 555,555.55 元，合计 2,074,074.05 元。")
    second = _declare(nmg, firm, "200000000.00", user)
    assert _granted(second) == (D("2460000.00"), D("900000.00"), 0, D("2460000.00"), D("900000.00"))

    third = _declare(nmg, firm, "98765432.10", user)
    assert _granted(third) == (D("1214814.81"), D("444444.44"), D("193333.31"), D("1021481.50"),
                               D("444444.44"))
    assert (third.cap, third.cap_used_before) == (D("5000000"), D("3978518.50"))
    assert third.capped_granted == D("1021481.50")
    assert third.explanation == (
        "新增科技型小微企业融资担保额 98,765,432.10 元："
        "风险补偿 = 98,765,432.10 元 × 1.23% = 1,214,814.81 元；"
        "保费补助 = 98,765,432.10 元 × 0.45% = 444,444.44 元。"
        f"{YEAR}年度每家风险补偿上限 5,000,000.00 元，此前已计入 3,978,518.50 元，剩余 1,021,481.50 元。"
        "本次风险补偿 1,214,814.81 元 超出剩余额度，核减 193,333.31 元，计入上限 1,021,481.50 元。"
        "核定风险补偿 1,021,481.50 元，保费补助 444,444.44 元，合计 1,465,925.94 元。")

    fourth = _declare(nmg, firm, "10000000.00", user)  # the cap is used up: premium subsidy only
    assert _granted(fourth) == (D("123000.00"), D("45000.00"), D("123000.00"), D("0.00"), D("45000.00"))
    with board_scope(nmg):
        assert GuaranteeYear.objects.get(institution=firm, year=YEAR).capped_total == D("5000000.00")
        entries = EvidenceEntry.objects.filter(action="policies.guarantee_claim.declared").order_by("id")
        payload = entries.last().payload
    assert (payload["cut"], payload["cap_used_after"]) == ("123000.00", "5000000.00")

    # A rejected claim gives its share of the cap back.
    with board_scope(nmg):
        with pytest.raises(DomainError, match="写明理由"):
            services.reject_guarantee_claim(second, actor=staff_user, reason="")
        rejected = services.reject_guarantee_claim(second, actor=staff_user, reason="重复申报")
        assert rejected.state == ClaimState.REJECTED
    fifth = _declare(nmg, firm, "10000000.00", user)
    assert (fifth.cut, fifth.cap_used_before) == (0, D("2540000.00"))


def test_a_cap_over_both_parts_cuts_risk_compensation_first(nmg, guarantor):
    guarantee_policy(nmg, cap="1000000")
    _rates(nmg, "0.01", "0.005", scope="total")
    D = Decimal
    first = _declare(nmg, guarantor.firm, "60000000.00", guarantor.user)
    assert (first.cut, first.capped_granted) == (0, D("900000.00"))
    second = _declare(nmg, guarantor.firm, "20000000.00", guarantor.user)
    assert _granted(second) == (D("200000.00"), D("100000.00"), D("200000.00"), D("0.00"), D("100000.00"))
    assert "每家风险补偿与保费补助合计上限 1,000,000.00 元" in second.explanation
    third = _declare(nmg, guarantor.firm, "20000000.00", guarantor.user)
    assert (third.cut, third.granted_total) == (D("300000.00"), D("0.00"))


def test_approve_and_disburse_in_order(nmg, guarantor, staff_user):
    guarantee_policy(nmg)
    claim = _declare(nmg, guarantor.firm, "1000.00", guarantor.user)
    with board_scope(nmg):
        claim = services.disburse_guarantee_claim(services.approve_guarantee_claim(claim, actor=staff_user),
                                                  actor=staff_user)
        assert claim.state == ClaimState.DISBURSED
        with pytest.raises(DomainError, match="不能执行"):
            services.reject_guarantee_claim(claim, actor=staff_user, reason="晚了")


@pytest.mark.parametrize("change, message", [
    ({"kind": "bank"}, "不是融资担保（再担保）机构"),
    ({"amount": "1000.005"}, "精确到分"),
    ({"amount": "0"}, "大于 0"),
    ({"year": YEAR + 1}, "不能申报未来年度"),
    ({"year": 2020}, "2020年度没有有效的融资担保风险补偿和保费补助政策"),
])
def test_bad_declarations_are_refused_with_the_reason(nmg, guarantor, change, message):
    guarantee_policy(nmg)  # in force from 2025-03-26
    firm = InstitutionFactory(code="BANK", kind="bank") if "kind" in change else guarantor.firm
    with board_scope(nmg), pytest.raises(DomainError, match=message):
        services.declare_guarantee_business(
            nmg, institution=firm, year=change.get("year", YEAR), period_label="一季度", enterprise_count=3,
            guarantee_amount=Decimal(change.get("amount", "1000")), actor=guarantor.user)
    with board_scope(nmg):
        assert not GuaranteeYear.objects.filter(capped_total__gt=0).exists()


@pytest.mark.postgres
def test_concurrent_claims_never_pass_the_cap_together(committed_db, nmg, guarantor):
    guarantee_policy(nmg, cap="1000000")
    _rates(nmg, "0.01", "0.005")
    start, claims, errors = threading.Barrier(2), [], []

    def declare(period):
        try:
            start.wait()
            claims.append(_declare(nmg, guarantor.firm, "80000000.00", guarantor.user, period))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=declare, args=(p,)) for p in ("第一季度", "第二季度")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c.granted_risk_compensation for c in claims) == [Decimal("200000.00"), Decimal("800000.00")]
    assert sorted(c.cut for c in claims) == [Decimal("0.00"), Decimal("600000.00")]
    with board_scope(nmg):
        row = GuaranteeYear.objects.get(institution=guarantor.firm, year=YEAR)
    assert row.capped_total == Decimal("1000000.00")
