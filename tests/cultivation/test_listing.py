"""Listing cultivation (证监办函〔2022〕840号 (十一) 2–3, 附件2 (三)): the path 培育入库 → 股份制改造 →
辅导备案 → 交易所沟通 → 申报 → 上市, step by step with dates in order, a serving securities firm from
the alliance (through the kernel provider), a milestone and an evidence entry for every step."""

import datetime as dt

import pytest

from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from boards.kernel.steps import available, run
from cultivation import selectors
from cultivation.models import ListingPath, Stage
from cultivation.services import listing
from cultivation.steps import LISTING_STEPS
from tests.factories import AllianceMembershipFactory

pytestmark = pytest.mark.django_db
D = dt.date


START = D(2023, 3, 1)


def _enrol(w, on=START, firm="firm", **kwargs):
    return listing.enrol(w.board, enterprise=w.enterprise, target_market="bse", enrolled_on=on,
                         actor=w.staff, securities_firm=getattr(w, firm) if firm else None, **kwargs)


def _stage(on, reference=""):
    return {"occurred_on": on, "reference": reference, "note": ""}


def test_worked_path_from_enrolment_to_listing_two_and_a_half_years_after_conversion(world, in_board):
    """改制 2023-09-15, listed 2026-03-18: "上市前 2~3 年改制为股份有限公司"."""
    w = world
    path = _enrol(w, note="走访了解到企业有北交所上市规划")
    steps = [("convert", D(2023, 9, 15), "股份公司营业执照"),
             ("tutoring", D(2024, 6, 20), "内蒙证监局辅导备案"),
             ("communicate", D(2025, 1, 10), "北交所上市前沟通会"),
             ("file", D(2025, 6, 30), "北交所受理〔2025〕88号"),
             ("list", D(2026, 3, 18), "北交所上市公告")]
    for name, on, reference in steps:
        assert name in available(LISTING_STEPS, path)
        path = run(LISTING_STEPS, name, path, w.firm_user, _stage(on, reference))
    path = ListingPath.objects.get(pk=path.pk)
    assert path.stage == Stage.LISTED
    assert (path.enrolled_on, path.joint_stock_on, path.tutoring_on, path.communication_on, path.filed_on,
            path.listed_on) == (D(2023, 3, 1), D(2023, 9, 15), D(2024, 6, 20), D(2025, 1, 10), D(2025, 6, 30),
                                D(2026, 3, 18))
    assert (path.listed_on - path.joint_stock_on).days == 915  # 2.5 years: within 2~3 years
    milestones = list(path.milestones.values_list("stage", "occurred_on", "reference",
                                                  "securities_firm__code"))
    assert [m[0] for m in milestones] == ["cultivating", "joint_stock", "tutoring", "communication", "filed",
                                          "listed"]
    assert milestones[3] == ("communication", D(2025, 1, 10), "北交所上市前沟通会", "HTZQ")
    actions = list(EvidenceEntry.objects.filter(board=w.board, action__startswith="cultivation.listing")
                   .order_by("pk").values_list("action", "payload"))
    assert [a for a, _ in actions] == ["cultivation.listing.enrolled"] + ["cultivation.listing.advanced"] * 5
    assert actions[5][1]["to"] == "listed" and actions[5][1]["occurred_on"] == "2026-03-18"
    assert available(LISTING_STEPS, path) == []  # nothing after 上市, not even 终止培育


def test_a_stage_out_of_order_is_refused_with_the_steps_allowed(world, in_board):
    path = _enrol(world)
    with pytest.raises(IllegalTransition) as refused:
        run(LISTING_STEPS, "file", path, world.staff, _stage(D(2024, 1, 1)))
    assert refused.value.status == 409
    assert set(refused.value.details["allowed"]) == {"convert", "assign", "withdraw"}
    assert ListingPath.objects.get(pk=path.pk).stage == Stage.CULTIVATING


