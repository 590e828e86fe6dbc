"""Data consent: grant, expiry by time, revocation, each with its evidence entry; and the
enterprise user's consent page."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from boards.enterprises.models import DataConsent
from boards.enterprises.services.consent import (
    consented_categories,
    consenting_enterprises,
    grant_consent,
    revoke_consent,
)
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def _member(board, institution, role="institution_user"):
    user = UserFactory()
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    return user


@pytest.fixture
def bank(board):
    bank = InstitutionFactory(code="BANK", name="测试银行")
    _member(board, bank)
    return bank


@pytest.fixture
def fund(board):
    fund = InstitutionFactory(code="FUND", name="测试基金", kind="fund")
    _member(board, fund, "credit_enhancer")
    return fund


@pytest.fixture
def owner(board):
    user = UserFactory(username="owner")
    MembershipFactory(user=user, board=board, role="enterprise_user")
    return user


@pytest.fixture
def enterprise(board, owner):
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="乌鲁木齐天衡科技有限公司")
        enterprise.users.add(owner)
    return enterprise


def _evidence(board, action):
    with board_scope(board):
        return list(EvidenceEntry.objects.filter(action=action).order_by("id"))


def test_grant_to_one_institution_is_evidenced_and_read_back(board, bank, fund, enterprise, owner):
    with time_machine.travel(T0, tick=False), board_scope(board):
        consent = grant_consent(enterprise, categories=["financials", "basic"], institution=bank,
                                expires_at=T0 + dt.timedelta(days=30), actor=owner)
        assert consented_categories(enterprise, bank) == {"basic", "financials"}
        assert consented_categories(enterprise, fund) == set()
        assert list(consenting_enterprises(bank, "financials")) == [enterprise]
        assert list(consenting_enterprises(bank, "qualifications")) == []
        assert list(consenting_enterprises(fund)) == []
    assert consent.categories == ["basic", "financials"]  # stored in DataCategory order
    [entry] = _evidence(board, "boards.consent.granted")
    assert (entry.actor, entry.subject_id) == (owner, str(consent.pk))
    assert entry.payload == {"enterprise": enterprise.pk, "institution": bank.pk,
                             "categories": ["basic", "financials"],
                             "expires_at": "2026-04-01T01:00:00+00:00"}


def test_consent_to_all_alliance_members_covers_every_member(board, bank, fund, enterprise, owner):
    with board_scope(board):
        grant_consent(enterprise, categories=["basic", "qualifications"], institution=None,
                      expires_at=timezone.now() + dt.timedelta(days=1), actor=owner)
        grant_consent(enterprise, categories=["basic", "financing"], institution=fund,
                      expires_at=timezone.now() + dt.timedelta(days=1), actor=owner)
        assert consented_categories(enterprise, bank) == {"basic", "qualifications"}
        # Consents add up.
        assert consented_categories(enterprise, fund) == {"basic", "qualifications", "financing"}


def test_consent_expires_by_time(board, bank, enterprise, owner):
    with time_machine.travel(T0, tick=False), board_scope(board):
        grant_consent(enterprise, categories=["basic"], institution=bank,
                      expires_at=T0 + dt.timedelta(days=30), actor=owner)
    with time_machine.travel(T0 + dt.timedelta(days=30, seconds=-1), tick=False), board_scope(board):
        assert consented_categories(enterprise, bank) == {"basic"}
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False), board_scope(board):
        assert consented_categories(enterprise, bank) == set()
        assert list(consenting_enterprises(bank)) == []
        # What was consented at a past moment stays answerable.
        assert consented_categories(enterprise, bank, at=T0 + dt.timedelta(days=1)) == {"basic"}
        with pytest.raises(Conflict, match="已过期"):
            revoke_consent(DataConsent.objects.get(), actor=owner)
    assert _evidence(board, "boards.consent.revoked") == []


def test_revocation_ends_the_consent_at_once_and_is_evidenced(board, bank, enterprise, owner):
    with time_machine.travel(T0, tick=False), board_scope(board):
        consent = grant_consent(enterprise, categories=["basic", "financials"], institution=bank,
                                expires_at=T0 + dt.timedelta(days=365), actor=owner)
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False), board_scope(board):
        revoke_consent(consent, actor=owner)
        assert consented_categories(enterprise, bank) == set()
        assert consented_categories(enterprise, bank, at=T0 + dt.timedelta(days=2)) == {"basic", "financials"}
        with pytest.raises(Conflict, match="已于 2026-03-05 09:00 撤回"):
            revoke_consent(consent, actor=owner)
        consent.refresh_from_db()
    assert consent.revoked_at == T0 + dt.timedelta(days=3)
    [entry] = _evidence(board, "boards.consent.revoked")
    assert entry.actor == owner and entry.payload["institution"] == bank.pk


@pytest.mark.parametrize(("categories", "institution", "days", "message"), [
    (["financials"], "bank", 30, "须同时授权「基本信息」"),
    ([], "bank", 30, "至少选择一个"),
    (["basic", "secrets"], "bank", 30, "未知的数据类别：secrets"),
    (["basic"], "bank", -1, "到期时间必须晚于当前时间"),
    (["basic"], "stranger", 30, "不是本专板的联盟成员机构"),
])
def test_bad_grant_names_the_problem_and_writes_nothing(board, bank, enterprise, owner, categories,
                                                        institution, days, message):
    institution = bank if institution == "bank" else InstitutionFactory(code="STRANGER", name="外部机构")
    with board_scope(board):
        with pytest.raises(DomainError, match=message):
            grant_consent(enterprise, categories=categories, institution=institution,
                          expires_at=timezone.now() + dt.timedelta(days=days), actor=owner)
        assert DataConsent.objects.count() == 0
    assert _evidence(board, "boards.consent.granted") == []


# --- The enterprise user's page ----------------------------------------------------------------


def _url(board, suffix=""):
    return f"/{board.slug}/my/consents/{suffix}"


def test_enterprise_user_grants_and_revokes_on_the_web(client, board, bank, enterprise, owner):
    client.force_login(owner)
    page = client.get(_url(board))
    assert page.status_code == 200 and "测试银行" in page.content.decode()
    response = client.post(_url(board), {"institution": bank.pk, "categories": ["basic", "financials"],
                                         "expires_on": "2099-12-31"})
    assert response.status_code == 302
    with board_scope(board):
        consent = DataConsent.objects.get()
        assert consented_categories(enterprise, bank) == {"basic", "financials"}
    assert timezone.localtime(consent.expires_at).strftime("%Y-%m-%d %H:%M:%S") == "2099-12-31 23:59:59"
    assert "有效" in client.get(_url(board)).content.decode()
    assert client.post(_url(board, f"{consent.pk}/revoke/")).status_code == 302
    with board_scope(board):
        assert consented_categories(enterprise, bank) == set()
    assert [e.action for e in _evidence(board, "boards.consent.revoked")] == ["boards.consent.revoked"]
    # Revoking twice: a message, nothing more written.
    again = client.post(_url(board, f"{consent.pk}/revoke/"), follow=True)
    assert "已于" in again.content.decode()
    assert len(_evidence(board, "boards.consent.revoked")) == 1


def test_bad_grant_on_the_web_is_400_with_the_message(client, board, bank, enterprise, owner):
    client.force_login(owner)
    response = client.post(_url(board), {"institution": bank.pk, "categories": ["financials"],
                                         "expires_on": "2099-12-31"})
    assert response.status_code == 400
    assert "须同时授权「基本信息」" in response.content.decode()
    with board_scope(board):
        assert DataConsent.objects.count() == 0


def test_consent_page_is_404_for_other_users_and_boards(client, board, other_board, bank, enterprise, owner,
                                                        staff_user):
    with board_scope(board):
        consent = grant_consent(enterprise, categories=["basic"], institution=bank,
                                expires_at=timezone.now() + dt.timedelta(days=1), actor=owner)
    assert client.get(_url(board)).status_code == 302  # anonymous: to the login page
    # Another enterprise's user (same board) cannot see or revoke this consent.
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, board=board, role="enterprise_user")
    with board_scope(board):
        EnterpriseFactory(board=board).users.add(stranger)
    client.force_login(stranger)
    assert "尚未授权任何机构" in client.get(_url(board)).content.decode()
    assert client.get(_url(board) + f"?enterprise={enterprise.pk}").status_code == 404
    assert client.post(_url(board, f"{consent.pk}/revoke/")).status_code == 404
    # Staff (no enterprise role) and the owner on another board: 404.
    client.force_login(staff_user)
    assert client.get(_url(board)).status_code == 404
    MembershipFactory(user=owner, board=other_board, role="enterprise_user")
    client.force_login(owner)
    assert client.get(_url(other_board)).status_code == 404
    assert client.post(_url(other_board, f"{consent.pk}/revoke/")).status_code == 404
    with board_scope(board):
        assert DataConsent.objects.get().revoked_at is None


def test_consent_page_query_count_does_not_grow(client, board, bank, enterprise, owner,
                                                django_assert_max_num_queries):
    client.force_login(owner)
    with board_scope(board):
        for _ in range(20):
            grant_consent(enterprise, categories=["basic"], institution=bank,
                          expires_at=timezone.now() + dt.timedelta(days=1), actor=owner)
    with django_assert_max_num_queries(12):
        assert client.get(_url(board)).status_code == 200
