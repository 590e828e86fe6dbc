"""Factories and fixtures of the alliance tests: member institutions with their users and API
keys, enterprises with consents, products."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import factory
import pytest
from django.utils import timezone

from alliance.models import Membership, MembershipState, Product
from boards.enterprises.services.consent import grant_consent
from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.models import ApiKey
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class AllianceMembershipFactory(factory.django.DjangoModelFactory):
    """Create inside the board's scope."""

    class Meta:
        model = Membership

    institution = factory.SubFactory(InstitutionFactory)
    body = "investment"
    state = MembershipState.ADMITTED
    executive_lead = "王建国"
    executive_title = "副行长"
    liaison_name = "李海燕"
    liaison_phone = "13800000000"


class ProductFactory(factory.django.DjangoModelFactory):
    """Create inside the board's scope."""

    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"科创贷{n}号")
    product_type = "credit_loan"
    amount_min = Decimal("100000")
    amount_max = Decimal("5000000")
    rate_min = Decimal("3.450")
    rate_max = Decimal("4.350")
    term_min_months = 6
    term_max_months = 36
    approval_days = 5


def member(board, code, *, kind="bank", body="investment", role="institution_user",
           state=MembershipState.ADMITTED, name=None):
    """An institution with one user on ``board`` and (unless ``state`` is None) an alliance membership."""
    institution = InstitutionFactory(code=code, name=name or f"{code}机构", kind=kind)
    user = UserFactory(username=f"{code.lower()}-{board.slug}")
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    membership = None
    if state is not None:
        with board_scope(board):
            membership = AllianceMembershipFactory(board=board, institution=institution, body=body,
                                                   state=state)
    return SimpleNamespace(institution=institution, user=user, membership=membership)


def api_key(board, institution, user):
    prefix, secret, full = generate_key()
    ApiKey.objects.create(board=board, institution=institution, user=user, prefix=prefix,
                          key_hash=hash_secret(secret))
    return {"HTTP_AUTHORIZATION": f"Api-Key {full}"}


def owner(enterprise):
    return UserFactory(username=f"owner-{enterprise.board.slug}-{enterprise.pk}")


def grant(enterprise, institution, *categories, days=30):
    """A consent of ``enterprise`` to ``institution`` (None: every member): basic plus ``categories``."""
    with board_scope(enterprise.board):
        return grant_consent(enterprise, categories=["basic", *categories], institution=institution,
                             expires_at=timezone.now() + dt.timedelta(days=days), actor=owner(enterprise))


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
