"""Factories and fixtures of the alliance tests: member institutions with their users and API
keys, enterprises with consents, products."""

import pytest

from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.alliance import member


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bank(board):
    return member(board, "IMB", name="内蒙古银行")


@pytest.fixture
def other_bank(board):
    return member(board, "BOC", name="中国银行")


@pytest.fixture
def outsider(board):
    """An institution user of the board whose institution is not an alliance member."""
    return member(board, "NOTMEMBER", state=None)


@pytest.fixture
def enterprise(board):
    with board_scope(board):
        return EnterpriseFactory(board=board, name="包头瑞达稀土功能材料有限公司", industry="稀土功能材料",
                                 tier="standard", prefecture="包头市")
