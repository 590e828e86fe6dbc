"""Shared objects belong to the platform (issue 17, first two findings): institutions, accounts
and the calendar are changed by platform administrators only; a board's staff and admin see
read-only what takes part in their board and nothing else; a role on a board goes to an account
of another board only through an invitation its owner accepts; no write names another board's
institution."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from boards.kernel.models import BoardInvitation, BoardMembership, EvidenceEntry, HolidayOverride, Institution
from boards.kernel.scoping import board_scope
from policies.models import GuaranteeClaim, GuaranteeYear
from tests.factories import BoardFactory, InstitutionFactory, MembershipFactory, UserFactory
from tests.support.policies import guarantee_policy

INSTITUTIONS = "/admin/boards/institution/"
USERS = "/admin/auth/user/"
MEMBERSHIPS = "/admin/boards/boardmembership/"


@pytest.fixture
def ordos(db):
    return BoardFactory(slug="ordos", name_zh="鄂尔多斯项目", filing_prefix="ORDOS")


@pytest.fixture
def ordos_bank(ordos):
    bank = InstitutionFactory(code="ORDOSBANK", name="鄂尔多斯银行", kind="bank")
    MembershipFactory(user=UserFactory(username="inst.ordosbank"), board=ordos, role="institution_user",
                      institution=bank)
    return bank


@pytest.fixture
def own_bank(board):
    bank = InstitutionFactory(code="NMGBANK", name="内蒙古银行", kind="bank")
    MembershipFactory(user=UserFactory(username="inst.nmgbank"), board=board, role="institution_user",
                      institution=bank)
    return bank


@pytest.fixture
def board_admin(client, board):
    """``nmg-kcb.admin``: the platform-admin role on one board, not a superuser."""
    user = UserFactory(username="nmg-kcb.admin", is_staff=True)
    MembershipFactory(user=user, board=board, role="platform_admin")
    client.force_login(user)
    return client


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def root(client, board):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, board=board, role="platform_admin")
    client.force_login(user)
    return client


def _institution_form(bank, **changes):
    return {"code": bank.code, "name": bank.name, "kind": bank.kind, "credit_code": bank.credit_code,
            "established_on": "", **changes}


@pytest.mark.parametrize("who", ["board_admin", "staff"])
def test_a_board_cannot_rename_or_retype_a_shared_institution(request, who, ordos_bank, own_bank):
    client = request.getfixturevalue(who)
    # Another board's institution: not even named (404, as a missing one).
    assert client.get(f"{INSTITUTIONS}{ordos_bank.pk}/change/").status_code == 404
    response = client.post(f"{INSTITUTIONS}{ordos_bank.pk}/change/",
                           _institution_form(ordos_bank, name="改名银行", kind="guarantee"))
    assert response.status_code == 404
    # Its own board's institution: read-only.
    page = client.get(f"{INSTITUTIONS}{own_bank.pk}/change/")
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    response = client.post(f"{INSTITUTIONS}{own_bank.pk}/change/",
                           _institution_form(own_bank, name="改名银行", kind="guarantee"))
    assert response.status_code == 403
    assert client.post(f"{INSTITUTIONS}add/", _institution_form(own_bank, code="NEW")).status_code == 403
    for bank in (ordos_bank, own_bank):
        fresh = Institution.objects.get(pk=bank.pk)
        assert (fresh.name, fresh.kind) == (bank.name, bank.kind)
    assert not Institution.objects.filter(code="NEW").exists()


def test_staff_list_only_the_institutions_and_accounts_of_their_board(staff, ordos_bank, own_bank,
                                                                      django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        html = staff.get(INSTITUTIONS).content.decode()
    assert own_bank.name in html and ordos_bank.name not in html
    html = staff.get(f"{INSTITUTIONS}?q=鄂尔多斯").content.decode()
    assert ordos_bank.name not in html
    with django_assert_max_num_queries(15):
        html = staff.get(USERS).content.decode()
    assert "inst.nmgbank" in html and "inst.ordosbank" not in html
    foreign = get_user_model().objects.get(username="inst.ordosbank")
    assert staff.get(f"{USERS}{foreign.pk}/change/").status_code == 404
    mine = get_user_model().objects.get(username="inst.nmgbank")
    assert staff.get(f"{USERS}{mine.pk}/change/").status_code == 200
    assert staff.post(f"{USERS}{mine.pk}/change/", {"username": "renamed"}).status_code == 403
    assert staff.get(f"{USERS}{mine.pk}/password/").status_code in (403, 404)


def test_platform_admin_changes_an_institution(root, ordos_bank):
    response = root.post(f"{INSTITUTIONS}{ordos_bank.pk}/change/", _institution_form(ordos_bank, name="新名"))
    assert response.status_code == 302
    assert Institution.objects.get(pk=ordos_bank.pk).name == "新名"


def test_the_delete_page_names_no_other_boards_membership_and_refuses(root, ordos_bank):
    response = root.get(f"{INSTITUTIONS}{ordos_bank.pk}/delete/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "inst.ordosbank" not in html and "@ ordos" not in html  # no membership of any board listed
    assert "不能删除" in html
    response = root.post(f"{INSTITUTIONS}{ordos_bank.pk}/delete/", {"post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert Institution.objects.filter(pk=ordos_bank.pk).exists()


def test_deleting_an_institution_only_another_board_refers_to_is_a_message_not_a_500(root, board, ordos):
    firm = InstitutionFactory(code="XJGUAR", kind="guarantee")
    with board_scope(ordos):
        GuaranteeYear.objects.create(board=ordos, institution=firm, year=2026)
    response = root.post(f"{INSTITUTIONS}{firm.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Institution.objects.filter(pk=firm.pk).exists()
    assert "不能删除" in response.content.decode()


def test_an_unreferenced_institution_is_deleted_by_the_platform_admin(root):
    firm = InstitutionFactory(code="LONELY")
    assert root.post(f"{INSTITUTIONS}{firm.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Institution.objects.filter(pk=firm.pk).exists()


@pytest.mark.parametrize("who", ["board_admin", "staff"])
def test_a_board_cannot_add_or_change_holidays(request, who):
    client = request.getfixturevalue(who)
    assert client.get("/admin/boards/holidayoverride/").status_code == 200  # look up, read-only
    response = client.post("/admin/boards/holidayoverride/add/", {"date": "2027-01-04", "name": "私加假日"})
    assert response.status_code == 403
    assert client.post("/admin/boards/calendaryear/add/", {"year": "2031", "source": "x"}).status_code == 403
    day = HolidayOverride.objects.create(date=dt.date(2027, 1, 5), name="既有", is_workday=False)
    assert client.post(f"/admin/boards/holidayoverride/{day.pk}/delete/", {"post": "yes"}).status_code == 403
    assert list(HolidayOverride.objects.values_list("name", flat=True)) == ["既有"]


def test_the_membership_form_names_no_foreign_account(staff, ordos_bank):
    foreign = get_user_model().objects.get(username="inst.ordosbank")
    html = staff.get(f"{MEMBERSHIPS}add/?user={foreign.pk}").content.decode()
    assert "inst.ordosbank" not in html
    for user in get_user_model().objects.exclude(board_memberships__board__slug="nmg-kcb"):
        assert user.username not in staff.get(f"{MEMBERSHIPS}add/?user={user.pk}").content.decode()


def test_staff_cannot_grant_a_role_to_another_boards_account(staff, board, ordos_bank):
    foreign = get_user_model().objects.get(username="inst.ordosbank")
    response = staff.post(f"{MEMBERSHIPS}add/", {"user": foreign.pk, "role": "expert", "is_active": "on"})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    response = staff.post(f"{MEMBERSHIPS}add/", {"user": foreign.pk, "role": "institution_user",
                                                 "institution": ordos_bank.pk, "is_active": "on"})
    assert response.status_code == 200
    assert not BoardMembership.objects.filter(user=foreign, board=board).exists()


def test_an_account_of_another_board_joins_only_by_accepting_an_invitation(staff, client, board, ordos_bank):
    response = staff.post("/admin/boards/boardinvitation/add/",
                          {"board": board.pk, "username": "inst.ordosbank", "role": "institution_user",
                           "note": "邀请参与科创板"})
    assert response.status_code == 302
    # Same answer for a username that does not exist: nothing is confirmed.
    assert staff.post("/admin/boards/boardinvitation/add/",
                      {"board": board.pk, "username": "nobody.at.all", "role": "expert"}).status_code == 302
    invitation = BoardInvitation.objects.get(username="inst.ordosbank")
    foreign = get_user_model().objects.get(username="inst.ordosbank")
    assert not BoardMembership.objects.filter(user=foreign, board=board).exists()

    stranger = UserFactory(username="stranger")
    client.force_login(stranger)
    assert "科创板" not in client.get("/invitations/").content.decode()
    client.post(f"/invitations/{invitation.pk}/accept/")
    assert not BoardMembership.objects.filter(board=board, user=stranger).exists()

    client.force_login(foreign)
    page = client.get("/invitations/").content.decode()
    assert board.name_zh in page and "机构用户" in page
    assert client.post(f"/invitations/{invitation.pk}/accept/").status_code == 302
    membership = BoardMembership.objects.get(user=foreign, board=board)
    assert (membership.role, membership.institution) == ("institution_user", ordos_bank)
    with board_scope(board):
        actions = list(EvidenceEntry.objects.filter(board=board).values_list("action", flat=True))
    assert actions == ["boards.invitation.sent", "boards.invitation.sent", "boards.invitation.accepted"]
    # Answered once: a second answer finds nothing to answer.
    response = client.post(f"/invitations/{invitation.pk}/decline/", follow=True)
    assert "没有这份待答复的邀请" in response.content.decode()


def test_an_invitation_declined_grants_nothing(staff, client, board, ordos_bank):
    staff.post("/admin/boards/boardinvitation/add/", {"board": board.pk, "username": "inst.ordosbank",
                                                      "role": "expert"})
    invitation = BoardInvitation.objects.get()
    foreign = get_user_model().objects.get(username="inst.ordosbank")
    client.force_login(foreign)
    client.post(f"/invitations/{invitation.pk}/decline/")
    invitation.refresh_from_db()
    assert invitation.state == "declined"
    assert not BoardMembership.objects.filter(user=foreign, board=board).exists()


def test_the_invitation_page_is_for_signed_in_users_and_bounded(client, board, staff_user,
                                                                 django_assert_max_num_queries):
    assert client.get("/invitations/").status_code == 302
    user = UserFactory(username="invitee")
    for _ in range(5):
        BoardInvitation.objects.create(board=board, username="invitee", role="expert", invited_by=staff_user)
    client.force_login(user)
    with django_assert_max_num_queries(6):
        assert client.get("/invitations/").content.decode().count("接受</button>") == 5


def test_a_guarantee_claim_for_another_boards_guarantor_is_a_400_naming_the_field(board, staff_user):
    xj = BoardFactory(slug="xj-zjtx")
    firm = InstitutionFactory(code="XJGUAR", kind="guarantee")
    MembershipFactory(user=UserFactory(username="xj.guar"), board=xj, role="credit_enhancer",
                      institution=firm)
    guarantee_policy(board)
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.post(f"/api/v1/{board.slug}/policies/guarantee-claims/",
                        {"year": timezone.localdate().year, "period_label": "一季度",
                         "guarantee_amount": "1000.00", "enterprise_count": 1, "institution": "XJGUAR"},
                        format="json")
    assert response.status_code == 400
    assert "XJGUAR" in response.json()["error"]["details"]["institution"][0]
    with board_scope([board, xj]):
        assert not GuaranteeClaim.objects.exists() and not GuaranteeYear.objects.exists()
