"""Equity custody: the register, its custody account and append-only changes; the confirmation
deadline of 60 working days from admission (across a holiday); thresholds 74.9 % / 75 % / 80 %
by tier; overdue registers flagged to staff; the admin."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from boards.enterprises.demo import custody as demo_custody
from boards.enterprises.demo import registry as demo_registry
from boards.enterprises.models import (
    DataConsent,
    Disclosure,
    Enterprise,
    ShareChange,
    Shareholding,
    ShareRegister,
    TierChangeKind,
)
from boards.enterprises.services import custody
from boards.enterprises.services.registry import move_tier
from boards.kernel import demo
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import Board, Deadline, DeadlineState, EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, EnterpriseFactory, MembershipFactory, UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ADMITTED = dt.date(2025, 9, 15)  # a Monday; the National Day holiday (1–8 Oct, 调休 28 Sep, 11 Oct) follows
NOW = dt.datetime(2025, 9, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def register(in_board, staff_user):
    with time_machine.travel(NOW, tick=False):
        enterprise = EnterpriseFactory(board=in_board, tier="standard", admitted_on=ADMITTED)
        return custody.open_register(enterprise, total_shares="1000", responsible_party="张三（控股股东）",
                                     actor=staff_user)


def _changes(register):
    return list(ShareChange.objects.filter(register=register).values_list("holding__holder_name", "kind",
                                                                          "delta", "balance_after"))


def test_opening_puts_every_share_in_the_custody_account_and_starts_the_clock(register, staff_user):
    account = custody.custody_account(register)
    assert (account.shares, account.confirmed, account.in_custody_account) == (Decimal("1000"), False, True)
    assert register.custody_responsible_party == "张三（控股股东）"
    assert _changes(register) == [("托管专户", "opening", Decimal("1000"), Decimal("1000"))]
    deadline = custody.custody_deadline(register)
    # 60 working days from 15 Sep 2025 skip the National Day holiday: 12 Dec, not 8 Dec.
    assert deadline.due_at == dt.datetime(2025, 12, 12, 23, 59, 59, tzinfo=SHANGHAI)
    assert (deadline.state, deadline.basis, deadline.amount) == ("open", "working", 60)
    assert not deadline.provisional
    assert deadline.remind_before is not None  # reminders come from the kernel sweep
    entry = EvidenceEntry.objects.get(action="boards.custody.register_opened")
    assert entry.actor == staff_user
    assert entry.payload["required_pct"] == "75" and entry.payload["total_shares"] == "1000.00"


@pytest.mark.parametrize(("tier", "confirmed", "reached"), [
    ("standard", "749", False),  # 74.9 %
    ("standard", "750", True),  # 75 %
    ("cultivation", "750", False),  # 培育层 needs 80 %
    ("cultivation", "799.99", False),
    ("cultivation", "800", True),
])
def test_threshold_by_tier(register, staff_user, tier, confirmed, reached):
    register.enterprise.tier = tier
    register.enterprise.save(update_fields=["tier"])
    custody.confirm_shares(register, holder_name="李四", shares=confirmed, actor=staff_user)
    register = ShareRegister.objects.select_related("enterprise").get(pk=register.pk)
    assert custody.threshold_reached(register) is reached
    assert custody.custody_deadline(register).state == (DeadlineState.MET if reached else DeadlineState.OPEN)
    entry = EvidenceEntry.objects.filter(action="boards.custody.shares_confirmed").get()
    assert entry.payload["threshold_reached"] is reached
    assert entry.payload["required_pct"] == ("80" if tier == "cultivation" else "75")


def test_board_configuration_sets_days_and_thresholds(staff_user, db):
    board = BoardFactory(slug="custom", config={"custody": {"workdays": 10, "min_confirmed_pct": "60",
                                                            "tier_min_confirmed_pct": {"premium": "90"}}})
    with board_scope(board), time_machine.travel(NOW, tick=False):
        enterprise = EnterpriseFactory(board=board, tier="premium", admitted_on=dt.date(2025, 9, 29))
        register = custody.open_register(enterprise, total_shares=100, responsible_party="甲",
                                         actor=staff_user)
        # 10 working days from Mon 29 Sep: 30 Sep, 9, 10, 11 (调休), 13–17 Oct, 20 Oct.
        assert custody.custody_deadline(register).due_at.date() == dt.date(2025, 10, 20)
        assert custody.required_pct(enterprise) == Decimal("90")
        enterprise.tier = "basic"
        assert custody.required_pct(enterprise) == Decimal("60")


@pytest.mark.parametrize(("section", "message"), [
    ({"min_confirmed_pct": 75.0}, "min_confirmed_pct 必须是 0 到 100 之间的百分比"),
    ({"min_confirmed_pct": "101"}, "min_confirmed_pct"),
    ({"tier_min_confirmed_pct": {"cultivation": "八十"}}, "tier_min_confirmed_pct.cultivation"),
    ({"workdays": 0}, "workdays 必须是正整数"),
    ({"days": 60}, "未知配置项 days"),
])
def test_bad_custody_configuration_names_the_problem(db, section, message):
    with pytest.raises(ValidationError, match=message):
        Board(slug="bad", name_zh="x", name_en="x", kind="board", operator="x", region="x",
              filing_prefix="X", config={"custody": section}).save()


def test_confirmations_and_transfers_are_traceable(register, staff_user):
    custody.confirm_shares(register, holder_name="李四", holder_id_number="650102199001011234", shares="600",
                           actor=staff_user, note="现场确权")
    li = Shareholding.objects.get(holder_name="李四")
    custody.transfer_shares(li, to_holder_name="王五", shares="100", actor=staff_user)
    assert _changes(register) == [
        ("托管专户", "opening", Decimal("1000"), Decimal("1000")),
        ("托管专户", "custody", Decimal("-600"), Decimal("400")),
        ("李四", "confirmation", Decimal("600"), Decimal("600")),
        ("李四", "transfer_out", Decimal("-100"), Decimal("500")),
        ("王五", "transfer_in", Decimal("100"), Decimal("100")),
    ]
    # Each holding's balance is the sum of its changes; the register still adds up.
    for holding in register.holdings.all():
        assert holding.shares == sum(c.delta for c in holding.changes.all())
    assert sum(h.shares for h in register.holdings.all()) == register.total_shares
    assert custody.confirmed_pct(register) == Decimal("60")
    assert Shareholding.objects.get(holder_name="王五").confirmed
    assert [e.action for e in EvidenceEntry.objects.filter(action__startswith="boards.custody.")] == [
        "boards.custody.register_opened", "boards.custody.shares_confirmed",
        "boards.custody.shares_transferred"]


def _confirm(name, shares):
    return lambda register, holding, user: custody.confirm_shares(register, holder_name=name, shares=shares,
                                                                  actor=user)


def _transfer(to, shares, from_custody=False):
    def call(register, holding, user):
        source = custody.custody_account(register) if from_custody else holding
        return custody.transfer_shares(source, to_holder_name=to, shares=shares, actor=user)
    return call


REFUSED = {
    "custody overdrawn": (_confirm("李四", "990.01"), "托管专户中未确权股份仅剩 990.00，不能确权 990.01"),
    "zero shares": (_confirm("李四", "0"), "股数必须大于 0"),
    "no holder": (_confirm(" ", "1"), "请填写股东名称"),
    "custody transferred": (_transfer("王五", "1", from_custody=True), "托管专户中的股份须先确权"),
    "holding overdrawn": (_transfer("王五", "11"), "李四 仅持有 10.00，不能转出 11"),
    "to oneself": (_transfer("李四", "1"), "转出方与受让方是同一股东"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_changes_name_the_problem_and_write_nothing(register, staff_user, case):
    li = custody.confirm_shares(register, holder_name="李四", shares="10", actor=staff_user)
    before = (ShareChange.objects.count(), EvidenceEntry.objects.count())
    call, message = REFUSED[case]
    with pytest.raises(DomainError, match=message):
        call(register, li, staff_user)
    assert (ShareChange.objects.count(), EvidenceEntry.objects.count()) == before


def test_share_changes_are_append_only(register):
    change = ShareChange.objects.get()
    change.note = "改写"
    with pytest.raises(Conflict, match="只能追加"):
        change.save()
    with pytest.raises(Conflict, match="只能追加"):
        change.delete()
    assert ShareChange.objects.get().note != "改写"


def test_the_database_refuses_to_rewrite_share_changes(register):
    # QuerySet.update/delete bypass the model's save/delete: the database is the last guard (the
    # runtime role has no UPDATE/DELETE grant on the table; with one role, the trigger refuses).
    change = ShareChange.objects.get()
    refused = "permission denied for table|append-only"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        ShareChange.objects.filter(pk=change.pk).update(note="改写")
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        ShareChange.objects.filter(pk=change.pk).delete()
    assert ShareChange.objects.get(pk=change.pk).note == change.note


def test_opening_twice_or_before_admission_is_refused(register, in_board, staff_user):
    with pytest.raises(Conflict, match="已建立股东名册"):
        custody.open_register(register.enterprise, total_shares=1, responsible_party="甲", actor=staff_user)
    prospect = EnterpriseFactory(board=in_board, status="prospect")
    with pytest.raises(DomainError, match="尚未入板"):
        custody.open_register(prospect, total_shares=1, responsible_party="甲", actor=staff_user)


def test_overdue_registers_are_those_past_due_below_threshold(register, in_board, staff_user):
    reached = custody.open_register(EnterpriseFactory(board=in_board, admitted_on=ADMITTED), total_shares=100,
                                    responsible_party="甲", actor=staff_user)
    custody.confirm_shares(reached, holder_name="乙", shares=75, actor=staff_user)
    assert list(custody.overdue_registers(at=dt.datetime(2025, 12, 12, 23, 0, tzinfo=SHANGHAI))) == []
    late = dt.datetime(2025, 12, 13, 0, 0, tzinfo=SHANGHAI)
    assert list(custody.overdue_registers(at=late)) == [register]
    # Reaching the threshold late takes it off the list.
    with time_machine.travel(late, tick=False):
        custody.confirm_shares(register, holder_name="李四", shares=800, actor=staff_user)
    assert list(custody.overdue_registers(at=late)) == []


def test_admission_opens_the_register_and_removal_cancels_the_clock(
        in_board, staff_user, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(board=in_board, status="applying", registered_capital=Decimal("5000000"),
                                   legal_representative="赵六")
    with django_capture_on_commit_callbacks(execute=True):
        move_tier(enterprise, to_tier="incubation", kind=TierChangeKind.ADMISSION, reason="公示期满",
                  actor=staff_user)
    register = ShareRegister.objects.get(enterprise=enterprise)
    assert (register.total_shares, register.custody_responsible_party) == (Decimal("5000000"), "赵六")
    assert custody.custody_deadline(register).state == DeadlineState.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        move_tier(enterprise, to_tier="", kind=TierChangeKind.REMOVAL, reason="清退", actor=staff_user)
    assert custody.custody_deadline(register).state == DeadlineState.CANCELLED


def test_boards_without_custody_open_no_register(staff_user, django_capture_on_commit_callbacks, db):
    board = BoardFactory(slug="programme", config={"modules": ["boards", "policies"]})
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, status="applying", registered_capital=Decimal("100"))
        with django_capture_on_commit_callbacks(execute=True):
            move_tier(enterprise, to_tier="incubation", kind=TierChangeKind.ADMISSION, reason="入板",
                      actor=None)
        assert not ShareRegister.objects.exists()


# --- Admin ---------------------------------------------------------------------------------------

ADMIN = "/admin/boards/shareregister/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_open_a_register_and_record_a_confirmation_in_the_admin(staff_client, board, staff_user):
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="包头稀土科技有限公司")
    response = staff_client.post(f"{ADMIN}add/", {"enterprise": enterprise.pk, "total_shares": "1000",
                                                   "responsible_party": "张三"})
    assert response.status_code == 302
    with board_scope(board):
        register = ShareRegister.objects.get(enterprise=enterprise)
    page = staff_client.get(f"{ADMIN}{register.pk}/change/").content.decode()
    assert "托管专户" in page and "登记股权变动" in page
    bad = staff_client.post(f"{ADMIN}{register.pk}/record/", {"kind": "confirm", "holder_name": "李四",
                                                             "shares": "2000"})
    assert bad.status_code == 400 and "不能确权 2000" in bad.content.decode()
    ok = staff_client.post(f"{ADMIN}{register.pk}/record/", {"kind": "confirm", "holder_name": "李四",
                                                            "shares": "800"})
    assert ok.status_code == 302
    with board_scope(board):
        assert custody.custody_deadline(register).state == DeadlineState.MET
        assert ShareChange.objects.filter(register=register, kind="confirmation", actor=staff_user).exists()
    listing = staff_client.get(ADMIN).content.decode()
    assert "80.00%" in listing and "已达标" in listing


def test_admin_overdue_filter_and_query_count(staff_client, board, staff_user, django_assert_max_num_queries):
    with board_scope(board), time_machine.travel(NOW, tick=False):
        for n in range(15):
            enterprise = EnterpriseFactory(board=board, name=f"企业{n:02d}", admitted_on=ADMITTED)
            custody.open_register(enterprise, total_shares=100, responsible_party="甲", actor=staff_user)
            if n % 3 == 0:
                custody.confirm_shares(enterprise.share_register, holder_name="乙", shares=75,
                                       actor=staff_user)
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)):
        with django_assert_max_num_queries(15):
            page = staff_client.get(f"{ADMIN}?overdue=yes").content.decode()
    assert page.count("（已逾期）") == 10 and "企业00" not in page and "企业01" in page


def test_admin_is_404_for_another_boards_register(client, board, other_board, register, other_staff_user):
    client.force_login(other_staff_user)
    assert client.get(f"{ADMIN}{register.pk}/change/").status_code == 404
    assert client.post(f"{ADMIN}{register.pk}/record/", {"kind": "confirm", "holder_name": "x",
                                                        "shares": "1"}).status_code == 404
    assert ShareChange.objects.filter(register=register).count() == 1


def test_admin_refuses_users_without_the_staff_role(client, board, register):
    user = UserFactory(username="regulator", is_staff=True)
    MembershipFactory(user=user, board=board, role="regulator")
    client.force_login(user)
    response = client.get(f"{ADMIN}{register.pk}/record/")
    assert response.status_code in (302, 403, 404)
    assert client.get(ADMIN).status_code in (302, 403, 404)


# --- Demo data -----------------------------------------------------------------------------------


def test_demo_seeds_registers_disclosures_and_consents_once(monkeypatch, db):
    monkeypatch.setattr(demo, "board_seeders", lambda: [demo_registry.seed_enterprise_registry,
                                                        demo_custody.seed_custody_disclosure_consent])
    with transaction.atomic():
        demo.seed_demo(io.StringIO())
    xj, ordos = Board.objects.get(slug="xj-zjtx"), Board.objects.get(slug="ordos")
    with board_scope(xj):
        registers = list(ShareRegister.objects.select_related("enterprise__board"))
        assert len(registers) == Enterprise.objects.filter(status="admitted").count() > 0
        assert {custody.threshold_reached(r) for r in registers} == {True, False}
        assert custody.overdue_registers().exists()
        audiences = set(Disclosure.objects.values_list("audience", flat=True))
        assert audiences == {"public", "investors", "regulators"}
        assert Deadline.objects.filter(kind__startswith="boards.disclosure.periodic:").exists()
        assert DataConsent.objects.filter(revoked_at=None).exists() and DataConsent.objects.exclude(
            revoked_at=None).exists()
        counts = (ShareChange.objects.count(), Disclosure.objects.count(), DataConsent.objects.count(),
                  Deadline.objects.count())
        demo_custody.seed_custody_disclosure_consent(xj, io.StringIO())
        assert (ShareChange.objects.count(), Disclosure.objects.count(), DataConsent.objects.count(),
                Deadline.objects.count()) == counts
    with board_scope(ordos):  # a programme: no custody, no disclosure, consents still
        assert not ShareRegister.objects.exists() and not Disclosure.objects.exists()
        assert DataConsent.objects.exists()
