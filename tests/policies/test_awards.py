"""Awards: applied → verified → approved → disbursed or rejected with reasons; the first-listing
award proposed on the first tier move only; never twice, the database enforcing it even under
concurrent requests; the yearly PDF to the paying bodies."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from boards.enterprises.models import TierChange
from boards.enterprises.services.registry import move_tier
from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import EvidenceEntry, Notification, Role
from boards.kernel.scoping import board_scope
from policies import services
from policies.models import Award, AwardState
from tests.factories import PolicyFactory
from tests.support.policies import LISTED, enterprise, first_listing_policy, pdf_text, user_with_role


@pytest.fixture
def policy(nmg):
    return first_listing_policy(nmg)


@pytest.fixture
def listed(nmg):
    return enterprise(nmg, "内蒙古稀土功能材料有限公司", **LISTED)


def test_an_application_carries_its_reasons_and_is_evidenced(nmg, policy, listed, staff_user):
    with board_scope(nmg):
        award = services.apply_for_award(listed, policy, actor=staff_user)
        assert (award.state, award.amount, award.period) == (AwardState.APPLIED, Decimal("300000"), "")
        reasons = [r["reason"] for r in award.reasons]
        assert reasons == ["2026-03-02 进入优选层、上市层", "持有高新技术企业（有效）"]
        entry = EvidenceEntry.objects.get(action="policies.award.applied")
        assert (entry.subject_id, entry.actor) == (str(award.pk), staff_user)
        assert entry.payload["amount"] == "300000.00"


def test_an_enterprise_that_does_not_qualify_is_told_what_is_missing(nmg, policy, staff_user):
    basic = enterprise(nmg, "包头智能装备有限公司", tier="basic", history=[("basic", dt.date(2026, 1, 5))])
    with board_scope(nmg), pytest.raises(DomainError) as error:
        services.apply_for_award(basic, policy, actor=staff_user)
    assert error.value.code == "not_eligible"
    assert error.value.details["missing"][0] == "尚未进入优选层、上市层"
    assert error.value.details["missing"][1].startswith("未登记有效的科技型中小企业、高新技术企业")
    with board_scope(nmg):
        assert not Award.objects.exists()


def test_a_second_application_is_a_conflict_until_the_first_is_rejected(nmg, policy, listed, staff_user):
    with board_scope(nmg):
        first = services.apply_for_award(listed, policy, actor=staff_user)
        with pytest.raises(Conflict) as error:
            services.apply_for_award(listed, policy, actor=staff_user)
        assert error.value.code == "award_exists" and error.value.status == 409
        services.reject_award(first, actor=staff_user, reason="材料不实")
        second = services.apply_for_award(listed, policy, actor=staff_user)
        assert Award.objects.filter(state=AwardState.REJECTED).get() == first
        assert second.state == AwardState.APPLIED


def test_a_yearly_policy_is_granted_once_a_year(nmg, listed, staff_user):
    with board_scope(nmg):
        yearly = PolicyFactory(board=nmg, code="yearly", recurrence="yearly", amount=Decimal("50000"))
        with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)):
            assert services.apply_for_award(listed, yearly, actor=staff_user).period == "2026"
            with pytest.raises(Conflict):
                services.apply_for_award(listed, yearly, actor=staff_user)
        with time_machine.travel(dt.datetime(2027, 5, 1, 10, tzinfo=dt.UTC)):
            assert services.apply_for_award(listed, yearly, actor=staff_user).period == "2027"


def test_a_formula_benefit_is_computed_from_the_latest_year_and_capped(nmg, staff_user):
    with board_scope(nmg):
        post_subsidy = PolicyFactory(board=nmg, code="rd-post-subsidy", benefit_kind="formula", amount=None,
                                     formula={"metric": "rd_expense", "rate": "0.1"}, cap=Decimal("500000"))
    modest = enterprise(nmg, "乌兰察布检测技术有限公司",
                        financials={2024: {"rd_expense": "9000000"}, 2025: {"rd_expense": "2345678.91"}})
    heavy = enterprise(nmg, "包头氢能科技有限公司", financials={2025: {"rd_expense": "9000000"}})
    none_on_file = enterprise(nmg, "赤峰草业科技有限公司")
    with board_scope(nmg):
        assert services.apply_for_award(modest, post_subsidy, actor=staff_user).amount == Decimal("234567.89")
        assert services.apply_for_award(heavy, post_subsidy, actor=staff_user).amount == Decimal("500000")
        with pytest.raises(DomainError, match="企业尚未登记财务数据"):
            services.apply_for_award(none_on_file, post_subsidy, actor=staff_user)


def test_the_database_refuses_a_second_live_award(nmg, policy, listed):
    def create(state):
        with transaction.atomic():
            return Award.objects.create(board=nmg, policy=policy, enterprise=listed, period="", state=state,
                                        applied_at=timezone.now())

    with board_scope(nmg):
        create(AwardState.REJECTED)
        create(AwardState.DISBURSED)  # rejected ones do not count
        with pytest.raises(IntegrityError):
            create(AwardState.APPLIED)


def test_the_steps_in_order_and_what_each_needs(nmg, listed, staff_user):
    with board_scope(nmg):
        fixed = PolicyFactory(board=nmg, code="fixed")
        set_by_payer = PolicyFactory(board=nmg, code="set-by-payer", benefit_kind="unspecified", amount=None)
        award = services.apply_for_award(listed, fixed, actor=staff_user)
        with pytest.raises(DomainError, match="不能另行填写"):
            services.verify_award(award, actor=staff_user, amount=Decimal("1"))
        with pytest.raises(IllegalTransition) as error:
            services.approve_award(award, actor=staff_user)
        assert error.value.details["allowed"] == ["reject", "verify"]
        services.verify_award(award, actor=staff_user)
        award = services.approve_award(award, actor=staff_user)
        assert (award.state, award.year) == (AwardState.APPROVED, timezone.localdate().year)
        with pytest.raises(DomainError, match="拨付凭证号"):
            services.disburse_award(award, actor=staff_user, reference=" ")
        award = services.disburse_award(award, actor=staff_user, reference="KJT-2026-0088")
        with pytest.raises(IllegalTransition):
            services.reject_award(award, actor=staff_user, reason="迟来的驳回")

        other = services.apply_for_award(listed, set_by_payer, actor=staff_user)
        assert other.amount is None
        for amount in (None, Decimal("0"), Decimal("100.005")):
            with pytest.raises(DomainError, match="核定金额"):
                services.verify_award(other, actor=staff_user, amount=amount)
        other = services.verify_award(other, actor=staff_user, amount=Decimal("80000.50"))
        assert other.amount == Decimal("80000.50")
        with pytest.raises(DomainError, match="写明理由"):
            services.reject_award(other, actor=staff_user, reason="")
        other = services.reject_award(other, actor=staff_user, reason="超出年度预算")
        assert (other.state, other.rejection_reason) == (AwardState.REJECTED, "超出年度预算")
        actions = list(EvidenceEntry.objects.filter(action__startswith="policies.award.")
                       .order_by("id").values_list("action", flat=True))
    assert actions == ["policies.award.applied", "policies.award.verified", "policies.award.approved",
                       "policies.award.disbursed", "policies.award.applied", "policies.award.verified",
                       "policies.award.rejected"]


# --- The automatic proposal ---------------------------------------------------------------------


def _move(board, company, to_tier, kind, capture):
    """Move in a committed transaction; the receiver runs afterwards, outside the test's scope."""
    with capture(execute=True):
        with board_scope(board):
            move_tier(company, to_tier=to_tier, kind=kind, reason="测试")


