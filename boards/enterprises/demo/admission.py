"""Demo data of admission (seed_demo), after the enterprise registry: each admission board's
``admission`` config, an account per approving body, and two campaigns walked through the real
services (so evidence, filings, deadlines and notifications exist):

- the first campaign, closed, with the dates of its notice (Xinjiang: notice of 2023-12-25,
  bureaus by 2024-01-15, check by 2024-01-26): two enterprises admitted, one held back by an
  upheld objection, one ineligible;
- this year's campaign, open, with an application in every other state: draft, submitted
  (by the enterprise, and by the bureau), forwarded (filed by a bank), under check (in Inner
  Mongolia, an enterprise without recognition, which the check refuses), returned for a
  supplement, eligible, ineligible, in a draft plan, in an approved plan, in publicity with an
  objection to decide.

Runs once per board: a board that already has a campaign is left alone.
"""

import copy
import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from weasyprint import HTML

from boards.enterprises.demo.registry import GIVEN, SURNAMES, _money, enterprise_account
from boards.enterprises.models import Campaign, Enterprise, Objection, PlanApproval, Qualification, TierPlan
from boards.enterprises.services import admission, application_form, plans
from boards.kernel import calendar
from boards.kernel.demo import demo_enterprises, demo_seeder, demo_user, grant_role, set_demo_password
from boards.kernel.models import BoardMembership, Institution, InstitutionKind, Role
from boards.kernel.uscc import make_uscc

ADMISSION_CONFIG = {
    "xj-zjtx": {"approving_bodies": [{"code": "gxt", "name": "自治区工信厅"},
                                     {"code": "jrjg", "name": "自治区地方金融监管局"},
                                     {"code": "zjj", "name": "新疆证监局"}],
                "publicity_workdays": 5, "filing_addressee": "gxt"},
    "nmg-kcb": {"approving_bodies": [{"code": "kjt", "name": "自治区科技厅"},
                                     {"code": "jrb", "name": "自治区金融办"}],
                "publicity_workdays": 5, "filing_addressee": "kjt"},
}
# Government institutions whose code is an approving body's code (the regulator users' link).
BODY_INSTITUTIONS = {"gxt": "新疆维吾尔自治区工业和信息化厅", "jrjg": "新疆维吾尔自治区地方金融监督管理局",
                     "zjj": "中国证券监督管理委员会新疆监管局", "kjt": "内蒙古自治区科学技术厅",
                     "jrb": "内蒙古自治区地方金融监督管理局"}
FIRST_CAMPAIGN = {
    "xj-zjtx": ("2024年自治区“专精特新”专板首批入板申报", dt.date(2023, 12, 25), dt.date(2024, 1, 15),
                dt.date(2024, 1, 26)),
    "nmg-kcb": ("2024年内蒙古科创板首批入板申报", dt.date(2024, 3, 1), dt.date(2024, 3, 29),
                dt.date(2024, 4, 19)),
}
# Qualifications of the 16 demo applicants, in the order the walk uses them (4 for the first
# campaign, 12 for this year's). Inner Mongolia's entry needs 科技型 or 创新型: all hold one but
# the 9th, the one this year's walk leaves under check (the check refuses it).
QUALIFICATIONS = {
    "xj-zjtx": [("specialized_sme",), ("little_giant", "specialized_sme"), ("innovative_sme",), ()]
    + [("specialized_sme",), ("innovative_sme",), ()] * 4,
    "nmg-kcb": [("tech_sme",), ("high_tech",), ("tech_sme",), ("high_tech",), ("tech_sme",), ("high_tech",),
                ("tech_sme",), ("high_tech",), ()] + [("high_tech",)] * 7,
}
APPLICANTS = 16
# This year's applicants the board's 集团 account (``<board>.enterprise``) also acts for: a draft,
# one returned for a supplement, one in publicity. Every applicant has its own account besides.
GROUP = (0, 5, 8)


