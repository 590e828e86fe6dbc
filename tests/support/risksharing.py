"""Helpers of the risksharing tests, shared with other folders (the fixtures stay in its conftest.py)."""

import datetime as dt
import io
from decimal import Decimal

import time_machine
from pypdf import PdfReader

from boards.kernel.calendar import SHANGHAI
from boards.kernel.filings import render_filing_now
from boards.kernel.models import Filing, Role, TenantModel
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import FinancingCase, FunderRequest
from tests.factories import (
    AllianceMembershipFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)

D = Decimal
START = dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)  # a Monday


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


# code: (name, kind, membership role, alliance body of its admitted membership or None)
INSTITUTIONS = {
    "NMPC": ("内蒙古生产力促进中心有限公司", "productivity_centre", Role.CREDIT_ENHANCER, None),
    "NMZDB": ("内蒙古再担保有限公司", "reguarantee", Role.CREDIT_ENHANCER, None),
    "NMGUAR": ("内蒙古中小企业融资担保有限公司", "guarantee", Role.CREDIT_ENHANCER, None),
    "IMB": ("内蒙古银行股份有限公司", "bank", Role.INSTITUTION_USER, "investment"),
    "BOC": ("中国银行股份有限公司", "bank", Role.INSTITUTION_USER, "investment"),
    "NMCPA": ("内蒙古正信会计师事务所有限责任公司", "accounting", Role.INSTITUTION_USER, "professional"),
    "NMAMC": ("内蒙古金融资产管理有限公司", "amc", Role.INSTITUTION_USER, "risk_disposal"),
}


class Parties(dict):
    """Institution by code, ``users[code]``: a member user of each on the board, and
    ``alliance[code]``: the admitted federation membership of the funders, firm and AMC."""

    def __init__(self, board):
        super().__init__()
        self.users, self.alliance = {}, {}
        for code, (name, kind, role, body) in INSTITUTIONS.items():
            self[code] = InstitutionFactory(code=code, name=name, kind=kind)
            self.users[code] = UserFactory(username=f"user-{code.lower()}")
            MembershipFactory(user=self.users[code], board=board, role=role, institution=self[code])
            if body is not None:
                with board_scope(board):
                    self.alliance[code] = AllianceMembershipFactory(board=board, institution=self[code],
                                                                    body=body)


AMOUNT = D("5000000")
SHARES = {"1": {"NMPC": D("70"), "IMB": D("30")},
          "2": {"NMZDB": D("60"), "NMGUAR": D("30"), "IMB": D("10")}}
ENHANCERS = {"1": ["NMPC"], "2": ["NMZDB", "NMGUAR"]}


class Flow:
    """Drives cases through the services inside the board's scope, on a fixed clock."""

    def __init__(self, board, staff, checker, parties):
        self.board, self.staff, self.checker, self.p = board, staff, checker, parties

    def reload(self, obj):
        """``obj`` afresh with its tenant-owned relations (clocks, letters, contract), which can
        then be read outside the scope."""
        model = type(obj)
        related = [f.name for f in model._meta.fields
                   if f.is_relation and issubclass(f.related_model, TenantModel) and f.name != "board"]
        with board_scope(self.board):
            return model.objects.select_related(*related).get(pk=obj.pk)

    def open(self, enterprise, mode="1", amount=AMOUNT, at=START):
        with board_scope(self.board), time_machine.travel(at, tick=False):
            return services.open_case(self.board, enterprise=enterprise, mode=mode, amount=amount,
                                      purpose="研发中试线流动资金", actor=self.staff)

    def recommended(self, enterprise, mode="1", at=START):
        case = self.open(enterprise, mode, at=at)
        with board_scope(self.board), time_machine.travel(at, tick=False):
            services.add_firm_input(case, institution=self.p["NMCPA"], actor=self.staff,
                                    summary="财务报表经审计，研发费用归集规范。")
            services.recommend_to_enhancers(case, enhancers=[self.p[c] for c in ENHANCERS[mode]],
                                            opinion="经营稳健，建议提交立项会。", actor=self.staff)
        return self.reload(case)

    def guaranteed(self, enterprise, mode="1", at=START):
        case = self.recommended(enterprise, mode, at)
        with board_scope(self.board), time_machine.travel(at + dt.timedelta(hours=2), tick=False):
            for code in ENHANCERS[mode]:
                services.record_enhancer_view(case, institution=self.p[code], intent=True,
                                              opinion="同意担保。", actor=self.p.users[code])
        return self.reload(case)

    def sent(self, enterprise, mode="1", funders=("IMB",), at=START):
        case = self.guaranteed(enterprise, mode, at)
        with board_scope(self.board), time_machine.travel(at + dt.timedelta(hours=3), tick=False):
            services.send_to_funders(case, funders=[self.p[c] for c in funders], actor=self.staff)
        return self.reload(case)

    def request(self, case, code="IMB"):
        with board_scope(self.board):
            return self.reload(FunderRequest.objects.get(case=case, funder=self.p[code]))

    def agreed(self, enterprise, mode="1", at=START):
        case = self.sent(enterprise, mode, at=at)
        with board_scope(self.board), time_machine.travel(at + dt.timedelta(days=1), tick=False):
            services.answer_request(self.request(case), intent=True, amount=AMOUNT,
                                    conditions="年利率 3.65%", actor=self.p.users["IMB"])
        return self.reload(case)

    def propose(self, case, shares=None, **kwargs):
        shares = shares or SHARES[case.mode]
        with board_scope(self.board):
            return services.propose_terms(
                case, funder=self.p["IMB"], amount=D("5000000"), annual_rate=D("3.65"), term_months=12,
                shares={self.p[code]: share for code, share in shares.items()}, actor=self.staff, **kwargs)

    def contracted(self, enterprise, mode="1", shares=None, **kwargs):
        case = self.agreed(enterprise, mode)
        terms = self.propose(case, shares, **kwargs)
        with board_scope(self.board):
            services.approve_terms(terms, actor=self.checker)
        return self.reload(case)

    def defaulted(self, enterprise, mode="1", **kwargs):
        case = self.contracted(enterprise, mode, **kwargs)
        with board_scope(self.board):
            services.disburse(case, on=dt.date(2026, 4, 1), actor=self.staff)
            services.declare_default(case, on=dt.date(2026, 9, 1), actor=self.staff)
        return self.reload(case)

    def allocated(self, case, loss):
        with board_scope(self.board):
            allocation = services.propose_loss_allocation(case, loss=loss, actor=self.staff)
            services.approve_loss_allocation(allocation, actor=self.checker)
            return self.reload(allocation)


def pdf_text(board, filing):
    """Render ``filing`` now (the Celery task's body) and return its PDF's text."""
    with board_scope(board):
        filing = render_filing_now(filing.pk)
        assert filing.state == "rendered", filing.error
        with filing.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def case_filings(board, case, kind):
    with board_scope(board):
        return list(Filing.objects.filter(subject_id=str(case.pk), kind=f"risksharing.{kind}").order_by("pk"))


def cases(board):
    with board_scope(board):
        return list(FinancingCase.objects.order_by("pk"))
