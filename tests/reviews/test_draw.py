"""The fair panel draw: every kind of conflict excluded with its reason, the field mix, the
seed that reproduces the panel, the evidence entry, and replacements."""

import datetime as dt

import pytest
import time_machine

from boards.enterprises.models import Application, Campaign, Shareholding, ShareRegister
from boards.kernel.errors import DomainError
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from reviews import draw, services
from reviews.models import DeclaredConflict, ExpertEmployment, PanelDraw, Unavailability
from tests.factories import InstitutionFactory, UserFactory
from tests.support.reviews import START, committee, invest, serve


@pytest.fixture
def conflicted(board, enterprise, staff_user, investor):
    """One expert per kind of conflict, and two free experts whose links are out of reach."""
    lender = InstitutionFactory(code="BANK1", name="内蒙古银行股份有限公司")
    servicer = InstitutionFactory(code="CPA1", name="内蒙古正信会计师事务所", kind="accounting")
    filer = InstitutionFactory(code="SEC1", name="恒泰证券股份有限公司", kind="securities")
    holder = InstitutionFactory(code="HOLD1", name="包头稀土产业投资有限公司", kind="fund")
    declared_inst = InstitutionFactory(code="GUAR1", name="内蒙古再担保有限公司", kind="reguarantee")
    unrelated = InstitutionFactory(code="FREE1", name="无关机构")
    with board_scope(board):
        invest(board, enterprise, investor)
        invest(board, enterprise, lender, kind="debt", on="2025-09-01")
        serve(board, enterprise, servicer, staff_user)
        serve(board, enterprise, declared_inst, staff_user, summary="担保")
        campaign = Campaign.objects.create(board=board, name="2026 批次", opens_on="2026-01-01",
                                           bureau_deadline="2026-01-15", check_deadline="2026-01-26")
        Application.objects.create(board=board, campaign=campaign, enterprise=enterprise,
                                   filed_by="institution", filing_institution=filer)
        register = ShareRegister.objects.create(board=board, enterprise=enterprise, total_shares="1000",
                                                opened_on="2025-01-01")
        Shareholding.objects.create(board=board, register=register, holder_name=holder.name, shares="100")
    experts = {}

    def expert(key, **kwargs):
        experts[key] = committee(board, 1, **kwargs)[0]
        return experts[key]

    expert("investor", institution=investor)
    expert("lender", institution=lender)
    expert("servicer", institution=servicer)
    expert("filer", institution=filer)
    expert("holder", institution=holder)
    recent, old = expert("recent_job", institution=unrelated), expert("old_job", institution=unrelated)
    declared_ent, declared_link = expert("declared_enterprise"), expert("declared_institution")
    expert("unavailable")
    away = expert("away")
    own_user = expert("enterprise_user")
    free = [expert(f"free{i}") for i in range(5)] + [expert("free_listing", field="listing")]
    with board_scope(board):
        ExpertEmployment.objects.create(board=board, expert=recent, institution=investor,
                                        started_on="2018-01-01", ended_on="2024-06-30")
        # Left the lender more than 3 years before the draw: no longer a conflict.
        ExpertEmployment.objects.create(board=board, expert=old, institution=lender,
                                        started_on="2010-01-01", ended_on="2022-12-31")
        DeclaredConflict.objects.create(board=board, expert=declared_ent, enterprise=enterprise,
                                        reason="亲属任职")
        DeclaredConflict.objects.create(board=board, expert=declared_link, institution=declared_inst,
                                        reason="曾为该担保公司顾问")
        experts["unavailable"].is_available = False
        experts["unavailable"].save()
        Unavailability.objects.create(board=board, expert=away, starts_on="2026-03-03", ends_on="2026-03-20",
                                      reason="出国访问")
        enterprise.users.add(own_user.user)
    free_ids = {expert.pk for expert in free + [old]}
    return {key: e for key, e in experts.items() if e.pk not in free_ids}, free + [old]


def _pool(board, case):
    with board_scope(board):
        return draw.build_pool(case, today=dt.date(2026, 3, 2))


def test_every_kind_of_conflict_is_excluded_with_its_reason(board, flow, enterprise, conflicted):
    experts, free = conflicted
    pool = _pool(board, flow.open(enterprise))
    reasons = {row["id"]: " ".join(row["reasons"]) for row in pool.exclusions}
    expected = {
        "investor": "投资该企业（2025-06-01）",
        "lender": "向该企业提供债权融资",
        "servicer": "为该企业提供服务",
        "filer": "代该企业申报入板",
        "holder": "持有该企业股份",
        "recent_job": "2018-01-01 至 2024-06-30 任职于「内蒙古科创投资基金管理有限公司」",
        "declared_enterprise": "申报回避该企业：亲属任职",
        "declared_institution": "申报回避「内蒙古再担保有限公司」（关联机构）",
        "unavailable": "暂不可参加评审",
        "away": "2026-03-03 至 2026-03-20 不可参加评审 出国访问",
        "enterprise_user": "本人为该企业的企业用户",
    }
    for key, text in expected.items():
        assert text in reasons.get(experts[key].pk, ""), (key, reasons.get(experts[key].pk))
    assert {row["id"] for row in pool.candidates} == {expert.pk for expert in free}


def test_the_institution_that_opened_the_review_is_a_conflict(board, flow, enterprise, conflicted, investor):
    experts, _ = conflicted
    case = flow.open(enterprise, "premium", opened_by_institution=investor)
    reasons = {row["id"]: row["reasons"] for row in _pool(board, case).exclusions}
    assert "所在机构「内蒙古科创投资基金管理有限公司」发起本次评审" in reasons[experts["investor"].pk]


