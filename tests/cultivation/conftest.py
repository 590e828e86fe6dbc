"""The cultivation tests' world: the Inner Mongolia test board (every module on, securities firms
from the 专业服务联合会 as configured by default), its staff, a securities firm admitted to that
federation with a user, a bank that is no securities firm, an enterprise with its user, a bureau and
a regulator; and the Xinjiang test board with its own staff and firm."""

import datetime as dt
from types import SimpleNamespace

import pytest

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from tests.factories import (
    AllianceMembershipFactory,
    EnterpriseFactory,
    InstitutionFactory,
)
from tests.support.cultivation import member


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(board, other_board, staff_user):
    w = SimpleNamespace(board=board, other=other_board, staff=staff_user)
    w.firm = InstitutionFactory(code="HTZQ", name="恒泰证券股份有限公司", kind="securities")
    w.other_firm = InstitutionFactory(code="ZXJT", name="中信建投证券股份有限公司", kind="securities")
    w.bank = InstitutionFactory(code="IMB", name="内蒙古银行股份有限公司", kind="bank")
    w.firm_user = member(board, "htzq", Role.INSTITUTION_USER, w.firm)
    w.other_firm_user = member(board, "zxjt", Role.INSTITUTION_USER, w.other_firm)
    w.bank_user = member(board, "imb", Role.INSTITUTION_USER, w.bank)
    w.bureau = member(board, "bureau", Role.LOCAL_BUREAU)
    w.regulator = member(board, "regulator", Role.REGULATOR)
    w.enterprise_user = member(board, "ent", Role.ENTERPRISE_USER)
    w.expert = member(board, "expert", Role.EXPERT)
    with board_scope(board):
        for firm in (w.firm, w.other_firm, w.bank):
            AllianceMembershipFactory(board=board, institution=firm, body="professional")
        w.enterprise = EnterpriseFactory(board=board, name="包头瑞达稀土功能材料股份有限公司",
                                         prefecture="包头市", admitted_on=dt.date(2023, 1, 10))
        w.enterprise.users.add(w.enterprise_user)
        w.second = EnterpriseFactory(board=board, name="赤峰草原乳业科技有限公司", prefecture="赤峰市")
    w.other_staff = member(other_board, "xj-staff", Role.EXCHANGE_STAFF, staff=True)
    w.other_firm_xj = InstitutionFactory(code="SWHY", name="申万宏源证券承销保荐有限责任公司",
                                         kind="securities")
    w.xj_firm_user = member(other_board, "swhy", Role.INSTITUTION_USER, w.other_firm_xj)
    with board_scope(other_board):
        w.xj_enterprise = EnterpriseFactory(board=other_board, name="新疆天山硅基新材料有限公司")
    return w