def test_the_first_entry_proposes_the_award_and_later_moves_do_not(nmg, policy, staff_user,
                                                                     django_capture_on_commit_callbacks):
    company = enterprise(nmg, "赤峰生物科技有限公司", kinds=["tech_sme"])
    capture = django_capture_on_commit_callbacks
    _move(nmg, company, "basic", "admission", capture)
    with board_scope(nmg):
        assert not Award.objects.exists()

    _move(nmg, company, "premium", "promotion", capture)
    with board_scope(nmg):
        award = Award.objects.get()
        entry = TierChange.objects.get(to_tier="premium")
        assert (award.state, award.amount, award.proposed_automatically, award.source) == (
            AwardState.APPLIED, Decimal("300000"), True, f"boards.tierchange:{entry.pk}")
        notice = Notification.objects.get(verb="policies.award_proposed")
        assert notice.user == staff_user
        assert "赤峰生物科技有限公司符合「优选层、上市层首次挂牌奖补」" in notice.body
        services.reject_award(award, actor=staff_user, reason="核查中发现挂牌材料不实")

    # Neither the next tier nor a removal and re-admission is a first entry, even with no live award.
    _move(nmg, company, "listing", "promotion", capture)
    _move(nmg, company, "", "removal", capture)
    _move(nmg, company, "premium", "admission", capture)
    with board_scope(nmg):
        assert list(Award.objects.values_list("state", flat=True)) == [AwardState.REJECTED]