def test_dates_must_follow_one_another_and_not_be_in_the_future(world, in_board):
    path = _enrol(world, on=D(2024, 5, 1))
    with pytest.raises(DomainError, match="早于上一节点"):
        listing.advance(path, actor=world.staff, action="convert", occurred_on=D(2024, 4, 30))
    with pytest.raises(DomainError, match="晚于今天"):
        tomorrow = dt.date.today() + dt.timedelta(2)
        listing.advance(path, actor=world.staff, action="convert", occurred_on=tomorrow)
    assert ListingPath.objects.get(pk=path.pk).stage == Stage.CULTIVATING
    assert path.milestones.count() == 1  # nothing half written


def test_tutoring_needs_a_securities_firm(world, in_board):
    path = listing.advance(_enrol(world, firm=None), actor=world.staff, action="convert",
                           occurred_on=D(2023, 9, 1))
    assert "tutoring" not in available(LISTING_STEPS, path)
    with pytest.raises(Conflict) as refused:
        run(LISTING_STEPS, "tutoring", path, world.staff, _stage(D(2024, 1, 1)))
    assert refused.value.message.startswith("辅导备案须先确定服务券商。")
    path = run(LISTING_STEPS, "assign", path, world.staff,
               {"securities_firm": world.firm, "note": "签订辅导协议"})
    assert "tutoring" in available(LISTING_STEPS, path)
    entry = EvidenceEntry.objects.filter(action="cultivation.listing.firm_assigned").get()
    assert entry.payload["to"] == "HTZQ"


def test_the_firm_comes_from_the_configured_federation_through_the_kernel_provider(world, in_board):
    w = world
    newcomer = w.other_firm_xj  # a securities firm that is no member of this board's 专业服务联合会
    assert set(selectors.eligible_firms(w.board)) == {w.firm, w.other_firm}  # the bank is no securities firm
    with pytest.raises(DomainError, match="不是专业服务联合会成员"):
        listing.enrol(w.board, enterprise=w.enterprise, target_market="bse", enrolled_on=D(2024, 1, 1),
                      actor=w.staff, securities_firm=newcomer)
    with pytest.raises(DomainError, match="不是证券公司"):
        _enrol(w, firm="bank")
    AllianceMembershipFactory(board=w.board, institution=newcomer, body="professional", state="suspended")
    assert "会籍已暂停" in selectors.firm_refusal(w.board, newcomer)
    assert not ListingPath.objects.exists()


def test_a_board_without_the_alliance_takes_any_securities_firm_serving_it(world):
    """Configuration, not code: Xinjiang's securities_body is empty."""
    w = world
    w.other.config = {**w.other.config, "cultivation": {"securities_body": ""}}
    w.other.save()
    with board_scope(w.other):
        assert list(selectors.eligible_firms(w.other)) == [w.other_firm_xj]
        path = listing.enrol(w.other, enterprise=w.xj_enterprise, target_market="bse",
                             enrolled_on=D(2025, 2, 1), actor=w.other_staff,
                             securities_firm=w.other_firm_xj)
        assert path.securities_firm == w.other_firm_xj
        assert selectors.firm_refusal(w.other, w.firm) == "恒泰证券股份有限公司未参与本专板。"


def test_one_path_per_enterprise_and_withdrawal_needs_a_reason(world, in_board):
    path = _enrol(world)
    with pytest.raises(Conflict, match="已有上市培育档案"):
        _enrol(world, on=D(2024, 1, 1))
    with pytest.raises(DomainError, match="须写明原因"):
        listing.withdraw(path, actor=world.staff, occurred_on=D(2024, 2, 1), reason="  ")
    reason = "暂缓上市计划"
    path = run(LISTING_STEPS, "withdraw", path, world.staff, {"occurred_on": D(2024, 2, 1), "reason": reason})
    assert (path.stage, path.withdrawn_on, path.withdrawn_reason) == (Stage.WITHDRAWN, D(2024, 2, 1), reason)
    assert available(LISTING_STEPS, path) == []


def test_the_firm_and_the_enterprise_are_told(world, in_board):
    from boards.kernel.models import Notification

    _enrol(world)
    titles = set(Notification.objects.filter(board=world.board).values_list("user__username", "title"))
    assert titles == {("htzq", "包头瑞达稀土功能材料股份有限公司已纳入上市培育"),
                      ("ent", "包头瑞达稀土功能材料股份有限公司已纳入上市培育")}
