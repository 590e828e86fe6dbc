"""Demo data of risk sharing, on every demo board that runs the module: the productivity
centre's compensation fund, funders' reported NPL ratios, and a financing case in every state,
in both modes, all made through the services (letters, clocks, maker-checker, evidence). One
mode-1 case defaulted and its loss was split, the fund paying the productivity centre's part.

A second exchange-staff user ``<board>.checker`` approves what ``<board>.staff`` enters.
The funders, the firm and the AMC act as admitted alliance members, which the alliance seeder
(order 50) makes first; a board where they are not is left alone, with a note why.
Idempotent: funds on their institution, reports on (funder, period), cases on (enterprise,
purpose); an existing case is left alone.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel import demo
from boards.kernel.models import BoardMembership, Institution, Role
from risksharing import selectors, services
from risksharing.models import (
    CaseState,
    CompensationFund,
    ContractTerms,
    EnhancerView,
    FinancingCase,
    FirmInput,
    FunderNplReport,
    FunderRequest,
)

D = Decimal
# (purpose, mode, amount, target state); the enterprise user follows the first three.
PLAN = [
    ("演示：研发中试线建设流动资金", "1", D("3000000"), CaseState.IMPROVEMENT_ADVISED),
    ("演示：稀土永磁材料扩产", "2", D("8000000"), CaseState.WITH_FUNDERS),
    ("演示：智能装备订单生产资金", "1", D("5000000"), CaseState.LOSS_ALLOCATED),
    ("演示：检测实验室设备购置", "1", D("2000000"), CaseState.PRESCREENING),
    ("演示：氢能电解槽样机研制", "2", D("6000000"), CaseState.RECOMMENDED),
    ("演示：乳业科技冷链改造", "1", D("4000000"), CaseState.CONTRACTED),
    ("演示：风电叶片检测服务拓展", "2", D("10000000"), CaseState.DISBURSED),
    ("演示：生物菌剂产线升级", "1", D("2500000"), CaseState.REPAID),
    ("演示：新材料中试基地", "2", D("7000000"), CaseState.DEFAULTED),
    ("演示：信息技术平台研发", "2", D("3500000"), CaseState.NPL_TRANSFERRED),
    ("演示：草业科技种子基地", "1", D("1500000"), CaseState.CLOSED),
]
ENHANCERS = {"1": ["NMPC"], "2": ["NMZDB", "NMGUAR"]}
# Shares in percent by institution code: mode 1 funder 30 %; mode 2 funder 10 % or 0 % with an advantage.
SHARES = {"1": {"NMPC": D("70"), "IMB": D("30")},
          "2": {"NMZDB": D("60"), "NMGUAR": D("30"), "IMB": D("10")}}
ZERO_SHARE = {"NMZDB": D("60"), "NMGUAR": D("40"), "IMB": D("0")}
NPL_REPORTS = {"IMB": "1.62", "BOC": "1.35"}
# The part each institution plays in the cases below.
ROLES = {"NMPC": "enhancer", "NMZDB": "enhancer", "NMGUAR": "enhancer", "IMB": "funder", "BOC": "funder",
         "NMCPA": "firm", "NMAMC": "disposal"}
# What happens to the loan after the contract, per target state.
LOAN_STEPS = {
    CaseState.CONTRACTED: [],
    CaseState.DISBURSED: ["disburse"],
    CaseState.REPAID: ["disburse", "repay"],
    CaseState.DEFAULTED: ["disburse", "default"],
    CaseState.LOSS_ALLOCATED: ["disburse", "default", "allocate"],
    CaseState.NPL_TRANSFERRED: ["disburse", "default", "allocate", "transfer"],
}


def _checker(board):
    users = get_user_model().objects
    username = f"{board.slug}.checker"
    user = users.filter(username=username).first() or users.create(
        username=username, first_name="复核岗", email=f"{username}@{demo.EMAIL_DOMAIN}", is_staff=True,
        password=make_password(demo.DEMO_PASSWORD))
    BoardMembership.objects.update_or_create(user=user, board=board, role=Role.EXCHANGE_STAFF,
                                             defaults={"institution": None, "is_active": True})
    return user


def _meeting_at(target):
    """The 立项会: still ahead for a case waiting for it; long enough ago for a loan to have been
    disbursed since (200 days ago); last week for the others past it."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    if target == CaseState.RECOMMENDED:
        return now + dt.timedelta(days=2)
    return now - dt.timedelta(days=240 if target in LOAN_STEPS else 7)