class Walk:
    """The people of one board and the steps that take an application to a state."""

    def __init__(self, board, material, regulators):
        users = get_user_model().objects
        self.board, self.material, self.regulators = board, material, regulators
        self.staff = users.get(username=f"{board.slug}.staff")
        self.enterprise_user = users.get(username=f"{board.slug}.enterprise")
        self.bureau = users.get(username=f"{board.slug}.bureau")
        self.prefecture = BoardMembership.objects.get(user=self.bureau, board=board,
                                                      role=Role.LOCAL_BUREAU).prefecture
        self.bank = users.get(username=f"{board.slug}.institution")
        self.bank_institution = BoardMembership.objects.get(user=self.bank, board=board,
                                                            role=Role.INSTITUTION_USER).institution

    def upload(self, name):
        return SimpleUploadedFile(name, self.material, content_type="application/pdf")

    def draft(self, enterprise, campaign):
        account = enterprise_account(enterprise)
        application = admission.create_application(enterprise, campaign, actor=account)
        fill_form(application, account, self.board)
        admission.add_material(application, self.upload("入板申请表.pdf"), title="入板申请表（盖章扫描件）",
                               actor=account)
        return application

    def submitted(self, enterprise, campaign):
        return admission.submit_application(self.draft(enterprise, campaign),
                                            actor=enterprise_account(enterprise))

    def under_check(self, enterprise, campaign):
        application = self.submitted(enterprise, campaign)
        admission.forward_batch([application], prefecture=self.prefecture, actor=self.bureau)
        return admission.start_check(application, actor=self.staff)

    def eligible(self, enterprise, campaign):
        return admission.mark_eligible(self.under_check(enterprise, campaign), actor=self.staff)

    def ineligible(self, enterprise, campaign):
        return admission.mark_ineligible(self.under_check(enterprise, campaign), actor=self.staff,
                                         reasons="主营业务不明确，近两年营业收入下滑，暂不符合专板入板条件。")

    def approved_plan(self, campaign, applications):
        plan = plans.build_plan(campaign, applications, actor=self.staff)
        plans.submit_plan(plan, actor=self.staff)
        for code, user in self.regulators.items():
            plans.decide_plan(plan, body=code, approved=True, comment="同意。", actor=user)
        return plan


def fill_form(application, actor, board):
    """The applicant's 入板申请表: the facts the registry lacks, and the two years' figures it lacks,
    drawn from the enterprise's code (the same on every run)."""
    enterprise = application.enterprise
    rng = random.Random(f"form:{enterprise.credit_code}")
    facts = {"registered_capital": _money(rng, 500, 5000),
             "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
             "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
             "contact_phone": f"13{rng.randrange(100000000, 999999999)}"}
    have = set(enterprise.financials.values_list("year", flat=True))
    financials = {}
    for year in application_form.required_years(enterprise):
        revenue = _money(rng, 800, 6000)
        if year not in have:
            profit = (revenue * rng.randrange(4, 12) / 100).quantize(1)
            financials[year] = {"revenue": revenue, "net_profit": profit,
                                "rd_expense": (revenue * rng.randrange(3, 8) / 100).quantize(1),
                                "total_assets": revenue * 2}
    application_form.fill_application_form(
        application, actor=actor, financials=financials,
        fields={name: value for name, value in facts.items() if not getattr(enterprise, name)},
        basis=f"申报{board.short_name or board.name_zh}：{enterprise.main_business}，具备持续经营能力，"
              "已获相关资质认定。")


def _material():
    return HTML(string="<html><body style=\"font-family: 'Noto Sans CJK SC'\">"
                       "<h1>企业入板申请材料（演示）</h1><p>一、企业基本情况</p><p>二、资质证明</p>"
                       "<p>三、近两年财务报表</p></body></html>").write_pdf()


def _regulators(board):
    """A REGULATOR account per approving body, its membership linked to the body's institution."""
    users = {}
    for body in admission.approving_bodies(board):
        institution, _ = Institution.objects.update_or_create(
            code=body["code"],
            defaults={"name": BODY_INSTITUTIONS[body["code"]], "kind": InstitutionKind.GOVERNMENT,
                      "credit_code": make_uscc(random.Random(f"body:{body['code']}"), "100000")})
        user = demo_user(f"{board.slug}.{body['code']}", body["name"])
        grant_role(user, board, Role.REGULATOR, institution)
        users[body["code"]] = user
    set_demo_password(users.values())
    return users


def _applicants(board, prefecture, enterprise_user):
    """16 prospects beyond the registry's 50, registered in the bureau's prefecture (their names,
    codes and prefecture agree), each with its own account; the 集团 account acts for ``GROUP``."""
    enterprises = []
    for index, (data, kinds) in enumerate(zip(demo_enterprises(board.slug, APPLICANTS, prefecture=prefecture),
                                              QUALIFICATIONS[board.slug], strict=True)):
        enterprise, _ = Enterprise.objects.update_or_create(
            board=board, credit_code=data["credit_code"],
            defaults={**data, "main_business": f"{data['industry']}产品研发与销售",
                      "founded_on": dt.date(2016, 5, 1)})
        enterprise_account(enterprise)
        if index - 4 in GROUP:  # the first four go to the first campaign
            enterprise.users.add(enterprise_user)
        for kind in kinds:
            Qualification.objects.get_or_create(board=board, enterprise=enterprise, kind=kind,
                                                defaults={"issued_on": dt.date(2024, 6, 1), "source": "demo"})
        enterprises.append(enterprise)
    return enterprises


