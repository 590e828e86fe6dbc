"""Admission end to end: a Xinjiang application from draft to admitted through the web pages,
the admin and the public publicity page; Inner Mongolia's entry requirement; plan rejection;
objections; filings by the bureau and by a serving institution; campaign deadlines."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from boards.enterprises.models import Application, Enterprise, Objection, TierChange, TierPlan
from boards.enterprises.services import admission, plans
from boards.enterprises.services import registry as services
from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import Board, Deadline, EvidenceEntry, Filing, Notification
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.admission import SHANGHAI, at, fill_form, pdf_upload, world

pytestmark = pytest.mark.django_db
ADMIN = "/admin/boards"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def step(user, model, pk, name, **data):
    return client_for(user).post(f"{ADMIN}/{model}/{pk}/act/{name}/", data)


def reload(model, pk, board):
    with board_scope(board):
        return model.objects.get(pk=pk)


def notified(board, user, verb):
    with board_scope(board):
        return Notification.objects.filter(user=user, verb=verb).exists()


APPLICATION_FORM = {
    "industry": "工业软件", "founded_on": "2015-06-01", "registered_capital": "12000000",
    "legal_representative": "艾尔肯", "contact_name": "古丽", "contact_phone": "0991-4567890",
    "main_business": "工业控制软件研发与销售", "basis": "申报规范层：已获自治区专精特新中小企业认定。",
    "revenue_2025": "8000000", "net_profit_2025": "500000", "revenue_2024": "6500000",
    "net_profit_2024": "-300000",
}


def test_xinjiang_application_from_draft_to_admitted():
    w = world("xj-zjtx")
    base = f"/{w.board.slug}"

    # The enterprise drafts, uploads and submits to its prefecture bureau.
    with at(2026, 9, 2, 10, 0):
        ent = client_for(w.enterprise_user)
        response = ent.post(f"{base}/my/applications/", {
            "enterprise": w.enterprise.pk, "campaign": w.campaign.pk, "requested_tier": "standard"})
        assert response.status_code == 302
        with board_scope(w.board):
            pk = Application.objects.get(enterprise=w.enterprise).pk
        assert ent.post(f"{base}/my/applications/{pk}/materials/",
                        {"title": "入板申请表（盖章）", "file": pdf_upload()}).status_code == 302
        refused = ent.post(f"{base}/my/applications/{pk}/submit/")
        assert refused.status_code == 400
        assert "请先填写完整的入板申请表，尚缺：申报类别与依据" in refused.content.decode()
        assert ent.post(f"{base}/my/applications/{pk}/form/", APPLICATION_FORM).status_code == 302
        assert ent.post(f"{base}/my/applications/{pk}/submit/").status_code == 302
    application = reload(Application, pk, w.board)
    assert application.state == "submitted" and application.requested_tier == "standard"
    assert reload(Enterprise, w.enterprise.pk, w.board).status == "applying"
    assert notified(w.board, w.bureau, "admission.submitted")
    assert not notified(w.board, w.other_bureau, "admission.submitted")

    # The bureau forwards its batch to the exchange.
    with at(2026, 9, 10, 10, 0):
        response = client_for(w.bureau).post(f"{base}/bureau/applications/", {"application": [pk]})
        assert response.status_code == 302
    assert reload(Application, pk, w.board).state == "forwarded"
    assert notified(w.board, w.staff, "admission.forwarded")

    # The exchange checks and asks for a supplement; the enterprise answers once.
    with at(2026, 9, 14, 10, 0):
        assert step(w.staff, "application", pk, "start_check").status_code == 302
        assert step(w.staff, "application", pk, "request_supplement",
                    text="请补充2025年度审计报告。").status_code == 302
        application = reload(Application, pk, w.board)
        assert (application.state, application.supplement_rounds) == ("returned", 1)
        assert notified(w.board, w.enterprise_user, "admission.returned")
        ent = client_for(w.enterprise_user)
        page = ent.get(f"{base}/my/applications/{pk}/").content.decode()
        assert "请补充2025年度审计报告。" in page and "第 1 轮" in page
        refused = ent.post(f"{base}/my/applications/{pk}/submit/")
        assert refused.status_code == 409 and "请先上传本轮补充材料" in refused.content.decode()
        ent.post(f"{base}/my/applications/{pk}/materials/", {"title": "2025年度审计报告",
                                                             "file": pdf_upload("审计报告.pdf")})
        assert ent.post(f"{base}/my/applications/{pk}/submit/").status_code == 302
        assert reload(Application, pk, w.board).state == "under_check"
        assert step(w.staff, "application", pk, "mark_eligible").status_code == 302
        application = reload(Application, pk, w.board)
        assert (application.state, application.proposed_tier) == ("eligible", "standard")
        assert any(row["met"] and "专精特新中小企业" in row["criterion"]
                   for row in application.check_result["criteria"])
        assert step(w.staff, "application", pk, "include_in_plan").status_code == 302
        plan_pk = reload(Application, pk, w.board).plan_id

    # The plan goes to the three approving bodies; each approves in its own view.
    with at(2026, 9, 21, 10, 0):
        assert step(w.staff, "tierplan", plan_pk, "submit").status_code == 302
        with board_scope(w.board):
            filed_with = Filing.objects.filter(kind="boards.tier_plan").values_list("addressee", flat=True)
            assert sorted(filed_with) == ["gxt", "jrjg", "zjj"]
        for code in ("gxt", "jrjg", "zjj"):
            assert notified(w.board, w.regulators[code], "admission.plan_submitted")
            url = f"{base}/plans/{plan_pk}/approve/{code}/"
            regulator = client_for(w.regulators[code])
            assert "规范层" in regulator.get(url).content.decode()
            assert reload(TierPlan, plan_pk, w.board).state == "submitted"
            assert regulator.post(url, {"approved": "1", "comment": ""}).status_code == 302
    assert reload(TierPlan, plan_pk, w.board).state == "approved"
    assert reload(Application, pk, w.board).state == "approved"

    # Publicity from Monday 2026-09-28 for 5 working days: 28, 29, 30 September, then the
    # National Day holiday 1-7 October, then 8 and 9 October. (10 October, a Saturday, is a
    # 调休 working day: counting 5 working days *after* the start would wrongly end there.)
    with at(2026, 9, 28, 9, 0):
        response = step(w.staff, "tierplan", plan_pk, "start_publicity", starts_on="2026-09-28")
        assert response.status_code == 302
        plan = reload(TierPlan, plan_pk, w.board)
        assert (plan.publicity_starts_on, plan.publicity_ends_on, plan.publicity_provisional) == (
            dt.date(2026, 9, 28), dt.date(2026, 10, 9), False)
        public = Client().get(f"{base}/publicity/").content.decode()
        assert w.enterprise.name in public and "规范层" in public
        assert "2026年9月28日 至 2026年10月9日" in public
        with board_scope(w.board):
            assert Application.objects.get(pk=pk).state == "in_publicity"
    with at(2026, 10, 9, 16, 0):
        response = Client().post(f"{base}/publicity/", {"application": pk, "raised_by": "张三 13800000000",
                                                        "text": "该企业专精特新资质已过期。"})
        assert response.status_code == 302
        early = step(w.staff, "application", pk, "admit")
        assert early.status_code == 409 and "公示期至 2026-10-09 结束" in early.content.decode()
    with at(2026, 10, 10, 9, 0):
        with board_scope(w.board):
            objection = Objection.objects.get(application_id=pk)
        pending = step(w.staff, "application", pk, "admit")
        assert pending.status_code == 409 and "未处理的公示异议" in pending.content.decode()
        assert step(w.staff, "objection", objection.pk, "decide", upheld="0",
                    text="经核实，资质在有效期内。").status_code == 302
        assert step(w.staff, "application", pk, "admit").status_code == 302

    application = reload(Application, pk, w.board)
    enterprise = reload(Enterprise, w.enterprise.pk, w.board)
    assert application.state == "admitted"
    assert (enterprise.status, enterprise.tier, enterprise.admitted_on) == ("admitted", "standard",
                                                                            dt.date(2026, 10, 10))
    assert reload(TierPlan, plan_pk, w.board).state == "closed"
    with board_scope(w.board):
        assert TierChange.objects.get(enterprise=enterprise).kind == "admission"
        actions = list(EvidenceEntry.objects.filter(subject_type="boards.application", subject_id=str(pk))
                       .order_by("id").values_list("action", "actor__username"))
    assert [a for a, _ in actions] == [
        "boards.application.created", "boards.application.material_added", "boards.application.form_filled",
        "boards.application.submitted",
        "boards.application.forwarded", "boards.application.check_started",
        "boards.application.supplement_requested", "boards.application.material_added",
        "boards.application.resubmitted", "boards.application.eligible",
        "boards.application.included_in_plan", "boards.application.approved",
        "boards.application.publicity_started", "boards.application.admitted"]
    assert dict(actions)["boards.application.forwarded"] == w.bureau.username
    assert dict(actions)["boards.application.admitted"] == w.staff.username
    assert notified(w.board, w.enterprise_user, "admission.admitted")


def _to_check(w, enterprise=None):
    """An application of ``enterprise`` (default: the world's) under the exchange's check."""
    with board_scope(w.board):
        application = admission.create_application(enterprise or w.enterprise, w.campaign,
                                                   actor=w.enterprise_user)
        fill_form(application, w.enterprise_user)
        admission.submit_application(application, actor=w.enterprise_user)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
        return admission.start_check(application, actor=w.staff)


def test_inner_mongolia_refuses_entry_until_recognition():
    w = world("nmg-kcb")
    with at(2026, 9, 3, 10, 0):
        application = _to_check(w)
        with board_scope(w.board):
            with pytest.raises(Conflict) as refused:
                admission.mark_eligible(application, actor=w.staff)
            assert refused.value.code == "entry_not_met"
            assert "科技型中小企业" in refused.value.message and "创新型企业" in refused.value.message
            assert Application.objects.get(pk=application.pk).state == "under_check"
            services.record_innovation_recognition(w.enterprise, source="reviews.case:7", actor=w.staff)
            application = admission.mark_eligible(application, actor=w.staff)
    assert (application.state, application.proposed_tier) == ("eligible", "basic")
    entry = application.check_result["criteria"][0]
    assert entry["tier"] == "" and entry["met"] and "创新型企业" in entry["reason"]


def test_inner_mongolia_refusal_is_shown_in_the_admin():
    w = world("nmg-kcb")
    with at(2026, 9, 3, 10, 0):
        application = _to_check(w)
        response = step(w.staff, "application", application.pk, "mark_eligible")
    assert response.status_code == 409 and "不符合入板条件" in response.content.decode()


def _in_plan(w):
    with at(2026, 9, 14, 10, 0):
        application = _to_check(w)
        with board_scope(w.board):
            admission.mark_eligible(application, actor=w.staff)
            plan = plans.build_plan(w.campaign, [application], actor=w.staff)
            plans.submit_plan(plan, actor=w.staff)
    return application, plan


def test_a_rejection_sends_the_plan_back_with_its_comment_and_resubmission_asks_everyone_again():
    w = world("xj-zjtx")
    application, plan = _in_plan(w)
    with at(2026, 9, 15, 10, 0), board_scope(w.board):
        plans.decide_plan(plan, body="gxt", approved=True, comment="", actor=w.regulators["gxt"])
        with pytest.raises(Conflict):
            plans.decide_plan(plan, body="gxt", approved=True, comment="", actor=w.regulators["gxt"])
        plan = plans.decide_plan(plan, body="zjj", approved=False, comment="请补充各企业融资轮次依据。",
                                     actor=w.regulators["zjj"])
        assert plan.state == "draft"
        assert plan.approvals.get(body="zjj").comment == "请补充各企业融资轮次依据。"
        assert Notification.objects.filter(user=w.staff, verb="admission.plan_rejected",
                                           body="请补充各企业融资轮次依据。").exists()
        with pytest.raises(Conflict, match="不在审定中"):
            plans.decide_plan(plan, body="jrjg", approved=True, comment="", actor=w.regulators["jrjg"])
        plans.submit_plan(plan, actor=w.staff)
        assert not plan.approvals.exists()
        for code in ("gxt", "jrjg"):
            plan = plans.decide_plan(plan, body=code, approved=True, comment="", actor=w.regulators[code])
        assert plan.state == "submitted"
        plan = plans.decide_plan(plan, body="zjj", approved=True, comment="", actor=w.regulators["zjj"])
        assert plan.state == "approved" and Application.objects.get(pk=application.pk).state == "approved"


def test_rejection_needs_a_comment_on_the_page():
    w = world("xj-zjtx")
    _, plan = _in_plan(w)
    with at(2026, 9, 15, 10, 0):
        response = client_for(w.regulators["jrjg"]).post(f"/{w.board.slug}/plans/{plan.pk}/approve/jrjg/",
                                                         {"approved": "0", "comment": " "})
    assert response.status_code == 400 and "不同意时请写明意见" in response.content.decode()
    assert reload(TierPlan, plan.pk, w.board).state == "submitted"


def _in_publicity(w, starts_on=dt.date(2026, 9, 28)):
    application, plan = _in_plan(w)
    with at(2026, 9, 16, 10, 0), board_scope(w.board):
        for code in ("gxt", "jrjg", "zjj"):
            plans.decide_plan(plan, body=code, approved=True, comment="", actor=w.regulators[code])
        plans.start_publicity(plan, actor=w.staff, starts_on=starts_on)
    return application, plan


def test_an_upheld_objection_holds_the_application_back_and_closes_the_plan():
    w = world("xj-zjtx")
    application, plan = _in_publicity(w)
    with at(2026, 9, 29, 10, 0), board_scope(w.board):
        objection = plans.raise_objection(application, raised_by="李四", text="存在未披露的重大诉讼。")
        with pytest.raises(DomainError, match="请写明处理意见"):
            plans.decide_objection(objection, upheld=True, reason=" ", actor=w.staff)
        plans.decide_objection(objection, upheld=True, reason="经核实诉讼属实。", actor=w.staff)
        assert Application.objects.get(pk=application.pk).state == "held_back"
        assert Enterprise.objects.get(pk=w.enterprise.pk).status == "prospect"
        assert TierPlan.objects.get(pk=plan.pk).state == "closed"
        assert Notification.objects.filter(user=w.enterprise_user, verb="admission.held_back").exists()
        with pytest.raises(IllegalTransition):
            plans.admit(application, actor=w.staff)


def test_objections_are_accepted_only_within_publicity():
    w = world("xj-zjtx")
    application, _ = _in_publicity(w)
    with at(2026, 9, 27, 10, 0), board_scope(w.board):
        with pytest.raises(Conflict) as early:
            plans.raise_objection(application, raised_by="王五", text="异议")
    assert early.value.code == "not_in_publicity"
    with at(2026, 10, 12, 10, 0):
        response = Client().post(f"/{w.board.slug}/publicity/", {"application": application.pk,
                                                                 "raised_by": "王五", "text": "异议"})
    assert response.status_code == 400  # no longer offered on the form
    with board_scope(w.board):
        assert not Objection.objects.exists()


def test_publicity_into_a_year_without_holiday_data_is_provisional_and_shown_so():
    w = world("xj-zjtx")
    application, plan = _in_publicity(w, starts_on=dt.date(2026, 12, 28))
    plan = reload(TierPlan, plan.pk, w.board)
    # 28-31 December 2026 (Mon-Thu), then 1 January 2027 counted as a weekday: provisional.
    assert (plan.publicity_ends_on, plan.publicity_provisional) == (dt.date(2027, 1, 1), True)
    with at(2026, 12, 28, 9, 0):
        assert "暂定" in Client().get(f"/{w.board.slug}/publicity/").content.decode()


def test_bureau_and_institution_filings():
    w = world("xj-zjtx")
    with at(2026, 9, 2, 10, 0):
        with board_scope(w.board):
            second = EnterpriseFactory(board=w.board, prefecture=w.prefecture, status="prospect")
        response = client_for(w.bureau).post(f"/{w.board.slug}/bureau/applications/new/", {
            "enterprise": w.enterprise.pk, "campaign": w.campaign.pk, "requested_tier": ""})
        assert response.status_code == 302
        response = client_for(w.institution_user).post(f"/{w.board.slug}/institution/applications/", {
            "name": second.name, "credit_code": second.credit_code, "campaign": w.campaign.pk,
            "requested_tier": "", "due_diligence": pdf_upload("尽调报告.pdf")})
        assert response.status_code == 302
    with board_scope(w.board):
        by_bureau = Application.objects.get(enterprise=w.enterprise)
        by_fund = Application.objects.select_related("due_diligence").get(enterprise=second)
        assert (by_bureau.filed_by, by_bureau.state, by_bureau.created_by) == (
            "bureau", "submitted", w.bureau)
        assert (by_fund.filed_by, by_fund.state, by_fund.filing_institution) == (
            "institution", "forwarded", w.institution)
        assert by_fund.due_diligence.original_name == "尽调报告.pdf"
        assert Filing.objects.filter(kind="boards.application_form").count() == 2
        assert Notification.objects.filter(user=w.staff, verb="admission.forwarded").exists()


def test_one_active_application_per_enterprise_and_closed_campaigns_refuse():
    w = world("xj-zjtx")
    with at(2026, 9, 2, 10, 0), board_scope(w.board):
        admission.create_application(w.enterprise, w.campaign, actor=w.enterprise_user)
        with pytest.raises(Conflict, match="已有进行中的入板申请"):
            admission.create_application(w.enterprise, w.campaign, actor=w.enterprise_user)
        admission.close_campaign(w.campaign, actor=w.staff)
        other = EnterpriseFactory(board=w.board, status="prospect")
        with pytest.raises(Conflict, match="已停止受理"):
            admission.create_application(other, w.campaign, actor=w.enterprise_user)


def test_campaign_deadlines_follow_its_dates_and_are_met_when_the_plan_is_filed():
    w = world("xj-zjtx")
    with board_scope(w.board):
        clocks = {d.kind: d for d in Deadline.objects.all()}
    bureau, check = clocks[admission.BUREAU_DEADLINE], clocks[admission.CHECK_DEADLINE]
    assert bureau.due_at == dt.datetime(2026, 9, 15, 23, 59, 59, tzinfo=SHANGHAI)
    assert check.due_at == dt.datetime(2026, 9, 25, 23, 59, 59, tzinfo=SHANGHAI)
    assert (bureau.assignee_role, check.assignee_role) == ("local_bureau", "exchange_staff")
    _in_plan(w)
    with board_scope(w.board):
        assert set(Deadline.objects.values_list("state", flat=True)) == {"met"}


def test_admission_config_is_validated():
    board = Board(slug="x", name_zh="x", name_en="x", kind="board", operator="x", region="x",
                  filing_prefix="X",
                  config={"admission": {"approving_bodies": [{"code": "a"}], "publicity_workdays": 0}})
    with pytest.raises(ValidationError) as error:
        board.full_clean()
    message = str(error.value)
    assert "approving_bodies" in message and "publicity_workdays" in message
