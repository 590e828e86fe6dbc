"""Demo data of the alliance (seed_demo), on the boards that run it: federation members with
their qualifications, 金融超市 products, consents, financing needs, interest profiles,
matchmakings at every stage (a financed case, a failure with its reason), meetings, an exit
case, a recommendation; on Jinzhong a completed selection round with appointed institutions,
their forms and a proposed annual grade, and an open round.

Idempotent: rows are matched on natural keys (get_or_create), workflow states are set only
when a row is created."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from weasyprint import HTML

from alliance import rules, service_institutions, services
from alliance.models import (
    Appointment,
    AppointmentState,
    Attendance,
    BlacklistRecord,
    Body,
    ExpertScore,
    FeeAttestation,
    FinancingNeed,
    InstitutionQualification,
    InterestProfile,
    Matchmaking,
    MatchState,
    Meeting,
    MeetingKind,
    MeetingState,
    Membership,
    MembershipState,
    NeedState,
    PerformanceForm,
    Product,
    ProductType,
    ProgressReport,
    Recommendation,
    ReviewMode,
    RoundState,
    SelectionRound,
    ServiceApplication,
    ServiceApplicationState,
)
from boards.enterprises.models import DataConsent, Enterprise, EnterpriseStatus
from boards.enterprises.tiers import scheme
from boards.kernel.demo import demo_enterprises, demo_seeder
from boards.kernel.models import Institution
from boards.kernel.uscc import make_uscc

CONTACTS = ("王建国", "李海燕", "张志强", "刘丽娟", "陈晓东", "杨红梅", "赵立新", "黄文博")
MEMBERS = {
    "nmg-kcb": {Body.INVESTMENT: ["IMB", "BOC", "NMKCFUND", "NMGUAR", "NMPC", "NMZDB"],
                Body.PROFESSIONAL: ["HTZQ", "NMCPA", "NMVAL", "NMLAW"], Body.RISK_DISPOSAL: ["NMAMC"],
                Body.EXPERT_COMMITTEE: ["HTZQ", "NMKCFUND"]},
    "ordos": {Body.INVESTMENT: ["ORDOSBANK", "IMB", "ORDOSGUAR", "NMKCFUND", "NMZDB"],
              Body.PROFESSIONAL: ["HTZQ"], Body.RISK_DISPOSAL: ["NMAMC"]},
    "jinzhong": {Body.INVESTMENT: ["JSHB", "SXZDB", "PICCJZ"], Body.PROFESSIONAL: ["SXZQ"]},
}
# Applications staff have still to check (an accounting firm is outside the committee's kinds).
PENDING = {"nmg-kcb": [(Body.EXPERT_COMMITTEE, "NMCPA")]}
# (institution, qualification, number)
QUALIFICATIONS = {
    "nmg-kcb": [("HTZQ", "exchange_membership", "NMGEX-M-0012"),
                ("NMCPA", "exchange_membership", "NMGEX-M-0031"),
                ("NMCPA", "high_tech_audit", "内科高审〔2024〕07号"),
                ("NMVAL", "exchange_membership", "NMGEX-M-0033"),
                ("NMVAL", "intangible_valuation", "内评协〔2023〕112号"),
                ("NMLAW", "exchange_membership", "NMGEX-M-0040")],
    "ordos": [("HTZQ", "exchange_membership", "NMGEX-M-0012")],
    "jinzhong": [("SXZQ", "exchange_membership", "SXEX-M-0008")],
}
# (institution, name, type, preference for board enterprises,
#  amount range in 10k yuan, rate range, term months, approval days, tier ranks, qualifications, for tech)
PRODUCTS = {
    "nmg-kcb": [
        ("IMB", "科创信用贷", "credit_loan", "专板企业利率下浮 20 个基点，开辟绿色审批通道",
         (50, 1000), ("3.45", "4.35"), (6, 36), 5, (), ("tech_sme", "high_tech"), True),
        ("IMB", "知识产权质押融资", "ip_pledge_loan", "评估费由银行承担",
         (100, 3000), ("3.65", "4.50"), (12, 36), 10, (), (), True),
        ("BOC", "中银科技通宝", "credit_loan", "优选层及以上企业免担保",
         (100, 2000), ("3.30", "4.20"), (12, 36), 7, (2, 3), ("high_tech",), True),
        ("NMGUAR", "科技型企业融资担保", "guarantee", "专板企业担保费率不高于 1%",
         (100, 1000), ("1.00", "1.50"), (12, 24), 10, (), (), True),
        ("NMKCFUND", "内蒙古科创种子基金", "equity_fund", "优先投资专板优选层企业",
         (500, 5000), (None, None), (36, 84), 30, (), ("high_tech",), True),
        ("NMPC", "风险补偿增信贷", "credit_loan", "",
         (50, 500), ("3.80", "4.60"), (12, 24), 15, (1,), (), False),
    ],
    "ordos": [
        ("ORDOSBANK", "人才贷", "talent_loan", "对人才团队创办企业免抵押",
         (10, 300), ("3.20", "3.85"), (12, 36), 5, (), (), True),
        ("ORDOSGUAR", "人才保", "talent_guarantee", "担保费率减半",
         (10, 500), ("0.50", "1.00"), (12, 36), 7, (), (), True),
        ("NMKCFUND", "人才投", "talent_investment", "",
         (100, 2000), (None, None), (36, 84), 30, (), (), True),
        ("IMB", "知识产权质押融资", "ip_pledge_loan", "评估费由银行承担",
         (100, 3000), ("3.65", "4.50"), (12, 36), 10, (), (), True),
    ],
    "jinzhong": [
        ("JSHB", "晋商科创贷", "credit_loan", "晋创谷入驻企业利率优惠",
         (50, 1000), ("3.50", "4.30"), (6, 36), 5, (), ("tech_sme",), True),
        ("PICCJZ", "科技保险", "insurance", "保费补贴申报协助",
         (10, 500), ("0.80", "1.50"), (12, 12), 3, (), (), True),
        ("SXZDB", "科技再担保", "guarantee", "",
         (100, 2000), ("0.50", "1.00"), (12, 36), 10, (), (), True),
    ],
}
WAN = Decimal(10000)


def _institution(code):
    return Institution.objects.get(code=code)


def _contacts(code):
    rng = random.Random(f"alliance-contacts:{code}")
    return {"executive_lead": rng.choice(CONTACTS),
            "executive_title": "副行长" if code.endswith("BANK") else "副总经理",
            "liaison_name": rng.choice(CONTACTS), "liaison_phone": f"13{rng.randrange(100000000, 999999999)}"}


def _members(board, today):
    for body, codes in MEMBERS.get(board.slug, {}).items():
        for code in codes:
            institution = _institution(code)
            if Membership.objects.filter(board=board, institution=institution, body=body).exists():
                continue
            contacts = _contacts(code)
            if body == Body.INVESTMENT:
                contacts["declared_preference"] = "对专板企业开辟绿色审批通道，审批时限压缩三分之一。"
            candidate = Membership(board=board, institution=institution, body=body, **contacts)
            rows = rules.admission_rows(candidate, today)
            Membership.objects.create(board=board, institution=institution, body=body,
                                      state=MembershipState.ADMITTED, check_result=rows,
                                      admitted_on=today - dt.timedelta(days=300), **contacts)
    for body, code in PENDING.get(board.slug, []):
        Membership.objects.get_or_create(board=board, institution=_institution(code), body=body,
                                         defaults=_contacts(code))


def _products(board):
    ranks = {tier["rank"]: tier["code"] for tier in scheme(board)}
    for code, name, kind, preference, amounts, rates, terms, days, tiers, quals, tech in PRODUCTS.get(
            board.slug, []):
        Product.objects.get_or_create(board=board, institution=_institution(code), name=name, defaults={
            "product_type": kind, "amount_min": amounts[0] * WAN, "amount_max": amounts[1] * WAN,
            "rate_min": rates[0] and Decimal(rates[0]), "rate_max": rates[1] and Decimal(rates[1]),
            "term_min_months": terms[0], "term_max_months": terms[1], "approval_days": days,
            "target_tiers": [ranks[r] for r in tiers if r in ranks], "required_qualifications": list(quals),
            "for_tech_enterprises": tech, "board_preference": preference,
            "description": f"{name}：面向科技型中小企业的{ProductType(kind).label}产品。"})


def _enterprises(board):
    codes = [e["credit_code"] for e in demo_enterprises(board.slug)]
    found = {e.credit_code: e for e in Enterprise.objects.filter(board=board, credit_code__in=codes)}
    return [found[code] for code in codes if code in found]


NEED_STATES = [NeedState.WHITELISTED] * 3 + [NeedState.SUBMITTED, NeedState.DECLINED]
DECLINED_NOTE = "资金用途涉及未披露的核心工艺，请补充可公开的说明后重新提交"
# (enterprise index, state, extra fields) of the first investor's matchmakings; the push adds more.
STAGES = [
    (0, MatchState.FINANCED, {
        "financed_amount": 500 * WAN, "financed_instrument": "ip_pledge_loan", "is_case": True,
        "case_title": "知识产权质押助力新产品量产",
        "case_summary": "经交易中心推送和深度对接，银行以企业 6 项发明专利质押发放贷款 500 万元。"}),
    (1, MatchState.FAILED, {"failed_from": MatchState.DUE_DILIGENCE, "reason_category": "collateral",
                            "reason_text": "尽调发现企业缺少可质押资产，担保机构未出具担保意向。"}),
    (2, MatchState.NOT_INTERESTED, {"reason_category": "out_of_scope",
                                    "reason_text": "企业所在行业不在本年度授信投向内。"}),
    (3, MatchState.DEEP_ENGAGEMENT, {}),
    (4, MatchState.INTERESTED, {}),
    (5, MatchState.PUSHED, {}),
]


def _needs(board, enterprises, owner, staff):
    needs = {}
    for i, (enterprise, state) in enumerate(zip(enterprises, NEED_STATES, strict=False)):
        listed = state == NeedState.WHITELISTED
        needs[enterprise.pk], _ = FinancingNeed.objects.get_or_create(
            board=board, enterprise=enterprise, use=f"{enterprise.industry}新产品研发及产线扩建", defaults={
                "amount": Decimal(300 + 200 * i) * WAN, "term_months": 24 + 6 * i, "state": state,
                "posted_by": owner, "product_types": ["credit_loan", "ip_pledge_loan"],
                "curated_by": None if state == NeedState.SUBMITTED else staff,
                "summary": f"{enterprise.industry}企业扩大产能的中期资金需求" if listed else "",
                "note": DECLINED_NOTE if state == NeedState.DECLINED else ""})
    return {pk: need for pk, need in needs.items() if need.state == NeedState.WHITELISTED}


def _market(board, enterprises, today):
    """Consents, needs, profiles, matchmakings at each stage, a recommendation."""
    users = get_user_model().objects
    owner = users.get(username=f"{board.slug}.enterprise")
    staff = users.get(username=f"{board.slug}.staff")
    enterprises[0].users.add(owner)
    consenting = enterprises[:8]
    for enterprise in consenting:
        DataConsent.objects.get_or_create(board=board, enterprise=enterprise, institution=None, defaults={
            "categories": ["basic", "qualifications", "financing"], "granted_by": owner,
            "expires_at": timezone.now() + dt.timedelta(days=365)})
    listed = _needs(board, enterprises, owner, staff)
    investors = [_institution(code) for code in MEMBERS.get(board.slug, {}).get(Body.INVESTMENT, [])]
    if not investors:
        return
    for investor in investors[:2]:
        InterestProfile.objects.get_or_create(board=board, institution=investor, defaults={
            "industries": sorted({e.industry for e in consenting[:6]}), "amount_min": 100 * WAN,
            "amount_max": 5000 * WAN})
    for index, state, extra in STAGES[:len(consenting)]:
        enterprise = consenting[index]
        dates = {"financed_on": today - dt.timedelta(days=40)} if state == MatchState.FINANCED else {}
        if state == MatchState.DEEP_ENGAGEMENT:
            dates = {"value_report_requested_at": timezone.now() - dt.timedelta(days=3)}
        reason = {"criterion": "industry", "met": True,
                  "reason": f"企业行业「{enterprise.industry}」属于关注行业"}
        Matchmaking.objects.get_or_create(
            board=board, institution=investors[0], enterprise=enterprise, need=listed.get(enterprise.pk),
            defaults={"state": state, "financed_tier": enterprise.tier, "match_reasons": [reason], **extra,
                      **dates})
    prospects = [e for e in enterprises if e.status == EnterpriseStatus.PROSPECT] or enterprises[-1:]
    Recommendation.objects.get_or_create(
        board=board, institution=investors[-1], enterprise=prospects[0],
        defaults={"reason": "本机构已完成天使轮投资，企业研发投入占比高，推荐进入专板。", "invested": True})
    services.push_matches(board)


def _meetings(board, today):
    """Each body with a cadence: its last regular meeting, held, and the next one planned."""
    for body in MEMBERS.get(board.slug, {}):
        months = board.setting(f"alliance.bodies.{body}.meeting_every_months")
        regular = Meeting.objects.filter(board=board, body=body, kind=MeetingKind.REGULAR)
        if not months or regular.filter(state=MeetingState.HELD).exists():
            continue
        held_on = today - dt.timedelta(days=30 * months - 20)
        meeting = Meeting.objects.create(
            board=board, body=body, kind=MeetingKind.REGULAR, scheduled_on=held_on, state=MeetingState.HELD,
            title=f"{Body(body).label}{held_on.year}年例会",
            agenda="一、通报上期对接成效；二、审议新成员入会；三、讨论下期重点推送企业。",
            minutes="会议通报了本期对接与融资情况，同意新成员入会，明确下期推送重点。")
        members = Membership.objects.filter(board=board, body=body).select_related("institution")
        Attendance.objects.bulk_create([Attendance(board=board, meeting=meeting, institution=m.institution,
                                                   attended=i % 4 != 3) for i, m in enumerate(members)])
        services.plan_next_meeting(board, body)


def _exit_case(board):
    if "NMLAW" in MEMBERS.get(board.slug, {}).get(Body.PROFESSIONAL, []):
        services.open_exit_cases(board, institution=_institution("NMLAW"), source="demo:quality-challenge",
                                 grounds="专家评审认为该所出具的法律意见书对企业股权代持问题核查不充分，不具备专业胜任能力。")


@demo_seeder(order=50)
def seed_alliance(board, stdout):
    if "alliance" not in board.setting("modules", []):
        return
    today = timezone.localdate()
    for code, kind, number in QUALIFICATIONS.get(board.slug, []):
        InstitutionQualification.objects.get_or_create(board=board, institution=_institution(code), kind=kind,
                                                       number=number, defaults={
            "issuer": "内蒙古股权交易中心" if kind == "exchange_membership" else "行业主管部门",
            "issued_on": today - dt.timedelta(days=400), "valid_until": today + dt.timedelta(days=700)})
    _products(board)
    _members(board, today)
    enterprises = _enterprises(board)
    if enterprises:
        _market(board, enterprises, today)
    _meetings(board, today)
    _exit_case(board)
    stdout.write(f"{board.short_name}：联盟成员 {Membership.objects.filter(board=board).count()} 个，"
                 f"金融产品 {Product.objects.filter(board=board).count()} 款，"
                 f"对接项目 {Matchmaking.objects.filter(board=board).count()} 个")


# --- Jinzhong ---------------------------------------------------------------------------------------

# (code, name, kind, division, established) of candidates not in the kernel's list
CANDIDATES = [("JZZX", "晋中智信科技服务有限公司", "consulting", "140702", dt.date(2023, 5, 10)),
              ("JZHX", "晋中恒信融资咨询有限公司", "consulting", "140702", dt.date(2015, 9, 1))]
ESTABLISHED = {"JCKJ": dt.date(2018, 6, 1), "SXZQ": dt.date(1988, 7, 28)}
SELF_ASSESSMENT = {"legal_entity": "依法设立的独立法人，近三年无失信记录。",
                   "capacity": "设专职科技金融服务团队，成员具备金融、财务背景。",
                   "partners": "与晋商银行、山西证券及多家律师、会计师事务所签订合作协议。",
                   "activities": "每季度举办银企对接会和项目路演，联合银行入企服务。",
                   "jcg": "为晋创谷·晋中入驻初创企业提供融资辅导。"}


def _candidates():
    for code, name, kind, division, established in CANDIDATES:
        Institution.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "established_on": established,
            "credit_code": make_uscc(random.Random(f"institution:{code}"), division)})
    for code, established in ESTABLISHED.items():
        Institution.objects.filter(code=code, established_on=None).update(established_on=established)


def _completed_round(board, staff):
    selection, created = SelectionRound.objects.get_or_create(
        board=board, title="2025年晋中市科技金融服务机构遴选", defaults={
            "notice": "根据《科技金融服务机构遴选及考核管理办法（试行）》（市科发〔2025〕2号），"
                      "现开展科技金融服务机构遴选工作。",
            "review_mode": ReviewMode.MEETING_SITE_VISIT, "opens_on": dt.date(2025, 4, 1),
            "closes_on": dt.date(2025, 4, 30), "state": RoundState.APPOINTED,
            "decided_on": dt.date(2025, 5, 20), "decision_note": "党组会研究议定。",
            "publicity_starts_on": dt.date(2025, 5, 26),
            "publicity_ends_on": service_institutions.publicity_end(board, dt.date(2025, 5, 26)).date,
            "appointed_on": dt.date(2025, 6, 10)})
    if not created:
        return
    for code, selected in (("JCKJ", True), ("SXZQ", True), ("JZZX", False), ("JZHX", False)):
        institution = _institution(code)
        rows = rules.eligibility_rows(ServiceApplication(board=board, institution=institution),
                                      selection.closes_on)
        eligible = all(row["met"] for row in rows)
        visit = {"site_visit_on": dt.date(2025, 5, 12),
                 "site_visit_notes": "办公场所、团队与台账齐备。"} if eligible else {}
        application = ServiceApplication.objects.create(
            board=board, round=selection, institution=institution, self_assessment=SELF_ASSESSMENT,
            submitted_by=staff, eligibility=rows, **visit,
            state=(ServiceApplicationState.APPOINTED if selected else
                   ServiceApplicationState.NOT_SELECTED if eligible else ServiceApplicationState.INELIGIBLE))
        if eligible:
            for i, expert in enumerate(("郭振华", "何雪莲", "林文博")):
                ExpertScore.objects.create(board=board, application=application, expert_name=expert,
                                           score=Decimal(88 - 3 * i if selected else 58 + i),
                                           recorded_by=staff)
        if selected:
            Appointment.objects.create(board=board, institution=application.institution,
                                       application=application, appointed_on=selection.appointed_on)


def _year_end_summary(board, appointment, year, staff):
    """The year-end work summary with its evidence (seed 004 第六条3), submitted in December."""
    summary, _ = ProgressReport.objects.get_or_create(board=board, appointment=appointment,
                                                      period=service_institutions.summary_period(year))
    if summary.submitted_at is None:
        text = f"{year} 年度共服务科技型企业 24 家，组织银企对接会 6 场、政策宣讲 6 场，促成融资 4800 万元。"
        page = f"<h1>{year} 年度工作总结印证资料</h1><p>{appointment.institution}</p><p>{text}</p>"
        html = f"<html><body style=\"font-family: 'Noto Sans CJK SC'\">{page}</body></html>"
        evidence = HTML(string=html).write_pdf()
        service_institutions.submit_progress_report(
            summary, summary=text, upload=ContentFile(evidence, name="年度工作总结印证资料.pdf"), actor=staff)


def _next_month(month):
    return (month + dt.timedelta(days=32)).replace(day=1)


def _last_months(today, count):
    """The first days of the ``count`` months before this one, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.insert(0, month)
    return months