def _date_around_the_meeting(case, meeting_at):
    """A case past its 立项会 was opened before it and moved on after it: the rows the services
    stamped with today get the days they would have had (opened and pre-screened a week before,
    views at the meeting, funders asked two days after and answering within a week, terms a
    fortnight after). Loan dates (disbursed 200 days ago and later) follow these."""
    day = dt.timedelta(days=1)
    FinancingCase.objects.filter(pk=case.pk).update(created_at=meeting_at - 7 * day)
    FirmInput.objects.filter(case=case).update(added_at=meeting_at - 6 * day)
    EnhancerView.objects.filter(case=case).exclude(recorded_at=None).update(recorded_at=meeting_at + day / 12)
    FunderRequest.objects.filter(case=case).update(sent_at=meeting_at + 2 * day)
    FunderRequest.objects.filter(case=case).exclude(answered_at=None).update(answered_at=meeting_at + 5 * day)
    ContractTerms.objects.filter(case=case).update(entered_at=meeting_at + 14 * day)
    ContractTerms.objects.filter(case=case).exclude(checked_at=None).update(checked_at=meeting_at + 15 * day)


class CaseSeeder:
    """Drives a new case through the services to its target state."""

    def __init__(self, board, staff, checker, codes):
        self.board, self.staff, self.checker, self.codes = board, staff, checker, codes
        self.today = timezone.localdate()

    def run(self, case, target):
        if target == CaseState.CLOSED:
            services.close_case(case, reason="企业已通过其他渠道解决融资需求。", actor=self.staff)
            return
        services.add_firm_input(case, institution=self.codes["NMCPA"], actor=self.staff,
                                summary="近三年财务报表经审计，收入真实，研发费用归集规范。")
        if target == CaseState.PRESCREENING:
            return
        enhancers = [self.codes[code] for code in ENHANCERS[case.mode]]
        meeting_at = _meeting_at(target)
        services.recommend_to_enhancers(case, enhancers=enhancers, actor=self.staff,
                                        opinion="企业经营稳健、技术先进，融资需求真实，建议提交立项会。",
                                        meeting_at=meeting_at, meeting_place="交易中心三楼会议室")
        if target == CaseState.RECOMMENDED:
            return
        intent = target != CaseState.IMPROVEMENT_ADVISED
        for institution in enhancers:
            opinion = "同意提供担保。" if intent else "抵质押物不足，暂不具备担保条件。"
            services.record_enhancer_view(case, institution=institution, intent=intent, opinion=opinion,
                                          actor=self.staff)
        if not intent:
            services.advise_improvement(case, actor=self.staff, text=(
                "立项会认为企业暂不具备担保条件。建议：补充知识产权质押物，规范应收账款管理，三个月后再次申请。"))
            _date_around_the_meeting(case, meeting_at)
            return
        self._funders(case, target)
        if target != CaseState.WITH_FUNDERS:
            self._contract(case, zero=target == CaseState.DISBURSED)
        _date_around_the_meeting(case, meeting_at)
        if target != CaseState.WITH_FUNDERS:
            self._loan(case, target)

    def _funders(self, case, target):
        imb, boc = self.codes["IMB"], self.codes["BOC"]
        services.send_to_funders(case, funders=[imb, boc], actor=self.staff)
        for request in case.funder_requests.select_related("funder").order_by("pk"):
            if request.funder == imb:
                services.answer_request(request, intent=True, amount=case.amount_requested, actor=self.staff,
                                        conditions="纳入科技贷专项额度，年利率不高于 3.65%。")
            elif target == CaseState.WITH_FUNDERS:
                services.answer_request(request, intent=False, actor=self.staff,
                                        reasons="该行业授信集中度已达上限，本年度暂不新增。")
            else:
                continue
            services.send_feedback(request, actor=self.staff, text=(
                "请按意向函的条件准备授信材料。" if request.state == "agreed"
                else "建议补充知识产权质押等增信措施后另行推荐。"))
        if target == CaseState.WITH_FUNDERS:
            self._propose(case, SHARES[case.mode])

    def _propose(self, case, shares, **kwargs):
        return services.propose_terms(
            case, funder=self.codes["IMB"], amount=case.amount_requested, annual_rate=D("3.65"),
            term_months=12, shares={self.codes[code]: share for code, share in shares.items()},
            actor=self.staff, **kwargs)

    def _contract(self, case, zero):
        if zero:
            terms = self._propose(case, ZERO_SHARE, advantage="funding_cost",
                                  advantage_note="再担保牵头，银行给予低于同期 LPR 50 个基点的优惠利率。")
        else:
            terms = self._propose(case, SHARES[case.mode])
        services.approve_terms(terms, actor=self.checker)

    def _loan(self, case, target):
        for step in LOAN_STEPS[target]:
            getattr(self, step)(FinancingCase.objects.get(pk=case.pk))

    def disburse(self, case):
        services.disburse(case, on=self.today - dt.timedelta(days=200), actor=self.staff)

    def repay(self, case):
        services.record_repayment(case, amount=case.outstanding, on=self.today, actor=self.staff)

    def default(self, case):
        services.declare_default(case, on=self.today - dt.timedelta(days=20), actor=self.staff)

    def allocate(self, case):
        allocation = services.propose_loss_allocation(case, loss=case.outstanding * D("0.4"),
                                                      actor=self.staff)
        services.approve_loss_allocation(allocation, actor=self.checker)

    def transfer(self, case):
        services.transfer_npl(case, transferee=self.codes["NMAMC"], on=self.today, price=D("800000"),
                              actor=self.staff)

