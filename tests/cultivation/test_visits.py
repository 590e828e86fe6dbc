"""Research visits (840号 (十一) 1, 附件2 (三) 企业调研): scheduled, recorded with findings, problems,
needs and advice; written into the enterprise database (its profile shows the visit as a 走访
record); each follow-up action a task with a working-day deadline, reminded by the kernel sweep,
met when done. Another board, a role without the data and an institution not along get 404."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from boards.enterprises.models import ServiceRecord
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import advance_deadline
from boards.kernel.errors import DomainError, IllegalTransition
from boards.kernel.models import DeadlineStage, DeadlineState, EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from boards.kernel.steps import run
from cultivation.models import FollowUpAction, ResearchVisit
from cultivation.services import visits
from cultivation.steps import ACTION_STEPS, VISIT_STEPS

pytestmark = pytest.mark.django_db
D = dt.date
RECORDED_AT = dt.datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI)
FOLLOW_UPS = ["协助对接券商开展股份制改造辅导", "推送北交所上市培训通知"]


@pytest.fixture
def recorded(world):
    w = world
    with board_scope(w.board):
        visit = visits.schedule_visit(w.board, enterprise=w.enterprise, scheduled_on=D(2026, 9, 30),
                                      purpose="了解上市规划与融资需求", actor=w.staff, institution=w.firm)
        w.visit = visits.record_visit(
            visit, actor=w.staff, visited_on=D(2026, 9, 30), at=RECORDED_AT,
            findings="稀土抛光材料订单饱满，2025年营业收入1.2亿元。", problems="对改制要求了解不足。",
            needs=["listing", "restructuring"], needs_detail="计划三年内北交所上市",
            advice="尽早聘请券商辅导。",
            actions=FOLLOW_UPS)
    return w


def test_worked_visit_feeds_the_database_and_opens_follow_ups_due_in_ten_working_days(recorded):
    """Recorded 2026-09-30: 10 working days skip 国庆 10-01..10-07 and count Saturday 10-10 (调休),
    so each follow-up is due 2026-10-20 23:59:59."""
    w = recorded
    with board_scope(w.board):
        visit = ResearchVisit.objects.get(pk=w.visit.pk)
        assert (visit.state, visit.visited_on, visit.needs) == ("recorded", D(2026, 9, 30),
                                                                ["listing", "restructuring"])
        record = ServiceRecord.objects.get(enterprise=w.enterprise)
        assert visit.service_record == record and record.kind == "visit" and record.institution == w.firm
        assert record.summary.startswith("【调研走访】稀土抛光材料订单饱满")
        assert "需求：上市（挂牌）、股份制改造（计划三年内北交所上市）" in record.summary
        actions = list(FollowUpAction.objects.filter(visit=visit).select_related("deadline").order_by("pk"))
        assert [a.title for a in actions] == FOLLOW_UPS
        for action in actions:
            due = action.deadline.due_at.astimezone(SHANGHAI)
            assert (due.date(), due.time()) == (D(2026, 10, 20), dt.time(23, 59, 59))
            assert (action.deadline.kind, action.deadline.assignee, action.deadline.basis) == (
                "cultivation.visit_followup", w.staff, "working")
        entry = EvidenceEntry.objects.get(action="cultivation.visit.recorded")
        assert entry.payload["needs"] == ["listing", "restructuring"] and len(entry.payload["actions"]) == 2


def test_the_sweep_reminds_on_the_due_day_and_done_meets_the_deadline(recorded):
    w = recorded
    with board_scope(w.board):
        action = FollowUpAction.objects.filter(visit=w.visit).order_by("pk").first()
        stage = advance_deadline(action.deadline_id, DeadlineStage.NONE,
                                 now=dt.datetime(2026, 10, 20, 8, 0, tzinfo=SHANGHAI))
        assert stage == DeadlineStage.REMINDED
        notice = Notification.objects.get(deadline=action.deadline)
        assert notice.user == w.staff
        assert notice.title == f"即将到期：走访跟进：{FOLLOW_UPS[0]}（{w.enterprise.name}）"
        with pytest.raises(DomainError, match="请填写办理结果"):
            visits.complete_action(action, actor=w.staff, result=" ")
        action = run(ACTION_STEPS, "complete", action, w.staff, {"result": "已对接恒泰证券，签订辅导意向。"})
        action.deadline.refresh_from_db()
        assert (action.state, action.deadline.state) == ("done", DeadlineState.MET)


def test_a_visit_is_recorded_once_and_not_ahead_of_time(world):
    w = world
    with board_scope(w.board):
        visit = visits.schedule_visit(w.board, enterprise=w.enterprise, scheduled_on=D(2026, 9, 30),
                                      purpose="了解融资需求", actor=w.staff)
        with pytest.raises(DomainError, match="晚于今天"):
            visits.record_visit(visit, actor=w.staff, visited_on=dt.date.today() + dt.timedelta(3),
                                findings="x")
        data = {"visited_on": D(2026, 9, 30), "findings": "经营正常", "problems": "", "needs": ["debt"],
                "needs_detail": "", "advice": "", "actions": []}
        run(VISIT_STEPS, "record", visit, w.staff, data)
        with pytest.raises(IllegalTransition):
            run(VISIT_STEPS, "record", visit, w.staff, data)
        assert ServiceRecord.objects.filter(enterprise=w.enterprise).count() == 1
        with pytest.raises(DomainError, match="未参与本专板"):
            visits.schedule_visit(w.board, enterprise=w.enterprise, scheduled_on=D(2026, 10, 9),
                                  purpose="回访", actor=w.staff, institution=w.other_firm_xj)


def test_the_profile_shows_the_visit_as_a_source(client, recorded):
    w = recorded
    client.force_login(w.staff)
    page = client.get(f"/{w.board.slug}/enterprises/{w.enterprise.pk}/").content.decode()
    assert "【调研走访】稀土抛光材料订单饱满" in page


def test_admin_records_a_visit_with_its_follow_ups_and_other_boards_get_404(client, world):
    w = world
    client.force_login(w.staff)
    added = client.post("/admin/cultivation/researchvisit/add/", {
        "enterprise": w.enterprise.pk, "scheduled_on": "2026-09-30", "purpose": "了解上市规划"})
    assert added.status_code == 302
    with board_scope(w.board):
        visit = ResearchVisit.objects.get()
    url = f"/admin/cultivation/researchvisit/{visit.pk}/act/record/"
    bad = client.post(url, {"visited_on": "2026-09-30", "findings": "", "actions": "对接券商\n推送培训"})
    assert bad.status_code == 400 and "对接券商\n推送培训" in bad.content.decode()
    done = client.post(url, {"visited_on": "2026-09-30", "findings": "经营稳定", "needs": ["listing"],
                             "actions": "对接券商\n\n推送培训"})
    assert done.status_code == 302
    with board_scope(w.board):
        titles = FollowUpAction.objects.values_list("title", flat=True).order_by("pk")
        assert list(titles) == ["对接券商", "推送培训"]
    assert "对接券商" in client.get("/admin/cultivation/followupaction/").content.decode()
    client.force_login(w.other_staff)
    assert client.get(f"/admin/cultivation/researchvisit/{visit.pk}/change/").status_code == 404
    assert client.get(url).status_code == 404


def test_the_api_shows_a_visit_to_the_institution_along_only(recorded, django_assert_max_num_queries):
    w = recorded
    base = f"/api/v1/{w.board.slug}/cultivation/visits/"
    api = APIClient()
    api.force_authenticate(w.firm_user)
    with django_assert_max_num_queries(9):
        listed = api.get(base)
    assert listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert row["need_labels"] == ["上市（挂牌）", "股份制改造"] and len(row["actions"]) == 2
    for outsider in (w.bank_user, w.other_firm_user):
        api.force_authenticate(outsider)
        assert api.get(base).json()["count"] == 0
        assert api.get(f"{base}{w.visit.pk}/").status_code == 404
    api.force_authenticate(w.enterprise_user)
    assert api.get(base).status_code == 404
    api.force_authenticate(w.xj_firm_user)
    assert api.get(f"/api/v1/{w.other.slug}/cultivation/visits/{w.visit.pk}/").status_code == 404