def test_the_draw_never_seats_a_conflicted_expert_and_logs_everything(board, flow, enterprise, conflicted):
    experts, free = conflicted
    case = flow.open(enterprise)
    with board_scope(board), time_machine.travel(START, tick=False):
        seats = services.draw_panel(case, actor=flow.staff, seed=2026)
        record = PanelDraw.objects.get(case=case)
        entry = EvidenceEntry.objects.get(action="reviews.panel.drawn")
    assert {seat.expert_id for seat in seats} <= {expert.pk for expert in free} and len(seats) == 5
    assert entry.actor == flow.staff and entry.payload["seed"] == 2026 == record.seed
    assert entry.payload["chosen"] == record.chosen == [seat.expert_id for seat in seats]
    assert {row["id"] for row in entry.payload["exclusions"]} == {e.pk for e in experts.values()}
    assert [row["id"] for row in entry.payload["candidates"]] == sorted(e.pk for e in free)
    assert draw.replay(record) == record.chosen


def test_same_seed_and_candidates_give_the_same_panel(board, experts):
    candidates = [{"id": e.pk, "field": e.field} for e in sorted(experts, key=lambda e: e.pk)]
    panels = {tuple(draw.pick(seed, candidates, 5, {})) for seed in (7, 7, 7)}
    assert len(panels) == 1
    # Different seeds over 8 candidates do not all give one panel.
    assert len({tuple(sorted(draw.pick(seed, candidates, 5, {}))) for seed in range(20)}) > 1


def test_a_replayed_draw_with_an_altered_record_differs(board, flow, enterprise, experts):
    case = flow.open(enterprise)
    with board_scope(board):
        services.draw_panel(case, actor=flow.staff, seed=99)
        record = PanelDraw.objects.get(case=case)
    record.seed = 100
    # Re-drawing with another seed over 8 candidates would have to pick the very same 5 in order.
    assert draw.replay(record) != record.chosen


def test_field_mix_is_honoured(board, flow, enterprise):
    committee(board, 9)
    listing = committee(board, 1, field="listing")[0]
    case = flow.open(enterprise, "listing_reserve")
    for seed in range(5):
        candidates = _pool(board, case).candidates
        assert listing.pk in draw.pick(seed, candidates, 5, case.rules["field_mix"])


def test_shortfall_names_what_is_missing(board, flow, enterprise):
    committee(board, 6)  # nobody with listing experience
    case = flow.open(enterprise, "listing_reserve")
    with board_scope(board), pytest.raises(DomainError, match="「具有上市经验的机构」至少 1 人") as error:
        services.draw_panel(case, actor=flow.staff)
    assert error.value.code == "panel_shortfall"
    with board_scope(board):
        assert not PanelDraw.objects.exists() and flow.reload(case).state == "created"


def test_a_declined_expert_is_replaced_keeping_the_field_mix(board, flow, enterprise):
    committee(board, 6)
    listing = committee(board, 2, field="listing")
    case = flow.sent(enterprise, "listing_reserve")
    seats = flow.seats(case)
    listing_seat = next(seat for seat in seats if seat.expert.field == "listing")
    with board_scope(board):
        services.decline_seat(listing_seat, reason="近期出差", actor=listing_seat.expert.user)
        record = PanelDraw.objects.get(replacing=listing_seat)
        entry = EvidenceEntry.objects.get(action="reviews.panel.replaced")
        new_seat = case.seats.get(draw=record)
    other_listing = next(e for e in listing if e.pk != listing_seat.expert_id)
    assert new_seat.expert_id == other_listing.pk and new_seat.state == "sent"
    assert new_seat.receipt_deadline_id is not None
    assert entry.payload["replacing"] == listing_seat.pk and len(entry.payload["kept"]) == 4
    assert draw.replay(record) == [other_listing.pk]


def test_a_failed_replacement_leaves_the_decline_and_tells_staff(board, flow, enterprise, experts):
    case = flow.sent(enterprise)  # 8 experts, 5 seated: replaceable three times
    with board_scope(board):
        for _ in range(4):
            seat = next(s for s in flow.seats(case) if s.state == "sent")
            services.decline_seat(seat, reason="时间冲突", actor=seat.expert.user)
        assert case.seats.filter(state="declined").count() == 4
        assert case.seats.exclude(state="declined").count() == 4
        failed = EvidenceEntry.objects.get(action="reviews.panel.replacement_failed")
        assert "可抽取的专家不足" in failed.payload["reason"]
        assert flow.staff.notifications.filter(verb="reviews.replacement_failed").exists()
        with pytest.raises(DomainError, match="可抽取的专家不足"):
            services.fill_vacancies(case, actor=flow.staff)
        committee(board, 1)
        assert len(services.fill_vacancies(case, actor=flow.staff)) == 1
        assert case.seats.exclude(state="declined").count() == 5


def test_expert_of_another_board_is_never_a_candidate(board, other_board, flow, enterprise, experts):
    committee(other_board, 3)
    candidates = _pool(board, flow.open(enterprise)).candidates
    assert {row["id"] for row in candidates} == {e.pk for e in experts}


def test_a_user_of_another_enterprise_stays_eligible(board, flow, enterprise, experts):
    from tests.factories import EnterpriseFactory

    with board_scope(board):
        EnterpriseFactory(board=board, name="其他企业").users.add(experts[0].user, UserFactory())
    candidates = _pool(board, flow.open(enterprise)).candidates
    assert experts[0].pk in {row["id"] for row in candidates}
