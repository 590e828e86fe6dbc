"""Parties, people and a Flow that drives financing cases through the services to any state."""

import pytest

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CompensationFund
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.support.risksharing import D, Flow, Parties


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def parties(board):
    return Parties(board)


@pytest.fixture
def checker(board):
    user = UserFactory(username="checker", is_staff=True)
    MembershipFactory(user=user, board=board, role=Role.EXCHANGE_STAFF)
    return user


@pytest.fixture
def enterprise(board):
    with board_scope(board):
        return EnterpriseFactory(board=board, name="包头稀土新材料科技有限公司", prefecture="包头市",
                                 industry="稀土功能材料")


@pytest.fixture
def enterprise_user(board, enterprise):
    user = UserFactory(username="ent-user")
    MembershipFactory(user=user, board=board, role=Role.ENTERPRISE_USER)
    with board_scope(board):
        enterprise.users.add(user)
    return user


@pytest.fixture
def fund(board, parties, staff_user):
    with board_scope(board):
        fund = CompensationFund.objects.create(board=board, institution=parties["NMPC"],
                                               name="风险补偿资金池")
        return services.deposit_to_fund(fund, amount=D("2000000"), actor=staff_user)


@pytest.fixture
def flow(board, staff_user, checker, parties):
    return Flow(board, staff_user, checker, parties)
