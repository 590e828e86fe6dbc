"""Annual re-tiering: proposals, decisions with reasons, confirmation with full history."""

import copy
import datetime

import pytest
import time_machine

from boards.enterprises.models import EnterpriseStatus, Qualification, RetierProposal, RetierRun, TierChange
from boards.enterprises.services.registry import grant_tier_permit
from boards.enterprises.services.retiering import confirm_run, decide_proposal, start_retier_run
from boards.enterprises.tasks import open_due_retier_runs
from boards.enterprises.tiers import TIER_SCHEMES
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from config.celery import app as celery_app
from tests.factories import BoardFactory, EnterpriseFactory, MembershipFactory, UserFactory


@pytest.fixture
def eager():
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def xj(db):
    return BoardFactory(slug="retier-xj", config={"tiers": copy.deepcopy(TIER_SCHEMES["xj-zjtx"])})


@pytest.fixture
def im(db):
    return BoardFactory(slug="retier-im", config={"tiers": copy.deepcopy(TIER_SCHEMES["nmg-kcb"])})


@pytest.fixture
def staff(xj, im):
    user = UserFactory(username="retier-staff")
    MembershipFactory(user=user, board=xj, role="exchange_staff")
    MembershipFactory(user=user, board=im, role="exchange_staff")
    return user


def _qualify(enterprise, kind, valid_until=None):
    Qualification.objects.create(board=enterprise.board, enterprise=enterprise, kind=kind,
                                 issued_on=datetime.date(2020, 1, 1), valid_until=valid_until)


def _proposal(run, enterprise):
    return RetierProposal.objects.get(run=run, enterprise=enterprise)


def test_promotion_demotion_and_removal_with_history(im, staff):
    with board_scope(im):
        rising = EnterpriseFactory(board=im, tier="basic", name="升层企业")
        _qualify(rising, "tech_sme")
        grant_tier_permit(rising, tier="premium", review_kind="premium", source="reviews.case:3")
        falling = EnterpriseFactory(board=im, tier="premium", name="降层企业")
        _qualify(falling, "high_tech")
        leaving = EnterpriseFactory(board=im, tier="basic", name="清退企业")
        _qualify(leaving, "tech_sme", valid_until=datetime.date(2020, 12, 31))
        staying = EnterpriseFactory(board=im, tier="basic", name="维持企业")
        _qualify(staying, "innovative_enterprise")
        EnterpriseFactory(board=im, tier="", status=EnterpriseStatus.PROSPECT, name="未入板企业")

        run = start_retier_run(im, 2026, staff)
        proposals = {p.enterprise.name: p for p in run.proposals.select_related("enterprise")}
        assert set(proposals) == {"升层企业", "降层企业", "清退企业", "维持企业"}
        assert [proposals[n].proposed_tier for n in ("升层企业", "降层企业", "清退企业", "维持企业")] == [
            "premium", "basic", "", "basic"]
        assert proposals["清退企业"].criteria[0]["met"] is False
        assert "已于 2020-12-31 到期" in proposals["清退企业"].criteria[0]["reason"]

        for proposal in proposals.values():
            decide_proposal(proposal, proposal.proposed_tier, "", staff)
        counts = confirm_run(run, staff)

        assert counts == {"promotion": 1, "demotion": 1, "removal": 1, "confirmed": 1}
        changes = {c.enterprise.name: c for c in TierChange.objects.select_related("enterprise")}
        assert (changes["升层企业"].kind, changes["升层企业"].from_tier, changes["升层企业"].to_tier) == (
            "promotion", "basic", "premium")
        assert (changes["降层企业"].kind, changes["降层企业"].to_tier) == ("demotion", "basic")
        assert changes["清退企业"].kind == "removal" and "不再符合入板条件" in changes["清退企业"].reason
        assert changes["维持企业"].kind == "confirmed" and "2026 年度分层复核" in changes["维持企业"].reason
        leaving.refresh_from_db()
        assert (leaving.status, leaving.tier) == (EnterpriseStatus.REMOVED, "")
        run.refresh_from_db()
        assert run.confirmed_at is not None
        actions = list(EvidenceEntry.objects.filter(board=im).values_list("action", flat=True))
        for action in ("boards.retier.run_started", "boards.retier.proposal_decided",
                       "boards.enterprise.tier_promotion", "boards.enterprise.tier_demotion",
                       "boards.enterprise.tier_removal", "boards.enterprise.tier_confirmed",
                       "boards.retier.run_confirmed"):
            assert action in actions


