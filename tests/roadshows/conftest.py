"""The roadshows tests' world: the Inner Mongolia test board (every module on, the alliance's
investment federation as its push body), its staff, a fund admitted to the investment federation
whose stated interests (对接偏好) are 稀土功能材料 and a bank admitted without a profile, each with a
user; two admitted enterprises (one with its user, one 乳业科技), a bureau; and the Xinjiang test
board (no alliance module) with its staff, a fund user and an enterprise."""

from types import SimpleNamespace

import pytest

from alliance.models import InterestProfile
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from tests.factories import AllianceMembershipFactory, EnterpriseFactory, InstitutionFactory
from tests.support.cultivation import member


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(board, other_board, staff_user):
    w = SimpleNamespace(board=board, other=other_board, staff=staff_user)
    w.fund = InstitutionFactory(code="NMKCFUND", name="内蒙古科创投资基金管理有限公司", kind="fund")
    w.bank = InstitutionFactory(code="IMB", name="内蒙古银行股份有限公司", kind="bank")
    w.lawfirm = InstitutionFactory(code="NMLAW", name="内蒙古正大律师事务所", kind="law")
    w.fund_user = member(board, "fund", Role.INSTITUTION_USER, w.fund)
    w.bank_user = member(board, "imb", Role.INSTITUTION_USER, w.bank)
    w.law_user = member(board, "law", Role.INSTITUTION_USER, w.lawfirm)
    w.bureau = member(board, "bureau", Role.LOCAL_BUREAU)
    w.enterprise_user = member(board, "ent", Role.ENTERPRISE_USER)
    w.second_user = member(board, "ent2", Role.ENTERPRISE_USER)
    w.expert = member(board, "expert", Role.EXPERT)
    with board_scope(board):
        for institution in (w.fund, w.bank):
            AllianceMembershipFactory(board=board, institution=institution, body="investment")
        InterestProfile.objects.create(board=board, institution=w.fund, industries=["稀土功能材料"])
        w.enterprise = EnterpriseFactory(
            board=board,
            name="包头瑞达稀土功能材料股份有限公司",
            industry="稀土功能材料",
            prefecture="包头市",
            status="admitted",
        )
        w.enterprise.users.add(w.enterprise_user)
        w.second = EnterpriseFactory(
            board=board,
            name="赤峰草原乳业科技有限公司",
            industry="乳业科技",
            status="admitted",
            prefecture="赤峰市",
        )
        w.second.users.add(w.second_user)
    w.other_staff = member(other_board, "xj-staff", Role.EXCHANGE_STAFF, staff=True)
    w.xj_fund = InstitutionFactory(code="XJFUND", name="新疆天山产业投资基金管理有限公司", kind="fund")
    w.xj_fund_user = member(other_board, "xjfund", Role.INSTITUTION_USER, w.xj_fund)
    w.xj_user = member(other_board, "xj-ent", Role.ENTERPRISE_USER)
    with board_scope(other_board):
        w.xj_enterprise = EnterpriseFactory(
            board=other_board, name="新疆天山硅基新材料有限公司", industry="硅基新材料", status="admitted"
        )
        w.xj_enterprise.users.add(w.xj_user)
    return w