def _duties(board, staff, today):
    now = timezone.now()
    year = today.year - 1 if today.month < 12 else today.year
    for i, appointment in enumerate(Appointment.objects.filter(board=board, state=AppointmentState.ACTIVE)
                                    .order_by("institution__code")):
        for month in _last_months(today, 6):
            # Only months that have ended are reported, each by the 5th of the next; figures vary.
            rng = random.Random(f"performance:{appointment.pk}:{month}")
            submitted = dt.datetime.combine(_next_month(month).replace(day=5), dt.time(10),
                                            tzinfo=timezone.get_current_timezone())
            PerformanceForm.objects.get_or_create(
                board=board, appointment=appointment, month=month, defaults={
                    "enterprises_served": max(rng.randint(2, 6) - i, 1),
                    "matchmaking_sessions": rng.randint(0, 2),
                    "policy_sessions": rng.randint(0, 2), "partner_banks": max(5 - 2 * i, 1),
                    "financing_amount": Decimal(max(rng.randrange(300, 1200) - 300 * i, 50)) * WAN,
                    "jcg_startups_served": max(rng.randint(0, 3) - i, 0), "submitted_at": min(submitted, now),
                    "submitted_by": staff})
        if i == 0:
            FeeAttestation.objects.get_or_create(board=board, appointment=appointment, year=year, defaults={
                "statement": board.setting("service_institutions.fee_statement"), "attested_by": staff})
            _year_end_summary(board, appointment, year, staff)
        if not appointment.assessments.filter(year=year).exists():
            service_institutions.propose_assessment(appointment, year=year, actor=staff)
    service_institutions.open_obligations(board)


@demo_seeder(order=55)
def seed_service_institutions(board, stdout):
    if "service_institutions" not in board.setting("modules", []):
        return
    today = timezone.localdate()
    staff = get_user_model().objects.get(username=f"{board.slug}.staff")
    _candidates()
    BlacklistRecord.objects.get_or_create(
        board=board, institution=_institution("JZHX"), source="信用中国",
        defaults={"listed_on": dt.date(2024, 11, 3), "note": "拖欠劳动报酬被列入失信名单"})
    _completed_round(board, staff)
    _duties(board, staff, today)
    SelectionRound.objects.get_or_create(
        board=board, title=f"{today.year}年晋中市科技金融服务机构增补遴选", defaults={
            "notice": "为进一步做好全市科技金融工作，现增补遴选科技金融服务机构，"
                      "请符合条件的单位对照遴选条件自评后申报。",
            "review_mode": ReviewMode.MEETING, "opens_on": today - dt.timedelta(days=7),
            "closes_on": today + dt.timedelta(days=23), "state": RoundState.OPEN})
    stdout.write(f"{board.short_name}：服务机构 {Appointment.objects.filter(board=board).count()} 家")
