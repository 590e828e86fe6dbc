"""Helpers of the cultivation tests, shared with other folders (the fixtures stay in its conftest.py)."""

from tests.factories import MembershipFactory, UserFactory

PASSWORD = "demo-pass-123"


def member(board, username, role, institution=None, staff=False):
    user = UserFactory(username=username, is_staff=staff)
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    return user
