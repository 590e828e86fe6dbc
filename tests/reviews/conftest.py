"""Factories and fixtures of the reviews tests: a committee, enterprises, cases driven to a state."""

import pytest

from boards.enterprises.tiers import TIER_SCHEMES
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory
from tests.support.reviews import Flow, committee


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nmg_board(board):
    """The test board with the Inner Mongolia tiers (优选层, 上市层 need review permits)."""
    board.config = {**board.config, "tiers": TIER_SCHEMES["nmg-kcb"]}
    board.save()
    return board


@pytest.fixture
def enterprise(board):
    with board_scope(board):
        return EnterpriseFactory(board=board, name="内蒙古稀土功能材料有限公司", prefecture="包头市")


@pytest.fixture
def experts(board):
    return committee(board, 5) + committee(board, 2, field="finance") + committee(board, 1, field="listing")


@pytest.fixture
def enterprise_user(board, enterprise):
    user = UserFactory(username="ent-user")
    MembershipFactory(user=user, board=board, role=Role.ENTERPRISE_USER)
    with board_scope(board):
        enterprise.users.add(user)
    return user


@pytest.fixture
def flow(board, staff_user):
    return Flow(board, staff_user)


@pytest.fixture
def investor():
    return InstitutionFactory(code="NMKCFUND", name="内蒙古科创投资基金管理有限公司", kind="fund")