def test_no_proposal_for_an_enterprise_that_does_not_qualify(nmg, policy,
                                                             django_capture_on_commit_callbacks):
    company = enterprise(nmg, "通辽乳业科技有限公司", tier="basic")  # no tech recognition on file
    _move(nmg, company, "premium", "promotion", django_capture_on_commit_callbacks)
    with board_scope(nmg):
        assert not Award.objects.exists()


@pytest.mark.postgres
def test_two_concurrent_applications_make_one_award(committed_db, nmg, policy, listed, staff_user):
    start, results = threading.Barrier(2), []

    def apply():
        try:
            with board_scope(nmg):
                start.wait()
                results.append(services.apply_for_award(listed, policy, actor=staff_user))
        except Conflict as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    awards = [r for r in results if isinstance(r, Award)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(awards) == len(conflicts) == 1
    assert conflicts[0].code == "award_exists" and conflicts[0].status == 409
    with board_scope(nmg):
        assert list(Award.objects.values_list("pk", flat=True)) == [awards[0].pk]
        assert EvidenceEntry.objects.filter(action="policies.award.applied").count() == 1


# --- The yearly filing --------------------------------------------------------------------------


def test_the_years_awards_are_filed_with_each_paying_body(nmg, policy, staff_user, celery_eager,
                                                          django_capture_on_commit_callbacks):
    finance = user_with_role(nmg, "finance", Role.EXCHANGE_STAFF)
    year = timezone.localdate().year
    names = ("呼和浩特云计算有限公司", "包头稀土新材料有限公司")
    companies = [enterprise(nmg, name, **LISTED) for name in names]
    with board_scope(nmg):
        other = PolicyFactory(board=nmg, code="finance-award", title="金融办奖补", payer="jrb",
                              amount=Decimal("12345.67"))
        approved, disbursed = (services.verify_award(services.apply_for_award(c, policy, actor=staff_user),
                                                     actor=staff_user) for c in companies)
        services.approve_award(approved, actor=staff_user)
        services.disburse_award(services.approve_award(disbursed, actor=staff_user), actor=staff_user,
                                reference="KJT-88")
        services.verify_award(services.apply_for_award(companies[0], other, actor=staff_user),
                              actor=staff_user)
        with pytest.raises(DomainError, match="没有已批准或已拨付的奖补"):
            services.file_awards(nmg, year=year - 1, actor=finance)
        services.approve_award(Award.objects.get(policy=other), actor=staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            filings = services.file_awards(nmg, year=year, actor=finance)
        assert [f.addressee for f in filings] == ["jrb", "kjt"]
        assert set(Award.objects.values_list("filing", flat=True)) == {f.pk for f in filings}
        finance_text, science_text = (pdf_text(f) for f in filings)
    assert "金融办奖补" in finance_text and "12345.67" in finance_text
    assert "呼和浩特云计算有限公司" in finance_text
    assert "共 2 笔，合计 600000.00 元" in science_text
    assert "包头稀土新材料有限公司" in science_text and "KJT-88" in science_text and "已拨付" in science_text
    assert science_text.startswith(f"内蒙古科创板{year}年度政策奖补汇总科技厅：")