@demo.demo_seeder(order=60)
def seed_risksharing(board, stdout):
    if "risksharing" not in board.setting("modules", []):
        return
    codes = {i.code: i for i in Institution.objects.filter(code__in=ROLES)}
    if len(codes) < len(ROLES):
        return
    ineligible = [code for code, party in ROLES.items()
                  if not selectors.parties(board, party).filter(pk=codes[code].pk).exists()]
    if ineligible:
        stdout.write(f"{board.short_name or board.name_zh}：跳过风险分担演示数据，"
                     f"{'、'.join(ineligible)} 不具备参与资格"
                     "（资金方、专业服务机构、风险处置机构须为已入会的联盟成员）")
        return
    users = get_user_model().objects
    staff, owner = users.get(username=f"{board.slug}.staff"), users.get(username=f"{board.slug}.enterprise")
    fund, created = CompensationFund.objects.get_or_create(
        board=board, institution=codes["NMPC"], defaults={"name": "内蒙古科技型中小企业风险补偿资金池"})
    if created:
        services.deposit_to_fund(fund, amount=D("2000000"), actor=staff, note="自治区财政首期注资（演示）")
    for code, ratio in NPL_REPORTS.items():
        FunderNplReport.objects.get_or_create(board=board, funder=codes[code], period="2026Q2", defaults={
            "overall_npl_ratio": D(ratio), "reported_on": dt.date(2026, 7, 15), "note": "演示数据"})
    seeder, made = CaseSeeder(board, staff, _checker(board), codes), 0
    for index, ((purpose, mode, amount, target), data) in enumerate(
            zip(PLAN, demo.demo_enterprises(board.slug)[10:10 + len(PLAN)], strict=True)):
        enterprise, _ = Enterprise.objects.get_or_create(
            board=board, credit_code=data["credit_code"],
            defaults={"name": data["name"], "prefecture": data["prefecture"], "industry": data["industry"],
                      "status": "admitted"})
        if index < 3:
            enterprise.users.add(owner)
        if FinancingCase.objects.filter(enterprise=enterprise, purpose=purpose).exists():
            continue
        case = services.open_case(board, enterprise=enterprise, mode=mode, amount=amount, purpose=purpose,
                                  actor=staff)
        seeder.run(case, target)
        made += 1
    stdout.write(f"{board.short_name or board.name_zh}：风险分担项目新建 {made} 个，资金池余额 "
                 f"{CompensationFund.objects.get(pk=fund.pk).balance} 元")
