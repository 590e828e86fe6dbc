"""The admin as the staff desk, walked on demo-seeded boards as each board's exchange staff: no
page names an object "X object (n)" or shows a raw code (deadline kinds, notification types,
tier codes) where its Chinese label belongs; every model reads in Chinese; technical models stay
out of the staff menu; the index shows the board's queues with counts linking to filtered lists."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import NoReverseMatch, reverse

from boards.enterprises.tiers import tier_names
from boards.kernel import demo
from boards.kernel.labels import code_label, is_labelled
from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.models import Board, Deadline, Notification
from boards.kernel.queues import queues_for
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"boards", "accounts", "alliance", "reviews", "risksharing", "policies", "cultivation",
                "roadshows"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# The seeders each walked board needs for every admin list to hold rows.
PLAN = {
    "nmg-kcb": ["seed_enterprise_registry", "seed_admission", "seed_custody_disclosure_consent",
                "seed_alliance", "seed_reviews", "seed_risksharing", "seed_policies", "seed_cultivation",
                "seed_research_visits", "seed_operation_reports", "seed_satisfaction"],
    "jinzhong": ["seed_enterprise_registry", "seed_alliance", "seed_service_institutions"],
    "ordos": ["seed_enterprise_registry", "seed_policies", "seed_alliance", "seed_roadshows"],
    "xj-zjtx": ["seed_enterprise_registry", "seed_admission", "seed_custody_disclosure_consent",
                "seed_incentives"],
}


@pytest.fixture
def seeded(monkeypatch, settings):
    settings.ZHUANBAN_DEMO_SKIP_2FA = True  # the demo staff come enrolled; the walk is not about 2FA
    seeders = {fn.__name__: fn for fn in demo.board_seeders()}
    monkeypatch.setattr(demo, "board_seeders", lambda: [])  # seed_demo: boards, institutions, accounts
    demo.seed_demo(StringIO())
    for slug, names in PLAN.items():
        board = Board.objects.get(slug=slug)
        with board_scope(board):
            for name in names:
                seeders[name](board, StringIO())
    return {slug: Board.objects.get(slug=slug) for slug in PLAN}


def _staff_client(client, board):
    client.force_login(get_user_model().objects.get(username=f"{board.slug}.staff"))
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = board.pk
    session.save()
    return client


def _codes(board):
    with board_scope(board):
        codes = set(Deadline.objects.values_list("kind", flat=True))
        codes |= set(Notification.objects.values_list("verb", flat=True))
    return codes | set(tier_names(board))


def _texts(html):
    """Every text node of the page, stripped (scripts and styles left out)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return {text.strip() for text in re.findall(r">([^<>]+)<", html) if text.strip()}


def _changelists(client):
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code == 200:
            yield model, url, response.content.decode()


@pytest.mark.timeout(900)  # walks every admin list, change and add page of three seeded boards
def test_no_admin_page_names_an_object_by_its_class_or_shows_a_raw_code(client, seeded):
    """Every list, the change page of its first row and the add page, as the board's staff: no
    "X object (n)", no raw code, every inline shown, no <select> of more than 50 rows (the demo
    board has 67 enterprises)."""
    walked = 0
    for board in seeded.values():
        staff = _staff_client(client, board)
        codes = _codes(board)
        assert len(codes) >= 3
        for model, url, html in _changelists(staff):
            pages = [(url, html)]
            first = re.search(rf'href="{re.escape(url)}(\d+)/change/', html)
            if first:
                change = f"{url}{first.group(1)}/change/"
                response = staff.get(change)
                assert response.status_code == 200, change
                pages.append((change, response.content.decode()))
                # Every inline shows (staff hold no Django permissions: the board gate decides).
                shown = [str(formset.opts.verbose_name_plural)
                         for formset in response.context["inline_admin_formsets"]]
                inlines = admin.site._registry[model].inlines
                assert len(shown) >= len(inlines), (board.slug, change, inlines, shown)
            add = staff.get(f"{url}add/")
            if add.status_code == 200:
                pages.append((f"{url}add/", add.content.decode()))
            for page_url, page in pages:
                # Foreign keys to large tables are chosen by autocomplete, never from every row.
                selects = re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S)
                for name, options in selects:
                    assert options.count("<option") <= 50, (board.slug, page_url, name)
                assert "object (" not in page, (board.slug, page_url, re.findall(r"\w+ object \(\d+\)", page))
                leaked = _texts(page) & codes
                assert not leaked, (board.slug, page_url, leaked)
                walked += 1
    assert walked > 150


