"""Demo data of the reviews app: an expert committee and a case of every review type in every
state it can reach, on each demo board that runs the reviews module, all made through the
services (draws, clocks, evidence, filings). The board's demo expert sits on every panel (the
recorded seed is searched for), so logging in as ``<board>.expert`` shows the portal at work.

Idempotent: experts on their user, cases on (enterprise, type); an existing case is left alone.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from weasyprint import HTML

from boards.enterprises.models import Enterprise, FinancingEvent, ServiceRecord
from boards.kernel import demo
from boards.kernel.models import BoardMembership, Deadline, Institution, Role
from reviews import draw, services
from reviews.config import review_type
from reviews.models import CaseMaterial, CaseState, Expert, PanelDraw, PanelSeat, ReviewCase, SeatState

# (user suffix, name, field, source, institution code, title)
COMMITTEE = [
    ("expert01", "张建华", "tech", "kjt_pool", "", "内蒙古大学 教授"),
    ("expert02", "李文斌", "tech", "kjt_pool", "", "内蒙古工业大学 研究员"),
    ("expert03", "王海燕", "tech", "kjt_pool", "", "包头稀土研究院 高级工程师"),
    ("expert04", "赵志刚", "tech", "kjt_pool", "", "内蒙古农业大学 教授"),
    ("expert05", "刘晓梅", "finance", "member", "IMB", "内蒙古银行 公司业务部总经理"),
    ("expert06", "陈立新", "finance", "member", "NMKCFUND", "内蒙古科创投资基金 投资总监"),
    ("expert07", "杨帆", "finance", "member", "NMZDB", "内蒙古再担保 风控总监"),
    ("expert08", "周宏伟", "investment_banking", "securities", "HTZQ", "恒泰证券 投行部董事总经理"),
    ("expert09", "吴婷", "investment_banking", "securities", "HTZQ", "恒泰证券 保荐代表人"),
    ("expert10", "郑国强", "government", "kjt_pool", "", "自治区科技厅 处长"),
    ("expert11", "孙丽", "listing", "securities", "HTZQ", "恒泰证券 上市服务部 保荐代表人"),
    ("expert12", "马骏", "listing", "member", "NMCPA", "内蒙古正信会计师事务所 合伙人"),
]
DEMO_EXPERT = ("expert", "高振宇", "tech", "kjt_pool", "", "内蒙古科技大学 教授")

REMOTE_STATES = [CaseState.CREATED, CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.DECIDED,
                 CaseState.FEEDBACK_SENT, CaseState.ARCHIVED]
MEETING_STATES = [CaseState.CREATED, CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT,
                  CaseState.MEETING_SCHEDULED, CaseState.MEETING_HELD, CaseState.DECIDED,
                  CaseState.FEEDBACK_SENT, CaseState.FILED, CaseState.ARCHIVED]
VOTES = {True: ["pass", "pass", "pass", "pass", "fail"], False: ["pass", "pass", "fail", "fail", "abstain"]}


def _pdf(title, lines):
    body = "".join(f"<p>{line}</p>" for line in lines)
    return HTML(string=f'<html><body style="font-family: \'Noto Sans CJK SC\'"><h1>{title}</h1>{body}'
                       "</body></html>").write_pdf()


def _committee(board):
    users = get_user_model().objects
    password = make_password(demo.DEMO_PASSWORD)
    experts = []
    for suffix, name, field, source, code, title in [DEMO_EXPERT, *COMMITTEE]:
        username = f"{board.slug}.{suffix}"
        user = users.filter(username=username).first() or users.create(
            username=username, first_name=name, email=f"{username}@{demo.EMAIL_DOMAIN}", password=password)
        institution = Institution.objects.filter(code=code).first() if code else None
        BoardMembership.objects.update_or_create(user=user, board=board, role=Role.EXPERT,
                                                 defaults={"institution": institution, "is_active": True})
        expert, _ = Expert.objects.update_or_create(board=board, user=user, defaults={
            "name": name, "field": field, "source": source, "institution": institution, "title": title})
        experts.append(expert)
    return experts


def _enterprises(board, count):
    rows = []
    for data in demo.demo_enterprises(board.slug)[-count:]:
        enterprise, _ = Enterprise.objects.get_or_create(
            board=board, credit_code=data["credit_code"],
            defaults={"name": data["name"], "prefecture": data["prefecture"], "industry": data["industry"],
                      "status": "admitted"})
        rows.append(enterprise)
    return rows


def _seed_with(case, expert):
    """A seed whose draw seats ``expert`` (the demo login), found by replaying the draw."""
    pool = draw.build_pool(case)
    for seed in range(1000):
        if expert.pk in draw.pick(seed, pool.candidates, case.panel_size, case.rules["field_mix"]):
            return seed
    return None


def _backdate(case, days):
    """Move the case so far (opened, material added, panel drawn, material sent, receipts) back
    ``days``, as if it had started then: the demo needs meetings that already took place, after
    everything before them (the rule on the meeting's date is checked as usual)."""
    shift = dt.timedelta(days=days)
    seats = PanelSeat.objects.filter(case=case)
    clocks = [pk for pair in seats.values_list("receipt_deadline", "review_deadline") for pk in pair if pk]
    seats.update(sent_at=F("sent_at") - shift, received_at=F("received_at") - shift)
    Deadline.objects.filter(pk__in=clocks).update(starts_at=F("starts_at") - shift,
                                                  due_at=F("due_at") - shift)
    PanelDraw.objects.filter(case=case).update(drawn_at=F("drawn_at") - shift)
    CaseMaterial.objects.filter(case=case).update(added_at=F("added_at") - shift)
    ReviewCase.objects.filter(pk=case.pk).update(material_sent_at=F("material_sent_at") - shift,
                                                 created_at=F("created_at") - shift)


def _opinion_data(case, vote):
    data = {"vote": vote}
    for spec in case.rules["form"]["fields"]:
        if spec["type"] == "score":
            data[spec["key"]] = spec["max"] * (9 if vote == "pass" else 4) // 10
        elif spec["type"] == "choice":
            data[spec["key"]] = spec["options"][0]
        else:
            data[spec["key"]] = ("材料完整，技术路线清晰。" if vote == "pass"
                                 else "核心指标论证不足，建议补充后再评。")
    return data


class CaseSeeder:
    def __init__(self, board, staff, demo_expert, files):
        self.board, self.staff, self.demo_expert, self.files = board, staff, demo_expert, files

    def seats(self, case):
        seats = list(case.seats.filter(state__in=[SeatState.SENT, SeatState.RECEIVED, SeatState.SUBMITTED])
                     .select_related("expert__user", "review_deadline").order_by("pk"))
        # The demo expert's seat last: it is left for the demo login to act on where possible.
        return sorted(seats, key=lambda seat: seat.expert_id == self.demo_expert.pk)

    def run(self, case, target):
        states = MEETING_STATES if case.is_meeting else REMOTE_STATES
        steps = states[1:states.index(target) + 1]
        passed = case.pk % 2 == 1
        for state in steps:
            getattr(self, f"to_{state}")(case, target, passed)
            case = ReviewCase.objects.get(pk=case.pk)

    def to_panel_drawn(self, case, target, passed):
        services.add_material(case, title="企业申报材料", uploaded_file=ContentFile(
            self.files["material"], name="企业申报材料.pdf"), actor=self.staff)
        services.draw_panel(case, actor=self.staff, seed=_seed_with(case, self.demo_expert))

    def to_material_sent(self, case, target, passed):
        services.send_material(case, actor=self.staff)
        seats = self.seats(case)
        if target == CaseState.MATERIAL_SENT:
            # The clock in every phase: one declined (replaced), one silent, one waiting for a
            # supplement, one with an opinion in (remote), the demo expert free to act.
            # The one who declines is replaceable: not the holder of a field the mix asks for.
            seats.sort(key=lambda seat: seat.expert.field in case.rules["field_mix"])
            services.decline_seat(seats[0], reason="近期出国，无法按时评审", actor=seats[0].expert.user)
            for seat in seats[2:]:
                services.confirm_receipt(seat, actor=seat.expert.user)
            services.request_supplement(seats[2], text="请补充近三年审计报告及研发费用明细",
                                        actor=seats[2].expert.user)
            if not case.is_meeting:
                self.submit(case, seats[3], "pass")
            return
        for seat in seats:
            services.confirm_receipt(seat, actor=seat.expert.user)
        if case.is_meeting:
            _backdate(case, 5)
        else:
            for seat, vote in zip(self.seats(case), VOTES[passed], strict=True):
                self.submit(case, seat, vote)

    def submit(self, case, seat, vote, challenge=None):
        data = _opinion_data(case, vote)
        if challenge:
            data.update(challenge_institution=challenge.pk,
                        challenge_text="审计报告对收入确认的核查程序缺失，专业胜任能力存疑。")
        services.submit_opinion(seat, data=data, actor=seat.expert.user,
                                signed_form=ContentFile(self.files["signed"], name="签字评审表.pdf"))

    def to_meeting_scheduled(self, case, target, passed):
        at = timezone.now() + (dt.timedelta(days=3) if target == CaseState.MEETING_SCHEDULED
                               else -dt.timedelta(days=1))
        services.schedule_meeting(case, at=at.replace(minute=0, second=0, microsecond=0),
                                  place="呼和浩特市 股权交易中心三楼会议室", actor=self.staff)

    def to_meeting_held(self, case, target, passed):
        seats = self.seats(case)
        observers = (["自治区科技厅 高新技术处 观察员", "自治区金融办 资本市场处 观察员"]
                     if case.rules["observers"] else [])
        services.hold_meeting(case, attended=[seat.pk for seat in seats], observers=observers,
                              answers="企业董事长介绍了核心技术与产能规划，就客户集中度和研发投入回答了专家提问。",
                              actor=self.staff)
        if target == CaseState.MEETING_HELD:
            return  # opinions still being written
        service = ServiceRecord.objects.filter(enterprise=case.enterprise).exclude(institution=None).first()
        for index, (seat, vote) in enumerate(zip(seats, VOTES[passed], strict=True)):
            self.submit(case, seat, vote, challenge=service.institution if service and index == 4 else None)

    def to_decided(self, case, target, passed):
        if case.is_meeting:
            services.decide_case(case, actor=self.staff)

    def to_feedback_sent(self, case, target, passed):
        verdict = "通过" if case.passed else "暂未通过"
        services.send_feedback(case, actor=self.staff, text=(
            f"贵企业的{case.rules['name']}经专家委员会评审，结论为{verdict}。\n"
            "专家建议：进一步规范财务核算，加大研发投入，完善知识产权布局。"))

    def to_filed(self, case, target, passed):
        services.file_case(case, actor=self.staff)

    def to_archived(self, case, target, passed):
        services.archive_case(case, actor=self.staff)


@demo.demo_seeder(order=50)
def seed_reviews(board, stdout):
    if "reviews" not in board.setting("modules", []):
        return
    staff = get_user_model().objects.get(username=f"{board.slug}.staff")
    experts = _committee(board)
    plan = [(kind, state) for kind in ("innovation", "premium", "listing_reserve")
            for state in (MEETING_STATES if review_type(board, kind)["mode"] == "meeting" else REMOTE_STATES)]
    enterprises = _enterprises(board, len(plan))
    fund = Institution.objects.filter(code="NMKCFUND").first()
    auditor = Institution.objects.filter(code="NMCPA").first()
    files = {"material": _pdf("企业申报材料（演示）",
                              ["一、企业基本情况", "二、核心技术与知识产权", "三、近三年财务数据"]),
             "signed": _pdf("专家评审表签字页（演示）", ["专家签名：（已签字）"])}
    seeder, created = CaseSeeder(board, staff, experts[0], files), 0
    for (kind, state), enterprise in zip(plan, enterprises, strict=True):
        if ReviewCase.objects.filter(enterprise=enterprise, kind=kind).exists():
            continue
        opener = None
        if kind == "premium" and fund and state in (CaseState.CREATED, CaseState.FILED):
            FinancingEvent.objects.get_or_create(
                board=board, enterprise=enterprise, investor=fund, kind="equity",
                defaults={"amount": "5000000.00", "investor_name": fund.name, "financing_round": "A",
                          "occurred_on": dt.date(2025, 6, 18)})
            opener = fund
        if kind == "listing_reserve" and auditor:
            ServiceRecord.objects.get_or_create(
                board=board, enterprise=enterprise, institution=auditor, kind="service",
                defaults={"occurred_on": dt.date(2025, 4, 10), "staff": staff, "summary": "出具年度审计报告"})
        case = services.open_case(board, kind=kind, enterprise=enterprise, actor=staff,
                                  opened_by_institution=opener, reason="演示数据")
        seeder.run(case, state)
        created += 1
    name = board.short_name or board.name_zh
    stdout.write(f"{name}：评审专家 {len(experts)} 位，新建评审案件 {created} 件")
