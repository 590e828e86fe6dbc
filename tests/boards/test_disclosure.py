"""Disclosure: who sees which disclosure (every audience, anonymous to another board), voluntary
versus periodic obligations, periodic deadlines, and the enterprise's publishing page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.enterprises.models import Disclosure, FinancingEvent
from boards.enterprises.services.disclosure import (
    open_periodic_deadlines,
    publish_disclosure,
    visible_disclosures,
)
from boards.enterprises.services.registry import move_tier
from boards.enterprises.tasks import open_due_disclosure_deadlines
from boards.kernel.errors import DomainError
from boards.kernel.models import Deadline, DeadlineState, EvidenceEntry, StoredFile
from boards.kernel.scoping import board_scope
from config.celery import app as celery_app
from tests.factories import (
    BoardFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _pdf():
    # The smallest PDF pypdf reads back as one page.
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n")
    xref = len(body)
    offsets = [body.index(f"{n} 0 obj".encode()) for n in (1, 2, 3)]
    table = "xref\n0 4\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    return body + table.encode() + f"trailer<</Size 4/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()


def _user(board, role, institution=None, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    return user


@pytest.fixture
def investor(board):
    return InstitutionFactory(code="INVESTOR", name="天山创投", kind="fund")


@pytest.fixture
def owner(board):
    return _user(board, "enterprise_user", username="owner")


@pytest.fixture
def enterprise(board, investor, owner):
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="哈密光伏科技有限公司")
        enterprise.users.add(owner)
        FinancingEvent.objects.create(board=board, enterprise=enterprise, kind="equity",
                                      amount=Decimal("3000000"), investor_name=investor.name,
                                      investor=investor, financing_round="A", occurred_on=dt.date(2025, 3, 1))
    return enterprise


@pytest.fixture
def disclosures(board, enterprise, owner):
    with board_scope(board):
        return {audience: publish_disclosure(enterprise, title=f"{audience}-披露", audience=audience,
                                             body="经营情况", actor=owner)
                for audience in ("public", "investors", "regulators")}


@pytest.fixture
def viewers(board, other_board, investor, owner, staff_user, other_staff_user):
    return {
        "anonymous": None,
        "other institution": _user(board, "institution_user", InstitutionFactory(code="OTHER")),
        "investor institution": _user(board, "institution_user", investor),
        "investor as enhancer": _user(board, "credit_enhancer", investor),
        "regulator": _user(board, "regulator"),
        "expert": _user(board, "expert"),
        "staff": staff_user,
        "owner": owner,
        "other board's staff": other_staff_user,
        "investor on another board only": _user(other_board, "institution_user", investor),
    }


SEES = {
    "anonymous": {"public"},
    "other institution": {"public"},
    "investor institution": {"public", "investors"},
    "investor as enhancer": {"public", "investors"},
    "regulator": {"public", "regulators"},
    "expert": {"public"},
    "staff": {"public", "investors", "regulators"},
    "owner": {"public", "investors", "regulators"},
    "other board's staff": {"public"},
    "investor on another board only": {"public"},
}


@pytest.mark.parametrize("viewer", SEES)
def test_each_audience_sees_only_its_disclosures(client, board, disclosures, viewers, viewer):
    user = viewers[viewer]
    if user is not None:
        client.force_login(user)
    response = client.get(f"/{board.slug}/enterprises/{disclosures['public'].enterprise_id}/disclosures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert {a for a in ("public", "investors", "regulators") if f"{a}-披露" in html} == SEES[viewer]


def test_selector_agrees_with_the_page(board, disclosures, viewers):
    with board_scope(board):
        for viewer, expected in SEES.items():
            user = viewers[viewer] or AnonymousUser()
            assert {d.audience for d in visible_disclosures(user, board)} == expected, viewer


def test_another_boards_enterprise_and_prospects_are_404(client, board, other_board, disclosures, owner,
                                                        other_staff_user):
    pk = disclosures["public"].enterprise_id
    client.force_login(other_staff_user)
    assert client.get(f"/{other_board.slug}/enterprises/{pk}/disclosures/").status_code == 404
    with board_scope(board):
        prospect = EnterpriseFactory(board=board, status="prospect")
        prospect.users.add(owner)
    client.logout()
    assert client.get(f"/{board.slug}/enterprises/{prospect.pk}/disclosures/").status_code == 404
    client.force_login(owner)  # its own user sees its page
    assert client.get(f"/{board.slug}/enterprises/{prospect.pk}/disclosures/").status_code == 200


def test_attachment_is_served_only_to_the_audience(client, board, enterprise, owner, viewers):
    client.force_login(owner)
    response = client.post(f"/{board.slug}/my/disclosures/", {
        "title": "2025年度报告", "audience": "investors", "is_periodic": "on", "period": "2025H2",
        "file": SimpleUploadedFile("年报.pdf", _pdf(), content_type="application/pdf")})
    assert response.status_code == 302
    with board_scope(board):
        disclosure = Disclosure.objects.get(title="2025年度报告")
    url = f"/{board.slug}/disclosures/{disclosure.pk}/file/"
    assert client.get(url).status_code == 200
    for viewer, status in (("anonymous", 404), ("other institution", 404), ("regulator", 404),
                           ("investor institution", 200), ("other board's staff", 404)):
        client.logout()
        if viewers[viewer]:
            client.force_login(viewers[viewer])
        assert client.get(url).status_code == status, viewer


def test_an_enterprise_without_financing_discloses_what_it_chooses(board, owner):
    with board_scope(board):
        quiet = EnterpriseFactory(board=board)
        disclosure = publish_disclosure(quiet, title="新产品发布", audience="public", body="自愿披露",
                                        actor=owner)
        assert open_periodic_deadlines(board, today=dt.date(2026, 7, 10)) == []
        entry = EvidenceEntry.objects.get(action="boards.disclosure.published")
    assert (disclosure.is_periodic, entry.actor, entry.payload["audience"]) == (False, owner, "public")


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": " "}, "请填写披露标题"),
    ({"audience": "everyone"}, "披露对象必须是"),
    ({"body": ""}, "请填写披露内容或上传附件"),
    ({"is_periodic": True, "period": "2025"}, "报告期应写成 2026H1 或 2026H2，当前为「2025」"),
])
def test_bad_disclosure_names_the_problem_and_writes_nothing(board, enterprise, owner, fields, message):
    values = {"title": "半年报", "audience": "investors", "body": "内容", **fields}
    with board_scope(board):
        with pytest.raises(DomainError, match=message):
            publish_disclosure(enterprise, actor=owner, **values)
        assert (Disclosure.objects.count(), EvidenceEntry.objects.count()) == (0, 0)


def test_bad_upload_on_the_page_is_400_and_leaves_nothing(client, board, enterprise, owner):
    client.force_login(owner)
    response = client.post(f"/{board.slug}/my/disclosures/", {
        "title": "半年报", "audience": "investors", "is_periodic": "on", "period": "上半年",
        "file": SimpleUploadedFile("h1.pdf", _pdf(), content_type="application/pdf")})
    assert response.status_code == 400
    assert "报告期应写成 2026H1 或 2026H2" in response.content.decode()
    with board_scope(board):
        assert (Disclosure.objects.count(), StoredFile.objects.count()) == (0, 0)


def test_periodic_deadline_is_opened_once_and_met_by_the_disclosure(board, enterprise, owner):
    with board_scope(board):
        EnterpriseFactory(board=board, name="未融资")  # never financed: owes nothing
        later = EnterpriseFactory(board=board, name="后融资")
        FinancingEvent.objects.create(board=board, enterprise=later, kind="debt", amount=1,
                                      investor_name="银行", occurred_on=dt.date(2025, 7, 1))
        [deadline] = open_periodic_deadlines(board, today=dt.date(2025, 7, 10))
        assert open_periodic_deadlines(board, today=dt.date(2025, 7, 11)) == []  # idempotent
        assert (deadline.kind, deadline.assignee) == ("boards.disclosure.periodic:2025H1", owner)
        # 40 working days after 30 June 2025.
        assert deadline.due_at == dt.datetime(2025, 8, 25, 23, 59, 59, tzinfo=SHANGHAI)
        with time_machine.travel(dt.datetime(2025, 8, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
            publish_disclosure(enterprise, title="2025年半年度报告", audience="investors", body="…",
                               period="2025H1", is_periodic=True, actor=owner)
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.MET
        # Next half-year: both financed enterprises owe it (the later one financed within it).
        second = open_periodic_deadlines(board, today=dt.date(2026, 1, 5))
        assert {(d.subject, d.kind) for d in second} == {(enterprise, "boards.disclosure.periodic:2025H2"),
                                                         (later, "boards.disclosure.periodic:2025H2")}


def test_yearly_frequency_and_removal(board, enterprise, staff_user, django_capture_on_commit_callbacks):
    board.config["disclosure"]["frequency_months"] = 12
    board.save()
    with board_scope(board):
        [deadline] = open_periodic_deadlines(board, today=dt.date(2026, 3, 1))
        assert deadline.kind == "boards.disclosure.periodic:2025"
        with django_capture_on_commit_callbacks(execute=True):
            move_tier(enterprise, to_tier="", kind="removal", reason="清退", actor=staff_user)
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.CANCELLED


@pytest.fixture
def eager():
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


def test_daily_task_runs_on_boards_with_disclosure_only(eager, board, enterprise):
    programme = BoardFactory(slug="programme", config={"modules": ["boards", "policies"]})
    with board_scope(programme):
        FinancingEvent.objects.create(board=programme, enterprise=EnterpriseFactory(board=programme),
                                      kind="debt", amount=1, investor_name="银行",
                                      occurred_on=dt.date(2025, 1, 1))
    with time_machine.travel(dt.datetime(2025, 7, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert open_due_disclosure_deadlines() == 1
    with board_scope([board, programme]):
        assert list(Deadline.objects.values_list("board__slug", "kind")) == [
            ("nmg-kcb", "boards.disclosure.periodic:2025H1")]


def test_my_disclosures_page_roles_and_query_count(client, board, other_board, enterprise, owner, staff_user,
                                                   django_assert_max_num_queries):
    with board_scope(board):
        for n in range(15):
            publish_disclosure(enterprise, title=f"公告{n}", audience="public", body="…", actor=owner)
        open_periodic_deadlines(board)
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        page = client.get(f"/{board.slug}/my/disclosures/")
    html = page.content.decode()
    assert page.status_code == 200 and "公告14" in html and "须按期" in html and "定期信息披露" in html
    with django_assert_max_num_queries(10):
        assert client.get(f"/{board.slug}/enterprises/{enterprise.pk}/disclosures/").status_code == 200
    client.force_login(staff_user)  # staff have no enterprise: 404
    assert client.get(f"/{board.slug}/my/disclosures/").status_code == 404
    MembershipFactory(user=owner, board=other_board, role="enterprise_user")
    client.force_login(owner)
    assert client.get(f"/{other_board.slug}/my/disclosures/").status_code == 404