def _first_campaign(walk, enterprises):
    name, opens_on, bureau_deadline, check_deadline = FIRST_CAMPAIGN[walk.board.slug]
    campaign = admission.create_campaign(walk.board, name=name, opens_on=opens_on,
                                         bureau_deadline=bureau_deadline, check_deadline=check_deadline,
                                         actor=walk.staff)
    admitted = [walk.eligible(e, campaign) for e in enterprises[:3]]
    walk.ineligible(enterprises[3], campaign)
    plan = walk.approved_plan(campaign, admitted)
    plans.start_publicity(plan, actor=walk.staff)
    objection = plans.raise_objection(admitted[2], raised_by="某投资人",
                                          text="该企业存在未披露的股权纠纷，请核实。")
    plans.decide_objection(objection, upheld=True, reason="经核实，股权纠纷尚未了结，暂缓入板。",
                               actor=walk.staff)
    # Demo data cannot wait for the publicity to end: it is dated as it would have run, ten
    # working days after the check deadline, before the two others are admitted.
    starts_on = calendar.add_workdays(check_deadline, 10).date
    end = plans.publicity_end(walk.board, starts_on)
    TierPlan.objects.filter(pk=plan.pk).update(publicity_starts_on=starts_on, publicity_ends_on=end.date,
                                               publicity_provisional=end.provisional)
    for application in admitted[:2]:
        plans.admit(application, actor=walk.staff)
    admission.close_campaign(campaign, actor=walk.staff)
    _date_within(campaign, plan)


def _date_within(campaign, plan):
    """The first campaign ran in its own window: what the services stamped with today gets the
    day it would have had (filed after the notice, forwarded by the bureaus' deadline, checked by
    the exchange's, the plan approved before its publicity, the objection during it)."""
    def at(day, hour=10):
        return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())

    day = dt.timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(created_at=at(campaign.opens_on - day))
    campaign.applications.update(created_at=at(campaign.opens_on + 2 * day),
                                 submitted_at=at(campaign.opens_on + 3 * day),
                                 forwarded_at=at(campaign.bureau_deadline - day),
                                 decided_at=at(campaign.check_deadline - day))
    TierPlan.objects.filter(pk=plan.pk).update(created_at=at(campaign.check_deadline),
                                               submitted_at=at(campaign.check_deadline + day),
                                               approved_at=at(campaign.check_deadline + 5 * day))
    PlanApproval.objects.filter(plan=plan).update(decided_at=at(campaign.check_deadline + 4 * day))
    publicity = TierPlan.objects.values_list("publicity_starts_on", flat=True).get(pk=plan.pk)
    Objection.objects.filter(application__plan=plan).update(raised_at=at(publicity + day))


def _current_campaign(walk, enterprises):
    today = timezone.localdate()
    campaign = admission.create_campaign(
        walk.board, name=f"{today.year}年入板申报", opens_on=today - dt.timedelta(days=14),
        bureau_deadline=today + dt.timedelta(days=10), check_deadline=today + dt.timedelta(days=24),
        actor=walk.staff)
    e = iter(enterprises)
    walk.draft(next(e), campaign)
    walk.submitted(next(e), campaign)
    admission.file_by_bureau(next(e), campaign, actor=walk.bureau)
    admission.file_by_institution(next(e), campaign, walk.upload("尽职调查报告.pdf"),
                                  institution=walk.bank_institution, actor=walk.bank)
    walk.under_check(next(e), campaign)
    returned = walk.under_check(next(e), campaign)
    admission.request_supplement(returned, text="请补充近两年经审计的财务报表及专精特新认定文件。",
                                 actor=walk.staff)
    walk.eligible(next(e), campaign)
    walk.ineligible(next(e), campaign)
    publicity = walk.approved_plan(campaign, [walk.eligible(next(e), campaign),
                                              walk.eligible(next(e), campaign)])
    plans.start_publicity(publicity, actor=walk.staff)
    plans.raise_objection(publicity.applications.order_by("pk").first(), raised_by="王某（13900000000）",
                              text="反映该企业近期存在环保处罚，请核实。")
    walk.approved_plan(campaign, [walk.eligible(next(e), campaign)])
    plans.build_plan(campaign, [walk.eligible(next(e), campaign)], actor=walk.staff)


@demo_seeder(order=30)
def seed_admission(board, stdout):
    if board.slug not in ADMISSION_CONFIG or "admission" not in board.setting("modules", []):
        return
    board.config = {**board.config, "admission": copy.deepcopy(ADMISSION_CONFIG[board.slug])}
    board.save()
    regulators = _regulators(board)
    if Campaign.objects.filter(board=board).exists():
        return
    walk = Walk(board, _material(), regulators)
    enterprises = _applicants(board, walk.prefecture, walk.enterprise_user)
    _first_campaign(walk, enterprises[:4])
    _current_campaign(walk, enterprises[4:])
    stdout.write(f"{board.short_name}：入板申报批次 2 个，申请 {APPLICANTS} 项（覆盖全部状态）")
