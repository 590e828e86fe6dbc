"""Federation admission: each configured rule checked against the data on file, met and not met;
the membership workflow with reasons; the configuration is validated."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from alliance import services
from alliance.models import InstitutionQualification, Membership, MembershipState
from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import ProductFactory
from tests.support.alliance import member

TODAY = dt.date(2026, 3, 2)


def _apply(board, applicant, body, **extra):
    with board_scope(board):
        return services.apply_for_membership(board, institution=applicant.institution, body=body,
                                             actor=applicant.user, executive_lead="王建国",
                                             liaison_name="李海燕", liaison_phone="13800000000", **extra)


def _check(board, membership, staff_user):
    with board_scope(board):
        membership = services.check_membership(membership, actor=staff_user, on=TODAY)
    return {row["rule"]: row for row in membership.check_result}


def _qualify(board, institution, kind, **dates):
    with board_scope(board):
        InstitutionQualification.objects.create(board=board, institution=institution, kind=kind,
                                                number="NO-1", **dates)


@pytest.mark.parametrize(("kind", "met"), [("accounting", True), ("bank", False)])
def test_institution_kind_rule(board, staff_user, kind, met):
    applicant = member(board, "FIRM", kind=kind, state=None)
    rows = _check(board, _apply(board, applicant, "professional"), staff_user)
    assert rows["institution_kind"]["met"] is met
    assert ("属于" if met else "不属于") + "专业服务联合会" in rows["institution_kind"]["reason"]


@pytest.mark.parametrize(("dates", "met", "reason"), [
    ({"valid_until": TODAY}, True, "持有有效的交易中心会员"),
    ({"valid_until": TODAY - dt.timedelta(days=1)}, False, "不在有效期内"),
    (None, False, "未登记交易中心会员"),
])
def test_exchange_membership_rule(board, staff_user, dates, met, reason):
    applicant = member(board, "LAW1", kind="law", state=None)
    if dates is not None:
        _qualify(board, applicant.institution, "exchange_membership", **dates)
    rows = _check(board, _apply(board, applicant, "professional"), staff_user)
    assert rows["exchange_membership"]["met"] is met and reason in rows["exchange_membership"]["reason"]
    assert "high_tech_audit" not in rows and "intangible_valuation" not in rows  # not a law firm's rules


@pytest.mark.parametrize("held", [True, False])
def test_accounting_firms_need_the_high_tech_audit_qualification(board, staff_user, held):
    applicant = member(board, "CPA1", kind="accounting", state=None)
    _qualify(board, applicant.institution, "exchange_membership")
    if held:
        _qualify(board, applicant.institution, "high_tech_audit", valid_until=TODAY + dt.timedelta(days=90))
    rows = _check(board, _apply(board, applicant, "professional"), staff_user)
    assert rows["high_tech_audit"]["met"] is held
    assert ("持有有效的高新技术企业审计资质" if held else "未登记高新技术企业审计资质") in rows[
        "high_tech_audit"
    ]["reason"]


@pytest.mark.parametrize("held", [True, False])
def test_valuation_firms_need_the_intangible_valuation_qualification(board, staff_user, held):
    applicant = member(board, "VAL1", kind="valuation", state=None)
    _qualify(board, applicant.institution, "exchange_membership")
    if held:
        _qualify(board, applicant.institution, "intangible_valuation")
    rows = _check(board, _apply(board, applicant, "professional"), staff_user)
    assert rows["intangible_valuation"]["met"] is held and "high_tech_audit" not in rows


@pytest.mark.parametrize(("setup", "met", "reason"), [
    ("tech_product", True, "有专为科技型企业设计的产品：科创贷"),
    ("declared", True, "声明对专板企业的优惠：审批时限压缩一半"),
    ("product_preference", True, "产品对专板企业有优惠：普惠贷"),
    ("unpublished_tech_product", False, "既无专为科技型企业设计的产品"),
    ("nothing", False, "也未声明在审批流程或费用上对专板企业的优惠"),
])
def test_investment_federation_needs_a_tech_product_or_a_declared_preference(board, staff_user, setup, met,
                                                                             reason):
    applicant = member(board, "BANK1", state=None)
    with board_scope(board):
        if setup in ("tech_product", "unpublished_tech_product"):
            ProductFactory(board=board, institution=applicant.institution, name="科创贷",
                           for_tech_enterprises=True, is_published=setup == "tech_product")
        if setup == "product_preference":
            ProductFactory(board=board, institution=applicant.institution, name="普惠贷",
                           board_preference="利率下浮")
    extra = {"declared_preference": "审批时限压缩一半"} if setup == "declared" else {}
    rows = _check(board, _apply(board, applicant, "investment", **extra), staff_user)
    assert (
        rows["tech_product_or_preference"]["met"] is met
        and reason in rows["tech_product_or_preference"]["reason"]
    )


def test_rules_are_board_configuration(board, staff_user):
    board.config = {**board.config, "alliance": {**board.config["alliance"], "bodies": {
        "professional": {"kinds": ["law"], "rules": [], "meeting_every_months": 6}}}}
    board.save()
    applicant = member(board, "LAW2", kind="law", state=None)
    rows = _check(board, _apply(board, applicant, "professional"), staff_user)
    assert (
        list(rows) == ["institution_kind"] and rows["institution_kind"]["met"]
    )  # no exchange membership asked
    with pytest.raises(DomainError, match="本专板未设立「投融资联合会」"):
        _apply(board, applicant, "investment")


def test_admission_rechecks_the_data_and_names_what_is_missing(board, staff_user):
    applicant = member(board, "CPA2", kind="accounting", state=None)
    membership = _apply(board, applicant, "professional")
    _check(board, membership, staff_user)
    with board_scope(board), pytest.raises(Conflict) as refused:
        services.admit_membership(membership, actor=staff_user, on=TODAY)
    assert (
        "未登记交易中心会员" in refused.value.message
        and "未登记高新技术企业审计资质" in refused.value.message
    )
    _qualify(board, applicant.institution, "exchange_membership")
    _qualify(board, applicant.institution, "high_tech_audit")
    with board_scope(board):
        admitted = services.admit_membership(membership, actor=staff_user, on=TODAY)
        assert admitted.state == MembershipState.ADMITTED and admitted.admitted_on
        assert all(row["met"] for row in admitted.check_result)
        actions = list(
            EvidenceEntry.objects.filter(subject_id=str(membership.pk)).values_list("action", flat=True)
        )
    assert actions == ["alliance.membership.applied", "alliance.membership.checked",
                       "alliance.membership.admitted"]


def test_refusal_keeps_the_unmet_rules_as_reasons(board, staff_user):
    applicant = member(board, "VAL2", kind="valuation", state=None)
    membership = _apply(board, applicant, "professional")
    _check(board, membership, staff_user)
    with board_scope(board):
        refused = services.change_membership(membership, "refuse", actor=staff_user)
        entry = EvidenceEntry.objects.get(action="alliance.membership.refused")
    assert refused.state == MembershipState.REFUSED and "未登记无形资产评估资质" in refused.reason
    assert entry.payload == {"reason": refused.reason}
    _apply(board, applicant, "professional")  # a refused institution may apply again


def test_suspension_reinstatement_revocation_and_withdrawal(board, staff_user, bank):
    with board_scope(board):
        with pytest.raises(DomainError, match="请说明理由"):
            services.change_membership(bank.membership, "suspend", actor=staff_user, reason=" ")
        services.change_membership(bank.membership, "suspend", actor=staff_user, reason="未按期报送对接进展")
        services.change_membership(bank.membership, "reinstate", actor=staff_user)
        revoked = services.change_membership(bank.membership, "revoke", actor=staff_user, reason="严重违约")
        assert revoked.state == MembershipState.REVOKED and revoked.ended_at
        with pytest.raises(IllegalTransition) as illegal:
            services.change_membership(bank.membership, "reinstate", actor=staff_user)
    assert illegal.value.status == 409 and illegal.value.details["allowed"] == []
    other = member(board, "GUAR", kind="guarantee")
    with board_scope(board):
        assert services.change_membership(other.membership, "withdraw", actor=other.user,
                                          reason="业务调整").state == MembershipState.WITHDRAWN


def test_one_live_membership_per_body(board, bank):
    with pytest.raises(Conflict, match="已是或正在申请加入投融资联合会"):
        _apply(board, bank, "investment")
    with board_scope(board):
        assert Membership.objects.filter(institution=bank.institution).count() == 1


@pytest.mark.parametrize(("section", "message"), [
    ({"bodies": {"investment": {"kinds": ["spaceship"], "rules": []}}}, "kinds 必须是机构类型列表"),
    ({"bodies": {"club": {"kinds": [], "rules": []}}}, "未知联合会 club"),
    ({"bodies": {"professional": {"kinds": [], "rules": [{"type": "qualification", "qualification": "x"}]}}},
     "qualification 必须是"),
    ({"push_bodies": ["nowhere"]}, "push_bodies 必须是联合会列表"),
])
def test_a_wrong_alliance_configuration_says_what_is_wrong(board, section, message):
    board.config = {**board.config, "alliance": {**board.config["alliance"], **section}}
    with pytest.raises(ValidationError, match=message):
        board.save()