def test_every_model_reads_in_chinese(seeded):
    """Every model of the platform: a Chinese verbose name, its own ``__str__``, and for a row of
    the demo a Chinese string (not "X object (n)"); every stored code has its Chinese label."""
    checked = 0
    with board_scope(list(Board.objects.all())):
        for model in apps.get_models():
            if model._meta.app_label not in PROJECT_APPS:
                continue
            label = model._meta.label
            assert CJK.search(str(model._meta.verbose_name)), label
            assert CJK.search(str(model._meta.verbose_name_plural)), label
            assert model.__str__ is not models.Model.__str__, label
            row = model._base_manager.first()
            if row is not None:
                text = str(row)
                assert "object (" not in text and CJK.search(text), (label, text)
                checked += 1
    assert checked > 60
    # Stored codes (deadline kinds, notification types) have labels of their own.
    with board_scope(list(Board.objects.all())):
        codes = set(Deadline.objects.values_list("kind", flat=True))
        codes |= set(Notification.objects.values_list("verb", flat=True))
    assert len(codes) > 20
    assert [code for code in codes if not is_labelled(code)] == []
    assert code_label("risksharing.approval") == "风险分担审批"
    assert code_label("boards.disclosure.periodic:2026H1") == "定期信息披露期限（2026H1）"
    assert code_label("reviews.case.decided") == "评审案件：作出决定"


def test_the_desk_index_queues_and_menu(client, seeded, django_assert_max_num_queries):
    """The index shows the current board's queues with counts, each linking to the filtered list
    with the same rows; technical models are out of the staff menu; no desk without the role."""
    board, jinzhong = seeded["nmg-kcb"], seeded["jinzhong"]
    staff = _staff_client(client, board)
    with board_scope(board):
        queues = queues_for(board)
    labels = [queue["label"] for queue in queues]
    assert {"待初核", "公示中", "逾期", "评审进行中", "合同条款待复核"} <= set(labels)
    assert any(queue["count"] for queue in queues)
    with django_assert_max_num_queries(25 + len(queues)):
        index = staff.get(reverse("admin:index")).content.decode()
    for queue in queues:
        assert f'href="{queue["url"]}"' in index.replace("&amp;", "&"), queue
        listed = staff.get(queue["url"])
        assert listed.status_code == 200, queue  # a filter the list accepts (no ?e=1)
        assert listed.context["cl"].result_count == queue["count"], queue

    # Another board: only the queues of its modules, counted on its own rows.
    with board_scope([board, jinzhong]):
        both = {q["label"]: q["count"] for q in queues_for(jinzhong)}
    with board_scope(jinzhong):
        own = {q["label"]: q["count"] for q in queues_for(jinzhong)}
    assert both == own and "逾期" in own and "待初核" not in own and "评审进行中" not in own
    assert "待初核" not in _staff_client(client, jinzhong).get(reverse("admin:index")).content.decode()

    # Technical models: platform administrators only.
    staff = _staff_client(client, board)
    url = reverse("admin:boards_idempotencykey_changelist")
    assert url not in staff.get(reverse("admin:index")).content.decode()
    assert staff.get(url).status_code == 403
    client.force_login(get_user_model().objects.get(username="platform.admin"))
    assert url in client.get(reverse("admin:index")).content.decode()
    assert client.get(url).status_code == 200

    # No desk for a user without a staff role.
    client.force_login(get_user_model().objects.get(username="nmg-kcb.enterprise"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


AUTOCOMPLETE = "/admin/autocomplete/?app_label=reviews&model_name=reviewcase&field_name=enterprise&term=科技"


def test_enterprise_autocomplete_offers_the_current_boards_enterprises_only(
        client, board, other_board, staff_user, django_assert_max_num_queries):
    board.config = {**board.config, "modules": ["boards", "reviews"]}
    board.save()
    with board_scope(board):
        mine = EnterpriseFactory.create_batch(3, board=board)
    with board_scope(other_board):
        theirs = EnterpriseFactory(board=other_board)
    client.force_login(staff_user)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = board.pk
    session.save()
    with django_assert_max_num_queries(15):
        response = client.get(AUTOCOMPLETE)
    assert response.status_code == 200
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert ids == {enterprise.pk for enterprise in mine} and theirs.pk not in ids
    # The add form offers the field as an autocomplete, not a list of every enterprise.
    page = client.get(reverse("admin:reviews_reviewcase_add")).content.decode()
    assert 'data-model-name="reviewcase"' in page and "admin-autocomplete" in page
    assert mine[0].name not in page


def test_autocomplete_refuses_a_user_without_a_staff_role(client, board):
    with board_scope(board):
        EnterpriseFactory(board=board)
    user = MembershipFactory(board=board, role="enterprise_user", user__is_staff=True).user
    client.force_login(user)
    response = client.get(AUTOCOMPLETE)
    assert response.status_code in (302, 403) and "科技" not in response.content.decode()