def test_changed_proposal_needs_a_reason(xj, staff):
    with board_scope(xj):
        enterprise = EnterpriseFactory(board=xj, tier="standard")
        run = start_retier_run(xj, 2026, staff)
        proposal = _proposal(run, enterprise)
        assert proposal.proposed_tier == "incubation"
        with pytest.raises(DomainError) as error:
            decide_proposal(proposal, "standard", "  ", staff)
        assert "须填写调整理由" in error.value.message
        proposal.refresh_from_db()
        assert proposal.decided_at is None

        with pytest.raises(DomainError) as error:
            decide_proposal(proposal, "gold", "理由", staff)
        assert "不在本专板的分层方案中" in error.value.message

        decide_proposal(proposal, "standard", "专精特新复核材料已报工信厅，待年中公布，暂维持规范层", staff)
        confirm_run(run, staff)
        change = TierChange.objects.get(enterprise=enterprise)
        assert change.kind == "confirmed" and "暂维持规范层" in change.reason


def test_staff_can_remove_against_the_proposal_with_reason(xj, staff):
    with board_scope(xj):
        enterprise = EnterpriseFactory(board=xj, tier="incubation")
        run = start_retier_run(xj, 2026, staff)
        decide_proposal(_proposal(run, enterprise), "", "存在违法违规行为，依规清退", staff)
        confirm_run(run, staff)
        enterprise.refresh_from_db()
        assert enterprise.status == EnterpriseStatus.REMOVED
        assert TierChange.objects.get(enterprise=enterprise).reason.endswith("存在违法违规行为，依规清退")


def test_run_is_confirmed_once_and_only_when_every_proposal_is_decided(xj, staff):
    with board_scope(xj):
        first, second = EnterpriseFactory(board=xj, tier="incubation"), EnterpriseFactory(board=xj, tier="")
        run = start_retier_run(xj, 2026, staff)
        decide_proposal(_proposal(run, first), "incubation", "", staff)
        with pytest.raises(Conflict) as error:
            confirm_run(run, staff)
        assert error.value.details["undecided"] == [_proposal(run, second).pk]
        assert not TierChange.objects.exists()

        decide_proposal(_proposal(run, second), "incubation", "", staff)
        confirm_run(run, staff)
        with pytest.raises(Conflict):
            confirm_run(run, staff)
        with pytest.raises(Conflict):
            decide_proposal(_proposal(run, first), "standard", "晚了", staff)
        with pytest.raises(Conflict):
            start_retier_run(xj, 2026, staff)
        assert TierChange.objects.count() == 2


def test_daily_task_opens_the_run_in_the_configured_month_and_notifies_staff(eager, xj, im, staff):
    with board_scope([xj, im]):
        EnterpriseFactory(board=xj, tier="incubation")
    im.config["tiers"]["retier_month"] = 7
    im.save()
    with time_machine.travel(datetime.datetime(2026, 4, 30, 12, tzinfo=datetime.UTC), tick=False):
        assert open_due_retier_runs() == 0
    with time_machine.travel(datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC), tick=False):
        assert open_due_retier_runs() == 1  # only Xinjiang (month 5); Inner Mongolia is in July
        assert open_due_retier_runs() == 1  # a repeat finds the run and creates nothing
    with board_scope([xj, im]):
        assert list(RetierRun.objects.values_list("board__slug", "year")) == [("retier-xj", 2026)]
        assert RetierProposal.objects.count() == 1
        notice = Notification.objects.get(user=staff)
        assert notice.title == "2026 年度分层复核待确认" and "1 家在板企业" in notice.body
        assert f"run__id__exact={RetierRun.objects.get().pk}" in notice.url


