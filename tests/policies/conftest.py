"""Factories and fixtures of the policies tests: the Inner Mongolia tier scheme on the test
board, policies, enterprises with qualifications, financials and tier history, staff,
enterprise users and guarantee firms, and the Ordos ledger."""

from types import SimpleNamespace

import pytest

from boards.enterprises.tiers import TIER_SCHEMES
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from policies import ordos
from tests.factories import InstitutionFactory
from tests.support.policies import user_with_role


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nmg(board):
    """The test board with the Inner Mongolia tiers (基础层/优选层/上市层)."""
    board.config = {**board.config, "tiers": TIER_SCHEMES["nmg-kcb"]}
    board.save()
    return board


@pytest.fixture
def guarantor(nmg):
    firm = InstitutionFactory(code="GUAR", name="内蒙古测试融资担保有限公司", kind="guarantee")
    return SimpleNamespace(firm=firm, user=user_with_role(nmg, "guarantor", Role.CREDIT_ENHANCER, firm))


@pytest.fixture
def ledger(board):
    """The 14-task Ordos ledger of seed [003] on the test board, a contact per lead unit."""
    with board_scope(board):
        tasks = ordos.load_ledger(board)
        units = {unit.name: unit for task in tasks for unit in task.lead_units.all()}
        for index, unit in enumerate(sorted(units.values(), key=lambda u: u.name)):
            unit.contact = user_with_role(board, f"unit{index}", Role.LOCAL_BUREAU)
            unit.save()
    return SimpleNamespace(tasks=tasks, units=units)
