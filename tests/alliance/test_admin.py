"""Staff admin of the alliance: every list opens on the current board only; workflow steps run
the services (with refusals shown); reports are started with their progress on the list."""

import datetime as dt
from decimal import Decimal

import pytest

from alliance.models import (
    FinancingNeed,
    InstitutionQualification,
    Membership,
    MembershipState,
    ReportRun,
    SelectionRound,
)
from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import ProductFactory
from tests.support.alliance import member

MODELS = ["institutionqualification", "membership", "exitcase", "meeting", "product", "financingneed",
          "interestprofile", "matchmaking", "recommendation", "reportrun",
          "blacklistrecord", "selectionround", "serviceapplication", "appointment", "performanceform",
          "progressreport", "feeattestation", "annualassessment"]


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_list_opens(staff_client, bank, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        assert staff_client.get(f"/admin/alliance/{model}/").status_code == 200


def test_idempotency_keys_are_for_platform_admins_only(staff_client, client, board, django_user_model):
    """A technical table: not in the staff menu, refused to the board's staff."""
    assert "/admin/boards/idempotencykey/" not in staff_client.get("/admin/").content.decode()
    assert staff_client.get("/admin/boards/idempotencykey/").status_code == 403
    root = django_user_model.objects.create_superuser("desk-root", password="x-root-pass-2026")
    client.force_login(root)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = board.pk
    session.save()
    assert client.get("/admin/boards/idempotencykey/").status_code == 200


def test_membership_steps_check_refuse_and_admit(staff_client, board, other_board):
    firm = member(board, "CPA1", kind="accounting", body="professional", state=MembershipState.APPLIED)
    url = f"/admin/alliance/membership/{firm.membership.pk}/"
    assert "核验准入条件" in staff_client.get(f"{url}change/").content.decode()
    assert staff_client.post(f"{url}act/verify/").status_code == 302
    refused = staff_client.post(f"{url}act/admit/")
    assert refused.status_code == 409 and "未登记交易中心会员" in refused.content.decode()
    with board_scope(board):
        for kind in ("exchange_membership", "high_tech_audit"):
            InstitutionQualification.objects.create(board=board, institution=firm.institution, kind=kind)
    assert staff_client.post(f"{url}act/admit/").status_code == 302
    with board_scope(board):
        assert Membership.objects.get(pk=firm.membership.pk).state == "admitted"
    theirs = member(other_board, "XJCPA", kind="accounting", body="professional")
    assert staff_client.get(f"/admin/alliance/membership/{theirs.membership.pk}/change/").status_code == 404
    assert staff_client.post(f"/admin/alliance/membership/{theirs.membership.pk}/act/suspend/",
                             {"text": "x"}).status_code == 404


def test_a_step_with_a_form_validates_it(staff_client, board, enterprise):
    with board_scope(board):
        need = FinancingNeed.objects.create(board=board, enterprise=enterprise, amount=Decimal(3000000),
                                            use="含核心工艺的扩产", term_months=24)
    url = f"/admin/alliance/financingneed/{need.pk}/act/whitelist/"
    assert "含核心工艺的扩产" in staff_client.get(url).content.decode()  # the summary starts from the use
    assert staff_client.post(url, {"text": ""}).status_code == 400
    assert staff_client.post(url, {"text": "扩产资金需求"}).status_code == 302
    with board_scope(board):
        need.refresh_from_db()
    assert (need.state, need.summary) == ("whitelisted", "扩产资金需求")


def test_staff_start_a_report_and_see_its_progress(staff_client, board, bank):
    with board_scope(board):
        ProductFactory(board=board, institution=bank.institution)
    assert (
        staff_client.post("/admin/alliance/reportrun/add/", {"period": "2026Q3"}).status_code == 200
    )  # form error
    response = staff_client.post("/admin/alliance/reportrun/add/", {"period": "2026H1"})
    assert response.status_code == 302
    with board_scope(board):
        run = ReportRun.objects.get()
        assert EvidenceEntry.objects.filter(action="alliance.report.requested",
                                            subject_id=str(run.pk)).exists()
        ReportRun.objects.filter(pk=run.pk).update(progress=48, step="对接漏斗", state="running")
    listing = staff_client.get("/admin/alliance/reportrun/").content.decode()
    assert '<progress max="100" value="48"></progress> 48%' in listing and "对接漏斗" in listing


def test_staff_create_a_selection_round(staff_client, board):
    data = {"board": board.pk, "title": "2026年遴选", "notice": "现开展遴选工作。", "review_mode": "meeting",
            "opens_on": "2026-04-01", "closes_on": "2026-03-01"}
    assert staff_client.post("/admin/alliance/selectionround/add/", data).status_code == 200
    assert staff_client.post("/admin/alliance/selectionround/add/",
                             {**data, "closes_on": "2026-04-30"}).status_code == 302
    with board_scope(board):
        selection = SelectionRound.objects.get()
    assert (selection.state, selection.closes_on) == ("draft", dt.date(2026, 4, 30))
    assert staff_client.post(f"/admin/alliance/selectionround/{selection.pk}/act/publish/").status_code == 302
