"""The equity-incentive tests' world: the Xinjiang test board (every module on) with its staff, an
admitted enterprise whose register of 10,000,000 shares has 8,000,000 confirmed with its founder
and 2,000,000 in custody, the enterprise's user, two employees with accounts (participants to be),
another employee, a bank user; and the Inner Mongolia test board with its staff."""

import datetime as dt
from types import SimpleNamespace

import pytest

from boards.enterprises.services import custody
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, UserFactory
from tests.support.cultivation import member


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(other_board, board):
    w = SimpleNamespace(board=other_board, other=board)
    w.staff = member(w.board, "xj-staff", Role.EXCHANGE_STAFF, staff=True)
    w.other_staff = member(board, "nmg-staff", Role.EXCHANGE_STAFF, staff=True)
    w.owner = member(w.board, "ent", Role.ENTERPRISE_USER)
    w.employee = member(w.board, "liming", Role.ENTERPRISE_USER)  # acts for no enterprise
    w.colleague = UserFactory(username="zhangwei")  # no membership at all: a participant all the same
    w.outsider = member(w.board, "wangfang", Role.ENTERPRISE_USER)  # another company's user
    w.bank = InstitutionFactory(code="XJBANK", name="新疆银行股份有限公司", kind="bank")
    w.bank_user = member(w.board, "xjbank", Role.INSTITUTION_USER, w.bank)
    w.regulator = member(w.board, "zjj", Role.REGULATOR)
    with board_scope(w.board):
        w.enterprise = EnterpriseFactory(
            board=w.board,
            name="新疆天山硅基新材料股份有限公司",
            status="admitted",
            admitted_on=dt.date(2024, 3, 1),
        )
        w.enterprise.users.add(w.owner)
        other = EnterpriseFactory(board=w.board, name="昌吉棉纺科技有限公司", status="admitted")
        other.users.add(w.outsider)
        w.register = custody.open_register(
            w.enterprise, total_shares="10000000", responsible_party="王建国", actor=w.staff
        )
        w.founder = custody.confirm_shares(w.register, holder_name="王建国", shares="8000000", actor=w.staff)
    return w