def test_admin_starts_decides_and_confirms_a_run(client, xj, staff):
    staff.is_staff = True
    staff.save()
    with board_scope(xj):
        keep = EnterpriseFactory(board=xj, tier="incubation", name="维持企业")
        change = EnterpriseFactory(board=xj, tier="incubation", name="调整企业")
    client.force_login(staff)
    client.post("/admin/switch-board/", {"board": xj.pk})
    response = client.post("/admin/boards/retierrun/add/", {"year": "2026"})
    assert response.status_code == 302
    response = client.post("/admin/boards/retierrun/add/", {"year": "2026"})
    assert response.status_code == 200 and "年度分层复核 已经存在" in response.content.decode()
    with board_scope(xj):
        run = RetierRun.objects.get()
        changing = _proposal(run, change)

    url = f"/admin/boards/retierproposal/{changing.pk}/change/"
    page = client.get(url).content.decode()
    assert "未达到更高层级标准" in page  # the explanation of every criterion
    response = client.post(url, {"final_tier": "standard", "decision_reason": ""})
    assert response.status_code == 200 and "须填写调整理由" in response.content.decode()
    response = client.post(url, {"final_tier": "standard", "decision_reason": "专精特新认定已公示，待发文"})
    assert response.status_code == 302

    response = client.post("/admin/boards/retierrun/", {"action": "confirm", "_selected_action": [run.pk]})
    assert response.status_code == 302
    with board_scope(xj):
        assert RetierRun.objects.get().confirmed_at is None  # one proposal still undecided
        keeping = _proposal(run, keep)
    client.post("/admin/boards/retierproposal/",
                {"action": "keep_proposed", "_selected_action": [keeping.pk]})
    client.post("/admin/boards/retierrun/", {"action": "confirm", "_selected_action": [run.pk]})
    with board_scope(xj):
        assert RetierRun.objects.get().confirmed_at is not None
        assert dict(TierChange.objects.values_list("enterprise__name", "kind")) == {
            "维持企业": "confirmed", "调整企业": "promotion"}
    assert client.get(url).status_code == 200  # still viewable, no longer changeable
    response = client.post(url, {"final_tier": "incubation", "decision_reason": "改回"})
    assert response.status_code == 403


def test_admin_proposal_list_queries_do_not_grow(client, xj, staff, django_assert_max_num_queries):
    staff.is_staff = True
    staff.save()
    with board_scope(xj):
        for _ in range(30):
            EnterpriseFactory(board=xj, tier="incubation")
        start_retier_run(xj, 2026, staff)
    client.force_login(staff)
    client.post("/admin/switch-board/", {"board": xj.pk})
    client.get("/admin/boards/retierproposal/")
    with django_assert_max_num_queries(20):
        response = client.get("/admin/boards/retierproposal/")
    assert response.status_code == 200 and response.content.decode().count("待确认") == 30


def test_admin_retiering_is_for_staff_of_the_board_only(client, xj, im, staff):
    with board_scope(xj):
        EnterpriseFactory(board=xj, tier="incubation")
        run = start_retier_run(xj, 2026, staff)
        proposal = run.proposals.get()
    outsider = UserFactory(username="retier-outsider", is_staff=True)
    MembershipFactory(user=outsider, board=im, role="exchange_staff")  # staff of the other board
    client.force_login(outsider)
    assert client.get(f"/admin/boards/retierproposal/{proposal.pk}/change/").status_code == 404
    assert client.get(f"/admin/boards/retierrun/{run.pk}/change/").status_code == 404
    bureau = UserFactory(username="retier-bureau", is_staff=True)
    MembershipFactory(user=bureau, board=xj, role="local_bureau")
    client.force_login(bureau)
    assert client.get("/admin/boards/retierproposal/").status_code == 403
